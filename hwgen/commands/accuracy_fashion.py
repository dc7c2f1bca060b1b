"""`hwgen accuracy --dataset fashion-mnist`: the Fashion-MNIST run of the accuracy study (the variant
selection and the run sizes; the digits study stays in :mod:`.accuracy`)."""

from __future__ import annotations

import sys
import time

from hwgen.commands.common import print_json
from hwgen.params import ParamError

__all__ = ["run_fashion_command"]


def _mode(args) -> str:
    if args.quick and args.full:
        raise ParamError("--quick and --full: choose one run size")
    return "quick" if args.quick else "full" if args.full else "default"


def run_fashion_command(args, select) -> int:
    """``select(patterns, quick)`` is the digits command's pattern matcher (same catalogue)."""
    from hwgen.accuracy.fashion_data import DataMissing, load_fashion
    from hwgen.accuracy.fashion_report import markdown
    from hwgen.accuracy.fashion_study import key_set, run_fashion
    from hwgen.accuracy.variants import catalogue

    mode = _mode(args)
    if args.variants:
        variants = select(args.variants, False)
    elif mode == "full":
        variants = catalogue()
    else:
        variants = key_set()
    if args.list:
        for v in variants:
            print(f"{v.name:<32} {v.doc}")
        return 0
    if args.jobs is not None and args.jobs < 1:
        raise ParamError(f"--jobs must be a positive integer, not {args.jobs}")
    try:
        load_fashion(args.data_dir)
    except DataMissing as e:
        print(f"hwgen: error: {e}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    recs = run_fashion([v.name for v in variants], mode, args.jobs, not args.no_bn_study, args.data_dir)
    elapsed = time.perf_counter() - t0
    if args.plot:
        from hwgen.accuracy.costs import energy_for
        from hwgen.accuracy.plot import plot
        energy = energy_for(variants, jobs=args.jobs or 2, log=lambda s: print(s, file=sys.stderr))
        for r in recs:
            if r["variant"] in energy:
                r["energy"] = energy[r["variant"]]
        n = plot(recs, energy, args.plot, title="Fashion-MNIST: bit-exact accuracy vs energy proxy of each MAC type",
                 ylabel="top-1 accuracy on the Fashion-MNIST test set (%)", floor=70)
        print(f"wrote {args.plot} ({n} MAC types)", file=sys.stderr)
    if args.json:
        print_json(recs)
        return 0
    sys.stdout.write(markdown(recs))
    ok = sum(r.get("status") == "ok" for r in recs)
    print(f"\n{ok} variants in {elapsed:.1f} s ({mode} run)")
    return 0
