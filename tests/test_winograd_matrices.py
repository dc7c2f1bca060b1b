"""Winograd matrices: presets, the exactness check, custom matrices and the filter transform's scaling."""

from fractions import Fraction

import numpy as np
import pytest

from hwgen.numeric.winograd_matrices import (
    check_exact,
    custom_matrices,
    filter_transform,
    filter_transform_int,
    output_scale,
    preset,
    resolve,
)
from hwgen.units.winograd.model import direct_correlation, wino_mul_model

PRESETS = [("standard", 2), ("balanced", 2), ("standard", 4)]


def _frac_winograd(mats, g, d):
    """A^T [(G g G^T) . (B^T d B)] A in exact rational arithmetic, straight from the definition."""
    def mm(a, b):
        return [[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(b[0]))]
                for i in range(len(a))]

    def tr(a):
        return [list(r) for r in zip(*a)]

    AT = [[Fraction(v) for v in r] for r in mats.AT]
    BT = [[Fraction(v) for v in r] for r in mats.BT]
    G = [list(r) for r in mats.G]
    U = mm(mm(G, g), tr(G))
    V = mm(mm(BT, d), tr(BT))
    M = [[U[i][j] * V[i][j] for j in range(mats.n)] for i in range(mats.n)]
    return mm(mm(AT, M), tr(AT))


@pytest.mark.parametrize("name,tile", PRESETS)
def test_presets_are_exact_on_random_rational_tiles(name, tile, seed):
    mats = preset(name, tile)
    rng = np.random.default_rng(seed)
    for _ in range(40):
        g = rng.integers(-1000, 1000, size=(3, 3))
        d = rng.integers(-1000, 1000, size=(mats.n, mats.n))
        got = _frac_winograd(mats, [[Fraction(int(v)) for v in r] for r in g],
                             [[Fraction(int(v)) for v in r] for r in d])
        want = direct_correlation(d[None], g[None], tile)[0]
        assert [[int(v) for v in r] for r in got] == want.tolist()
        assert all(v.denominator == 1 for r in got for v in r)


def test_preset_shapes_and_scales():
    assert preset("standard", 2).g_scale == 2 and preset("balanced", 2).g_scale == 2
    assert preset("standard", 4).g_scale == 24
    assert preset("standard", 4).G_int[3] == (1, 2, 4)
    assert (preset("standard", 4).m, preset("standard", 4).n, preset("standard", 4).r) == (4, 6, 3)
    assert output_scale(preset("balanced", 2)) == 4 and output_scale(preset("standard", 4)) == 576


def test_balanced_output_coefficient_sums():
    """units.md §4: the standard A gives the four outputs 2-D coefficient sums +9, -3, -3, +1; the
    balanced A gives +1 to each."""
    for name, want in (("standard", [9, -3, -3, 1]), ("balanced", [1, 1, 1, 1])):
        at = preset(name, 2).at()
        rows = at.sum(axis=1)
        assert np.outer(rows, rows).reshape(-1).tolist() == want


def test_no_balanced_f4_preset():
    with pytest.raises(ValueError, match=r"^No Winograd preset 'balanced' for tile 4; the presets are: "):
        preset("balanced", 4)


def test_custom_matrices_permuted_points_are_accepted():
    """Swapping interpolation points +1 and -1 (rows 1 and 2 everywhere) keeps the algorithm exact."""
    std = preset("standard", 2)
    p = [0, 2, 1, 3]
    mats = custom_matrices("swapped", [[r[i] for i in p] for r in std.AT], [std.G[i] for i in p],
                           [std.BT[i] for i in p])
    assert mats.name == "swapped" and mats.g_scale == 2
    assert resolve(mats, 2) is mats


def test_custom_matrices_string_fractions():
    mats = custom_matrices("strings", preset("standard", 2).AT,
                           [[1, 0, 0], ["1/2", "1/2", "1/2"], ["1/2", "-1/2", "1/2"], [0, 0, 1]],
                           preset("standard", 2).BT)
    assert mats.G == preset("standard", 2).G


def test_inexact_custom_matrices_are_rejected():
    std = preset("standard", 2)
    bt = [list(r) for r in std.BT]
    bt[3][3] = 1
    with pytest.raises(ValueError, match=r"^Matrices are not exact for multiplication: output 1, filter tap 2, "
                                         r"input 3 has coefficient -1, correlation needs 1$"):
        custom_matrices("bad", std.AT, std.G, bt)
    with pytest.raises(ValueError, match=r"^Matrices are not exact for multiplication"):
        check_exact(std.AT, [[1, 0, 0]] * 4, std.BT)


def test_custom_matrices_need_integer_transforms_and_shapes():
    std = preset("standard", 2)
    with pytest.raises(ValueError, match=r"^B\^T must have integer entries \(the hardware adds and shifts\), "
                                         r"not '1/2'$"):
        custom_matrices("frac", std.AT, std.G, [["1/2", 0, 0, 0]] + [list(r) for r in std.BT[1:]])
    with pytest.raises(ValueError, match=r"^G must be 4x3, not 3x3$"):
        custom_matrices("short", std.AT, std.G[:3], std.BT)
    with pytest.raises(ValueError, match=r"^Matrices 'standard' are for tile 2, not 4$"):
        resolve(std, 4)


@pytest.mark.parametrize("name,tile", PRESETS)
def test_wino_mul_model_equals_scaled_direct_correlation(name, tile, seed):
    """Model-level property, 10^5 random 8-bit tiles: the multiplication tile fed with the integer-scaled
    filter transform gives exactly S^2 times the direct 3x3 correlation."""
    mats = preset(name, tile)
    rng = np.random.default_rng(seed)
    n = 100_000
    d = rng.integers(-128, 128, size=(n, mats.n, mats.n))
    g = rng.integers(-128, 128, size=(n, 3, 3))
    u = filter_transform_int(g, mats)
    y = wino_mul_model({"d_width": 8, "u_width": 32, "tile": tile, "matrices": name}, {"d": d, "u": u})["y"]
    assert np.array_equal(y, output_scale(mats) * direct_correlation(d, g, tile))


def test_filter_transform_scaling():
    g = np.array([[[3, -1, 2], [0, 5, -7], [1, 1, 1]]])
    f2 = preset("standard", 2)
    # u_frac = 2 is exactly the integer-scaled transform (S^2 = 4); each extra bit doubles it
    assert np.array_equal(filter_transform(g, f2, 2, "exact"), filter_transform_int(g, f2))
    assert np.array_equal(filter_transform(g, f2, 5, "exact"), 8 * filter_transform_int(g, f2))
    # spot value: U[1][1] = (sum of g) / 4 = 5/4 -> 5 at u_frac = 2
    assert filter_transform(g, f2, 2)[0, 1, 1] == 5
    # u_frac = 1: 5/4 * 2 = 2.5 rounds to 3 (ties towards +infinity); exact mode refuses
    assert filter_transform(g, f2, 1)[0, 1, 1] == 3
    assert filter_transform(-g, f2, 1)[0, 1, 1] == -2
    with pytest.raises(ValueError, match=r"^U = G g G\^T is not a multiple of 2\^-1 for these filters"):
        filter_transform(g, f2, 1, "exact")


def test_filter_transform_f4_rounds_to_nearest(seed):
    mats = preset("standard", 4)
    g = np.random.default_rng(seed).integers(-128, 128, size=(500, 3, 3))
    exact = filter_transform_int(g, mats)  # 576 U
    for u_frac in (2, 6):
        u = filter_transform(g, mats, u_frac)
        err = u * 576 - exact * (1 << u_frac)  # 576 * (u - U * 2^u_frac)
        assert np.all(2 * err <= 576) and np.all(2 * err > -576)


def test_filter_transform_wide_values_use_python_ints():
    g = np.full((1, 3, 3), 1 << 45, dtype=np.int64)
    u = filter_transform(g, preset("standard", 4), 20)
    assert u.dtype == object and u[0, 5, 5] == (1 << 45) << 20
    with pytest.raises(TypeError, match=r"^Filters must be integers, not float64$"):
        filter_transform_int(np.zeros((3, 3)), preset("standard", 2))
