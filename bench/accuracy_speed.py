"""Speed of the accuracy study's bit-exact engine and of the Fashion-MNIST runs.

Prints Markdown tables:

1. multiply-accumulates per second of one layer (conv2 of the Fashion-MNIST CNN: K = 72, O = 16, on the
   im2col rows of N test images), per path: the generic ``int_matmul`` (one lookup per product, zero
   activations skipped), the per-layer product table of :class:`hwgen.accuracy.fastmac.LayerMAC`
   (row gathers), the BLAS path of an exact unit, and the bf16 MAC (model products, float32 accumulation);
   the results of every path are checked equal to ``int_matmul``'s / the ``bf16_mac`` model path's;
   and conv2 of the AdderNets through the unit model against the term tables of ``adder_fast`` (checked equal);
2. wall time of ``hwgen accuracy --dataset fashion-mnist --json`` at each run size (``--runs``), with the
   number of variants and images; 2 worker processes.

One core per path in table 1; the machine has 2 cores and other jobs lower every figure.

Usage: .venv/bin/python bench/accuracy_speed.py [--images 500] [--runs quick default full]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.accuracy import fashion_nn as fnn  # noqa: E402
from hwgen.accuracy import nn  # noqa: E402
from hwgen.accuracy.fashion_data import load_fashion  # noqa: E402
from hwgen.accuracy.fashion_engine import FIntNet, input_codes  # noqa: E402
from hwgen.accuracy.fastmac import LayerMAC  # noqa: E402
from hwgen.accuracy.products import int_matmul  # noqa: E402
from hwgen.accuracy.variants import catalogue  # noqa: E402


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def layer_table(n_images: int) -> list[str]:
    d = load_fashion()
    net = fnn.load_fnet("cnn")
    cat = {v.name: v for v in catalogue()}
    rows = []
    for name in ("mitchw6_8_sm", "mitchw6_8_u", "int8"):
        inet = FIntNet(net, cat[name].scheme(), d.x_train)
        x, _ = input_codes(d.x_test[:n_images], inet.scheme.act_bits)
        h = nn.maxpool2(inet.rq(np.concatenate([inet.l1.acc(nn.im2col(x[s:s + 500]).reshape(-1, 9))
                                                for s in range(0, len(x), 500)])
                                .reshape(len(x), 28, 28, fnn.C1).transpose(0, 3, 1, 2), inet.l1, inet.shift1))
        cols = nn.im2col(h).reshape(-1, 9 * fnn.C1)
        lay = inet.l2
        macs = cols.shape[0] * cols.shape[1] * fnn.C2
        prod = None if name == "int8" else inet.scheme.product()
        ref, t_ref = _timed(lambda: int_matmul(cols, lay.q.ops, prod, lay.sign, None, lay.q.values)
                            if prod else int_matmul(cols, lay.q.values, None))
        mac, t_build = _timed(lambda: LayerMAC(inet.scheme.product(), lay.q.ops, lay.sign, lay.q.values,
                                               1 << inet.scheme.act_bits))
        got, t_fast = _timed(lambda: mac(cols))
        if not np.array_equal(got, ref):
            raise SystemExit(f"{name}: the fast path differs from int_matmul")
        path = "BLAS (exact unit)" if mac.exact else "per-layer table"
        rows.append(f"| `{name}` | {macs / 1e6:.1f} | {macs / t_ref / 1e6:.0f} | {path} | {macs / t_fast / 1e6:.0f} "
                    f"| {t_build:.2f} | {t_ref / t_fast:.1f}x |")
    rows.append(bf16_row(net, d, n_images))
    rows += adder_rows(d, n_images)
    return (["| variant | conv2 MACs (M) | int_matmul M MAC/s | fast path | fast M MAC/s | table build (s) | "
             "speed-up |", "|---|---|---|---|---|---|---|"] + rows)


def bf16_row(net, d, n_images) -> str:
    from hwgen.accuracy.bf16 import Bf16Mac, to_bf16
    from hwgen.accuracy.bf16_fast import FastBf16Layer
    mac = Bf16Mac("mitchw", 6)
    a2, _ = nn.bn_fold(net.bn2)
    w2 = to_bf16((net.w2.reshape(fnn.C2, -1) * a2[:, None]).astype(np.float32))
    taps = {}
    n = min(n_images, 100)
    fnn.forward(net, d.x_test[:n], np.float32, taps)
    cols = nn.im2col(to_bf16(taps["h1"])).reshape(-1, 9 * fnn.C1)
    macs = cols.shape[0] * cols.shape[1] * fnn.C2
    ref, t_ref = _timed(lambda: mac.matmul(cols, w2))
    got, t_fast = _timed(lambda: FastBf16Layer(mac, w2)(cols))
    if not np.array_equal(got, ref):
        raise SystemExit("bf16: the fast path differs from the bf16_mac model path")
    return (f"| `bf16_mitchw6` ({n} images) | {macs / 1e6:.1f} | {macs / t_ref / 1e6:.1f} (model addition) | "
            f"float32 addition, checked | {macs / t_fast / 1e6:.1f} | incl. | {t_ref / t_fast:.1f}x |")


def adder_rows(d, n_images) -> list[str]:
    """conv2 of the AdderNets: the unit-model path (one call per image, tile, channel and output) against
    the per-layer term tables of :mod:`hwgen.accuracy.adder_fast`, checked equal."""
    from hwgen.accuracy.fashion_adder import FIntAdderNet
    rows = []
    for kind, mode, name in (("adder", "direct", "adder_direct"), ("wino_standard", "standard", "adder_wino_standard")):
        if not fnn.weights_path(kind).exists():
            continue
        inet = FIntAdderNet(fnn.load_fnet(kind), mode, d.x_train)
        x, _ = input_codes(d.x_test[:n_images], 7)
        acc1 = inet.l1.acc(nn.im2col(x).reshape(-1, 9)).reshape(len(x), 28, 28, fnn.C1).transpose(0, 3, 1, 2)
        h = nn.maxpool2(inet.rq_conv1(acc1))
        ops = h.shape[0] * 14 * 14 * 9 * fnn.C1 * fnn.C2        # |x - w| terms of the direct layer
        ref, t_ref = _timed(lambda: inet.conv2_acc(h))
        fast, t_build = _timed(lambda: type(inet.fast2)(inet.unit, inet.params, inet.w2 if mode == "direct" else None,
                                                        None if mode == "direct" else inet.u, 128))
        got, t_fast = _timed(lambda: fast(h))
        if not np.array_equal(got, ref):
            raise SystemExit(f"{name}: the term tables differ from the unit-model path")
        rows.append(f"| `{name}` (equivalent MACs) | {ops / 1e6:.1f} | {ops / t_ref / 1e6:.0f} (unit model) | "
                    f"per-layer term table | {ops / t_fast / 1e6:.0f} | {t_build:.2f} | {t_ref / t_fast:.0f}x |")
    return rows


def run_table(runs: list[str]) -> list[str]:
    rows = []
    for run in runs:
        cmd = [sys.executable, "-m", "hwgen", "accuracy", "--dataset", "fashion-mnist", "--json"]
        if run != "default":
            cmd.append(f"--{run}")
        t0 = time.perf_counter()
        r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            rows.append(f"| `{run}` | failed ({r.returncode}): {r.stderr.strip()[-80:]} | | | |")
            continue
        recs = json.loads(r.stdout)
        images = sorted({x["images"] for x in recs if x.get("status") == "ok"})
        slowest = max(recs, key=lambda x: x.get("seconds", 0))
        rows.append(f"| `{run}` | {len(recs)} | {'/'.join(map(str, images))} | {wall:.0f} | "
                    f"`{slowest['variant']}` {slowest.get('seconds', 0):.0f} s |")
    return (["| run | variants | images per variant | wall time (s) | slowest variant |", "|---|---|---|---|---|"]
            + rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=500, help="test images for the layer table")
    ap.add_argument("--runs", nargs="*", default=["quick", "default"], choices=("quick", "default", "full"))
    args = ap.parse_args(argv)
    print(f"conv2 of the Fashion-MNIST CNN on {args.images} test images, one process:\n")
    print("\n".join(layer_table(args.images)))
    if args.runs:
        print("\n`hwgen accuracy --dataset fashion-mnist --json`, 2 worker processes:\n")
        print("\n".join(run_table(args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
