"""Fast bit-exact layer accumulation: per-layer product tables gathered row-wise, and BLAS for exact units.

A layer's weights are fixed, so for narrow activations (codes 0..V-1, V <= 256) every product the layer
can ever form is known in advance: ``table[k, a, o] = sign[o, k] * product(a, ops[o, k])``, built from
the unit's golden model (through :class:`.products.UnitProduct`, the memoised model). The accumulation
``acc[m, o] = sum_k table[k, a[m, k], o]`` is then K gathers of contiguous rows of O products and K
vector additions, instead of M*K*O scattered lookups; about 6x the throughput of
:func:`.products.int_matmul` (bench/accuracy_speed.py measures both).

When the table equals the exact products ``a * values`` on every entry (asked of the model itself: int8,
linear codes, exact shifts), the layer is an exact integer matrix product, computed in float64 BLAS
(exact: every partial sum stays below 2**53, checked).

Product statistics (:class:`.products.ProductStats`) come from how often each (k, a) occurs, times the
table's relative errors, with no second pass over the products.
"""

from __future__ import annotations

import numpy as np

from hwgen.accuracy.products import ProductStats

__all__ = ["LayerMAC", "TABLE_MAX_ACT", "im2col_t"]

#: Widest activation code range tabulated per layer (8-bit codes).
TABLE_MAX_ACT = 256
#: Rows per gather block (bounds the temporaries; large enough to hide the per-call overhead).
BLOCK = 1 << 15


class LayerMAC:
    """``acc = sum_k sign * product(a, ops)`` for one layer's weights ``ops`` (O, K) and activation codes
    in [0, act_levels). ``values``: the integer weights the operands stand for (exact reference)."""

    def __init__(self, product, ops: np.ndarray, sign: np.ndarray | None, values: np.ndarray, act_levels: int):
        if act_levels > TABLE_MAX_ACT:
            raise ValueError(f"LayerMAC tabulates at most {TABLE_MAX_ACT} activation levels, not {act_levels}")
        o, k = ops.shape
        self.k, self.o, self.levels = k, o, act_levels
        self.table = None
        # (K, O): the BLAS path, float32 when every partial sum stays below 2**24 (exact), else float64
        small = int(np.abs(values).max(initial=0)) * (act_levels - 1) * k < 1 << 24
        self.w = values.T.astype(np.float32 if small else np.float64)
        self._re_n = None
        if product is None:                                  # the exact reference itself
            self.exact = True
            if int(np.abs(values).max(initial=0)) * (act_levels - 1) * k >= 1 << 53:
                raise ValueError("exact accumulation would exceed float64's integers")
            return
        a = np.arange(act_levels, dtype=np.int64)
        exact = a[None, :, None] * values.T[:, None, :].astype(np.int64)          # (K, V, O)
        table = product(a[None, :, None], ops.T[:, None, :])                      # (K, V, O)
        if sign is not None:
            table = table * sign.T[:, None, :]
        bound = int(np.abs(table).max(initial=0)) * k
        self.exact = bool(np.array_equal(table, exact)) and bound < 1 << 53
        if not self.exact:
            self.acc_dtype = np.int32 if bound < 1 << 31 else np.int64
            self.table = np.ascontiguousarray(table.astype(self.acc_dtype))          # (K, V, O)
        nz = exact != 0
        self._re_n = nz.sum(axis=2)                       # (K, V): products with a nonzero exact value
        if self.exact:                                    # no error to sum
            self._re_sum = self._re_abs = np.zeros(self._re_n.shape)
            return
        with np.errstate(divide="ignore", invalid="ignore"):
            re = np.where(nz, (table - exact) / np.where(nz, exact, 1), 0.0)
        self._re_sum = re.sum(axis=2)                     # (K, V): sum over outputs of relative errors
        self._re_abs = np.abs(re).sum(axis=2)

    def __call__(self, a: np.ndarray, stats: ProductStats | None = None, transposed: bool = False) -> np.ndarray:
        """Accumulators (M, O) int64 of activation codes ``a`` (M, K), or (K, M) when ``transposed``
        (the layout the gathers want; see :func:`im2col_t`)."""
        at = a if transposed else np.ascontiguousarray(np.asarray(a).T)
        if at.size and (at.min() < 0 or at.max() >= self.levels):
            raise ValueError(f"Activation codes must lie in [0, {self.levels - 1}]")
        if stats is not None and self._re_n is not None:
            flat = (at.astype(np.intp) + (np.arange(self.k, dtype=np.intp) * self.levels)[:, None]).ravel()
            counts = np.bincount(flat, minlength=self.k * self.levels).reshape(self.k, self.levels)
            stats.n += int((counts * self._re_n).sum())
            stats.sum_re += float((counts * self._re_sum).sum())
            stats.sum_abs_re += float((counts * self._re_abs).sum())
        m = at.shape[1]
        if self.table is None:
            return np.rint(at.T.astype(self.w.dtype) @ self.w).astype(np.int64)
        out = np.empty((m, self.o), dtype=np.int64)
        for s in range(0, m, BLOCK):
            blk = at[:, s:s + BLOCK]
            acc = np.take(self.table[0], blk[0], axis=0)
            for j in range(1, self.k):
                acc += np.take(self.table[j], blk[j], axis=0)
            out[s:s + BLOCK] = acc
        return out


def im2col_t(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (C*9, N*H*W): the windows of a 3x3 stride-1 pad-1 convolution, rows ordered
    (channel, ky, kx) like ``w.reshape(out, -1)``, columns (n, y, x); the transpose of
    :func:`.nn.im2col`, in the input's (narrow) dtype."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))).transpose(1, 0, 2, 3)       # (C, N, H+2, W+2)
    out = np.empty((c, 3, 3, n, h, w), dtype=x.dtype)
    for ky in range(3):
        for kx in range(3):
            out[:, ky, kx] = xp[:, :, ky:ky + h, kx:kx + w]
    return out.reshape(c * 9, n * h * w)
