"""Shared numpy helpers of the golden models of the unsigned-datapath multiplier families (DRUM, ILM,
error-compensated Mitch-w; units.md §8): operand magnitudes of the signed modes, the sign and saturation
of the 2N-bit product port, and the exact product a MAC accumulates.

Golden-model code only (never imported by gateware). Each family model supplies
``magnitude(x, y) -> uint64`` for positive operands below 2^32; zero operands are handled here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hwgen.numeric.intops import as_ints

__all__ = ["SIGNEDNESS", "leading_one_index", "port_product", "signed_products"]

SIGNEDNESS = ("unsigned", "ones_complement", "sign_magnitude")


def leading_one_index(x: np.ndarray) -> np.ndarray:
    """floor(log2 x) of positive integers below 2^53 (exact: frexp of an exactly representable value)."""
    return (np.frexp(np.asarray(x, dtype=np.uint64).astype(np.float64))[1] - 1).astype(np.int64)


def _objects(x: np.ndarray) -> np.ndarray:
    return np.array([int(v) for v in np.asarray(x).reshape(-1)], dtype=object)


def signed_products(params, vec, magnitude: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """The family's product of ``vec['a']``, ``vec['b']`` before the port: unsigned; in ``sign_magnitude``
    the exact negation of the magnitude product of |a|, |b| when the signs differ; in ``ones_complement``
    (units.md §1) a negative x enters as ~x = |x| - 1 (x = -1, whose ~x is 0, as 1) and the magnitude
    product is bit-inverted (-P - 1) when exactly one operand is negative. A zero operand (+0) gives 0.
    int64 when 2N + 2 bits fit in 62, else Python ints."""
    n, mode = params["width"], params["signedness"]
    if mode not in SIGNEDNESS:
        raise ValueError(f"signedness must be one of {', '.join(SIGNEDNESS)}, not {mode!r}")
    a = np.asarray(as_ints(vec["a"], n + 1)).astype(np.int64)
    b = np.asarray(as_ints(vec["b"], n + 1)).astype(np.int64)
    if mode == "ones_complement":
        ma, mb = (np.where(x < 0, np.maximum(~x, 1), x) for x in (a, b))
    else:
        ma, mb = np.abs(a), np.abs(b)
    zero = (ma == 0) | (mb == 0)
    mag = magnitude(np.where(zero, 1, ma).astype(np.uint64), np.where(zero, 1, mb).astype(np.uint64))
    mag = np.where(zero, np.uint64(0), np.asarray(mag, dtype=np.uint64))
    neg = (a < 0) != (b < 0)
    invert = mode == "ones_complement"
    if 2 * n + 2 <= 62:
        m = mag.astype(np.int64)
        return np.where(neg & ~zero, -m - 1, m) if invert else np.where(neg, -m, m)
    m = _objects(mag)
    return np.array([(-v - 1 if invert and v else -v) if s else v for v, s in zip(m, neg.reshape(-1))],
                    dtype=object)


def port_product(params, true: np.ndarray) -> np.ndarray:
    """The 2N-bit port's value: saturated to [0, 2^2N - 1] unsigned, [-2^(2N-1), 2^(2N-1) - 1] signed."""
    n = params["width"]
    if params["signedness"] == "unsigned":
        lo, hi = 0, (1 << (2 * n)) - 1
    else:
        lo, hi = -(1 << (2 * n - 1)), (1 << (2 * n - 1)) - 1
    if true.dtype != object:
        return np.clip(true, lo, hi)
    return np.array([min(max(int(v), lo), hi) for v in true], dtype=object)
