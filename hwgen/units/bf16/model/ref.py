"""Independent exact-rational reference for the float models (slow: for tiny formats and spot checks).

Written from the definitions with Python's ``fractions``, sharing nothing with :mod:`.floatfmt`: a bit
pattern is decoded to an exact rational, the operation is carried out exactly, and the result is rounded
by searching the representable neighbours. It exists to cross-check the integer golden models
exhaustively on formats for which no library implements IEEE-style arithmetic.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

__all__ = ["decode", "encode", "ref_mul", "ref_add"]

NAN = "nan"


def _fields(e_bits: int, m_bits: int, x: int):
    return (x >> (e_bits + m_bits)) & 1, (x >> m_bits) & ((1 << e_bits) - 1), x & ((1 << m_bits) - 1)


@lru_cache(maxsize=1 << 16)  # exhaustive checks decode each pattern many times
def decode(e_bits: int, m_bits: int, x: int, ftz: bool):
    """``(sign, value)`` with value a Fraction, ``inf`` (float) or ``"nan"``."""
    sign, field, man = _fields(e_bits, m_bits, int(x))
    bias = (1 << (e_bits - 1)) - 1
    if field == (1 << e_bits) - 1:
        return sign, (float("inf") if man == 0 else NAN)
    if field == 0:
        return sign, (Fraction(0) if ftz else Fraction(man, 1 << m_bits) * Fraction(2) ** (1 - bias))
    return sign, (1 + Fraction(man, 1 << m_bits)) * Fraction(2) ** (field - bias)


def _floor_log2(q: Fraction) -> int:
    e = q.numerator.bit_length() - q.denominator.bit_length()
    while Fraction(2) ** e > q:
        e -= 1
    while Fraction(2) ** (e + 1) <= q:
        e += 1
    return e


@lru_cache(maxsize=1 << 18)
def encode(e_bits: int, m_bits: int, sign: int, q, ftz: bool) -> int:
    """Round the magnitude ``q`` (Fraction >= 0, or inf) to nearest even; NaN becomes the canonical NaN."""
    bias = (1 << (e_bits - 1)) - 1
    all_ones = (1 << e_bits) - 1
    if q == NAN:
        return (all_ones << m_bits) | (1 << (m_bits - 1))
    s = sign << (e_bits + m_bits)
    if q == float("inf"):
        return s | (all_ones << m_bits)
    if q == 0:
        return s
    emin = 1 - bias
    e = _floor_log2(q)
    if e < emin and ftz:
        return s
    quantum = Fraction(2) ** (max(e, emin) - m_bits)
    n = q / quantum
    lo = n.numerator // n.denominator
    rest = n - lo
    up = rest > Fraction(1, 2) or (rest == Fraction(1, 2) and lo % 2 == 1)
    k = lo + int(up)  # the result is k * quantum
    value = k * quantum
    if value >= Fraction(2) ** (bias + 1):
        return s | (all_ones << m_bits)
    if value < Fraction(2) ** emin:
        return s | k  # subnormal
    e = _floor_log2(value)
    man = value / Fraction(2) ** e - 1
    return s | ((e + bias) << m_bits) | int(man * (1 << m_bits))


@lru_cache(maxsize=1 << 16)
def _mitchell(q: Fraction, w: int, m_bits: int):
    """Characteristic and truncated fraction of ``q > 0`` (exact: ``q`` has at most m_bits fraction bits)."""
    k = _floor_log2(q)
    f = q / Fraction(2) ** k - 1
    keep = 1 << (w - 1)
    return k, Fraction((f * keep).numerator // (f * keep).denominator, keep)


def ref_mul(e_bits: int, m_bits: int, out_e: int, out_m: int, a: int, b: int, multiplier: str,
            w: int, ftz: bool) -> int:
    sa, va = decode(e_bits, m_bits, a, ftz)
    sb, vb = decode(e_bits, m_bits, b, ftz)
    sign = sa ^ sb
    if NAN in (va, vb) or (va == float("inf") and vb == 0) or (va == 0 and vb == float("inf")):
        return encode(out_e, out_m, 0, NAN, ftz)
    if float("inf") in (va, vb):
        return encode(out_e, out_m, sign, float("inf"), ftz)
    if va == 0 or vb == 0:
        return encode(out_e, out_m, sign, Fraction(0), ftz)
    if multiplier == "exact":
        return encode(out_e, out_m, sign, va * vb, ftz)
    ka, fa = _mitchell(va, w, m_bits)
    kb, fb = _mitchell(vb, w, m_bits)
    s = fa + fb  # antilog of (ka + fa) + (kb + fb): the fraction carry doubles the power of two
    p = Fraction(2) ** (ka + kb) * (1 + s) if s < 1 else Fraction(2) ** (ka + kb + 1) * s
    return encode(out_e, out_m, sign, p, ftz)


def ref_add(e_bits: int, m_bits: int, a: int, b: int, ftz: bool) -> int:
    sa, va = decode(e_bits, m_bits, a, ftz)
    sb, vb = decode(e_bits, m_bits, b, ftz)
    inf = float("inf")
    if NAN in (va, vb) or (va == inf and vb == inf and sa != sb):
        return encode(e_bits, m_bits, 0, NAN, ftz)
    if va == inf or vb == inf:
        return encode(e_bits, m_bits, sa if va == inf else sb, inf, ftz)
    total = (-va if sa else va) + (-vb if sb else vb)
    if total == 0:
        # IEEE 754, round to nearest: an exact zero sum is +0 unless both operands are -0.
        return encode(e_bits, m_bits, sa & sb if va == 0 and vb == 0 else 0, Fraction(0), ftz)
    return encode(e_bits, m_bits, int(total < 0), abs(total), ftz)
