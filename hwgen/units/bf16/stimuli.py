"""Stimulus for the float units: TestFloat-style directed patterns, biased random operands, MAC sequences.

Everything is generic in the operand format (exponent and mantissa bits), so the tiny formats used for
exhaustive checks get the same kinds of vectors as bfloat16. Operands are raw bit patterns (int64).
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.stimuli import cross
from hwgen.unit import EXHAUSTIVE_LIMIT
from hwgen.units.bf16.model.fmt import Format

__all__ = ["directed_values", "directed_pairs", "random_operands", "random_pairs", "exhaustive_pairs",
           "mac_directed_steps", "mac_random_steps"]


def _pack(fmt: Format, sign, field, man):
    return (np.asarray(sign, dtype=np.int64) << (fmt.exp_bits + fmt.man_bits)) \
        | (np.asarray(field, dtype=np.int64) << fmt.man_bits) | np.asarray(man, dtype=np.int64)


def _mantissa_patterns(fmt: Format) -> list[int]:
    """0, 1, all ones, one half (MSB only) and a fixed pseudo-random pattern."""
    m = fmt.man_bits
    rnd = int(np.random.default_rng(1000 * fmt.exp_bits + m).integers(0, 1 << m))
    return [0, 1, (1 << m) - 1, 1 << (m - 1), rnd]


def directed_values(fmt: Format) -> np.ndarray:
    """Every sign x exponent class (0, 1, bias-1, bias, bias+1, max, all ones) x mantissa pattern."""
    b, top = fmt.bias, fmt.exp_all_ones
    fields = sorted({0, 1, b - 1, b, b + 1, top - 1, top} & set(range(top + 1)))
    vals = {int(_pack(fmt, s, e, mp)) for s in (0, 1) for e in fields for mp in _mantissa_patterns(fmt)}
    return np.array(sorted(vals), dtype=np.int64)


def _boundary_pairs(fmt: Format) -> tuple[np.ndarray, np.ndarray]:
    """Operand pairs whose product lands at the edges of the exponent range (underflow, smallest
    normal, largest finite, overflow), with every mantissa pattern, so carries cross the edges."""
    b, top = fmt.bias, fmt.exp_all_ones
    pats = _mantissa_patterns(fmt)
    a_out, b_out = [], []
    for target in (-fmt.man_bits - 2, -1, 0, 1, 2, top - 2, top - 1, top):  # biased product exponent
        for ea in sorted({1, 2, b - 1, b, b + 1, top - 2, top - 1} & set(range(1, top))):
            eb = target + b - ea
            if not 1 <= eb <= top - 1:
                continue
            for ma in pats:
                for mb in pats:
                    for s in (0, 1):
                        a_out.append(int(_pack(fmt, s, ea, ma)))
                        b_out.append(int(_pack(fmt, 0, eb, mb)))
    return np.array(a_out, dtype=np.int64), np.array(b_out, dtype=np.int64)


def directed_pairs(fmt: Format) -> dict:
    v = directed_values(fmt)
    a, b = cross(v, v)
    ba, bb = _boundary_pairs(fmt)
    return {"a": np.concatenate([a, ba]), "b": np.concatenate([b, bb])}


def random_operands(fmt: Format, rng: np.random.Generator, n: int, spread: int | None = None) -> np.ndarray:
    """Operands of mixed kinds: 1/8 uniform bit patterns, 1/16 zeros and subnormals, 1/16 infinities
    and NaNs, the rest normal with an exponent within ``spread`` of the bias (default bias/4).
    Mantissas are uniform, with all-zero and all-ones patterns (carry and tie cases) over-represented."""
    m, top, b = fmt.man_bits, fmt.exp_all_ones, fmt.bias
    spread = max(1, b // 4) if spread is None else spread
    kind = rng.integers(0, 16, n)
    man = rng.integers(0, 1 << m, n, dtype=np.int64)
    pick = rng.integers(0, 8, n)
    man = np.where(pick == 0, 0, np.where(pick == 1, (1 << m) - 1, man))
    field = np.clip(b + rng.integers(-spread, spread + 1, n), 1, top - 1)
    field = np.where(kind == 0, 0, np.where(kind == 1, top, field))
    man = np.where((kind == 1) & (pick < 4), 0, man)  # half of the specials are infinities
    v = _pack(fmt, rng.integers(0, 2, n), field, man)
    uniform = rng.integers(0, 1 << fmt.width, n, dtype=np.int64)
    return np.where((kind == 2) | (kind == 3), uniform, v)


def random_pairs(fmt: Format, rng: np.random.Generator, n: int) -> dict:
    """Random operand pairs; a quarter of them with products at the edges of the exponent range."""
    a = random_operands(fmt, rng, n)
    b = random_operands(fmt, rng, n)
    # Edge pairs: choose b's exponent so the product's biased exponent is near 0 or near the top.
    m, top, bias = fmt.man_bits, fmt.exp_all_ones, fmt.bias
    ea = rng.integers(1, top, n)
    target = np.where(rng.integers(0, 2, n) == 0, rng.integers(-m - 2, 3, n), rng.integers(top - 3, top + 1, n))
    eb = np.clip(target + bias - ea, 1, top - 1)
    edge = rng.integers(0, 4, n) == 0
    a = np.where(edge, (a & ~(np.int64(top) << m)) | (ea << m), a)
    b = np.where(edge, (b & ~(np.int64(top) << m)) | (eb << m), b)
    return {"a": a, "b": b}


def exhaustive_pairs(fmt: Format) -> dict | None:
    if 1 << (2 * fmt.width) > EXHAUSTIVE_LIMIT:
        return None
    v = np.arange(1 << fmt.width, dtype=np.int64)
    a, b = cross(v, v)
    return {"a": a, "b": b}


def mac_directed_steps(fmt: Format, acc_man_bits: int) -> dict:
    """Clock steps (a, b, en, clr) exercising every decided rule of the MAC, each commented.

    The accumulator format has ``acc_man_bits`` mantissa bits and the operands' exponent bits.
    """
    m, bias, top = fmt.man_bits, fmt.bias, fmt.exp_all_ones
    sign = 1 << (fmt.exp_bits + m)

    def p2(k, man=0):  # 2**k * (1 + man/2**m) as a pattern, or None when out of the normal range
        return None if not 1 <= k + bias <= top - 1 else ((k + bias) << m) | man

    one, half, one_half = p2(0), p2(-1), p2(0, 1 << (m - 1))
    big, tiny = (top - 1) << m | ((1 << m) - 1), 1 << m  # largest finite, smallest normal
    nan, inf = fmt.exp_all_ones << m | (1 << (m - 1)), fmt.exp_all_ones << m
    steps = [
        (one, one, 1, 1),                  # clr: acc = +0 + 1
        (one | sign, one, 1, 0),           # 1 + (-1) = +0
        (0 | sign, one, 1, 0),             # +0 + (-0) = +0
        (p2(0, 1), p2(0, 1), 1, 1),        # (1+u)^2 = 1 + 2u + u^2: exact in the accumulator
        (one | sign, one, 1, 0),           # cancellation: 2u + u^2 remains, a long normalising shift
        (one, one, 0, 0),                  # en low: hold
        (one, one, 0, 1),                  # clr without en: nothing happens
        (0 | sign, one, 1, 1),             # clr with a -0 product: +0 + (-0) = +0
        (one_half, tiny, 1, 1),            # clr: 1.5 * 2^emin
        (tiny | sign, one, 1, 0),          # minus 2^emin: 0.5 * 2^emin is tiny: +0 with ftz, else subnormal
        (one_half | sign, tiny, 1, 1),     # clr: -1.5 * 2^emin
        (tiny, one, 1, 0),                 # plus 2^emin: a tiny negative sum: -0 with ftz
        (0 | sign, one, 1, 0),             # (-0) + (-0) = -0 with ftz
        (0, one, 1, 0),                    # (-0) + (+0) = +0
        (tiny, half or one, 1, 1),         # a product below 2^emin: flushed with ftz
        (1, one, 1, 1),                    # a subnormal operand: zero with ftz
        (1 | sign, big, 1, 0),             # -subnormal * largest: -0 with ftz, a small normal without
        (big, big, 1, 1),                  # product overflow -> +inf
        (one, one, 1, 0),                  # inf + 1 = inf
        (big | sign, big, 1, 0),           # inf + (-inf) = NaN
        (one, one, 1, 0),                  # NaN stays
        (big, one, 1, 1),                  # clr: largest finite
        (big, one, 1, 0),                  # accumulator overflow -> +inf
        (big | sign, one, 1, 1),
        (big | sign, one, 1, 0),           # -> -inf
        (nan, one, 1, 1),                  # NaN operand -> canonical NaN
        (inf, 0, 1, 1),                    # inf * 0 -> NaN
        (inf | sign, one, 1, 1),           # -inf
        (one, one, 1, 1),
    ]
    # Round-to-nearest-even ties in the accumulator: acc = 2^(M+1) (ulp 2), then add 1, 1, 3, 1.
    k = acc_man_bits + 1
    ka, kb = p2(k - k // 2), p2(k // 2)
    if ka is not None and kb is not None:
        steps += [(ka, kb, 1, 1), (one, one, 1, 0), (one, one, 1, 0), (p2(1, 1 << (m - 1)), one, 1, 0),
                  (one | sign, one, 1, 0), (one, one, 1, 0)]
    cols = list(zip(*[s for s in steps if None not in s]))
    return {"a": np.array(cols[0], dtype=np.int64), "b": np.array(cols[1], dtype=np.int64),
            "en": np.array(cols[2], dtype=np.int64), "clr": np.array(cols[3], dtype=np.int64)}


def mac_random_steps(fmt: Format, rng: np.random.Generator, n: int) -> dict:
    """Random steps with ``en`` high 80% of the time and ``clr`` 10%. A quarter of the steps repeat a
    recent product with the opposite sign, so sums cancel (deep normalisation, exact zeros)."""
    a = random_operands(fmt, rng, n)
    b = random_operands(fmt, rng, n)
    # Keep specials rare in sequences: they stick until the next clr.
    normal = random_operands(fmt, rng, n, spread=max(1, fmt.bias // 8))
    field = (a >> fmt.man_bits) & fmt.exp_all_ones
    a = np.where((field == fmt.exp_all_ones) & (rng.integers(0, 8, n) > 0), normal, a)
    back = rng.integers(1, 5, n)
    src = np.maximum(np.arange(n) - back, 0)
    echo = rng.integers(0, 4, n) == 0
    a = np.where(echo, a[src] ^ (1 << (fmt.exp_bits + fmt.man_bits)), a)
    b = np.where(echo, b[src], b)
    return {"a": a, "b": b,
            "en": (rng.random(n) < 0.8).astype(np.int64),
            "clr": (rng.random(n) < 0.1).astype(np.int64)}
