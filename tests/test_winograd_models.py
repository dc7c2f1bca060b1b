"""Golden models, derived widths and parameter checks of the Winograd units (no simulator)."""

import numpy as np
import pytest

from hwgen.numeric.winograd_matrices import preset
from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units import winograd
from hwgen.units.winograd import model as wm
from hwgen.units.winograd.gateware.linear import csd, stage_plan
from hwgen.units.winograd.stimuli import random_tiles, transform_extremes
from hwgen.units.winograd.widths import Range, input_ranges, signed_range


def _p(unit, **given):
    return get_unit(unit).resolve(given)


@pytest.mark.parametrize("matrices", ["standard", "balanced"])
def test_wino_adder_spot_values(matrices):
    # d all ones: V = outer(row sums of B^T) has a single 4 at [1][1]; u = 0 gives M[1][1] = -(4 << 2);
    # column 1 of A^T is all ones in both presets, so every output is -16.
    p = _p("wino_adder", matrices=matrices)
    y = wm.wino_adder_model(p, {"d": np.ones((1, 4, 4), dtype=np.int64), "u": np.zeros((1, 4, 4), dtype=np.int64)})
    assert y["y"].tolist() == [[[-16, -16], [-16, -16]]]
    zero = np.zeros((1, 4, 4), dtype=np.int64)
    assert wm.wino_adder_model(p, {"d": zero, "u": zero})["y"].tolist() == [[[0, 0], [0, 0]]]


def test_wino_adder_is_not_direct_addernet(seed):
    """units.md §4: the l1 norm has no distributive law, so the Winograd-AdderNet tile differs from the
    direct AdderNet result (scaled to the same fixed point) on typical data."""
    rng = np.random.default_rng(seed)
    mats = preset("standard", 2)
    d, g = rng.integers(-128, 128, size=(1000, 4, 4)), rng.integers(-128, 128, size=(1000, 3, 3))
    from hwgen.numeric.winograd_matrices import filter_transform
    y = wm.wino_adder_model(_p("wino_adder", u_width=14), {"d": d, "u": filter_transform(g, mats, 2)})["y"]
    direct = 4 * wm.direct_adder(d, g, 2)
    assert np.mean(y != direct) > 0.9


def test_direct_spot_values():
    d = np.arange(16).reshape(1, 4, 4)
    w = np.ones((1, 3, 3), dtype=np.int64)
    # direct correlation with all-ones weights: the 3x3 window sums of 0..15
    assert wm.conv_direct_model(_p("conv_direct"), {"d": d, "w": w})["y"].tolist() == [[[45, 54], [81, 90]]]
    assert wm.adder_direct_model(_p("adder_direct"), {"d": np.zeros((1, 4, 4), dtype=np.int64), "w": w}
                                 )["y"].tolist() == [[[-9, -9], [-9, -9]]]


@pytest.mark.parametrize("tile,matrices", [(2, "standard"), (2, "balanced"), (4, "standard")])
def test_building_blocks_compose_to_the_tile(tile, matrices, seed):
    """Accumulating -|u - v| over channels and transforming once equals summing the per-channel tiles
    (the output transform is linear): wino_input -> wino_adder_array -> wino_output == sum of wino_adder."""
    rng = np.random.default_rng(seed)
    channels, side = 37, tile + 2
    p_tile = _p("wino_adder", tile=tile, matrices=matrices)
    d = random_tiles(rng, channels, 8, side)
    u = random_tiles(rng, channels, 12, side)
    want = wm.wino_adder_model(p_tile, {"d": d, "u": u})["y"].sum(axis=0)
    v = wm.wino_input_model(_p("wino_input", tile=tile), {"d": d})["v"]
    p_arr = _p("wino_adder_array", tile=tile)
    en, clr = np.ones(channels, dtype=np.int64), np.zeros(channels, dtype=np.int64)
    clr[0] = 1
    acc = wm.wino_adder_array_model(p_arr, {"u": u, "v": v, "en": en, "clr": clr})["acc"][-1]
    y = wm.wino_output_model(_p("wino_output", m_width=p_arr["acc_width"], tile=tile, matrices=matrices),
                             {"m": acc[None]})["y"][0]
    assert np.array_equal(y, want)


def test_adder_array_model_matches_a_plain_loop(seed):
    """The vectorised accumulator model against a step-by-step loop, on random channel sequences with an
    accumulator narrow enough to wrap."""
    p = _p("wino_adder_array", d_width=4, u_width=6, acc_width=10)
    rng = np.random.default_rng(seed)
    vec = get_unit("wino_adder_array").stimulus.random(p, rng, 3000)
    got = wm.wino_adder_array_model(p, vec)["acc"]
    acc = np.zeros((4, 4), dtype=np.int64)
    for i in range(3000):
        if vec["en"][i]:
            term = -np.abs(vec["u"][i] - vec["v"][i] * 4)
            acc = (0 if vec["clr"][i] else acc) + term
            acc = (acc + 512) % 1024 - 512
        assert np.array_equal(got[i], acc), i
    assert got.min() < -400 and got.max() > 400, "the sequence should wrap the 10-bit accumulator"


@pytest.mark.parametrize("d_width,tile", [(8, 2), (16, 2), (8, 4)])
def test_input_transform_widths_are_tight(d_width, tile):
    """Exact bit growth: the directed tiles reach both bounds of the derived range of every element of
    B^T d B, so no narrower width would do (and the model never leaves it)."""
    mats = preset("standard", tile)
    _, V = input_ranges(mats.BT, d_width)
    v = wm.input_transform(transform_extremes(d_width, mats.BT), mats)
    lo = np.array([[r.lo for r in row] for row in V])
    hi = np.array([[r.hi for r in row] for row in V])
    assert np.all(v >= lo) and np.all(v <= hi)
    assert np.all((v == lo).any(axis=0)) and np.all((v == hi).any(axis=0))
    assert max(r.width for row in V for r in row) == d_width + (2 if tile == 2 else 7)


def test_range_arithmetic():
    assert Range(-128, 127).width == 8 and Range(0, 128).width == 9 and Range(0, 0).width == 1
    assert Range(-3, 5).neg_abs() == Range(-5, 0) and Range(2, 5).neg_abs() == Range(-5, -2)
    assert signed_range(4).scale(-2) == Range(-14, 16)
    # -|x| never needs more bits than x: the AdderNet operation does not grow
    assert signed_range(9).neg_abs().width == 9


def test_csd_digits():
    for c in range(-300, 301):
        digits = csd(c)
        assert sum(s << k for s, k in digits) == c
        shifts = [k for _, k in digits]
        assert all(b - a >= 2 for a, b in zip(shifts, shifts[1:])), c  # no two adjacent nonzero digits
    assert csd(5) == [(1, 0), (1, 2)] and csd(7) == [(-1, 0), (1, 3)]


def test_stage_plan():
    assert stage_plan(0, ["m", "v", "y"]) == {"m": 0, "v": 0, "y": 0}
    assert stage_plan(2, ["m", "v", "y"]) == {"m": 1, "v": 1, "y": 0}
    assert stage_plan(5, ["m", "v", "y"]) == {"m": 1, "v": 1, "y": 3}


def test_outputs_per_instance():
    """Every Winograd-family unit declares tile**2 outputs per instance; other units keep the default 1."""
    assert get_unit("wino_adder").outputs_per_instance({"tile": 2}) == 4
    assert get_unit("wino_mul").outputs_per_instance({"tile": 4}) == 16
    assert get_unit("adder_direct").outputs_per_instance(get_unit("adder_direct").resolve({})) == 4
    assert all(u.outputs_per_instance(u.resolve({})) == 4 for u in winograd.UNITS)
    assert len(winograd.UNITS) == 7
    assert get_unit("mul").outputs_per_instance(get_unit("mul").resolve({})) == 1


def test_parameter_errors():
    with pytest.raises(ParamError, match=r"^Parameter 'matrices' of unit 'wino_adder' must be 'standard' when "
                                         r"tile is 4 \(no sign choice balances F\(4x4,3x3\), see docs/winograd.md\), "
                                         r"not 'balanced'$"):
        get_unit("wino_adder").resolve({"matrices": "balanced", "tile": 4})
    with pytest.raises(ParamError, match=r"^Parameter 'tile' of unit 'adder_direct' must be 2 \(F\(2x2,3x3\)\) "
                                         r"or 4 \(F\(4x4,3x3\)\), not 3$"):
        get_unit("adder_direct").resolve({"tile": "3"})
    with pytest.raises(ParamError, match=r"^Parameter 'acc_width' of unit 'wino_adder_array' must be at least 13 "
                                         r"\(one -\|u - v\| term\) for these widths, not 12$"):
        get_unit("wino_adder_array").resolve({"acc_width": 12})
    with pytest.raises(ParamError, match=r"^Parameter 'matrices' of unit 'wino_output' must be one of "
                                         r"'standard', 'balanced', not 'lavin'$"):
        get_unit("wino_output").resolve({"matrices": "lavin"})


def test_derived_defaults():
    assert _p("wino_adder")["u_width"] == 12
    assert _p("wino_mul")["u_width"] == 12 and _p("wino_mul", tile=4)["u_width"] == 18
    assert _p("wino_adder_array")["acc_width"] == 13 + 16
    assert _p("adder_direct", d_width=6)["w_width"] == 6
