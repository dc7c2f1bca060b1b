"""`hwgen accuracy`: bit-exact accuracy of a small CNN / AdderNet on the digits data set, with every
multiply-accumulate of its convolution and fully connected layers computed by a unit's golden model."""

from __future__ import annotations

import fnmatch
import sys
import time
from pathlib import Path

from hwgen.accuracy.costs import energy_for
from hwgen.accuracy.plot import plot
from hwgen.accuracy.report import markdown
from hwgen.accuracy.study import missing_units, run_study
from hwgen.accuracy.variants import QUICK, catalogue
from hwgen.commands.checks import check_jobs
from hwgen.commands.common import print_json
from hwgen.params import ParamError

NAME = "accuracy"
HELP = "network-level accuracy of each MAC type (bit-exact golden models) on digits or Fashion-MNIST"


def add_arguments(p):
    p.add_argument("--variants", nargs="+", metavar="NAME",
                   help="variants to run (names or shell patterns, e.g. 'mitchw*_8_sm'); default: all")
    p.add_argument("--quick", action="store_true",
                   help="a short version: a subset of the variants on every third test image "
                        "(fashion-mnist: the key set on the first 1,000 test images)")
    p.add_argument("--json", action="store_true", help="machine-readable records")
    p.add_argument("--plot", metavar="FILE", type=Path,
                   help="also write the accuracy vs energy-proxy plot (synthesizes the MAC units: slow once, cached)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: 2 or the cores)")
    p.add_argument("--no-bn-study", action="store_true",
                   help="skip the batch-norm recomputation and per-layer scale analysis")
    p.add_argument("--list", action="store_true", help="list the variants and whether their units exist")
    p.add_argument("--onnx", metavar="MODEL.onnx", type=Path,
                   help="run the variants on your own network instead (Conv, Gemm, MatMul, pooling, BN, ...; "
                        "post-training quantization); needs --data")
    p.add_argument("--data", metavar="DATA.npz", type=Path,
                   help="with --onnx: arrays x (N, C, H, W float32) and y (N labels)")
    p.add_argument("--calib", type=int, default=None, metavar="N",
                   help="with --onnx: images (the first N of --data) that calibrate the activation scales "
                        "(default 100)")
    p.add_argument("--dataset", choices=("digits", "fashion-mnist"), default="digits",
                   help="digits (scikit-learn, default) or fashion-mnist (Debian dataset-fashion-mnist)")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help="fashion-mnist: folder of the four IDX files (default /usr/share/datasets/fashion-mnist)")
    p.add_argument("--full", action="store_true",
                   help="fashion-mnist: every variant (16-bit and bf16 ones on a stated seeded subset)")


def _select(patterns, quick: bool):
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

    if args.onnx is not None or args.data is not None or args.calib is not None:
        from hwgen.commands.accuracy_onnx import run_onnx_command
        return run_onnx_command(args, _select)
    if args.dataset == "fashion-mnist":
        from hwgen.commands.accuracy_fashion import run_fashion_command
        return run_fashion_command(args, _select)
    if args.full or args.data_dir:
        raise ParamError(f"{'--full' if args.full else '--data-dir'}: only with --dataset fashion-mnist "
                         "(the digits study runs every variant by default and ships its data)")
    variants = _select(args.variants, args.quick)
    if args.list:
        for v in variants:
            miss = missing_units(v)
            state = "ok" if not miss else "pending: needs " + ", ".join(miss)
            print(f"{v.name:<32} {state:<28} {v.doc}")
        return 0
    check_jobs(args.jobs)
    if args.plot:
        from hwgen.commands.checks import check_writable_dir
        if args.plot.is_dir():
            raise ParamError(f"--plot {str(args.plot)[:80]!r} is a folder; name a .png file")
        check_writable_dir(args.plot.parent, "--plot folder")
    t0 = time.perf_counter()
    recs = run_study([v.name for v in variants], quick=args.quick, jobs=args.jobs,
                     bn_study=not args.no_bn_study)
    elapsed = time.perf_counter() - t0
    from hwgen.accuracy.expfit import attach_decoder_costs
    attach_decoder_costs(recs)  # expfit rows: the level table's synthesized size (cached, seconds)
    if args.plot:
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
