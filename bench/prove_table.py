"""Formal equivalence results (`hwgen prove`) for every unit with a behavioural reference.

For each unit: its quick configurations (the ``quick`` configurations of the unit's declared ``reference``) and the
production-size configurations listed below, each proved with the given time limit. Prints a Markdown
table (docs/verification.md shows its output).

Usage: .venv/bin/python bench/prove_table.py [--timeout 600] [--quick-only] [--out build/bench]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.prove import prove  # noqa: E402
from hwgen.prove.reference import quick_configs, reference_units  # noqa: E402
from hwgen.registry import get_unit  # noqa: E402

#: Production-size configurations, beyond the quick ones.
PRODUCTION = {
    "mul": [{"width": 8}, {"width": 8, "signed": True}],
    "mac": [{"width": 8, "signed": True}],
    "mitchw": [{"width": 16}, {"width": 16, "signedness": "sign_magnitude", "unbiased": True},
               {"width": 32, "w": 8}],
    "requant": [{"in_width": 32, "out_width": 8, "bias_width": 32, "relu": True, "rounding": "half_even",
                 "shift": 12}],
    "requant_mul": [{"in_width": 32, "out_width": 8, "mult_bits": 16, "multiplier": 46341, "bias_width": 32}],
    "shift_mul": [{"width": 16, "signed": True, "code_bits": 5}],
    "wino_input": [{}, {"tile": 4}],
    "wino_output": [{}, {"matrices": "balanced"}, {"tile": 4}],
    "wino_adder": [{}, {"matrices": "balanced"}],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--quick-only", action="store_true")
    ap.add_argument("--out", default=str(REPO / "build" / "bench"))
    args = ap.parse_args()
    print(f"`hwgen prove` on every unit with a reference, time limit {args.timeout:g} s "
          f"(`.venv/bin/python bench/prove_table.py --timeout {args.timeout:g}"
          f"{' --quick-only' if args.quick_only else ''}`)\n")
    print("| design | method | status | seconds |")
    print("|---|---|---|---:|")
    for name in reference_units():
        unit = get_unit(name)
        configs = list(quick_configs(name)) + ([] if args.quick_only else PRODUCTION.get(name, []))
        seen = []
        for cfg in configs:
            params = unit.resolve(cfg)
            if params in seen:
                continue
            seen.append(params)
            r = prove(unit, cfg, timeout=args.timeout, work_root=args.out)
            method = "SAT induction" if r.method.startswith("temporal") else "ABC iprove + SAT"
            print(f"| {r.module} | {method} | {r.status} | {r.seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
