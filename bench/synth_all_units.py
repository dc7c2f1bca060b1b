"""Run `hwgen synth --json` for every registered unit (default parameters) on every target.

Usage: .venv/bin/python bench/synth_all_units.py [--jobs N] [--out FILE.md]
Prints one line per (unit, target) with the key figures and the wall time; exits 1 if any run failed.
Cold runs of the largest tiles take minutes (ABC9 on 20k-gate designs); results are cached.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from hwgen.evaluation import run_tasks
from hwgen.registry import all_units
from hwgen.synth import TARGETS

REPO = Path(__file__).resolve().parent.parent


def _one(item):
    unit, target = item
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "hwgen", "synth", unit, "--target", target, "--json"],
                       capture_output=True, text=True, cwd=REPO)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}")
    d = json.loads(r.stdout)
    d["seconds"] = round(time.perf_counter() - t0, 1)
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--out", default="out/synth_all_units.md")
    args = ap.parse_args()
    items = [(u.name, t) for u in all_units() for t in TARGETS]
    results = run_tasks(_one, items, jobs=args.jobs, desc="synth")
    lines = ["| unit | target | module | GE | transistors | depth | FFs | LUTs | energy | s |", "|---" * 10 + "|"]
    failed = 0
    for (unit, target), (ok, d) in zip(items, results):
        if not ok:
            failed += 1
            lines.append(f"| {unit} | {target} | FAILED: {d} | | | | | | | |")
            continue
        lines.append(f"| {unit} | {target} | {d['module']} | {d.get('area_ge', '')} | {d.get('transistors', '')} | "
                     f"{d['depth']} | {d['dff']} | {d.get('lut', '')} | {d.get('energy_proxy', '')} | {d['seconds']} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
