"""Stimulus for the Winograd units: extreme tiles, seeded random tiles, realistic transformed filters
and channel-accumulation sequences. Tiles come as arrays of shape (n, side, side), signed values."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.stimuli import int_bounds, random_ints
from hwgen.numeric.winograd_matrices import filter_transform, filter_transform_int

__all__ = ["extreme_tiles", "transform_extremes", "random_tiles", "crossed", "realistic_u", "channel_sequence",
           "accumulate_directed"]


def _arr(values, width: int) -> np.ndarray:
    if width <= 62:
        return np.array(values, dtype=np.int64)
    return np.array([[[int(v) for v in row] for row in t] for t in values], dtype=object)


def extreme_tiles(width: int, side: int) -> np.ndarray:
    """Zero, all max, all min, both checkerboards of max and min, and a one-hot max and a one-hot min at
    every position: the tiles where a width or sign error shows first."""
    lo, hi = int_bounds(width, True)
    tiles = [[[0] * side for _ in range(side)], [[hi] * side for _ in range(side)],
             [[lo] * side for _ in range(side)]]
    for a, b in ((hi, lo), (lo, hi)):
        tiles.append([[a if (i + j) % 2 == 0 else b for j in range(side)] for i in range(side)])
    for v in (hi, lo):
        for k in range(side * side):
            tiles.append([[v if i * side + j == k else 0 for j in range(side)] for i in range(side)])
    return _arr(tiles, width)


def transform_extremes(width: int, BT) -> np.ndarray:
    """For each element of ``B^T d B`` (or ``A^T m A`` given A^T), the two tiles that drive it to its
    largest and smallest value (each input at the bound matching its coefficient's sign): they reach
    every bit of the derived width."""
    lo, hi = int_bounds(width, True)
    bt = np.array(BT, dtype=np.int64)
    tiles = []
    for i in range(len(bt)):
        for j in range(len(bt)):
            c = np.outer(bt[i], bt[j])
            tiles.append(np.where(c > 0, hi, np.where(c < 0, lo, 0)).tolist())
            tiles.append(np.where(c > 0, lo, np.where(c < 0, hi, 0)).tolist())
    return _arr(tiles, width)


def crossed(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a[i], b[j]) of tiles."""
    return np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1, 1))


def random_tiles(rng: np.random.Generator, n: int, width: int, side: int) -> np.ndarray:
    """``n`` tiles of seeded random signed values (half uniform, half of random magnitude, per element)."""
    v = random_ints(rng, n * side * side, width, True)
    return rng.permutation(v).reshape(n, side, side)


def _clip(x: np.ndarray, width: int) -> np.ndarray:
    lo, hi = int_bounds(width, True)
    return np.minimum(np.maximum(x, lo), hi)


def realistic_u(rng: np.random.Generator, n: int, g_width: int, u_width: int, mats, u_frac: int | None
                ) -> np.ndarray:
    """Transformed filters of ``n`` random ``g_width``-bit 3x3 filters, as the offline transform makes
    them (``filter_transform`` for adder tiles, ``filter_transform_int`` when ``u_frac`` is None),
    clipped to ``u_width`` bits. These put |u - v| near zero, where the sign of u - v flips."""
    g = random_tiles(rng, n, g_width, mats.r)
    u = filter_transform_int(g, mats) if u_frac is None else filter_transform(g, mats, u_frac)
    return _clip(u, u_width)


def channel_sequence(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``en`` and ``clr`` for ``n`` clock steps: runs of 1-64 input channels, each run starting with
    ``clr``; ``en`` drops for a step now and then (10%) to check that the accumulator holds."""
    clr = np.zeros(n, dtype=np.int64)
    pos = 0
    while pos < n:
        clr[pos] = 1
        pos += int(rng.integers(1, 65))
    en = (rng.random(n) >= 0.1).astype(np.int64)
    clr |= (rng.random(n) < 0.02).astype(np.int64)  # some clr with en low: must do nothing
    return en, clr


def accumulate_directed(u_hi: np.ndarray, v_lo: np.ndarray, u_ex: np.ndarray, v_ex: np.ndarray,
                        steps: int = 8) -> dict:
    """Clear, then accumulate the most negative term ``steps`` times; hold with ``en`` low; ``clr``
    without ``en`` (must do nothing); ``clr`` with ``en`` (restart); then the extreme tiles in one run."""
    side = u_hi.shape[-1]
    seq_u = [u_hi] * (steps + 1) + [u_hi, u_hi, u_hi] + list(u_ex)
    seq_v = [v_lo] * (steps + 1) + [v_lo, v_lo, v_lo] + list(v_ex)
    en = [1] * (steps + 1) + [0, 0, 1] + [1] * len(u_ex)
    clr = [1] + [0] * steps + [0, 1, 1] + [1] + [0] * (len(u_ex) - 1)
    stack = (lambda s: np.stack(s) if s[0].dtype != object else
             np.array([x.tolist() for x in s], dtype=object).reshape(len(s), side, side))
    return {"u": stack(seq_u), "v": stack(seq_v),
            "en": np.array(en, dtype=np.int64), "clr": np.array(clr, dtype=np.int64)}
