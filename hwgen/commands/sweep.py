"""`hwgen sweep SPEC.toml`: a grid of units and parameters, evaluated in parallel and cached."""

import sys
from pathlib import Path

from hwgen.commands.checks import check_jobs, check_writable_dir
from hwgen.evaluation import Workers
from hwgen.params import ParamError
from hwgen.sweep import load_spec, run_sweep
from hwgen.sweep.spec import DEFAULT_MAX_POINTS

NAME = "sweep"
HELP = "evaluate a grid of unit configurations (generate, verify, synth, energy, error) in parallel"


def add_arguments(p):
    p.add_argument("spec", help="sweep specification (TOML; see docs/synthesis.md)")
    p.add_argument("--out", default=None, help="output folder (default out/sweep/<spec name>)")
    p.add_argument("--jobs", type=int, default=None, help="local parallel processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask distributed scheduler address (tcp://HOST:PORT) instead of local processes")
    p.add_argument("--no-cache", action="store_true", help="redo every configuration")
    p.add_argument("--max-points", type=int, default=DEFAULT_MAX_POINTS, metavar="N",
                   help=f"refuse a grid of more than N points, counted before expanding (default {DEFAULT_MAX_POINTS:,})")


def run(args):
    check_jobs(args.jobs)
    if args.max_points < 1:
        raise ParamError(f"--max-points must be at least 1, not {args.max_points}")
    spec = load_spec(args.spec, args.max_points)
    out = args.out or Path("out") / "sweep" / spec.name
    check_writable_dir(out, "--out")
    res = run_sweep(spec, out=out, workers=Workers(args.jobs, args.scheduler), use_cache=not args.no_cache,
                    command="hwgen sweep " + " ".join(sys.argv[2:]), folders=args.settings)
    rows = res["rows"]
    print(f"{len(rows)} configurations: {len(rows) - res['failed']} ok ({res['cached']} from cache), "
          f"{res['failed']} failed")
    for r in rows:
        if r["status"] != "ok":
            print(f"  failed #{r['index']} {r['unit']} {r['params']}: {r['reason']}")
    for f in res["files"]:
        print(f)
    return 1 if res["failed"] else 0
