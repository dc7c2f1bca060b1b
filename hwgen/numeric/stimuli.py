"""Stimulus building blocks: corner values, seeded random operands, exhaustive grids, MAC sequences.

Operands are returned as the ports see them: signed values for signed ports. Wide operands (more
than 62 bits) come as object arrays of Python ints.
"""

from __future__ import annotations

import numpy as np

from hwgen.unit import EXHAUSTIVE_LIMIT

__all__ = ["int_bounds", "corner_ints", "random_ints", "cross", "exhaustive_grid",
           "mac_sequence", "mac_directed"]


def int_bounds(width: int, is_signed: bool) -> tuple[int, int]:
    return (-(1 << (width - 1)), (1 << (width - 1)) - 1) if is_signed else (0, (1 << width) - 1)


def _array(values, width: int) -> np.ndarray:
    if width <= 62:
        return np.array(values, dtype=np.int64)
    return np.array([int(v) for v in values], dtype=object)


def corner_ints(width: int, is_signed: bool) -> np.ndarray:
    """Zero, one, extremes, powers of two (and their neighbours), all-ones and checkerboards."""
    lo, hi = int_bounds(width, is_signed)
    vals = {0, 1, 2, 3, hi, hi - 1, lo, lo + 1}
    for k in range(width):
        for v in ((1 << k), (1 << k) - 1, (1 << k) + 1, (1 << (k + 1)) - 1):
            vals.update((v, -v))
    pattern = int("01" * width, 2)
    vals.update((pattern & ((1 << width) - 1), (pattern >> 1) & ((1 << width) - 1)))
    vals.update(v - (1 << width) for v in list(vals) if v > hi)  # checkerboards as signed values
    return _array(sorted(v for v in vals if lo <= v <= hi), width)


def random_ints(rng: np.random.Generator, n: int, width: int, is_signed: bool) -> np.ndarray:
    """Half uniform, half with a random number of significant bits (small magnitudes are where
    logarithmic and shift-based units differ most)."""
    lo, hi = int_bounds(width, is_signed)
    raw = [rng.integers(0, 1 << min(32, width - 32 * i), size=n, dtype=np.uint64)
           for i in range((width + 31) // 32)]
    if width <= 62:
        u = np.zeros(n, dtype=np.uint64)
        for i, part in enumerate(raw):
            u |= part << np.uint64(32 * i)
        bits = rng.integers(1, width + 1, size=n)
        keep = np.where(np.arange(n) % 2 == 1, (np.uint64(1) << bits.astype(np.uint64)) - np.uint64(1),
                        np.uint64((1 << width) - 1))
        u &= keep
        v = u.astype(np.int64)
        if is_signed:
            v = np.where(v > hi, v - (1 << width), v)
        return v
    vals = []
    bits = rng.integers(1, width + 1, size=n)
    for j in range(n):
        u = 0
        for i, part in enumerate(raw):
            u |= int(part[j]) << (32 * i)
        if j % 2 == 1:
            u &= (1 << int(bits[j])) - 1
        vals.append(u - (1 << width) if is_signed and u > hi else u)
    return np.array(vals, dtype=object)


def cross(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (x[i], y[j])."""
    return np.repeat(x, len(y)), np.tile(y, len(x))


def exhaustive_grid(width_a: int, signed_a: bool, width_b: int, signed_b: bool):
    """All operand pairs, or None when there are more than EXHAUSTIVE_LIMIT."""
    if width_a + width_b > EXHAUSTIVE_LIMIT.bit_length() - 1:
        return None
    lo_a, hi_a = int_bounds(width_a, signed_a)
    lo_b, hi_b = int_bounds(width_b, signed_b)
    return cross(np.arange(lo_a, hi_a + 1, dtype=np.int64), np.arange(lo_b, hi_b + 1, dtype=np.int64))


def mac_sequence(rng: np.random.Generator, n: int, a: np.ndarray, b: np.ndarray) -> dict:
    """A MAC step sequence over operands ``a``, ``b``: ``en`` high 80% of steps, ``clr`` 10%."""
    return {"a": a, "b": b,
            "en": (rng.random(n) < 0.8).astype(np.int64),
            "clr": (rng.random(n) < 0.1).astype(np.int64)}


def mac_directed(a_max, b_max, a_min, b_min, steps: int, width: int) -> dict:
    """Clear, accumulate extremes until the accumulator wraps, hold with ``en`` low, ``clr``
    without ``en`` (must do nothing), and ``clr`` with ``en`` (restart from this product)."""
    seq = [(a_max, b_max, 1, 1)] + [(a_max, b_max, 1, 0)] * steps
    seq += [(a_min, b_max, 0, 0), (a_min, b_max, 0, 1), (a_min, b_min, 1, 0)]
    seq += [(a_min, b_max, 1, 1)] + [(a_min, b_max, 1, 0)] * steps
    seq += [(1, 1, 1, 1), (0, 0, 1, 0), (a_max, a_max, 0, 0)]
    cols = list(zip(*seq))
    return {"a": _array(cols[0], width), "b": _array(cols[1], width),
            "en": np.array(cols[2], dtype=np.int64), "clr": np.array(cols[3], dtype=np.int64)}
