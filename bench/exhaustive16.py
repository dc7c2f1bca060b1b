"""Exhaustive verification of 16-bit two-operand units: all 2^32 input pairs on the native path.

Each run is ``hwgen verify UNIT -p ... --vectors exhaustive``: the Verilator harness enumerates the
input space, worker processes (one per core) compute the golden model chunk by chunk and compare.
Prints the time, vectors/s and mismatches of each run as a Markdown table (docs/verification.md shows
its output). Units that are not registered are skipped with a note. Takes minutes per unit: run it on
an otherwise idle machine.

Usage: .venv/bin/python bench/exhaustive16.py [SPEC ...] [--out build/bench]
       SPEC is UNIT or UNIT:NAME=VALUE,NAME=VALUE (default: the specs below)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.params import ParamError  # noqa: E402
from hwgen.registry import get_unit  # noqa: E402
from hwgen.verify import verify  # noqa: E402

DEFAULT = ["mul:width=16", "mul:width=16,signed=true", "mitchw:width=16", "bf16_mul"]


def parse(spec: str) -> tuple[str, dict]:
    name, _, rest = spec.partition(":")
    params = dict(kv.split("=", 1) for kv in rest.split(",") if kv)
    return name, params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("specs", nargs="*", default=DEFAULT)
    ap.add_argument("--out", default=str(REPO / "build" / "bench"), help="build folder")
    args = ap.parse_args()
    rows, notes = [], []
    for spec in args.specs:
        name, given = parse(spec)
        try:
            unit = get_unit(name)
        except ParamError:
            notes.append(f"{name}: not registered here, skipped")
            continue
        t0 = time.perf_counter()
        r = verify(unit, given, vectors="exhaustive", seed=0, build_root=args.out, progress=True)
        wall = time.perf_counter() - t0
        rows.append((r, wall))
        print(f"{r.module}: {r.vectors:,} vectors, {r.mismatches} mismatches, {wall:.0f} s "
              f"({r.vectors_per_s / 1e6:.1f} M vectors/s){'' if r.ok else ' FAIL ' + str(r.examples[:3])}",
              file=sys.stderr, flush=True)
    print(f"All input pairs, native path, {os.cpu_count()} cores "
          f"(`.venv/bin/python bench/exhaustive16.py {' '.join(args.specs)}`)\n")
    print("| design | vectors | mismatches | wall time (s) | check time (s) | vectors/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r, wall in rows:
        print(f"| {r.module} | {r.vectors:,} | {r.mismatches} | {wall:.0f} | {r.seconds:.0f} | "
              f"{r.vectors_per_s:,.0f} |")
    for note in notes:
        print(f"\n{note}")
    if any(not r.ok for r, _ in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
