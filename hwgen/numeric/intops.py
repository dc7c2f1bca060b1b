"""Integer helpers for golden models: overflow-safe dtypes and two's complement wrapping."""

from __future__ import annotations

import numpy as np

__all__ = ["as_ints", "wrap", "fits_int64"]


def fits_int64(bits: int) -> bool:
    """True when every intermediate of ``bits`` bits (sign included) is exact in int64."""
    return bits <= 62


def as_ints(x, bits: int) -> np.ndarray:
    """``x`` as int64 when ``bits``-bit intermediates fit, else as an object array of Python ints."""
    x = np.asarray(x)
    if fits_int64(bits):
        return x.astype(np.int64)
    return np.array([int(v) for v in x.reshape(-1)], dtype=object).reshape(x.shape)


def wrap(x: np.ndarray, bits: int, is_signed: bool) -> np.ndarray:
    """Reduce ``x`` modulo ``2**bits``; into ``[-2**(bits-1), 2**(bits-1))`` when signed."""
    if x.dtype == object:
        mod = 1 << bits
        half = 1 << (bits - 1)
        f = (lambda v: ((int(v) + half) % mod) - half) if is_signed else (lambda v: int(v) % mod)
        return np.array([f(v) for v in x.reshape(-1)], dtype=object).reshape(x.shape)
    if bits >= 63:
        return x  # int64 values already fit: nothing to wrap
    mod = np.int64(1) << np.int64(bits)
    r = np.mod(x, mod)
    if is_signed:
        r = np.where(r >= (mod >> 1), r - mod, r)
    return r
