"""Golden model of float addition (round to nearest even) and of the float MAC built on it.

Addition is exact apart from one rounding. Signed zeros follow IEEE 754 for round to nearest:
``x + (-x) = +0``, ``(-0) + (-0) = -0``, ``(+0) + (-0) = +0``; a flushed tiny sum is a zero of the sum's
sign. NaN in, or ``inf + (-inf)``, gives the canonical NaN; otherwise an infinity operand wins.

MAC: ``acc <- RNE(base + a*b)`` on each clock step with ``en``, ``base = +0`` when ``clr`` else ``acc``.
The product is the multiplier's output in the accumulator format (exact for ``multiplier=exact`` unless it
overflows or is flushed), then added: unfused, like AVX512 VDPBF16PS (a fused MAC differs only for
products beyond the accumulator's range).
"""

from __future__ import annotations

import numpy as np

from hwgen.units.bf16.model.fmt import Format, round_pack, special, unpack, where
from hwgen.units.bf16.model.mul import float_mul

__all__ = ["float_add", "float_mac"]


def float_add(fmt: Format, a, b, ftz: bool = True):
    """``a + b`` for bit patterns in ``fmt`` (Python ints or int64 arrays)."""
    ua, ub = unpack(fmt, a, ftz), unpack(fmt, b, ftz)
    # Align on the smaller exponent: exact while the exponents differ by at most `room`. Beyond that
    # the larger operand is normal and the smaller one is below 2**(e_big - 2), a quarter of the
    # result's ulp even after a one-bit cancellation, so no rounding boundary lies between the true sum
    # and the sum with the small operand replaced by any amount in (0, 2**(e_big - 2)): it is replaced
    # by a sticky amount in (0, 1) unit of `lsb_exp`.
    room = fmt.man_bits + 4  # far operands (d > room) are below a quarter ulp of the result: see below
    a_big = ua.lsb_exp >= ub.lsb_exp
    e_big = where(a_big, ua.lsb_exp, ub.lsb_exp)
    s_big = where(a_big, ua.sig, ub.sig)
    s_small = where(a_big, ub.sig, ua.sig)
    d = e_big - where(a_big, ub.lsb_exp, ua.lsb_exp)
    far = d > room
    lsb_exp = e_big - room
    big = s_big << room
    small = where(far, 0, s_small << where(far, 0, room - d))
    sticky = where(far & (s_small != 0), 1, 0)
    differ = ua.sign != ub.sign
    sign_big = where(a_big, ua.sign, ub.sign)
    sign_small = where(a_big, ub.sign, ua.sign)
    # Signed sum of the exact part; a far-away small operand shifts the true value by less than one
    # unit of `lsb_exp`: downwards (borrow one unit, then `sticky` adds back less than one) when it
    # has the opposite sign to the dominating part.
    total = where(sign_big == 1, -big, big) + where(sign_small == 1, -small, small)
    sign = where(total < 0, 1, where(total > 0, 0, ua.sign & ub.sign))
    mag = where(total < 0, -total, total)
    borrow = (sticky == 1) & differ
    mag = where(borrow, mag - 1, mag)
    result = round_pack(fmt, sign, mag, lsb_exp, sticky, ftz)
    nan = ua.nan | ub.nan | (ua.inf & ub.inf & differ)
    inf_sign = where(ua.inf, ua.sign, ub.sign)
    return special(fmt, result, nan, ua.inf | ub.inf, inf_sign)


def float_mac(fmt: Format, acc_fmt: Format, a, b, en, clr, multiplier: str = "exact",
              w: int | None = None, ftz: bool = True) -> np.ndarray:
    """Accumulator value after each step (bit patterns in ``acc_fmt``); starts from +0."""
    products = float_mul(fmt, acc_fmt, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64),
                         multiplier, w, ftz)
    out = np.zeros(len(products), dtype=np.int64)
    acc = 0
    for i, (p, e, c) in enumerate(zip(products.tolist(), np.asarray(en).tolist(), np.asarray(clr).tolist())):
        if e:
            acc = float_add(acc_fmt, 0 if c else acc, p, ftz)
        out[i] = acc
    return out
