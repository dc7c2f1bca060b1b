"""Vectors per second of every verification path, on the exact 8x8 multiplier (and 12x12 exhaustively).

Prints a Markdown table (docs/verification.md shows its output). Columns:

- *check rate*: ``VerifyResult.vectors_per_s``, simulation plus numpy comparison (no build, no stimulus);
- *end to end*: the whole ``verify()`` call minus the simulator build: stimulus generation, simulation,
  comparison;
- the last row is the native harness's own loop (``hwgen_native bench N``): simulation only, nothing
  compared, for reference.

The machine has 2 cores; other jobs running at the same time lower every figure.

Usage: .venv/bin/python bench/verify_speed.py [--quick] [--out build/bench]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.registry import get_unit  # noqa: E402
from hwgen.verify import verify  # noqa: E402

MUL = get_unit("mul")


def run(label: str, path: str, params: dict, vectors, out: Path) -> dict:
    verify(MUL, params, vectors=1000, path=path, seed=1, build_root=out)  # build outside the timing
    t0 = time.perf_counter()
    r = verify(MUL, params, vectors=vectors, path=path, seed=1, build_root=out)
    wall = time.perf_counter() - t0 - r.build_seconds
    if not r.ok:
        raise SystemExit(f"{label}: {r.mismatches} mismatches: {r.examples[:2]}")
    return {"path": label, "design": r.module, "vectors": r.vectors, "check": r.vectors_per_s,
            "e2e": r.vectors / wall}


def harness_loop(out: Path, n: int) -> dict:
    exe = out / "verilator" / "native" / "mul_w8_s0_p0" / "obj" / "hwgen_native"
    err = subprocess.run([str(exe), "bench", str(n)], capture_output=True, text=True, check=True).stderr
    rate = float(re.search(r"([0-9.]+) vectors/s", err).group(1))
    return {"path": "native harness loop only (no comparison)", "design": "mul_w8_s0_p0", "vectors": n,
            "check": rate, "e2e": None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer vectors per path (a rough table in ~20 s)")
    ap.add_argument("--out", default=str(REPO / "build" / "bench"), help="build folder")
    args = ap.parse_args()
    out = Path(args.out)
    k = 10 if args.quick else 1
    rows = [
        run("vector (cocotb drives each vector)", "vector", {"width": 8}, 20_000 // k, out),
        run("bulk (cocotb, HDL wrapper replays a vector memory)", "bulk", {"width": 8}, 2_000_000 // k, out),
        run("native, random vectors (stream mode)", "native", {"width": 8}, 20_000_000 // k, out),
        run("native, exhaustive 2^24 (count mode)", "native", {"width": 12}, "exhaustive", out),
        harness_loop(out, 100_000_000 // k),
    ]
    print(f"Exact multiplier, {os.cpu_count()} cores, "
          f"{'quick run' if args.quick else 'full run'} (`.venv/bin/python bench/verify_speed.py`)\n")
    print("| path | design | vectors | check rate (vectors/s) | end to end (vectors/s) |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        e2e = f"{r['e2e']:,.0f}" if r["e2e"] else "n/a"
        print(f"| {r['path']} | {r['design']} | {r['vectors']:,} | {r['check']:,.0f} | {e2e} |")


if __name__ == "__main__":
    main()
