"""`hwgen accuracy`: bit-exact accuracy of a small CNN / AdderNet on the digits data set, with every
multiply-accumulate of its convolution and fully connected layers computed by a unit's golden model."""

from __future__ import annotations

import fnmatch
import sys
import time
from pathlib import Path

from ..params import ParamError
from .checks import check_jobs
from .common import print_json

NAME = "accuracy"
HELP = "network-level accuracy of each MAC type (bit-exact golden models) on the digits data set"


def add_arguments(p):
    p.add_argument("--variants", nargs="+", metavar="NAME",
                   help="variants to run (names or shell patterns, e.g. 'mitchw*_8_sm'); default: all")
    p.add_argument("--quick", action="store_true",
                   help="a short version: a subset of the variants on every third test image")
    p.add_argument("--json", action="store_true", help="machine-readable records")
    p.add_argument("--plot", metavar="FILE", type=Path,
                   help="also write the accuracy vs energy-proxy plot (synthesizes the MAC units: slow once, cached)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: 2 or the cores)")
    p.add_argument("--no-bn-study", action="store_true",
                   help="skip the batch-norm recomputation and per-layer scale analysis")
    p.add_argument("--list", action="store_true", help="list the variants and whether their units exist")


def _select(patterns, quick: bool):
    from ..accuracy.variants import QUICK, catalogue
    cat = catalogue()
    if not patterns:
        return [v for v in cat if not quick or v.name in QUICK]
    chosen = []
    for pat in patterns:
        hits = [v for v in cat if fnmatch.fnmatchcase(v.name, pat)]
        if not hits:
            raise ParamError(f"--variants: no variant matches {pat!r}; see `hwgen accuracy --list`")
        chosen += [v for v in hits if v not in chosen]
    return [v for v in cat if v in chosen]


def run(args):
    from ..accuracy.report import markdown
    from ..accuracy.study import missing_units, run_study

    variants = _select(args.variants, args.quick)
    if args.list:
        for v in variants:
            miss = missing_units(v)
            state = "ok" if not miss else "pending: needs " + ", ".join(miss)
            print(f"{v.name:<32} {state:<28} {v.doc}")
        return 0
    check_jobs(args.jobs)
    if args.plot:
        from .checks import check_writable_dir
        if args.plot.is_dir():
            raise ParamError(f"--plot {str(args.plot)[:80]!r} is a folder; name a .png file")
        check_writable_dir(args.plot.parent, "--plot folder")
    t0 = time.perf_counter()
    recs = run_study([v.name for v in variants], quick=args.quick, jobs=args.jobs,
                     bn_study=not args.no_bn_study)
    elapsed = time.perf_counter() - t0
    if args.plot:
        from ..accuracy.costs import energy_for
        from ..accuracy.plot import plot
        energy = energy_for(variants, jobs=args.jobs or 2, log=lambda s: print(s, file=sys.stderr))
        for r in recs:
            if r["variant"] in energy:
                r["energy"] = energy[r["variant"]]
        n = plot(recs, energy, args.plot)
        print(f"wrote {args.plot} ({n} MAC types)", file=sys.stderr)
    if args.json:
        print_json(recs)
        return 0
    sys.stdout.write(markdown(recs))
    ok = sum(r.get("status") == "ok" for r in recs)
    print(f"\n{ok} variants in {elapsed:.1f} s")
    return 0
