"""Bit-exact bfloat16 inference: bf16 operands, products of the ``bf16_mul`` model (exact or Mitch-w,
fp32 output), fp32 accumulation rounding once per step exactly as the ``bf16_mac`` model does
(``acc <- RNE_fp32(acc + a*b)`` from +0, flush-to-zero), in the same order (k = 0, 1, ...).

The ``bf16_mac`` model steps through one accumulator in a Python loop; here the same per-step addition
(:func:`hwgen.units.bf16.model.add.float_add`, the function that model calls) runs over every accumulator
of a layer at once. The tests check the result against the registered ``bf16_mac`` model itself.
Between layers (bias, ReLU, pooling) the network computes in fp32 and rounds activations to bf16 with
round-to-nearest-even, like the weights (batch norm folded in first).
"""

from __future__ import annotations

import numpy as np

from hwgen.accuracy import nn
from hwgen.registry import get_unit
from hwgen.units.bf16.model.add import float_add
from hwgen.units.bf16.model.fmt import Format

__all__ = ["to_bf16", "bf16_to_f32", "f32_bits", "f32_from_bits", "Bf16Mac", "bf16_logits"]

#: Products per block of the accumulation (bounds the temporaries).
_BLOCK = 1 << 21


def to_bf16(x) -> np.ndarray:
    """float32 values -> bf16 bit patterns, round to nearest even (units.md section 2); finite only."""
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError("bf16 conversion here expects finite values")
    u = x.view(np.uint32).astype(np.int64)
    return (u + 0x7FFF + ((u >> 16) & 1)) >> 16


def bf16_to_f32(b) -> np.ndarray:
    return (np.asarray(b, dtype=np.int64) << 16).astype(np.uint32).view(np.float32)


def f32_bits(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.int64)


def f32_from_bits(u) -> np.ndarray:
    return np.asarray(u, dtype=np.int64).astype(np.uint32).view(np.float32)


class Bf16Mac:
    """The MAC of the ``bf16_mac`` unit with ``params`` (multiplier exact | mitchw, w), vectorised over
    many independent dot products."""

    def __init__(self, multiplier: str = "exact", w: int | None = None):
        given = {"multiplier": multiplier}
        if w is not None:
            given["w"] = w
        self.mac_unit = get_unit("bf16_mac")
        self.mac_params = self.mac_unit.resolve(given)
        mul = get_unit("bf16_mul")
        self.mul_params = mul.resolve(dict(given, out_format="fp32", ftz=self.mac_params["ftz"]))
        self._mul = mul.model
        self.acc_fmt = Format(self.mac_params["exp_bits"], self.mac_params["wide_man_bits"])
        self._add = float_add

    def products(self, a: np.ndarray, w: np.ndarray) -> np.ndarray:
        """fp32 bit patterns (r, O, K) of the bf16_mul model's products a[r, k] * w[o, k] (bf16
        patterns); tabulated over the distinct operand values when that is fewer model evaluations."""
        ua, ia = np.unique(a, return_inverse=True)
        ub, ib = np.unique(w, return_inverse=True)
        ia, ib = ia.reshape(a.shape)[:, None, :], ib.reshape(w.shape)[None]
        if ua.size * ub.size < a.shape[0] * w.size:
            ga, gb = np.meshgrid(ua, ub, indexing="ij")
            table = np.asarray(self._mul(self.mul_params, {"a": ga.ravel(), "b": gb.ravel()})["p"], dtype=np.int64)
            return table[ia * ub.size + ib]
        aa, bb = np.broadcast_arrays(a[:, None, :], w[None])
        p = self._mul(self.mul_params, {"a": aa.ravel(), "b": bb.ravel()})["p"]
        return np.asarray(p, dtype=np.int64).reshape(aa.shape)

    def matmul(self, a: np.ndarray, w: np.ndarray) -> np.ndarray:
        """fp32 bit patterns of ``acc[m, o]`` = the MAC run over k = 0..K-1 of a[m, k] * w[o, k]."""
        m, k = a.shape
        o = w.shape[0]
        out = np.empty((m, o), dtype=np.int64)
        rows = max(1, _BLOCK // max(1, o * k))
        for s in range(0, m, rows):
            p = self.products(a[s:s + rows], w)                          # (r, O, K)
            acc = np.zeros(p.shape[:2], dtype=np.int64)                  # +0, the clear value
            for j in range(k):
                acc = np.asarray(self._add(self.acc_fmt, acc, p[:, :, j], self.mac_params["ftz"]), dtype=np.int64)
            out[s:s + rows] = acc
        return out


def bf16_logits(net: nn.Net, pixels: np.ndarray, w: int | None) -> tuple[np.ndarray, dict]:
    """Logits (float32) of the CNN with bf16 MACs (``w`` None: exact products, else Mitch-w)."""
    mac = Bf16Mac("exact" if w is None else "mitchw", w)
    n = len(pixels)
    a1, b1 = nn.bn_fold(net.bn1)
    a2, b2 = nn.bn_fold(net.bn2)
    w1 = to_bf16((net.w1.reshape(nn.C1, -1) * a1[:, None]).astype(np.float32))
    w2 = to_bf16((net.w2.reshape(nn.C2, -1) * a2[:, None]).astype(np.float32))
    wf = to_bf16(net.wf.astype(np.float32))
    x = to_bf16((pixels / 16.0).astype(np.float32))
    z = f32_from_bits(mac.matmul(nn.im2col(x).reshape(-1, 9), w1)).reshape(n, 8, 8, nn.C1)
    h = nn.maxpool2(np.maximum(z + b1.astype(np.float32), 0).transpose(0, 3, 1, 2))
    z = f32_from_bits(mac.matmul(nn.im2col(to_bf16(h)).reshape(-1, 9 * nn.C1), w2)).reshape(n, 4, 4, nn.C2)
    f = np.maximum(z + b2.astype(np.float32), 0).transpose(0, 3, 1, 2).reshape(n, -1)
    logits = f32_from_bits(mac.matmul(to_bf16(f), wf)) + net.bf.astype(np.float32)
    return logits, {"accumulation": "fp32 RNE per step (bf16_mac semantics), ftz"}
