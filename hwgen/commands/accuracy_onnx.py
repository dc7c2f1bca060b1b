"""`hwgen accuracy --onnx MODEL.onnx --data DATA.npz`: the variants on a user's own network (see
:mod:`hwgen.accuracy.onnx_study`). Kept apart from the digits study's command code."""

from __future__ import annotations

import sys
import time

from hwgen.commands.common import print_json
from hwgen.params import ParamError


def _markdown(recs) -> str:
    from hwgen.accuracy.report import pct
    head = ["variant", "unit", "operand bits", "top-1 %", "delta vs fp32 (pp)", "agrees with fp32 %",
            "product bias %"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in recs:
        lines.append(f"| `{r['variant']}` | {r.get('unit', '-')} | {r.get('operand_width', '-')} | {pct(r['top1'])} "
                     f"| {pct(r['delta_vs_fp32'], True)} | {pct(r['agree_fp32'])} | {pct(r.get('product_bias'), True)} |")
    r0 = recs[0]
    return (f"{r0['images']} images, activation scales calibrated on the first {r0['calib_images']}; "
            f"{r0['mac_layers']} Conv/Gemm/MatMul layers through the unit models:\n\n" + "\n".join(lines) + "\n")


def run_onnx_command(args, select) -> int:
    from hwgen.accuracy.onnx_graph import load_data, load_graph
    from hwgen.accuracy.onnx_study import DEFAULT_CALIB, DEFAULT_VARIANTS, run_onnx

    if args.onnx is None:
        raise ParamError("--data and --calib go with --onnx MODEL.onnx (the digits study has its own data)")
    if args.data is None:
        raise ParamError("--onnx needs --data DATA.npz (arrays x: N x C x H x W float32, y: N labels)")
    for flag, given in (("--quick", args.quick), ("--plot", args.plot), ("--list", args.list)):
        if given:
            raise ParamError(f"{flag} applies to the digits study, not to --onnx")
    calib = DEFAULT_CALIB if args.calib is None else args.calib
    if calib < 1:
        raise ParamError(f"--calib must be a positive number of images, not {calib}")
    chosen = select(args.variants or list(DEFAULT_VARIANTS), False)
    graph = load_graph(args.onnx)
    x, y = load_data(args.data, graph)
    t0 = time.perf_counter()
    try:
        recs = run_onnx(graph, x, y, chosen, calib)
    except (ValueError, IndexError) as e:  # numpy refusing the network's shapes on this data: bad input
        raise ParamError(f"--onnx {args.onnx.name!r} does not run on --data {args.data.name!r}: "
                         f"{str(e).splitlines()[0][:120]}") from None
    if args.json:
        print_json(recs)
        return 0
    sys.stdout.write(_markdown(recs))
    print(f"\n{len(recs)} variants in {time.perf_counter() - t0:.1f} s")
    return 0
