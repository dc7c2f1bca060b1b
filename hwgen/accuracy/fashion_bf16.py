"""bfloat16 inference of the Fashion-MNIST CNN, as :func:`.bf16.bf16_logits` does for digits: bf16
operands (weights with batch norm folded in, activations rounded to bf16 with RNE), products of the
``bf16_mul`` model, fp32 accumulation with ``bf16_mac`` semantics (:func:`.bf16_fast.fast_matmul`),
bias, ReLU and pooling in fp32 between layers."""

from __future__ import annotations

import numpy as np

from hwgen.accuracy import fashion_nn as fnn
from hwgen.accuracy import nn
from hwgen.accuracy.bf16 import Bf16Mac, f32_from_bits, to_bf16
from hwgen.accuracy.bf16_fast import FastBf16Layer

__all__ = ["bf16_logits"]


#: Images per batch (bounds the im2col and product temporaries).
BATCH = 1000


def bf16_logits(net: fnn.FNet, pixels: np.ndarray, w: int | None) -> tuple[np.ndarray, dict]:
    """Logits (float32) with bf16 MACs (``w`` None: exact products, else Mitch-w)."""
    mac = Bf16Mac("exact" if w is None else "mitchw", w)
    counter: dict = {}
    a1, b1 = nn.bn_fold(net.bn1)
    a2, b2 = nn.bn_fold(net.bn2)
    layers = [FastBf16Layer(mac, to_bf16(wt.astype(np.float32)), counter) for wt in
              (net.w1.reshape(fnn.C1, -1) * a1[:, None], net.w2.reshape(fnn.C2, -1) * a2[:, None], net.w3, net.w4)]
    b1, b2, b3, b4 = (b.astype(np.float32) for b in (b1, b2, net.b3, net.b4))

    def run(px):
        n = len(px)
        mm = [lambda a, lay=lay: f32_from_bits(lay(a)) for lay in layers]
        x = to_bf16((px / float(1 << fnn.PIXEL_FRAC)).astype(np.float32))
        z = mm[0](nn.im2col(x).reshape(-1, 9)).reshape(n, fnn.H1, fnn.H1, fnn.C1)
        h = nn.maxpool2(np.maximum(z + b1, 0).transpose(0, 3, 1, 2))
        z = mm[1](nn.im2col(to_bf16(h)).reshape(-1, 9 * fnn.C1)).reshape(n, fnn.H2, fnn.H2, fnn.C2)
        h = nn.maxpool2(np.maximum(z + b2, 0).transpose(0, 3, 1, 2)).reshape(n, -1)
        h = np.maximum(mm[2](to_bf16(h)) + b3, 0)
        return mm[3](to_bf16(h)) + b4

    logits = np.concatenate([run(pixels[s:s + BATCH]) for s in range(0, len(pixels), BATCH)])
    return logits, {"accumulation": "fp32 RNE per step (bf16_mac semantics), ftz",
                    "model_addition_blocks": counter.get("model_blocks", 0)}
