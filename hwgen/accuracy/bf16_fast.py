"""The ``bf16_mac`` accumulation at numpy speed, bit-exact by construction where it is used.

The MAC's model adds each product to the fp32 accumulator with one round-to-nearest-even, IEEE signed
zeros, and flushes subnormal operands and results to zero (:mod:`hwgen.units.bf16.model.add`). For normal
finite operands whose sums stay normal (or exactly zero), that is exactly IEEE 754 binary32 addition,
which numpy's float32 ``+`` performs (round to nearest even, no flush-to-zero mode). When can a partial
sum leave the normal range? Every product is a multiple of its own ulp; if the smallest nonzero product
magnitude is at least 2**-103, every product is a multiple of u = 2**-126, and then so is every rounded
partial sum (an exact sum of multiples of u either rounds to a float whose ulp is a multiple of u, or is
itself representable), so a nonzero partial sum is at least 2**-126: normal. Overflow is excluded when
K times the largest product stays below half of the largest float. :func:`_safe` checks both on the
layer's product table; for a layer that fails it, every partial sum is checked, and a block in which one
is subnormal or infinite is recomputed with the model's own addition (:meth:`.bf16.Bf16Mac.matmul`), as
is a layer with an infinite or NaN product. The products always come from the ``bf16_mul``
model (:meth:`.bf16.Bf16Mac.products`). tests/test_fashion_accuracy.py compares the two paths.
"""

from __future__ import annotations

import numpy as np

from hwgen.accuracy.bf16 import Bf16Mac, f32_bits, f32_from_bits

__all__ = ["fast_matmul", "FastBf16Layer", "BLOCK"]

#: Accumulators per block (bounds the temporaries).
BLOCK = 1 << 20
_MIN_NORMAL = np.float32(2.0 ** -126)


def _safe(table: np.ndarray, k: int) -> bool:
    """True when no sum of ``k`` of these products can pass through a subnormal, an infinity or a NaN
    (see the module doc)."""
    a = np.abs(table)
    if not np.all(np.isfinite(a)):
        return False
    nz = a[a != 0]
    return bool(nz.size == 0 or (nz.min() >= 2.0 ** -103 and float(nz.max()) * k < 2.0 ** 127))


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
        if not np.all(np.isfinite(self.table)):  # an infinite product: the model's own addition
            self._count()
            return self.mac.matmul(a, self.w)
        checked = not _safe(self.table, k)  # tiny or huge products: check every partial sum
        ia = self.row[a]
        out = np.empty((m, o), dtype=np.int64)
        rows = max(1, BLOCK // max(1, o))
        nub = self.table.shape[1]
        flat = self.table.ravel()
        for s in range(0, m, rows):
            blk = np.ascontiguousarray(ia[s:s + rows].T)                                    # (K, r)
            acc = np.zeros((blk.shape[1], o), dtype=np.float32)                            # +0
            by_rows = len(self.table) <= blk.shape[1]  # cheaper to cut the k-th table than to index flat
            ok = True
            for j in range(k):
                if by_rows:
                    acc += np.take(self.table[:, self.ib[:, j]], blk[j], axis=0)
                else:
                    acc += np.take(flat, blk[j][:, None] * nub + self.ib[None, :, j])
                if checked and _special(acc):
                    ok = False
                    break
            if ok:
                out[s:s + rows] = f32_bits(acc)
            else:  # a subnormal or infinite partial sum: this block through the model's own addition
                out[s:s + rows] = self.mac.matmul(a[s:s + rows], self.w)
                self._count()
        return out

    def _count(self):
        if self.counter is not None:
            self.counter["model_blocks"] = self.counter.get("model_blocks", 0) + 1


def fast_matmul(mac: Bf16Mac, a: np.ndarray, w: np.ndarray, counter: dict | None = None) -> np.ndarray:
    """fp32 bit patterns of ``acc[m, o]``, equal to ``mac.matmul(a, w)`` (bf16 patterns in)."""
    return FastBf16Layer(mac, w, counter)(a)
