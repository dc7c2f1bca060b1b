"""Every ArithsGen baseline at 8 and 16 bits (hwgen/baselines/arithsgen.py): generated, simulated against the
circuit's own evaluation, error metrics against a*b, generic cells. Prints a Markdown table.

Usage: PYTHONPATH=. .venv/bin/python bench/arithsgen_baselines.py [--widths 8,16]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.baselines.arithsgen import baseline_rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", default="8,16")
    args = ap.parse_args()
    widths = tuple(int(w) for w in args.widths.split(","))
    rows = baseline_rows(widths, out_dir=REPO / "build" / "baselines" / "arithsgen")
    print("| design | width | parameters | vectors | mismatches | MRE | bias | WCRE | num_cells |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        p = ", ".join(f"{k}={v}" for k, v in r.params.items() if k not in ("width", "class"))
        m = r.metrics
        print(f"| {r.name} | {r.params['width']} | {r.params['class']}{' ' + p if p else ''} | {r.vectors} | "
              f"{r.mismatches} | {m['mre'] * 100:.3f}% | {m['bias'] * 100:+.3f}% | {m['wcre'] * 100:.2f}% | "
              f"{r.num_cells} |")
    return 1 if any(r.mismatches for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
