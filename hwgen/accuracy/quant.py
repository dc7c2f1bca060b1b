"""Power-of-two quantization and shift requantization (Geng et al.: every scale a power of two, so
bringing an accumulator back to b bits is an add, a shift and a clamp).

A quantized tensor is ``q * 2**-f`` with integer ``q`` and *frac bits* ``f``. Activations are non-negative
(after ReLU) in ``[0, 2**act_bits - 1]``; weights are symmetric.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from hwgen.accuracy.data import PIXEL_MAX
from hwgen.accuracy.products import unit_available
from hwgen.registry import get_unit

__all__ = ["frac_bits_for", "quantize_pow2", "input_codes", "requant_reference", "unit_requantizer",
           "requantizer", "Requantizer"]

#: requant(acc, bias, shift, bits, relu, in_width=None) -> codes; acc (..., O) int64, bias (O,) int64;
#: ``in_width``: the accumulator's bits (the requantizer's input port).
Requantizer = Callable[[np.ndarray, np.ndarray, int, int, bool], np.ndarray]


def frac_bits_for(amax: float, qmax: int) -> int:
    """Largest f with amax * 2**f <= qmax (the power-of-two scale that does not clip ``amax``)."""
    if amax <= 0:
        return 0
    return int(math.floor(math.log2(qmax / amax)))


def quantize_pow2(w: np.ndarray, bits: int) -> tuple[np.ndarray, int]:
    """Symmetric ``bits``-bit codes (in +-(2**(bits-1) - 1)) with one power-of-two scale per tensor."""
    qmax = (1 << (bits - 1)) - 1
    f = frac_bits_for(float(np.abs(w).max()), qmax)
    return np.clip(np.rint(w * 2.0 ** f), -qmax, qmax).astype(np.int64), f


def input_codes(pixels: np.ndarray, act_bits: int) -> tuple[np.ndarray, int]:
    """Pixels 0..16 as activation codes (exact: a left shift) and the frac bits of the value pixel/16."""
    s = int(math.floor(math.log2(((1 << act_bits) - 1) / PIXEL_MAX)))
    return pixels.astype(np.int64) << s, s + 4


def requant_reference(acc, bias, shift: int, bits: int, relu: bool, in_width=None) -> np.ndarray:
    """Plain-numpy shift requantizer (half_up rounding), the reference the tests compare with."""
    v = np.asarray(acc, dtype=np.int64) + np.asarray(bias, dtype=np.int64)
    if shift > 0:
        v = (v + (np.int64(1) << np.int64(shift - 1))) >> np.int64(shift)
    lo, hi = (0, (1 << bits) - 1) if relu else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return np.clip(v, lo, hi)


def unit_requantizer(mul: bool = False) -> Requantizer | None:
    """The registered ``requant`` unit's model as a requantizer (half_up rounding, bias port as wide as
    the accumulator), or None while that unit does not exist. ``mul``: the ``requant_mul`` unit instead,
    whose call takes a per-channel multiplier ``m`` (for batch norm that cannot be folded into weights)."""
    name = "requant_mul" if mul else "requant"
    if not unit_available(name):
        return None
    unit = get_unit(name)

    def requant(acc, bias, shift, bits, relu, m=None, in_width=None):
        acc = np.asarray(acc, dtype=np.int64)
        width = in_width or max(2, int(max(np.abs(acc).max(initial=0), np.abs(bias).max(initial=0))).bit_length() + 1)
        lim = 1 << (width - 1)
        if np.abs(acc).max(initial=0) >= lim or np.abs(bias).max(initial=0) >= lim:
            raise ValueError(f"Accumulator or bias exceeds the {width}-bit requantizer input")
        given = {"in_width": width, "out_width": bits, "shift": shift, "rounding": "half_up", "relu": relu,
                 "bias_width": width}
        vec = {"x": acc.ravel(), "bias": np.broadcast_to(bias, acc.shape).ravel()}
        if mul:
            given["mult_bits"] = MULT_BITS
            vec["m"] = np.broadcast_to(m, acc.shape).ravel()
        y = unit.model(unit.resolve(given), vec)["y"]
        return np.asarray(y, dtype=np.int64).reshape(acc.shape)

    return requant


#: Bits of the per-channel multiplier of ``requant_mul`` (batch norm after adder layers).
MULT_BITS = 16


def requantizer() -> tuple[Requantizer, str]:
    """The unit model when registered, else the reference; with a label saying which."""
    r = unit_requantizer()
    return (r, "unit:requant") if r is not None else (requant_reference, "reference")
