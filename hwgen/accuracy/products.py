"""Products through a unit's bit-exact golden model, and exact integer accumulation.

Every product of a layer comes from the registered unit's model (the very model that verifies the RTL).
For narrow operands the model is evaluated once on every operand pair it can see and kept as a lookup
table (still the bit-exact model, just memoised); wide operands go through the model in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.registry import all_units, get_unit

__all__ = ["UnitProduct", "ProductStats", "int_matmul", "unit_available", "LUT_LIMIT"]

#: Operand-pair spaces up to this size are tabulated from the model (256 x 256 is 65,536).
LUT_LIMIT = 1 << 17
#: Products per model call / gather (bounds the temporaries of wide models).
CHUNK = 1 << 21


def unit_available(name: str) -> bool:
    """True when unit ``name`` is registered (its model exists)."""
    return any(u.name == name for u in all_units())


@dataclass
class UnitProduct:
    """``p = model(a, b)`` of unit ``unit`` with ``params``, for a in ``a_range``, b in ``b_range``
    (inclusive integer ranges; the caller guarantees its operands stay inside them)."""

    unit: str
    params: Mapping[str, Any]
    a_range: tuple[int, int]
    b_range: tuple[int, int]
    out: str = "p"
    resolved: dict = field(init=False)
    _lut: np.ndarray | None = field(init=False, default=None)
    _model: Callable = field(init=False)

    def __post_init__(self):
        u = get_unit(self.unit)
        self.resolved = u.resolve(dict(self.params))
        self._model = u.model
        na = self.a_range[1] - self.a_range[0] + 1
        nb = self.b_range[1] - self.b_range[0] + 1
        if na * nb <= LUT_LIMIT:
            a, b = np.meshgrid(np.arange(self.a_range[0], self.a_range[1] + 1),
                               np.arange(self.b_range[0], self.b_range[1] + 1), indexing="ij")
            self._lut = self._call(a.ravel(), b.ravel())  # row-major: index (a - a0) * nb + (b - b0)
            self._nb = nb

    @property
    def tabulated(self) -> bool:
        """True when every operand pair was evaluated up front (a lookup table)."""
        return self._lut is not None

    def _call(self, a, b) -> np.ndarray:
        p = self._model(self.resolved, {"a": a.astype(np.int64), "b": b.astype(np.int64)})[self.out]
        return np.asarray(p).astype(np.int64)

    def __call__(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Products of broadcast ``a`` and ``b`` (int64)."""
        a, b = np.broadcast_arrays(a, b)
        shape = a.shape
        a, b = a.ravel(), b.ravel()
        if (a.size and (a.min() < self.a_range[0] or a.max() > self.a_range[1]
                        or b.min() < self.b_range[0] or b.max() > self.b_range[1])):
            raise ValueError(f"Operands of unit {self.unit!r} must lie in {self.a_range} x {self.b_range}")
        if self._lut is not None:
            idx = (a - self.a_range[0]) * self._nb + (b - self.b_range[0])
            return self._lut[idx].reshape(shape)
        out = np.empty(a.size, dtype=np.int64)
        for s in range(0, a.size, CHUNK):
            out[s:s + CHUNK] = self._call(a[s:s + CHUNK], b[s:s + CHUNK])
        return out.reshape(shape)


class ProductStats:
    """Relative error of the model's products against the exact ones, over the products the network
    actually computes (measured CNN operands, units.md section 5): bias = mean RE, MRE = mean |RE|."""

    def __init__(self):
        self.n = 0
        self.sum_re = 0.0
        self.sum_abs_re = 0.0

    def add(self, p: np.ndarray, e: np.ndarray) -> None:
        nz = e != 0
        re = (p[nz] - e[nz]) / e[nz].astype(np.float64)
        self.n += re.size
        self.sum_re += float(re.sum())
        self.sum_abs_re += float(np.abs(re).sum())

    @property
    def bias(self) -> float | None:
        return self.sum_re / self.n if self.n else None

    @property
    def mre(self) -> float | None:
        return self.sum_abs_re / self.n if self.n else None


def _zero_annihilates(product, w: np.ndarray) -> bool:
    """True when the model gives 0 for a zero activation times every weight of the layer (asked of the
    model itself), so zero activations (ReLU outputs, padding: about half of them) can be skipped."""
    return not np.any(product(np.zeros((1, w.size), dtype=np.int64), w.reshape(1, -1)))


def _products(product, vals: np.ndarray, k: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``product(vals[:, None], w.T[k])``: each kept activation times the weights it meets, (n, O).
    Tabulated over the distinct operand values when that takes fewer model evaluations (e.g. the 17
    pixel values of the first layer); a product that is already a full table is gathered directly."""
    if not getattr(product, "tabulated", False):
        ua, ia = np.unique(vals, return_inverse=True)
        uw, iw = np.unique(w, return_inverse=True)
        if ua.size * uw.size < vals.size * w.shape[0]:
            table = product(ua[:, None], uw[None, :])
            return table[ia.reshape(-1, 1), iw.reshape(w.shape).T[k]]
    return product(vals[:, None], w.T[k])


def int_matmul(a: np.ndarray, w: np.ndarray, product: Callable | None,
               sign: np.ndarray | None = None, stats: ProductStats | None = None,
               values: np.ndarray | None = None) -> np.ndarray:
    """Exact integer accumulation ``acc[m, o] = sum_k sign[o,k] * product(a[m,k], w[o,k])``.

    ``product`` None means exact products ``a*w`` (the ideal reference). ``sign`` (+-1 per weight)
    is for sign-magnitude datapaths where an unsigned multiplier sees magnitudes and the accumulator
    adds or subtracts. ``values``: the integer weights the operands ``w`` stand for, when they are
    codes (for ``stats``, which compares with the exact products). The sum is exact in int64 (bounded
    by the callers' operand widths).
    """
    a = np.asarray(a, dtype=np.int64)
    w = np.asarray(w, dtype=np.int64)
    if product is None:
        return a @ (w if sign is None else w * sign).T
    ws = (w if sign is None else w * sign) if values is None else np.asarray(values, dtype=np.int64)
    m = a.shape[0]
    o = w.shape[0]
    acc = np.zeros((m, o), dtype=np.int64)
    skip = _zero_annihilates(product, w)
    rows = max(1, CHUNK // max(1, o * a.shape[1]))
    for s in range(0, m, rows):
        blk = a[s:s + rows]
        r, k = np.nonzero(blk) if skip else np.nonzero(np.ones_like(blk, dtype=bool))
        if r.size == 0:
            continue
        vals = blk[r, k]
        p = _products(product, vals, k, w)
        if sign is not None:
            p = p * sign.T[k]
        if stats is not None:
            stats.add(p, vals[:, None] * ws.T[k])
        starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
        acc[s + r[starts]] = np.add.reduceat(p, starts, axis=0)
    return acc
