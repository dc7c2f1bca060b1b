"""Float golden models (hwgen.units.bf16.model) against independent references.

References: numpy float32 arithmetic (IEEE, correctly rounded), ml_dtypes (bfloat16 and the IEEE-style
float8 formats; it keeps subnormals and returns NaNs of its own, so flush-to-zero is applied to its
inputs and outputs here and NaNs compare by class), and the exact-rational reference
hwgen.units.bf16.model.ref where no library has the format or the operation (Mitchell products).
"""

import ml_dtypes
import numpy as np
import pytest

from hwgen.metrics import characterise
from hwgen.registry import get_unit
from hwgen.units.bf16.model.add import float_add, float_mac
from hwgen.units.bf16.model.fmt import BF16, FP32, Format
from hwgen.units.bf16.model.mul import float_mul
from hwgen.units.bf16.model.ref import ref_add, ref_mul
from hwgen.units.bf16.stimuli import directed_values

MIN32 = 2.0 ** -126  # smallest normal of fp32 and bfloat16


def _bits32(x):
    return np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.int64)


def _f32(bits):
    return np.asarray(bits, dtype=np.int64).astype(np.uint32).view(np.float32)


def _daz(x):
    """Subnormal inputs read as zeros of their sign (the ftz rule for operands)."""
    return np.where(np.abs(x) < MIN32, np.copysign(np.zeros_like(x), x), x).astype(x.dtype)


def _same(got, want_float, qnan, want_bits):
    """Bit equality, except that any NaN of the reference must be our canonical NaN."""
    nan = np.isnan(np.asarray(want_float, dtype=np.float64))
    assert np.array_equal(got[nan], np.full(nan.sum(), qnan))
    bad = np.flatnonzero((got != want_bits) & ~nan)
    assert len(bad) == 0, [(i, hex(got[i]), hex(want_bits[i])) for i in bad[:5]]


def _bf16_operands(rng, n):
    """Half uniform bit patterns (every class, many over/underflows), half normals near 1."""
    u = rng.integers(0, 1 << 16, n, dtype=np.int64)
    near = (rng.integers(0, 2, n) << 15) | ((127 + rng.integers(-40, 41, n)) << 7) | rng.integers(0, 128, n)
    return np.where(np.arange(n) % 2 == 0, u, near)


N_LIB = 1_000_000  # bf16 pairs per library cross-check (about a second each)


@pytest.mark.parametrize("ftz", [True, False])
def test_exact_product_fp32_matches_numpy_float32(ftz, seed):
    rng = np.random.default_rng(seed)
    a, b = _bf16_operands(rng, N_LIB), _bf16_operands(rng, N_LIB)
    got = float_mul(BF16, FP32, a, b, "exact", None, ftz)
    x, y = _f32(a << 16), _f32(b << 16)
    if ftz:
        x, y = _daz(x), _daz(y)
    with np.errstate(all="ignore"):
        p = x * y
        exact = x.astype(np.float64) * y.astype(np.float64)
    if ftz:  # tininess before rounding: the exact product decides
        p = np.where(np.abs(exact) < MIN32, np.copysign(np.zeros_like(p), p), p)
    _same(got, p, FP32.qnan, _bits32(p))


@pytest.mark.parametrize("ftz", [True, False])
def test_exact_product_bf16_matches_ml_dtypes(ftz, seed):
    rng = np.random.default_rng(seed + 1)
    a, b = _bf16_operands(rng, N_LIB), _bf16_operands(rng, N_LIB)
    got = float_mul(BF16, BF16, a, b, "exact", None, ftz)
    x, y = a.astype(np.uint16).view(ml_dtypes.bfloat16), b.astype(np.uint16).view(ml_dtypes.bfloat16)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    with np.errstate(all="ignore"):  # NaN and overflow casts are expected here
        if ftz:
            x, y = _daz(x32).astype(ml_dtypes.bfloat16), _daz(y32).astype(ml_dtypes.bfloat16)
            x32, y32 = x.astype(np.float32), y.astype(np.float32)
        p = (x * y).astype(np.float32)  # ml_dtypes: float32 product, then RNE to bfloat16
        exact = x32.astype(np.float64) * y32.astype(np.float64)
        # ml_dtypes rounds twice when the float32 product is itself rounded (deep underflow): skip those.
        fine = (np.abs(exact) >= MIN32) | ((x32 * y32).astype(np.float64) == exact) | ~np.isfinite(exact)
    if ftz:
        p = np.where(np.abs(exact) < MIN32, np.copysign(np.zeros_like(p), p), p)
        fine |= np.abs(exact) < MIN32
    assert fine.mean() > 0.9
    want = (_bits32(p) >> 16)
    _same(got[fine], p[fine], BF16.qnan, want[fine])
    # The rest (deep underflow without ftz; ml_dtypes' float64 -> bfloat16 rounds twice as well):
    # the exact-rational reference, on a sample.
    rest = np.flatnonzero(~fine)[:5000]
    assert [ref_mul(8, 7, 8, 7, int(a[i]), int(b[i]), "exact", None, ftz) for i in rest] == got[rest].tolist()


@pytest.mark.parametrize("ftz", [True, False])
def test_fp32_add_matches_numpy_float32(ftz, seed):
    rng = np.random.default_rng(seed + 2)
    a = rng.integers(0, 1 << 32, N_LIB, dtype=np.int64)
    b = rng.integers(0, 1 << 32, N_LIB, dtype=np.int64)
    # Half the pairs with nearby exponents, so that cancellation and rounding carries happen.
    close = ((a >> 23) & 0xFF) + rng.integers(-3, 4, N_LIB)
    b = np.where(np.arange(N_LIB) % 2 == 0, (b & ~(0xFF << 23)) | (np.clip(close, 0, 255) << 23), b)
    got = float_add(FP32, a, b, ftz)
    x, y = _f32(a), _f32(b)
    if ftz:
        x, y = _daz(x), _daz(y)
    with np.errstate(all="ignore"):
        s = x + y
    if ftz:  # a sum of normals below 2**-126 is exact, so flushing after IEEE rounding is the same rule
        s = _daz(s)
    _same(got, s, FP32.qnan, _bits32(s))


def test_scalar_and_vector_paths_agree(seed):
    rng = np.random.default_rng(seed + 3)
    a = rng.integers(0, 1 << 32, 3000, dtype=np.int64)
    b = np.where(rng.integers(0, 2, 3000) == 0, a ^ (1 << 31), rng.integers(0, 1 << 32, 3000, dtype=np.int64))
    for ftz in (True, False):
        vec = float_add(FP32, a, b, ftz)
        assert [float_add(FP32, int(x), int(y), ftz) for x, y in zip(a, b)] == vec.tolist()


def test_mitchell_is_the_integer_add_of_bit_patterns(seed):
    """units.md §2: bits(p) = (a & 0x7FFF) + (b & 0x7FFF) - 0x3F80, sign = xor, exact in bf16."""
    rng = np.random.default_rng(seed + 4)
    n = 200_000
    a = (rng.integers(0, 2, n) << 15) | ((127 + rng.integers(-60, 61, n)) << 7) | rng.integers(0, 128, n)
    b = (rng.integers(0, 2, n) << 15) | ((127 + rng.integers(-60, 61, n)) << 7) | rng.integers(0, 128, n)
    want = ((a & 0x7FFF) + (b & 0x7FFF) - 0x3F80) | ((a ^ b) & 0x8000)
    assert np.array_equal(float_mul(BF16, BF16, a, b, "mitchw", 8), want)
    assert np.array_equal(float_mul(BF16, FP32, a, b, "mitchw", 8), want << 16)  # exact: no rounding
    # Mitch-w6 is the same add after truncating both mantissas to 5 bits.
    assert np.array_equal(float_mul(BF16, BF16, a, b, "mitchw", 6), float_mul(BF16, BF16, a & ~3, b & ~3, "mitchw", 8))


def test_bf16_output_is_the_rne_of_the_fp32_output(seed):
    """units.md §2: fp32 -> bf16 RNE is (u + 0x7FFF + ((u >> 16) & 1)) >> 16 for non-NaN u."""
    rng = np.random.default_rng(seed + 5)
    a, b = _bf16_operands(rng, 300_000), _bf16_operands(rng, 300_000)
    for ftz in (True, False):
        u = float_mul(BF16, FP32, a, b, "exact", None, ftz)
        p = float_mul(BF16, BF16, a, b, "exact", None, ftz)
        nan = u == FP32.qnan
        assert np.array_equal(p[nan], np.full(nan.sum(), BF16.qnan))
        if ftz:  # tiny products are zero in both; other fp32 products are normal or infinite
            assert np.array_equal(p[~nan], ((u + 0x7FFF + ((u >> 16) & 1)) >> 16)[~nan])


# --- special values, decided and pinned ------------------------------------------------------------

ONE, TWO, HALF, ONE_HALF = 0x3F80, 0x4000, 0x3F00, 0x3FC0
MAXB, MINB, INF, NAN_NEG_PAYLOAD = 0x7F7F, 0x0080, 0x7F80, 0xFFC1

MUL_CASES = [  # (a, b, multiplier, ftz, bf16 result, fp32 result, why)
    (ONE, ONE, "exact", True, 0x3F80, 0x3F800000, "1 * 1"),
    (0x0000, ONE | 0x8000, "exact", True, 0x8000, 0x80000000, "+0 * -1 = -0"),
    (INF, 0x0000, "exact", True, 0x7FC0, 0x7FC00000, "inf * 0 = canonical NaN"),
    (INF | 0x8000, 0x0000, "mitchw", True, 0x7FC0, 0x7FC00000, "-inf * +0 = NaN, sign 0"),
    (INF, TWO | 0x8000, "exact", True, 0xFF80, 0xFF800000, "inf * -2 = -inf"),
    (NAN_NEG_PAYLOAD, ONE, "exact", True, 0x7FC0, 0x7FC00000, "any NaN -> canonical NaN"),
    (0x0001, INF, "exact", True, 0x7FC0, 0x7FC00000, "ftz: subnormal reads as 0, so inf * it = NaN"),
    (0x0001, INF, "exact", False, 0x7F80, 0x7F800000, "no ftz: subnormal * inf = inf"),
    (0x8001, ONE, "exact", True, 0x8000, 0x80000000, "ftz: -subnormal * 1 = -0"),
    (0x0001, ONE, "exact", False, 0x0001, 0x00010000, "no ftz: subnormal kept"),
    (MAXB, ONE, "exact", True, MAXB, 0x7F7F0000, "largest finite * 1"),
    (MAXB, TWO, "exact", True, 0x7F80, 0x7F800000, "overflow -> inf"),
    (0x7F00, TWO, "mitchw", True, 0x7F80, 0x7F800000, "Mitchell overflow -> inf"),
    (MINB, HALF, "exact", True, 0x0000, 0x00000000, "ftz: product below 2^-126 flushed"),
    (MINB, HALF, "exact", False, 0x0040, 0x00400000, "no ftz: exact subnormal product"),
    (MINB, HALF | 0x8000, "mitchw", True, 0x8000, 0x80000000, "Mitchell underflow: flushed, signed"),
    (0x00FF, 0x3F81, "exact", True, 0x0100, 0x01007F00, "product >= 2: one normalising shift"),
    (0x3FB5, 0x3FB5, "exact", True, TWO, 0x3FFFF200, "bf16: rounds up to the next power of two"),
    (ONE_HALF, ONE_HALF, "mitchw", True, TWO, 0x40000000, "Mitchell: 1.5 * 1.5 = 2 (exact 2.25)"),
    (0x3F81, 0x3F81, "exact", True, 0x3F82, 0x3F820200, "(1+u)^2: RNE drops u^2"),
]


@pytest.mark.parametrize("a, b, mult, ftz, p16, p32, why", MUL_CASES, ids=[c[-1] for c in MUL_CASES])
def test_mul_special_values(a, b, mult, ftz, p16, p32, why):
    w = 8
    for x, y in ((a, b), (b, a)):  # commutative, NaN sign included
        assert float_mul(BF16, BF16, x, y, mult, w, ftz) == p16
        assert float_mul(BF16, FP32, x, y, mult, w, ftz) == p32


ADD_CASES = [  # (a, b, ftz, result, why), fp32
    (0x3F800000, 0xBF800000, True, 0x00000000, "1 + (-1) = +0"),
    (0x80000000, 0x80000000, True, 0x80000000, "-0 + -0 = -0"),
    (0x00000000, 0x80000000, True, 0x00000000, "+0 + -0 = +0"),
    (0x7F800000, 0xFF800000, True, 0x7FC00000, "inf - inf = NaN"),
    (0x7F800000, 0x3F800000, True, 0x7F800000, "inf + 1 = inf"),
    (0xFFC00001, 0x7F800000, True, 0x7FC00000, "NaN + inf = canonical NaN"),
    (0x7F7FFFFF, 0x7F7FFFFF, True, 0x7F800000, "overflow -> inf"),
    (0x4B800000, 0x3F800000, True, 0x4B800000, "2^24 + 1: tie, to even (down)"),
    (0x4B800001, 0x3F800000, True, 0x4B800002, "(2^24 + 2) + 1: tie, to even (up)"),
    (0x4B800000, 0x40400000, True, 0x4B800002, "2^24 + 3: above the tie, up"),
    (0x00C00000, 0x80800000, True, 0x00000000, "ftz: 1.5*2^-126 - 2^-126 is tiny -> +0"),
    (0x00C00000, 0x80800000, False, 0x00400000, "no ftz: exact subnormal difference"),
    (0x80C00000, 0x00800000, True, 0x80000000, "ftz: tiny negative sum -> -0"),
    (0x00000001, 0x80000000, True, 0x00000000, "ftz: subnormal + -0 = +0 + -0 = +0"),
    (0x3F800000, 0x33800000, True, 0x3F800000, "1 + 2^-24: tie, to even (down)"),
    (0x3F800000, 0xB3000000, True, 0x3F800000, "1 - 2^-25: below half an ulp"),
    (0x3F800000, 0xB3800001, True, 0x3F7FFFFF, "1 - (2^-24 + tiny): far operand sets sticky"),
]


@pytest.mark.parametrize("a, b, ftz, want, why", ADD_CASES, ids=[c[-1] for c in ADD_CASES])
def test_add_special_values(a, b, ftz, want, why):
    assert float_add(FP32, a, b, ftz) == want
    assert float_add(FP32, b, a, ftz) == want


# --- tiny formats, every pair ----------------------------------------------------------------------

def _all_pairs(fmt):
    v = np.arange(1 << fmt.width, dtype=np.int64)
    return np.repeat(v, len(v)), np.tile(v, len(v))


def _variants(m_bits):
    return [("exact", None)] + [("mitchw", w) for w in range(2, m_bits + 2)]


def _check_against_rational(e, m, wm, mult, w, out_wide, ftz):
    fmt = Format(e, m)
    out = Format(e, wm) if out_wide else fmt
    a, b = _all_pairs(fmt)
    got = float_mul(fmt, out, a, b, mult, w, ftz)
    want = [ref_mul(e, m, out.exp_bits, out.man_bits, int(x), int(y), mult, w, ftz) for x, y in zip(a, b)]
    bad = np.flatnonzero(got != np.array(want))
    assert len(bad) == 0, [(hex(a[i]), hex(b[i]), hex(got[i]), hex(want[i])) for i in bad[:5]]


@pytest.mark.parametrize("mult, w", _variants(2))
@pytest.mark.parametrize("out_wide", [True, False])
@pytest.mark.parametrize("ftz", [True, False])
def test_e3m2_every_variant_against_rationals(mult, w, out_wide, ftz):
    _check_against_rational(3, 2, 6, mult, w, out_wide, ftz)


@pytest.mark.parametrize("e, m, wm, mult, w, out_wide, ftz", [
    (4, 3, 7, "mitchw", 3, False, False), (5, 2, 5, "mitchw", 3, True, True), (2, 3, 7, "exact", None, False, False),
])
def test_tiny_formats_against_rationals(e, m, wm, mult, w, out_wide, ftz):
    _check_against_rational(e, m, wm, mult, w, out_wide, ftz)


@pytest.mark.slow
@pytest.mark.parametrize("e, m, wm", [(4, 3, 7), (5, 2, 5), (2, 1, 3), (2, 3, 8)])
@pytest.mark.parametrize("out_wide", [True, False])
@pytest.mark.parametrize("ftz", [True, False])
def test_tiny_formats_every_variant_against_rationals(e, m, wm, out_wide, ftz):
    for mult, w in _variants(m):
        _check_against_rational(e, m, wm, mult, w, out_wide, ftz)


FLOAT8 = [(Format(4, 3), ml_dtypes.float8_e4m3), (Format(5, 2), ml_dtypes.float8_e5m2),
          (Format(3, 4), ml_dtypes.float8_e3m4)]


def _float8_reference(fmt, dtype, a, b, op, ftz):
    """ml_dtypes' result of ``op`` on float32 values (exact for these formats), rounded by its cast,
    with flush-to-zero applied to its inputs and its outputs."""
    tiny = 2.0 ** fmt.emin

    def flush(v):
        return np.where(np.abs(v) < tiny, np.copysign(np.zeros_like(v), v), v).astype(np.float32)

    x, y = (v.astype(np.uint8).view(dtype).astype(np.float32) for v in (a, b))
    if ftz:
        x, y = flush(x), flush(y)
    with np.errstate(all="ignore"):
        exact = op(x, y)
        r = exact.astype(dtype).astype(np.float32)  # ml_dtypes: round to nearest even, keeps subnormals
    if ftz:
        r = np.where(np.abs(exact) < tiny, flush(exact), r)
    return r.astype(dtype)


@pytest.mark.parametrize("fmt, dtype", FLOAT8, ids=str)
@pytest.mark.parametrize("ftz", [True, False])
def test_float8_exact_product_matches_ml_dtypes(fmt, dtype, ftz):
    a, b = _all_pairs(fmt)
    r = _float8_reference(fmt, dtype, a, b, np.multiply, ftz)
    _same(float_mul(fmt, fmt, a, b, "exact", None, ftz), r.astype(np.float32), fmt.qnan,
          r.view(np.uint8).astype(np.int64))


@pytest.mark.parametrize("fmt, dtype", [FLOAT8[0], FLOAT8[2]], ids=str)  # E5M2 sums need > 24 bits
@pytest.mark.parametrize("ftz", [True, False])
def test_float8_add_matches_ml_dtypes(fmt, dtype, ftz):
    a, b = _all_pairs(fmt)
    r = _float8_reference(fmt, dtype, a, b, np.add, ftz)
    _same(float_add(fmt, a, b, ftz), r.astype(np.float32), fmt.qnan, r.view(np.uint8).astype(np.int64))


@pytest.mark.parametrize("e, m", [(3, 2), (2, 3)])
@pytest.mark.parametrize("ftz", [True, False])
def test_tiny_add_against_rationals(e, m, ftz):
    fmt = Format(e, m)
    a, b = _all_pairs(fmt)
    want = [ref_add(e, m, int(x), int(y), ftz) for x, y in zip(a, b)]
    assert float_add(fmt, a, b, ftz).tolist() == want


# --- the MAC ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("mult, w", [("exact", None), ("mitchw", 6)])
@pytest.mark.parametrize("ftz", [True, False])
def test_mac_matches_float32_step_by_step(mult, w, ftz, seed):
    """acc <- RNE_fp32((clr ? +0 : acc) + p), with p the multiplier's fp32 output, in numpy float32."""
    unit = get_unit("bf16_mac")
    p = unit.resolve({"multiplier": mult, "w": w or 6, "ftz": ftz})
    v = unit.stimulus.random(p, np.random.default_rng(seed), 20_000)
    got = float_mac(BF16, FP32, v["a"], v["b"], v["en"], v["clr"], mult, w, ftz)
    prods = _f32(float_mul(BF16, FP32, v["a"], v["b"], mult, w, ftz))
    acc, want = np.float32(0.0), []
    with np.errstate(all="ignore"):
        for prod, en, clr in zip(prods, v["en"], v["clr"]):
            if en:
                acc = (np.float32(0.0) if clr else acc) + prod
                if ftz and abs(acc) < MIN32:
                    acc = np.float32(np.copysign(0.0, acc))
            want.append(acc)
    want = np.array(want, dtype=np.float32)
    _same(got, want, FP32.qnan, _bits32(want))
    assert np.count_nonzero((got & 0x7FFFFFFF) == 0) > 10, "the random sequence must cancel to zero sometimes"


def test_mac_directed_sequence_hits_every_rule():
    unit = get_unit("bf16_mac")
    for ftz in (True, False):
        p = unit.resolve({"ftz": ftz})
        out = set(unit.model(p, unit.stimulus.directed(p))["acc"].tolist())
        assert {0x00000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x3F800000} <= out
        assert (0x80000000 in out) == ftz  # -0 arises from a flushed tiny negative sum
        assert (0x00400000 in out) == (not ftz)  # 0.5 * 2^-126 kept as a subnormal


def test_directed_values_are_the_testfloat_classes():
    v = directed_values(BF16)
    assert len(v) == 2 * 7 * 5
    fields = set(((v >> 7) & 0xFF).tolist())
    assert fields == {0, 1, 126, 127, 128, 254, 255}
    assert {0x7F80, 0xFF80, 0x7FFF, 0x0001, 0x807F, 0x3FC0} <= set(v.tolist())


# --- error metrics (units.md §2) --------------------------------------------------------------------

@pytest.mark.parametrize("cfg, bias, wcre", [
    ({"multiplier": "mitchw", "w": 8}, -0.0385, 0.1111),
    ({"multiplier": "mitchw", "w": 6}, -0.0540, 0.1383),
    ({"multiplier": "mitchw", "w": 6, "out_format": "bf16"}, -0.0540, 0.1383),
    ({"out_format": "bf16"}, -0.00004, 0.0039),
    ({}, 0.0, 0.0),
])
def test_error_figures_over_all_mantissa_pairs(cfg, bias, wcre):
    """The evaluated set: every pair of the 2^7 x 2^7 mantissas of operands in [1, 2), the set behind the
    units.md §2 figures (relative error does not depend on the exponents while the product is normal)."""
    r = characterise(get_unit("bf16_mul"), cfg)
    assert r.exhaustive and r.vectors == 1 << 14
    assert r.bias == pytest.approx(bias, abs=5e-5)
    assert r.wcre == pytest.approx(wcre, abs=5e-5)
    assert r.mre == pytest.approx(abs(r.bias), abs=2e-3)
    if "multiplier" in cfg:
        assert r.bias < 0 and r.mre == pytest.approx(-r.bias)  # Mitchell never overestimates
