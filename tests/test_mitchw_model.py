"""Mitch-w golden model: units.md §1 spot values, properties, error figures, parameter validation."""

import math

import numpy as np
import pytest

from hwgen.metrics import characterise
from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units.mitchw.model import mitchw_mac_model, mitchw_model


def P(a, b, *, width=8, w=6, signedness="unsigned", unbiased=False):
    params = {"width": width, "w": w, "signedness": signedness, "unbiased": unbiased}
    return int(mitchw_model(params, {"a": np.array([a]), "b": np.array([b])})["p"][0])


@pytest.mark.parametrize("a, b, w, expected", [
    (100, 100, 6, 9216), (255, 255, 6, 63488), (3, 5, 6, 14), (255, 255, 4, 57344),
])
def test_spot_values_unsigned(a, b, w, expected):
    assert P(a, b, w=w) == expected


@pytest.mark.parametrize("a, b, expected", [(-1, -1, 1), (-1, 5, -6), (3, -1, -4), (-100, 100, -8961)])
def test_spot_values_ones_complement(a, b, expected):
    assert P(a, b, signedness="ones_complement") == expected


def test_ones_complement_zero_is_plus_zero_only():
    # The product is 0 only when an operand is +0; -1 enters the datapath as 1.
    assert P(0, -1, signedness="ones_complement") == 0
    assert P(-128, 0, signedness="ones_complement") == 0
    assert P(-1, 1, signedness="ones_complement") == -2  # ~(1*1)


def test_sign_magnitude_is_negated_unsigned_product():
    vals = np.arange(-128, 128)
    a, b = np.repeat(vals, 256), np.tile(vals, 256)
    for w in (3, 6, 8):
        for unbiased in (False, True):
            p = {"width": 8, "w": w, "unbiased": unbiased}
            sm = mitchw_model({**p, "signedness": "sign_magnitude"}, {"a": a, "b": b})["p"]
            u = mitchw_model({**p, "signedness": "unsigned", "width": 9},
                             {"a": np.abs(a), "b": np.abs(b)})["p"]
            expected = np.where((a < 0) != (b < 0), -u, u)
            assert np.array_equal(sm, expected)


def test_sign_magnitude_overflow_saturates_at_the_port():
    # (-2^(N-1))^2 at w = 2 unbiased: fraction 0.5 each, the carry gives +2^(2N-1), which the 2N-bit signed
    # port cannot hold: it saturates to 2^(2N-1) - 1 (never wraps to a wrong sign).
    assert P(-128, -128, w=2, unbiased=True, signedness="sign_magnitude") == 32767
    assert P(-128, -128, w=3, unbiased=True, signedness="sign_magnitude") == 3 << 13


def test_unbiased_keeps_operands_that_fit():
    # 1 x 1 stays 1 (the authors' VHDL would give 2 at small w); w-bit operands are exact in the log.
    for w in range(2, 9):
        assert P(1, 1, w=w, unbiased=True) == 1
        assert P(1 << (w - 1), 1, w=w, unbiased=True) == 1 << (w - 1)
    # 64 = 2^6 has k = 6 > w - 1 = 5: fraction 00000 becomes 00001.
    assert P(64, 1, w=6, unbiased=True) == 66
    assert P(64, 1, w=6, unbiased=False) == 64


def _exhaustive(width):
    v = np.arange(1, 1 << width)
    return np.repeat(v, len(v)), np.tile(v, len(v))


def test_unsigned_never_exceeds_exact_product():
    a, b = _exhaustive(8)
    for w in range(2, 9):
        p = mitchw_model({"width": 8, "w": w, "signedness": "unsigned", "unbiased": False}, {"a": a, "b": b})["p"]
        assert (p <= a * b).all() and (p > 0).all()


def test_unsigned_never_exceeds_exact_product_wide(seed):
    rng = np.random.default_rng(seed)
    for width in (16, 32):
        a = rng.integers(1, 1 << width, size=20000, dtype=np.int64)
        b = rng.integers(1, 1 << width, size=20000, dtype=np.int64)
        for w in (2, 6, 11, width):
            p = mitchw_model({"width": width, "w": w, "signedness": "unsigned", "unbiased": False},
                             {"a": a, "b": b})["p"]
            assert all(int(x) <= int(y) * int(z) for x, y, z in zip(p, a, b))


def mitchell_float(a: int, b: int) -> int:
    """Mitchell's algorithm in floating point, from its definition: log2 x ~ k + f, antilog 2^c (1 + g)."""
    def log_approx(x):
        k = math.floor(math.log2(x))
        return k + (x / 2.0 ** k - 1.0)
    s = log_approx(a) + log_approx(b)
    c = math.floor(s)
    return math.floor(2.0 ** c * (1.0 + (s - c)))


def test_full_width_is_mitchell():
    a, b = _exhaustive(8)
    p = mitchw_model({"width": 8, "w": 8, "signedness": "unsigned", "unbiased": False}, {"a": a, "b": b})["p"]
    assert [mitchell_float(int(x), int(y)) for x, y in zip(a, b)] == p.tolist()


def test_full_width_is_mitchell_wide(seed):
    rng = np.random.default_rng(seed)
    for width in (12, 16):
        a = rng.integers(1, 1 << width, size=5000)
        b = rng.integers(1, 1 << width, size=5000)
        p = mitchw_model({"width": width, "w": width, "signedness": "unsigned", "unbiased": False},
                         {"a": a, "b": b})["p"]
        assert [mitchell_float(int(x), int(y)) for x, y in zip(a, b)] == p.tolist()


def test_error_figures_of_units_md():
    unit = get_unit("mitchw")
    mitchell = characterise(unit, {"width": 8, "w": 8})
    assert mitchell.exhaustive and mitchell.vectors == 1 << 16
    assert round(mitchell.wcre, 4) == 0.1111 and round(mitchell.bias, 4) == -0.0379
    w6 = characterise(unit, {"width": 8, "w": 6})
    assert round(w6.bias, 4) == -0.0483 and round(w6.wcre, 4) == 0.1383


def test_error_sampled_is_seeded():
    unit = get_unit("mitchw")
    r1 = characterise(unit, {"width": 16, "w": 6}, distribution="loguniform", samples=20000, seed=5)
    r2 = characterise(unit, {"width": 16, "w": 6}, distribution="loguniform", samples=20000, seed=5)
    assert not r1.exhaustive and r1.vectors == 20000 and r1.to_json() == r2.to_json()
    # Small operands are exact or nearly so: log-uniform operands err less than uniform ones.
    assert -0.05 < r1.bias < -0.035
    # Uniform 32-bit operands approach the continuous-operand limit of Mitch-w6 (units.md §1): -5.91%.
    r3 = characterise(unit, {"width": 32, "w": 6}, samples=50000, seed=5)
    assert r3.distribution == "uniform" and round(r3.bias, 3) == -0.059


def test_mac_model_accumulates_exact_sum_of_products():
    params = {"width": 8, "w": 4, "signedness": "ones_complement", "unbiased": True, "acc_width": 20}
    a = np.array([5, -7, 100, -128, 3, 9])
    b = np.array([9, 33, -2, -128, 0, 1])
    en = np.array([1, 1, 0, 1, 1, 1])
    clr = np.array([1, 0, 1, 0, 0, 1])
    prod = mitchw_model(params, {"a": a, "b": b})["p"]
    acc = mitchw_mac_model(params, {"a": a, "b": b, "en": en, "clr": clr})["acc"]
    running, want = 0, []
    for i in range(len(a)):
        if en[i]:
            running = (0 if clr[i] else running) + int(prod[i])
        want.append(running)
    assert acc.tolist() == want


@pytest.mark.parametrize("given, message", [
    ({"width": 33}, r"^Parameter 'width' of unit 'mitchw' must be an integer in 2\.\.32, not 33$"),
    ({"width": 8, "w": 9}, r"^Parameter 'w' of unit 'mitchw' must be an integer in 2\.\.8, not 9$"),
    ({"w": 1}, r"^Parameter 'w' of unit 'mitchw' must be an integer in 2\.\.8, not 1$"),
    ({"signedness": "signed"}, r"^Parameter 'signedness' of unit 'mitchw' must be one of 'unsigned', "
                               r"'ones_complement', 'sign_magnitude', not 'signed'$"),
    ({"pipeline": -1}, r"^Parameter 'pipeline' of unit 'mitchw' must be an integer in 0\.\.8, not -1$"),
])
def test_param_errors(given, message):
    with pytest.raises(ParamError, match=message):
        get_unit("mitchw").resolve(given)


def test_mac_param_errors():
    with pytest.raises(ParamError, match=r"^Parameter 'acc_width' of unit 'mitchw_mac' must be at least "
                                         r"2\*width = 16 to hold one product, not 15$"):
        get_unit("mitchw_mac").resolve({"width": 8, "acc_width": 15})
    assert get_unit("mitchw_mac").resolve({"width": 8})["acc_width"] == 32


def test_default_w_follows_width():
    assert get_unit("mitchw").resolve({"width": 4})["w"] == 4
    assert get_unit("mitchw").resolve({"width": 16})["w"] == 6
