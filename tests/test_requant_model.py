"""`requant` and `requant_mul` golden models against independent references, stimulus properties, and
parameter validation (no simulator: fast)."""

from fractions import Fraction

import numpy as np
import pytest

from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units.requant.model import ROUNDING_MODES, output_range, requant_model, requant_mul_model, round_shift_model

REQUANT, REQUANT_MUL = get_unit("requant"), get_unit("requant_mul")

# v / 2, rounded: the hand-computed table every mode must reproduce (ties of both signs, both parities).
TIES = {  # v: (floor, half_up, half_even, half_away)
    1: (0, 1, 0, 1), -1: (-1, 0, 0, -1),
    3: (1, 2, 2, 2), -3: (-2, -1, -2, -2),
    5: (2, 3, 2, 3), -5: (-3, -2, -2, -3),
    4: (2, 2, 2, 2), -4: (-2, -2, -2, -2),
}


@pytest.mark.parametrize("mode", ROUNDING_MODES)
def test_hand_computed_ties(mode):
    v = np.array(sorted(TIES), dtype=np.int64)
    got = round_shift_model(v, 1, mode)
    want = [TIES[int(x)][ROUNDING_MODES.index(mode)] for x in v]
    assert got.tolist() == want


def _float_reference(v, s, mode):
    """Rounding through float64 (exact below 2^53) and numpy's own rounding functions: an independent
    formulation of the four modes (np.round rounds half to even)."""
    t = np.asarray(v, dtype=np.float64) / float(1 << s)
    if mode == "floor":
        r = np.floor(t)
    elif mode == "half_up":
        r = np.floor(t + 0.5)
    elif mode == "half_even":
        r = np.round(t)
    else:
        r = np.sign(t) * np.floor(np.abs(t) + 0.5)
    return r.astype(np.int64)


def _reference(p, v):
    r = _float_reference(v, p["shift"], p["rounding"])
    lo, hi = (0, (1 << p["out_width"]) - 1) if p["relu"] else \
        (-(1 << (p["out_width"] - 1)), (1 << (p["out_width"] - 1)) - 1)
    return np.clip(r, lo, hi)


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("mode", ROUNDING_MODES)
@pytest.mark.parametrize("shift", [0, 1, 8, 16])
def test_requant_model_exhaustive_16(mode, relu, shift):
    p = REQUANT.resolve({"in_width": 16, "out_width": 8, "shift": shift, "rounding": mode, "relu": relu})
    vec = REQUANT.stimulus.exhaustive(p)
    assert len(vec["x"]) == 65536
    assert np.array_equal(requant_model(p, vec)["y"], _reference(p, vec["x"]))


@pytest.mark.parametrize("mode", ROUNDING_MODES)
def test_requant_model_with_bias_sampled(mode, seed):
    p = REQUANT.resolve({"in_width": 14, "out_width": 6, "shift": 5, "rounding": mode, "bias_width": 10,
                         "relu": mode == "half_even"})
    vec = REQUANT.stimulus.random(p, np.random.default_rng(seed), 50_000)
    d = REQUANT.stimulus.directed(p)
    for v in (vec, d):
        assert np.array_equal(requant_model(p, v)["y"], _reference(p, v["x"] + v["bias"]))


def test_requant_model_wide_values_exact():
    """64-bit accumulator and bias: Python-int (object) arithmetic, checked with Fractions."""
    p = REQUANT.resolve({"in_width": 64, "out_width": 16, "shift": 40, "rounding": "half_away",
                         "bias_width": 64})
    vec = REQUANT.stimulus.directed(p)
    got = requant_model(p, vec)["y"]
    for x, b, y in zip(vec["x"], vec["bias"], got):
        t = Fraction(int(x) + int(b), 1 << 40)
        r = int(abs(t) + Fraction(1, 2)) * (1 if t >= 0 else -1)
        assert int(y) == max(-(1 << 15), min((1 << 15) - 1, r))


@pytest.mark.parametrize("cfg", REQUANT.sweep + REQUANT.demo, ids=str)
def test_directed_stimulus_has_ties_of_both_signs(cfg):
    p = REQUANT.resolve(cfg)
    vec = REQUANT.stimulus.directed(p)
    v = np.asarray(vec["x"], dtype=object) + (np.asarray(vec["bias"], dtype=object) if "bias" in vec else 0)
    s = p["shift"]
    if s == 0:
        return
    tie = np.array([(int(t) & ((1 << s) - 1)) == 1 << (s - 1) for t in v])
    assert (tie & (v < 0)).any()
    v_max = (1 << (p["in_width"] - 1)) - 1 + ((1 << (p["bias_width"] - 1)) - 1 if p["bias_width"] else 0)
    if v_max >= 1 << (s - 1):  # else no positive tie exists (shift == in_width, no bias)
        assert (tie & (v > 0)).any()


def test_random_stimulus_forces_ties(seed):
    p = REQUANT.resolve({"in_width": 12, "out_width": 8, "shift": 12, "bias_width": 5})
    vec = REQUANT.stimulus.random(p, np.random.default_rng(seed), 4000)
    v = vec["x"] + vec["bias"]
    share = np.mean((v & 0xFFF) == 0x800)
    assert 0.15 < share < 0.4
    assert vec["x"].min() >= -2048 and vec["x"].max() <= 2047


@pytest.mark.parametrize("mode", ROUNDING_MODES)
@pytest.mark.parametrize("cfg", [{"in_width": 8, "mult_bits": 4, "out_width": 5, "shift": 6},
                                 {"in_width": 6, "mult_bits": 3, "out_width": 4, "shift": 9, "relu": True,
                                  "bias_width": 4}], ids=str)
def test_requant_mul_model_exhaustive(cfg, mode):
    p = REQUANT_MUL.resolve({**cfg, "rounding": mode})
    vec = REQUANT_MUL.stimulus.exhaustive(p)
    v = (vec["x"] + vec.get("bias", 0)) * vec["m"]
    assert np.array_equal(requant_mul_model(p, vec)["y"], _reference(p, v))


def test_requant_mul_constant_multiplier(seed):
    p = REQUANT_MUL.resolve({"in_width": 20, "out_width": 8, "mult_bits": 12, "multiplier": 2896,
                             "shift": 23, "rounding": "half_even"})
    vec = REQUANT_MUL.stimulus.random(p, np.random.default_rng(seed), 20_000)
    assert "m" not in vec
    assert np.array_equal(requant_mul_model(p, vec)["y"], _reference(p, vec["x"] * 2896))


def test_requant_mul_with_m_one_equals_requant(seed):
    """M = 1 turns the baseline into the shift requantizer: both models agree on every vector."""
    base = {"in_width": 12, "out_width": 6, "shift": 3, "rounding": "half_away", "relu": True,
            "bias_width": 7}
    pr = REQUANT.resolve(base)
    pm = REQUANT_MUL.resolve({**base, "mult_bits": 1, "multiplier": 1})
    vec = REQUANT.stimulus.random(pr, np.random.default_rng(seed), 10_000)
    assert np.array_equal(requant_model(pr, vec)["y"], requant_mul_model(pm, vec)["y"])


@pytest.mark.parametrize("unit, given, message", [
    ("requant", {"in_width": 8, "out_width": 9},
     r"^Parameter 'out_width' of unit 'requant' must be an integer in 1\.\.8, not 9$"),
    ("requant", {"in_width": 8, "out_width": 1},
     r"^Parameter 'out_width' of unit 'requant' must be at least 2 for a signed output \(relu=false\), "
     r"not 1$"),
    ("requant", {"in_width": 8, "shift": 9},
     r"^Parameter 'shift' of unit 'requant' must be an integer in 0\.\.8, not 9$"),
    ("requant", {"rounding": "nearest"},
     r"^Parameter 'rounding' of unit 'requant' must be one of 'floor', 'half_up', 'half_even', "
     r"'half_away', not 'nearest'$"),
    ("requant", {"bias_width": 65}, r"^Parameter 'bias_width' of unit 'requant' must be an integer in "
                                    r"0\.\.64, not 65$"),
    ("requant_mul", {"mult_bits": 4, "multiplier": 16},
     r"^Parameter 'multiplier' of unit 'requant_mul' must be an integer in 0\.\.15, not 16$"),
    ("requant_mul", {"in_width": 8, "mult_bits": 4, "shift": 13},
     r"^Parameter 'shift' of unit 'requant_mul' must be an integer in 0\.\.12, not 13$"),
], ids=str)
def test_bad_parameters(unit, given, message):
    with pytest.raises(ParamError, match=message):
        get_unit(unit).resolve(given)


def test_relu_allows_one_bit_output():
    p = REQUANT.resolve({"in_width": 4, "out_width": 1, "relu": True, "shift": 2})
    vec = REQUANT.stimulus.exhaustive(p)
    assert requant_model(p, vec)["y"].tolist() == [0] * 8 + [0, 0, 1, 1, 1, 1, 1, 1]


def test_defaults():
    p = REQUANT.resolve({})
    assert (p["in_width"], p["out_width"], p["shift"], p["rounding"]) == (16, 8, 8, "half_up")
    pm = REQUANT_MUL.resolve({"in_width": 32, "out_width": 8})
    assert (pm["mult_bits"], pm["multiplier"], pm["shift"]) == (16, 0, 40)


# --- error characterisation against exact scaling --------------------------------------------------------

@pytest.mark.parametrize("mode, mae, mse", [("floor", 0.375, 0.21875), ("half_even", 0.25, 0.09375),
                                            ("half_up", 0.25, 0.09375)])
def test_error_against_exact_division_hand_computed(mode, mae, mse):
    """8-bit x, shift 2, an output wide enough never to saturate: the error is set by x mod 4 alone,
    uniform over {0, 1, 2, 3}: floor errs by 0, -1/4, -1/2, -3/4; nearest by 0, -1/4, +-1/2, +1/4."""
    from hwgen.metrics import characterise
    r = characterise(REQUANT, {"in_width": 8, "out_width": 7, "shift": 2, "rounding": mode})
    assert r.exhaustive and r.vectors == 256
    assert r.mae == pytest.approx(mae) and r.mse == pytest.approx(mse) and r.ep == pytest.approx(0.75)
    assert r.wce == pytest.approx(0.75 if mode == "floor" else 0.5)


@pytest.mark.parametrize("name, cfg", [
    ("requant", {"in_width": 6, "out_width": 4, "shift": 3, "bias_width": 5}),
    ("requant_mul", {"in_width": 5, "out_width": 4, "mult_bits": 3, "bias_width": 3, "relu": True})], ids=str)
def test_error_enumeration_is_the_exhaustive_set(name, cfg, seed):
    unit = get_unit(name)
    p = unit.resolve(cfg)
    spec = unit.error
    ex = unit.stimulus.exhaustive(p)
    en = spec.enumerate(p, 0, spec.space(p))
    assert set(en) == set(ex) and all(np.array_equal(en[k], ex[k]) for k in ex)
    for dist in ("uniform", "loguniform"):
        s = spec.sample(p, dist, np.random.default_rng(seed), 500)
        assert set(s) == set(ex) and all(len(v) == 500 for v in s.values())
        assert s["x"].min() >= -(1 << (p["in_width"] - 1)) and s["x"].max() < 1 << (p["in_width"] - 1)
    ideal = spec.ideal(p, en)
    y = unit.model(p, en)["y"]
    lo, hi = output_range(p["out_width"], p["relu"])
    inside = (ideal >= lo) & (ideal <= hi)
    assert np.all(np.abs(y[inside] - ideal[inside]) <= 0.5)
