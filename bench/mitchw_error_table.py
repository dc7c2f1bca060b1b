"""Error metrics of Mitch-w for w = 2..8 at widths 8 and 16, straight from `hwgen error`.

Every row is one run of ``hwgen error mitchw -p width=N -p w=W [...] --json``: exhaustive over all
operand pairs at 8 bits, 10^6 uniform samples with seed 1 at 16 bits. Relative figures (MRE, bias, WCRE)
are over nonzero exact products only (units.md §5). Prints Markdown tables.

Usage: .venv/bin/python bench/mitchw_error_table.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HWGEN = REPO / ".venv" / "bin" / "hwgen"
SEED = 1


def error(params: dict) -> dict:
    cmd = [str(HWGEN), "error", "mitchw", "--json", "--seed", str(SEED)]
    for k, v in params.items():
        cmd += ["-p", f"{k}={v}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def row(label: str, r: dict) -> str:
    return (f"| {label} | {r['mae']:.4g} | {r['wce']:.4g} | {r['ep']:.4f} | {r['mre'] * 100:.2f}% | "
            f"{r['bias'] * 100:+.2f}% | {r['wcre'] * 100:.2f}% |")


HEADER = ("| w | MAE | WCE | EP | MRE | bias | WCRE |\n"
          "|---|---|---|---|---|---|---|")


def main() -> int:
    for width in (8, 16):
        first = error({"width": width, "w": 2})
        how = ("exhaustive, all 65,536 operand pairs" if first["exhaustive"]
               else f"{first['vectors']:,} {first['distribution']} samples, seed {SEED}")
        print(f"**{width}-bit unsigned** ({how}; `hwgen error mitchw -p width={width} -p w=W`)\n")
        print(HEADER)
        print(row("2", first))
        for w in range(3, 9):
            print(row(str(w) + (" (Mitchell)" if w == width else ""), error({"width": width, "w": w})))
        print()
    print("**8-bit, w = 6, signed modes and `unbiased`** (exhaustive; "
          "`hwgen error mitchw -p width=8 -p w=6 -p signedness=S -p unbiased=U`)\n")
    print(HEADER.replace("| w |", "| signedness, unbiased |"))
    for s in ("unsigned", "ones_complement", "sign_magnitude"):
        for u in (False, True):
            r = error({"width": 8, "w": 6, "signedness": s, "unbiased": str(u).lower()})
            print(row(f"{s}, {'yes' if u else 'no'}", r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
