"""The ``bf16_mac`` accumulation at numpy speed, bit-exact by construction where it is used.

The MAC's model adds each product to the fp32 accumulator with one round-to-nearest-even, IEEE signed
zeros, and flushes subnormal operands and results to zero (:mod:`hwgen.models.floatadd`). For normal
finite operands whose sums stay normal (or exactly zero), that is exactly IEEE 754 binary32 addition,
which numpy's float32 ``+`` performs (round to nearest even, no flush-to-zero mode). So each block is
accumulated in float32 and checked: if any product or partial sum of the block is subnormal, infinite or
NaN (where flush-to-zero and the model's special cases could differ), that block is recomputed with the
model's own addition (:meth:`.bf16.Bf16Mac.matmul`). The products always come from the ``bf16_mul``
model (:meth:`.bf16.Bf16Mac.products`). tests/test_fashion_accuracy.py compares the two paths.
"""

from __future__ import annotations

import numpy as np

from .bf16 import Bf16Mac, f32_bits, f32_from_bits

__all__ = ["fast_matmul", "FastBf16Layer", "BLOCK"]

#: Accumulators per block (bounds the temporaries).
BLOCK = 1 << 20
_MIN_NORMAL = np.float32(2.0 ** -126)


def _special(x: np.ndarray) -> bool:
    """True when any value is subnormal (nonzero below the smallest normal), infinite or NaN."""
    ax = np.abs(x)
    return bool(np.any(~np.isfinite(ax)) or np.any((ax < _MIN_NORMAL) & (ax != 0)))


def _unique16(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(x, return_inverse=True)`` for 16-bit patterns, without sorting (linear time)."""
    present = np.zeros(1 << 16, dtype=bool)
    present[x] = True
    values = np.flatnonzero(present)
    index = np.cumsum(present, dtype=np.int32) - 1
    return values.astype(np.int64), index[x]


def _table(mac: Bf16Mac, ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """float32 products (len(ua), len(ub)) of the ``bf16_mul`` model over every pair of distinct values."""
    out = np.empty((len(ua), len(ub)), dtype=np.float32)
    rows = max(1, (1 << 22) // max(1, len(ub)))
    for s in range(0, len(ua), rows):
        ga, gb = np.meshgrid(ua[s:s + rows], ub, indexing="ij")
        p = mac._mul(mac.mul_params, {"a": ga.ravel(), "b": gb.ravel()})["p"]
        out[s:s + rows] = f32_from_bits(np.asarray(p, dtype=np.int64)).reshape(ga.shape)
    return out


class FastBf16Layer:
    """One layer's weights ``w`` (O, K) (bf16 patterns) with the model's products tabulated for every
    activation value seen so far (grown batch by batch), so a layer over many batches evaluates each
    (activation, weight) value pair once."""

    def __init__(self, mac: Bf16Mac, w: np.ndarray, counter: dict | None = None):
        self.mac, self.w, self.counter = mac, w, counter
        self.ub, self.ib = _unique16(w)
        self.row = np.full(1 << 16, -1, dtype=np.int32)      # activation pattern -> table row
        self.table = np.zeros((0, len(self.ub)), dtype=np.float32)

    def __call__(self, a: np.ndarray) -> np.ndarray:
        """fp32 bit patterns of ``acc[m, o]``, equal to ``mac.matmul(a, w)``."""
        m, k = a.shape
        o = self.w.shape[0]
        present = np.zeros(1 << 16, dtype=bool)
        present[a] = True
        new = np.flatnonzero(present & (self.row < 0))
        if new.size:
            self.row[new] = np.arange(len(self.table), len(self.table) + new.size, dtype=np.int32)
            self.table = np.concatenate([self.table, _table(self.mac, new.astype(np.int64), self.ub)])
        if _special(self.table):  # a subnormal or infinite product: the model's own addition everywhere
            self._count()
            return self.mac.matmul(a, self.w)
        ia = self.row[a]
        out = np.empty((m, o), dtype=np.int64)
        rows = max(1, BLOCK // max(1, o))
        for s in range(0, m, rows):
            blk = np.ascontiguousarray(ia[s:s + rows].T)                                    # (K, r)
            acc = np.zeros((blk.shape[1], o), dtype=np.float32)                            # +0
            ok = True
            for j in range(k):
                acc = acc + np.take(self.table[:, self.ib[:, j]], blk[j], axis=0)
                if _special(acc):
                    ok = False
                    break
            if ok:
                out[s:s + rows] = f32_bits(acc)
            else:
                out[s:s + rows] = self.mac.matmul(a[s:s + rows], self.w)
                self._count()
        return out

    def _count(self):
        if self.counter is not None:
            self.counter["model_blocks"] = self.counter.get("model_blocks", 0) + 1


def fast_matmul(mac: Bf16Mac, a: np.ndarray, w: np.ndarray, counter: dict | None = None) -> np.ndarray:
    """fp32 bit patterns of ``acc[m, o]``, equal to ``mac.matmul(a, w)`` (bf16 patterns in)."""
    return FastBf16Layer(mac, w, counter)(a)
