"""Generic binary floating-point formats for golden models: unpack, round to nearest even, pack.

A format has a sign bit, ``exp_bits`` exponent bits (bias ``2**(exp_bits-1) - 1``) and ``man_bits`` stored
mantissa bits, IEEE 754 style: exponent field 0 holds zeros and subnormals, the all-ones field holds
infinities (mantissa 0) and NaNs. bfloat16 is ``Format(8, 7)``, fp32 ``Format(8, 23)``; tiny formats such
as ``Format(4, 3)`` exist so that every pair of operands can be checked.

Every function takes and returns raw bit patterns and works on Python ints and on numpy int64 arrays
alike (the MAC model runs one step at a time on ints, the multiplier model on whole arrays). Rounding is
integer code: nothing here goes through float64 or float32, which would round twice.

Flush-to-zero (``ftz``): subnormal operands read as zeros of their sign, and a result whose exact value
is below the smallest normal magnitude ``2**emin`` (tininess *before* rounding) becomes a zero of its
sign. Without ``ftz`` subnormals are kept (gradual underflow, IEEE 754).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwgen.numeric.float_format import BF16, FP32, Format

__all__ = ["Format", "BF16", "FP32", "where", "bit_length", "Unpacked", "unpack", "round_pack",
           "special", "to_float"]




def where(cond, x, y):
    """``np.where`` for arrays, a plain conditional for Python scalars (keeps the MAC loop fast)."""
    if isinstance(cond, np.ndarray):
        return np.where(cond, x, y)
    return x if cond else y


def bit_length(x):
    """Position of the leading one plus one (0 for 0), for non-negative ints below 2**62."""
    if not isinstance(x, np.ndarray):
        return int(x).bit_length()
    x = x.astype(np.int64)
    n = np.zeros(x.shape, dtype=np.int64)
    for step in (32, 16, 8, 4, 2, 1):
        has = (x >> (n + step)) > 0
        n = np.where(has, n + step, n)
    return np.where(x > 0, n + 1, 0)


@dataclass
class Unpacked:
    """Operands split into fields. ``value = (-1)**sign * sig * 2**lsb_exp`` for finite operands.

    ``sig`` carries the hidden bit for normal numbers; subnormals keep ``sig < 2**man_bits`` with
    ``lsb_exp = emin - man_bits``; zeros (flushed subnormals included) have ``sig = 0``.
    """

    sign: object
    lsb_exp: object
    sig: object
    zero: object
    inf: object
    nan: object


def _int(x):
    return x.astype(np.int64) if isinstance(x, np.ndarray) else int(x)


def unpack(fmt: Format, bits, ftz: bool) -> Unpacked:
    bits = _int(bits)
    m = fmt.man_bits
    sign = (bits >> (fmt.exp_bits + m)) & 1
    field = (bits >> m) & fmt.exp_all_ones
    man = bits & ((1 << m) - 1)
    special_exp = field == fmt.exp_all_ones
    sub = field == 0
    zero = sub & (man == 0) if not ftz else sub
    sig = where(sub, 0 if ftz else man, man | (1 << m))
    sig = where(special_exp, 0, sig)
    lsb_exp = where(sub, fmt.emin, field - fmt.bias) - m
    return Unpacked(sign, lsb_exp, sig, zero, special_exp & (man == 0), special_exp & (man != 0))


def round_pack(fmt: Format, sign, sig, lsb_exp, sticky, ftz: bool):
    """The finite value ``(-1)**sign * (sig + s) * 2**lsb_exp`` rounded to nearest even in ``fmt``.

    ``s`` is a value strictly between 0 and 1 when ``sticky`` is set (bits below ``sig`` were dropped),
    else 0. ``sig`` must be below 2**60. Overflow gives an infinity; with ``ftz``, a value below
    ``2**emin`` gives a zero of its sign; ``sig == 0`` gives a zero of sign ``sign``.
    """
    m = fmt.man_bits
    n = bit_length(sig)
    top = lsb_exp + n - 1  # unbiased exponent of the leading one
    # Exponent of the result's last mantissa bit: fixed at emin - m in the subnormal range.
    q = where(top < fmt.emin, fmt.emin, top) - m
    shift = q - lsb_exp
    # shift <= 0: sig already fits (q >= top - m >= lsb_exp - m, so at most m places left).
    exact = sig << where(shift < 0, -shift, 0)
    # shift > 0: cut `shift` bits. Beyond n + 1 places the cut is below half an ulp whatever it is,
    # so clamping keeps the decision and keeps the masks inside int64.
    cut = where(shift > n + 1, n + 1, where(shift > 0, shift, 1))
    kept = sig >> cut
    rem = sig & ((1 << cut) - 1)
    half = 1 << (cut - 1)
    up = (rem > half) | ((rem == half) & ((sticky != 0) | ((kept & 1) == 1)))
    mant = where(shift > 0, kept + where(up, 1, 0), exact)  # up to 2**(m+1): carries into the exponent
    # Biased field minus one, plus the mantissa with its hidden bit, is the packed pattern; a subnormal
    # (field 0, no hidden bit) that rounds up to 2**m becomes the smallest normal on its own.
    field_m1 = where(top < fmt.emin, fmt.emin, top) + fmt.bias - 1
    big = top > fmt.emax
    packed = (where(big, 0, field_m1) << m) + mant
    packed = where(big | (packed >= fmt.inf), fmt.inf, packed)
    packed = where(sig == 0, 0, packed)
    if ftz:
        packed = where(top < fmt.emin, 0, packed)
    return packed | (sign << (fmt.exp_bits + m))


def special(fmt: Format, result, nan, inf, inf_sign):
    """Override ``result`` with the canonical NaN where ``nan`` and a signed infinity where ``inf``."""
    result = where(inf, fmt.inf | (inf_sign << (fmt.exp_bits + fmt.man_bits)), result)
    return where(nan, fmt.qnan, result)


def to_float(fmt: Format, bits) -> np.ndarray:
    """Bit patterns as float64 values (exact for every format here; NaN for NaNs)."""
    u = unpack(fmt, np.asarray(bits, dtype=np.int64).reshape(-1), False)
    v = np.ldexp(u.sig.astype(np.float64), u.lsb_exp.astype(np.int64))
    v = np.where(u.inf, np.inf, v)
    v = np.where(u.nan, np.nan, v)
    v = np.where(u.sign == 1, -v, v)
    return v.reshape(np.shape(bits))
