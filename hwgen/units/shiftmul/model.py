"""Golden models of the shift multiplier and shift MAC (units.md §3, base-1/2 exponential weights).

Weight code of ``n = code_bits`` bits: sign in the MSB, exponent index ``j`` in the low ``n - 1`` bits;
weight ``(-1)^sign * 2^-j`` for ``j <= emax = 2^(n-1) - 2``; the all-ones index is the weight 0.
The product is the exact value ``a * weight`` in fixed point with ``emax`` fraction bits, i.e. the
integer ``a * weight * 2^emax``. The model multiplies by ``2^(emax - j)`` as a number; the gateware
shifts.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.intops import as_ints
from hwgen.units.intmul.model import mac_model

__all__ = ["shift_emax", "shift_weight_value", "shift_mul_model", "shift_mac_model"]


def shift_emax(code_bits: int) -> int:
    """Largest exponent index of a nonzero weight, and the fraction bits of the product."""
    return (1 << (code_bits - 1)) - 2


def shift_weight_value(code, code_bits: int) -> np.ndarray:
    """The weight each code stands for, as float64 (``+-2^-j`` or 0)."""
    code = np.asarray(code, dtype=np.int64)
    j = code & ((1 << (code_bits - 1)) - 1)
    sign = (code >> (code_bits - 1)) & 1
    mag = np.where(j > shift_emax(code_bits), 0.0, np.ldexp(1.0, -np.minimum(j, shift_emax(code_bits))))
    return np.where(sign == 1, -mag, mag)


def _products(params, a, b) -> np.ndarray:
    n = params["code_bits"]
    emax = shift_emax(n)
    bits = params["width"] + emax + 2
    a = as_ints(a, bits)
    b = np.asarray(b).astype(np.int64)
    j = b & ((1 << (n - 1)) - 1)
    negative = ((b >> (n - 1)) & 1) == 1
    nonzero = j <= emax
    # Integer scale factor 2^(emax - j) per vector (an exact multiplication, independent of any shifter).
    factor = as_ints(np.where(nonzero, emax - np.minimum(j, emax), 0), bits)
    factor = np.array([1 << int(f) for f in factor.reshape(-1)], dtype=factor.dtype).reshape(factor.shape) \
        if factor.dtype == object else (np.int64(1) << factor)
    p = a * factor
    p = np.where(negative, -p, p)
    zero = as_ints(np.zeros(np.shape(p), dtype=np.int64), bits)
    return np.where(nonzero, p, zero).astype(p.dtype)


def shift_mul_model(params, vec):
    """``p = a * (-1)^sign * 2^(emax - j)``, or 0 for the zero code."""
    return {"p": _products(params, vec["a"], vec["b"])}


def shift_mac_model(params, vec):
    """Accumulator after each clock step of the MAC protocol over shift products (signed, wrapping at
    ``acc_width``): the exact MAC's model fed with the products times 1."""
    products = _products(params, vec["a"], vec["b"])
    as_mac = {"width": params["width"] + 1 + shift_emax(params["code_bits"]), "signed": True,
              "acc_width": params["acc_width"]}
    ones = np.ones(len(products), dtype=np.int64)
    return mac_model(as_mac, {"a": products, "b": ones, "en": vec["en"], "clr": vec["clr"]})
