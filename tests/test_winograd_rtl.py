"""Generated Verilog of the Winograd units against their golden models (Verilator, bulk path).

The tiles get 10^5 seeded random tiles per preset and pixel width on top of their directed tiles
(extremes crossed with extremes); the other units fewer. ``-m slow`` runs every sweep configuration.
"""

import dataclasses

import numpy as np
import pytest
from amaranth.hdl import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.numeric.winograd_matrices import custom_matrices, output_scale, preset
from hwgen.registry import get_unit
from hwgen.units import winograd
from hwgen.units.winograd.gateware.tile import WinoAdderTile, WinoMulTile
from hwgen.units.winograd.gateware.transforms import FilterTransform, grid
from hwgen.units.winograd.model import direct_correlation, wino_adder_model
from hwgen.verify.check import verify

FULL = 100_000


def _check(unit, params, build_root, seed, vectors):
    r = verify(get_unit(unit) if isinstance(unit, str) else unit, params, vectors=vectors, seed=seed,
               build_root=build_root)
    assert r.vectors > 0 and r.mismatches == 0, r.examples
    return r


@pytest.mark.parametrize("params", [
    {"d_width": 8, "u_width": 12, "matrices": "standard"},
    {"d_width": 8, "u_width": 12, "matrices": "balanced"},
    {"d_width": 16, "u_width": 20, "matrices": "standard"},
    {"d_width": 16, "u_width": 20, "matrices": "balanced"},
    {"d_width": 8, "u_width": 12, "tile": 4},
    pytest.param({"d_width": 16, "u_width": 20, "tile": 4}, marks=pytest.mark.slow),  # F(4x4) at 16 bits: minutes
], ids=lambda p: "-".join(f"{k}{v}" for k, v in p.items()))
def test_wino_adder_full(params, build_root, seed):
    r = _check("wino_adder", params, build_root, seed, FULL)
    assert r.vectors >= FULL + 1000  # directed tiles on top of the random ones


@pytest.mark.parametrize("unit,params", [
    ("wino_adder", {"d_width": 8, "u_width": 12, "matrices": "balanced", "pipeline": 3}),
    ("wino_mul", {"d_width": 8}),
    pytest.param("wino_mul", {"d_width": 8, "tile": 4, "pipeline": 1}, marks=pytest.mark.slow),
    ("adder_direct", {"d_width": 8}),
    ("conv_direct", {"d_width": 8}),
    pytest.param("adder_direct", {"d_width": 8, "tile": 4, "pipeline": 2}, marks=pytest.mark.slow),
    ("wino_input", {"d_width": 8}),
    ("wino_input", {"d_width": 16, "tile": 4, "pipeline": 2}),
    ("wino_output", {"m_width": 29, "matrices": "balanced"}),
    ("wino_output", {"m_width": 40, "tile": 4, "pipeline": 1}),
], ids=lambda x: x if isinstance(x, str) else "-".join(f"{k}{v}" for k, v in x.items()))
def test_units(unit, params, build_root, seed):
    _check(unit, params, build_root, seed, 20_000)


@pytest.mark.parametrize("params", [
    {"d_width": 8, "u_width": 12},
    {"d_width": 4, "u_width": 6, "acc_width": 9},  # wraps within a few channels
    {"d_width": 6, "u_width": 9, "u_frac": 1, "tile": 4, "acc_width": 16, "pipeline": 2},
], ids=["d8", "wrap", "f4-p2"])
def test_adder_array_channel_sequences(params, build_root, seed):
    """The accumulating array on random channel runs (clr at each run start, en dropping now and then)."""
    _check("wino_adder_array", params, build_root, seed, 20_000)


class _FilterThenMul(wiring.Component):
    """Filter transform in RTL feeding the multiplication tile: ports d and w, like conv_direct."""

    def __init__(self, d_width, w_width, tile):
        self.ft = FilterTransform(w_width, tile)
        self.tile = WinoMulTile(d_width, self.ft.u_width, "standard", tile)
        super().__init__({"d": In(grid(d_width, tile + 2)), "w": In(grid(w_width, 3)),
                          "y": Out(grid(self.tile.y_width, tile))})

    def elaborate(self, platform):
        m = Module()
        m.submodules.ft, m.submodules.tile = self.ft, self.tile
        m.d.comb += [self.ft.g.eq(self.w), self.tile.d.eq(self.d), self.tile.u.eq(self.ft.u),
                     self.y.eq(self.tile.y)]
        return m


@pytest.mark.parametrize("tile", [2, 4])
def test_wino_mul_rtl_equals_direct_convolution(tile, build_root, seed):
    """RTL check of the multiplication tile against direct convolution on the same data: the filter
    transform and the tile in Verilog, the model is S^2 times the direct 3x3 correlation."""
    conv = get_unit("conv_direct")
    scale = output_scale(preset("standard", tile))

    def model(p, vec):
        d, w = np.asarray(vec["d"]), np.asarray(vec["w"])
        return {"y": scale * direct_correlation(d.astype(np.int64), w.astype(np.int64), p["tile"])}

    unit = dataclasses.replace(conv, name="wino_mul_conv_check",
                               build=lambda p: _FilterThenMul(p["d_width"], p["w_width"], p["tile"]),
                               model=model)
    _check(unit, {"d_width": 8, "tile": tile}, build_root, seed, 20_000)


def test_custom_matrices_through_the_generator(build_root, seed):
    """Custom exact matrices (interpolation points +1 and -1 swapped) reach the gateware and the model."""
    std = preset("standard", 2)
    order = [0, 2, 1, 3]
    mats = custom_matrices("swapped", [[r[i] for i in order] for r in std.AT], [std.G[i] for i in order],
                           [std.BT[i] for i in order])
    base = get_unit("wino_adder")
    unit = dataclasses.replace(
        base, name="wino_adder_swapped",
        build=lambda p: WinoAdderTile(p["d_width"], p["u_width"], p["u_frac"], mats, p["tile"], p["pipeline"]),
        model=lambda p, vec: wino_adder_model({**p, "matrices": mats}, vec))
    _check(unit, {"d_width": 8, "u_width": 12}, build_root, seed, 20_000)


SWEEP = [(u.name, cfg) for u in winograd.UNITS for cfg in u.sweep]


@pytest.mark.slow
@pytest.mark.parametrize("unit,params", SWEEP, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SWEEP)])
def test_sweep_full(unit, params, build_root, seed):
    _check(unit, params, build_root, seed, FULL)

