"""Operand streams for the energy proxy: seeded CNN-like operands in each unit's format, or uniform.

The CNN-like stream models one convolution layer's inner loop: activations are ReLU'd standard normal
values (about half exactly zero), weights are normal; both are quantised to the unit's format with a
per-tensor scale (activations: 4 sigma to full range; weights: 3 sigma to full range, clipped). MACs
see a stream with ``en`` always high and ``clr`` every :data:`ACC_RUN` steps (one output per run).

These are the building blocks that the units' declared streams (``Unit.streams``) are made of; the
``uniform`` stream draws every operand uniformly from its whole range.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "ACC_RUN", "cnn_activations", "cnn_weights",
           "quantise_unsigned", "quantise_signed", "uniform_ints", "int_pair", "mac_steps", "float_to_bf16"]

from hwgen.unit import STREAM_KINDS as STREAMS

#: Products accumulated per MAC output in CNN-like streams (a 3x3 kernel over a few channels).
ACC_RUN = 36


# -- building blocks ------------------------------------------------------------------------------
def cnn_activations(rng: np.random.Generator, n: int) -> np.ndarray:
    """ReLU(N(0, 1)): half exact zeros, the rest half-normal."""
    return np.maximum(rng.standard_normal(n), 0.0)


def cnn_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal(n)


#: float64 holds integers exactly up to 2^53: wider codes are quantised to 52 bits and shifted up.
_FLOAT_BITS = 52


def _widen(q: np.ndarray, width: int, used: int) -> np.ndarray:
    if width == used:
        return q
    shift = width - used
    if width <= 62:
        return q << np.int64(shift)
    return np.array([int(v) << shift for v in q], dtype=object)


def quantise_unsigned(x: np.ndarray, width: int, full_scale: float) -> np.ndarray:
    """Non-negative reals to ``width``-bit codes, ``full_scale`` mapping to the top code."""
    used = min(width, _FLOAT_BITS)
    top = (1 << used) - 1
    q = np.clip(np.rint(np.abs(x) * (top / full_scale)), 0, top).astype(np.int64)
    return _widen(q, width, used)


def quantise_signed(x: np.ndarray, width: int, full_scale: float) -> np.ndarray:
    used = min(width, _FLOAT_BITS)
    top = (1 << (used - 1)) - 1
    q = np.clip(np.rint(x * (top / full_scale)), -top - 1, top).astype(np.int64)
    return _widen(q, width, used)


def int_pair(rng: np.random.Generator, n: int, width: int, is_signed: bool) -> dict:
    """``a`` = quantised activation (never negative), ``b`` = quantised weight (its magnitude for
    unsigned units)."""
    a = cnn_activations(rng, n)
    w = cnn_weights(rng, n)
    qa = quantise_unsigned(a, width - 1 if is_signed else width, 4.0)
    qb = quantise_signed(w, width, 3.0) if is_signed else quantise_unsigned(w, width, 3.0)
    return {"a": qa, "b": qb}


def uniform_ints(rng: np.random.Generator, n: int, width: int, is_signed: bool) -> np.ndarray:
    lo = -(1 << (width - 1)) if is_signed else 0
    if width <= 62:
        return rng.integers(lo, lo + (1 << width), size=n, dtype=np.int64)
    words = rng.integers(0, 1 << 32, size=(n, (width + 31) // 32), dtype=np.int64)
    mask = (1 << width) - 1
    return np.array([(sum(int(w) << (32 * i) for i, w in enumerate(row)) & mask) + lo for row in words],
                    dtype=object)


def mac_steps(vec: dict, n: int) -> dict:
    """MAC protocol columns: ``en`` always, ``clr`` on the first step of every run of ACC_RUN."""
    out = dict(vec)
    out["en"] = np.ones(n, dtype=np.int64)
    out["clr"] = (np.arange(n) % ACC_RUN == 0).astype(np.int64)
    return out


def float_to_bf16(x: np.ndarray) -> np.ndarray:
    """float64 -> bf16 bit patterns via float32 (exact for these magnitudes) and integer RNE."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = (u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)
    return r.astype(np.int64)
