"""Golden model of the float multipliers: exact, Mitchell and Mitch-w mantissa products.

Exact: the product of the significands, rounded once into the output format (no rounding at all when
the output is the wide format, which holds every product of the operand format exactly, unless it
overflows or underflows).

Mitch-w (units.md §1-2): a normal float is already in Mitchell's logarithmic form, exponent =
characteristic and mantissa = fraction. Each fraction is truncated to its top ``w - 1`` bits, the two
logarithms ``k + f`` are added as fixed-point numbers (the fraction carry lands in the characteristic),
and the antilogarithm is ``2**c * (1 + g)``. In bfloat16 with ``w = 8`` this is the integer add
``(a & 0x7FFF) + (b & 0x7FFF) - 0x3F80``. The result has at most ``w - 1`` fraction bits, so it is exact
in either output format unless it overflows (infinity) or underflows (flushed with ``ftz``, rounded to a
subnormal without). Subnormal operands (``ftz`` off) are normalised first: their characteristic is the
position of their leading one.

Special values, the same for every multiplier: NaN in, or infinity times zero, gives the canonical NaN;
infinity times a nonzero gives an infinity; the sign is always ``sign(a) xor sign(b)``.
"""

from __future__ import annotations

from hwgen.units.bf16.model.fmt import Format, bit_length, round_pack, special, unpack, where

__all__ = ["MULTIPLIERS", "float_mul"]

MULTIPLIERS = ("exact", "mitchw")


def _mitchell_log(fmt: Format, u, k_bits: int):
    """``characteristic * 2**k_bits + truncated fraction`` of a nonzero finite operand."""
    m = fmt.man_bits
    n = bit_length(u.sig)  # m + 1 for normals, fewer for subnormals
    characteristic = u.lsb_exp + n - 1
    frac = (u.sig << where(n > 0, m + 1 - n, 0)) - (1 << m)  # m-bit fraction below the leading one
    frac = where(n > 0, frac, 0)
    return (characteristic << k_bits) + (frac >> (m - k_bits))


def float_mul(fmt: Format, out: Format, a, b, multiplier: str = "exact", w: int | None = None,
              ftz: bool = True):
    """``a * b`` for bit patterns ``a``, ``b`` in ``fmt``, as a bit pattern in ``out``."""
    ua, ub = unpack(fmt, a, ftz), unpack(fmt, b, ftz)
    sign = ua.sign ^ ub.sign
    if multiplier == "exact":
        sig, lsb_exp = ua.sig * ub.sig, ua.lsb_exp + ub.lsb_exp
    elif multiplier == "mitchw":
        if w is None or not 2 <= w <= fmt.man_bits + 1:
            raise ValueError(f"Mitch-w width must be an integer in 2..{fmt.man_bits + 1}, not {w!r}")
        k = w - 1
        r = _mitchell_log(fmt, ua, k) + _mitchell_log(fmt, ub, k)  # arithmetic: characteristics may be < 0
        sig, lsb_exp = (1 << k) + (r & ((1 << k) - 1)), (r >> k) - k
    else:
        raise ValueError(f"Multiplier must be one of {', '.join(MULTIPLIERS)}, not {multiplier!r}")
    zero = ua.zero | ub.zero
    sig = where(zero | ua.inf | ub.inf | ua.nan | ub.nan, 0, sig)
    result = round_pack(out, sign, sig, lsb_exp, 0, ftz)
    nan = ua.nan | ub.nan | (ua.inf & ub.zero) | (ua.zero & ub.inf)
    return special(out, result, nan, ua.inf | ub.inf, sign)
