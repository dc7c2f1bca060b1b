"""Measured figures of the DRUM, ILM and error-compensated Mitch-w multipliers against issue 16's targets.

Targets (num_cells on the generic flow, synth/generic.ys via `hwgen synth --json`; MRE exhaustive at 8 bits):
  * 8-bit unsigned: a design at <= 1% MRE in <= 240 cells, and one at <= 2% MRE in <= 195 cells;
  * 16-bit unsigned: a design at <= 2% MRE in <= 0.25 x the exact multiplier's (`mul`) cells.
At 16 bits the MRE comes from `hwgen error` with 10^6 uniform samples (seed 1): 2^32 pairs per design would
take too long for a sweep (bench/multiplier_exhaustive16.py runs the default design over all of them).

For each target, prints every candidate within the MRE bound, cheapest first, and whether the cheapest meets
the cell bound. Synthesis results are cached by hwgen (a rerun takes seconds).

Usage: PYTHONPATH=. .venv/bin/python bench/multiplier_targets.py [--width 8|16|both]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.emit import elaborate
from hwgen.metrics import characterise
from hwgen.registry import get_unit
from hwgen.synth import synthesize, unit_design

SEED = 1
SAMPLES_16 = 1_000_000


def candidates(width: int) -> list[tuple[str, dict]]:
    """The designs tried for a width (a smaller set at 16 bits, where each synthesis takes longer)."""
    if width <= 8:
        out = [("drum", {"k": k}) for k in range(3, width + 1)]
        out += [("ilm", {"iterations": n, "w": w}) for n in (1, 2, 3) for w in (0, 6)]
        for w in range(5, 9):
            for q in (1, 2, 3):
                out.append(("mitchw_ec", {"w": w, "q": q, "correction": "constant"}))
                out += [("mitchw_ec", {"w": w, "q": q, "m": m}) for m in (2, 4, 8)]
        out += [("mitchw", {"w": w, "unbiased": u}) for w in range(4, 9) for u in (False, True)]
    else:
        out = [("drum", {"k": k}) for k in range(4, 8)]
        out += [("ilm", {"iterations": n}) for n in (1, 2)]
        for w in (6, 7, 8):
            out.append(("mitchw_ec", {"w": w, "q": 2, "correction": "constant"}))
            out += [("mitchw_ec", {"w": w, "q": 2, "m": m}) for m in (2, 4, 8)]
        out += [("mitchw", {"w": w, "unbiased": True}) for w in (6, 8)]
    return [(u, {"width": width, **p}) for u, p in out]


def cells(unit_name: str, params: dict) -> int:
    unit = get_unit(unit_name)
    return int(synthesize(unit_design(elaborate(unit, unit.resolve(params))), "generic").data["num_cells"])


def mre(unit_name: str, params: dict) -> float:
    unit = get_unit(unit_name)
    samples = None if params["width"] <= 12 else SAMPLES_16
    return characterise(unit, params, samples=samples, seed=SEED).mre


def label(unit_name: str, params: dict) -> str:
    rest = ", ".join(f"{k}={v}" for k, v in params.items() if k != "width")
    return f"{unit_name}({rest})"


def evaluate(width: int) -> list[tuple[float, int, str]]:
    """(MRE, num_cells, label) of every candidate at ``width``."""
    return [(mre(u, p), cells(u, p), label(u, p)) for u, p in candidates(width)]


def targets(width: int) -> list[tuple[float, int]]:
    """(MRE bound, cell budget) pairs of issue 16 at ``width``."""
    if width == 8:
        return [(0.01, 240), (0.02, 195)]
    return [(0.02, cells("mul", {"width": width}) // 4)]


def report(width: int, rows: list[tuple[float, int, str]] | None = None, out=print) -> bool:
    rows = evaluate(width) if rows is None else rows
    ok = True
    for bound, budget in targets(width):
        fit = sorted((c, m, n) for m, c, n in rows if m <= bound)
        out(f"\n{width}-bit unsigned target: MRE <= {bound:.0%} in <= {budget} cells\n")
        out("| design (cheapest first) | MRE | num_cells | within budget |\n|---|---|---|---|")
        for c, m, n in fit[:6]:
            out(f"| {n} | {m * 100:.3f}% | {c} | {'yes' if c <= budget else 'no'} |")
        met = bool(fit) and fit[0][0] <= budget
        best = f"{fit[0][2]}, {fit[0][0]} cells" if fit else "no candidate reaches the MRE bound"
        out(f"\n=> {'MET' if met else 'NOT MET'} (cheapest: {best}; budget {budget}"
            f"{'' if met or not fit else f', over by {fit[0][0] - budget} cells'})")
        ok &= met
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", choices=("8", "16", "both"), default="both")
    args = ap.parse_args()
    if args.width in ("8", "both"):
        report(8)
    if args.width in ("16", "both"):
        print(f"\nexact 16-bit multiplier (`mul`): {cells('mul', {'width': 16})} cells")
        report(16)
    return 0


if __name__ == "__main__":
    sys.exit(main())
