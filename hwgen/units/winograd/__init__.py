"""Winograd units for AdderNet (units.md §4), their building blocks and the direct baselines.

- ``wino_adder``: one Winograd-AdderNet tile, y = A^T [-|u - (B^T d B) << u_frac|] A.
- ``wino_mul``: the multiplication Winograd tile, y = A^T [u . (B^T d B)] A.
- ``wino_input`` (B^T d B), ``wino_adder_array`` (accumulating -|u - v| array, MAC protocol),
  ``wino_output`` (A^T M A): the building blocks an accelerator shares.
- ``adder_direct`` and ``conv_direct``: direct 3x3 AdderNet and correlation over the same tile.

:func:`outputs_per_tile` tells a synthesis report how many output pixels one instance produces, so it
can state area per output pixel; it needs no registry.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from hwgen.numeric.stimuli import int_bounds
from hwgen.numeric.winograd_matrices import preset
from hwgen.params import Param, ParamError
from hwgen.unit import FormalReference, Stimulus, Unit
from hwgen.units.winograd import adder_reference, input_reference, output_reference
from hwgen.units.winograd import model as wm
from hwgen.units.winograd.stimuli import (
    accumulate_directed,
    channel_sequence,
    crossed,
    extreme_tiles,
    random_tiles,
    realistic_u,
    transform_extremes,
)
from hwgen.units.winograd.streams import DIRECT_STREAMS, WINO_STREAMS
from hwgen.units.winograd.widths import max_width, signed_range, transform_ranges

__all__ = ["UNITS"]


def outputs_per_tile(params: Mapping[str, Any]) -> int:
    """Output pixels one instance produces per tile (per input channel step for the building blocks):
    ``tile**2``, 4 at tile 2 (F(2x2,3x3), or the direct units' 2x2 outputs) and 16 at tile 4. Divide an
    area by it to get area per output pixel."""
    return int(params.get("tile", 2)) ** 2


def _is_signed(p) -> bool:
    return True  # pixels, filters and transformed values are two's complement


#: What every unit of this family declares alike.
TILE_FIELDS = dict(is_signed=_is_signed, outputs_per_instance=outputs_per_tile)

UNITS: list[Unit] = []


D_WIDTH = Param("d_width", "int", 8, "signed input pixel bits", min=2, max=32, abbr="d")
TILE = Param("tile", "int", 2, "outputs per tile side: 2 = F(2x2,3x3) (4x4 input), 4 = F(4x4,3x3) "
             "(6x6 input)", min=2, max=4, abbr="t")
MATRICES = Param("matrices", "choice", "standard", "transform matrices: 'standard', or 'balanced' "
                 "(equal output coefficient sums, F(2x2) only)", choices=("standard", "balanced"), abbr="m")
U_WIDTH = Param("u_width", "int", lambda p: p["d_width"] + 4,
                "signed transformed-filter bits (default d_width+4)", min=2, max=64, abbr="u")
U_FRAC = Param("u_frac", "int", 2, "fraction bits of u; B^T d B is shifted left by u_frac to meet it "
               "(2 makes G's halves exact)", min=0, max=16, abbr="f")
PIPELINE = Param("pipeline", "int", 0, "register stages (latency)", min=0, max=8, abbr="p")
W_WIDTH = Param("w_width", "int", lambda p: p["d_width"], "signed filter bits (default d_width)",
                min=2, max=32, abbr="w")


def _mul_u_width(p) -> int:
    mats = preset("standard", p["tile"])
    _, U = transform_ranges(mats.G_int, [[signed_range(p["d_width"])] * 3 for _ in range(3)])
    return max_width(U)


MUL_U_WIDTH = Param("u_width", "int", _mul_u_width, "signed transformed-filter bits (default: exactly "
                    "enough for G_int g G_int^T of a d_width-bit filter)", min=2, max=64, abbr="u")


def _check_tile(unit: str):
    def check(p):
        if p["tile"] not in (2, 4):
            raise ParamError(f"Parameter 'tile' of unit {unit!r} must be 2 (F(2x2,3x3)) or 4 (F(4x4,3x3)), "
                             f"not {p['tile']}")
        if p.get("matrices") == "balanced" and p["tile"] == 4:
            raise ParamError(f"Parameter 'matrices' of unit {unit!r} must be 'standard' when tile is 4 "
                             "(no sign choice balances F(4x4,3x3), see docs/winograd.md), not 'balanced'")
    return check


def _side(p) -> int:
    return p["tile"] + 2


def _mats(p):
    return preset(p.get("matrices", "standard"), p["tile"])


# -- two-input tiles (wino_adder, wino_mul, adder_direct, conv_direct) -----------------------------

def _pixel_tiles(p) -> np.ndarray:
    """Extreme pixel tiles, plus those that drive each element of B^T d B to its bounds."""
    return np.concatenate([extreme_tiles(p["d_width"], _side(p)),
                           transform_extremes(p["d_width"], preset("standard", p["tile"]).BT)])


def _pair_directed(b_port, b_width, b_side):
    def directed(p):
        a, b = crossed(_pixel_tiles(p), extreme_tiles(p[b_width], b_side(p)))
        return {"d": a, b_port: b}
    return directed


def _wino_random(kind: str):
    def random(p, rng, n):
        side, mats = _side(p), _mats(p)
        d = random_tiles(rng, n, p["d_width"], side)
        u = random_tiles(rng, n, p["u_width"], side)
        k = n // 4  # a quarter with transformed filters as the offline transform makes them
        if k:
            frac = None if kind == "mul" else p["u_frac"]
            u[:k] = realistic_u(rng, k, min(p["d_width"], p["u_width"]), p["u_width"], mats, frac)
        return {"d": d, "u": u}
    return random


def _direct_random(p, rng, n):
    return {"d": random_tiles(rng, n, p["d_width"], _side(p)), "w": random_tiles(rng, n, p["w_width"], 3)}


def _none(p):
    return None


def _tile_build(cls_name: str):
    def build(p):
        from hwgen.units.winograd.gateware import (
            tile,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
        )
        cls = getattr(tile, cls_name)
        if cls_name == "WinoAdderTile":
            return cls(p["d_width"], p["u_width"], p["u_frac"], p["matrices"], p["tile"], p["pipeline"])
        return cls(p["d_width"], p["u_width"], p["matrices"], p["tile"], p["pipeline"])
    return build


def _direct_build(cls_name: str):
    def build(p):
        from hwgen.units.winograd.gateware import (
            direct,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
        )
        return getattr(direct, cls_name)(p["d_width"], p["w_width"], p["tile"], p["pipeline"])
    return build


def _build_input(p):
    from hwgen.units.winograd.gateware.transforms import (
        InputTransform,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return InputTransform(p["d_width"], p["tile"], p["pipeline"])


def _build_array(p):
    from hwgen.units.winograd.gateware.adder_array import (
        AdderArray,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return AdderArray(p["d_width"], p["u_width"], p["u_frac"], p["acc_width"], p["tile"], p["pipeline"])


def _build_output(p):
    from hwgen.units.winograd.gateware.transforms import (
        OutputTransform,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return OutputTransform(p["m_width"], p["tile"], p["matrices"], p["pipeline"])


def _latency(p):
    return p["pipeline"]


def _three(p):
    return 3


UNITS.append(Unit(
    name="wino_adder",
    report_group="conv",
    summary="Winograd-AdderNet tile, y = A^T [-|u - (B^T d B) << u_frac|] A",
    params=(D_WIDTH, U_WIDTH, U_FRAC, MATRICES, TILE, PIPELINE),
    check=_check_tile("wino_adder"),
    build=_tile_build("WinoAdderTile"),
    model=wm.wino_adder_model,
    latency=_latency,
    stimulus=Stimulus(_pair_directed("u", "u_width", _side),
                      _wino_random("adder"), _none),
    streams=WINO_STREAMS,
    reference=FormalReference(adder_reference.reference, adder_reference.QUICK),
    **TILE_FIELDS,
    sweep=({}, {"matrices": "balanced"}, {"d_width": 16, "u_width": 20},
           {"d_width": 16, "u_width": 20, "matrices": "balanced"}, {"tile": 4},
           {"d_width": 16, "u_width": 20, "tile": 4}, {"d_width": 4, "u_width": 5, "u_frac": 0, "pipeline": 2},
           {"d_width": 8, "u_width": 12, "matrices": "balanced", "pipeline": 3}),
    demo=({"d_width": 8, "u_width": 12}, {"d_width": 8, "u_width": 12, "matrices": "balanced"},
          {"d_width": 8, "u_width": 12, "tile": 4}),
))

UNITS.append(Unit(
    name="wino_mul",
    report_group="conv",
    summary="multiplication Winograd tile, y = A^T [u . (B^T d B)] A (S^2 x correlation for u = G_int g G_int^T)",
    params=(D_WIDTH, TILE, MATRICES, MUL_U_WIDTH, PIPELINE),
    check=_check_tile("wino_mul"),
    build=_tile_build("WinoMulTile"),
    model=wm.wino_mul_model,
    latency=_latency,
    stimulus=Stimulus(_pair_directed("u", "u_width", _side),
                      _wino_random("mul"), _none),
    **TILE_FIELDS,
    sweep=({}, {"matrices": "balanced"}, {"tile": 4}, {"d_width": 16}, {"d_width": 16, "tile": 4},
           {"d_width": 5, "pipeline": 2}),
    demo=({"d_width": 8}, {"d_width": 8, "tile": 4}),
))

for _name, _summary, _cls, _model in (
        ("adder_direct", "direct AdderNet 3x3, y[i][j] = -sum |d[i+r][j+c] - w[r][c]| over a tile",
         "AdderDirect", wm.adder_direct_model),
        ("conv_direct", "direct 3x3 correlation, y[i][j] = sum d[i+r][j+c] * w[r][c] over a tile",
         "ConvDirect", wm.conv_direct_model)):
    UNITS.append(Unit(
        name=_name,
        report_group="conv",
        summary=_summary,
        params=(D_WIDTH, W_WIDTH, TILE, PIPELINE),
        check=_check_tile(_name),
        build=_direct_build(_cls),
        model=_model,
        latency=_latency,
        stimulus=Stimulus(_pair_directed("w", "w_width", _three), _direct_random, _none),
        streams=DIRECT_STREAMS,
        **TILE_FIELDS,
        sweep=({}, {"d_width": 16}, {"tile": 4}, {"d_width": 6, "w_width": 4, "pipeline": 2}),
        demo=({"d_width": 8},),
    ))

# -- building blocks ---------------------------------------------------------------------------------

UNITS.append(Unit(
    name="wino_input",
    summary="Winograd input transform v = B^T d B (adds and subtracts; same B in both presets)",
    params=(D_WIDTH, TILE, PIPELINE),
    check=_check_tile("wino_input"),
    build=_build_input,
    model=wm.wino_input_model,
    latency=_latency,
    stimulus=Stimulus(lambda p: {"d": _pixel_tiles(p)},
                      lambda p, rng, n: {"d": random_tiles(rng, n, p["d_width"], _side(p))}, _none),
    reference=FormalReference(input_reference.reference),
    **TILE_FIELDS,
    sweep=({}, {"d_width": 16}, {"tile": 4}, {"d_width": 16, "tile": 4, "pipeline": 2}),
    demo=({"d_width": 8}, {"d_width": 8, "tile": 4}),
))


def _array_widths(p) -> tuple[int, int]:
    from hwgen.units.winograd.gateware.adder_array import (
        array_widths,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return array_widths(p["d_width"], p["u_width"], p["u_frac"], p["tile"])


ACC_WIDTH = Param("acc_width", "int", lambda p: _array_widths(p)[1] + 16,
                  "accumulator bits per element (default: one term's width + 16, room for 2^16 channels)",
                  min=2, max=128, abbr="acc")


def _check_array(p):
    _check_tile("wino_adder_array")(p)
    term = _array_widths(p)[1]
    if p["acc_width"] < term:
        raise ParamError(f"Parameter 'acc_width' of unit 'wino_adder_array' must be at least {term} "
                         f"(one -|u - v| term) for these widths, not {p['acc_width']}")


def _array_directed(p):
    side, (v_width, _) = _side(p), _array_widths(p)
    u_lo, u_hi = int_bounds(p["u_width"], True)
    v_lo, _v_hi = int_bounds(v_width, True)
    u_ex, v_ex = extreme_tiles(p["u_width"], side), extreme_tiles(v_width, side)
    u_ex, v_ex = np.concatenate([u_ex, u_ex[::-1]]), np.concatenate([v_ex, v_ex])
    full = (lambda v, w: np.full((side, side), v, dtype=np.int64 if w <= 62 else object))
    return accumulate_directed(full(u_hi, p["u_width"]), full(v_lo, v_width), u_ex, v_ex)


def _array_random(p, rng, n):
    side, (v_width, _) = _side(p), _array_widths(p)
    en, clr = channel_sequence(rng, n)
    return {"u": random_tiles(rng, n, p["u_width"], side), "v": random_tiles(rng, n, v_width, side),
            "en": en, "clr": clr}


UNITS.append(Unit(
    name="wino_adder_array",
    summary="accumulating -|u - v| array over input channels: acc <- (clr ? 0 : acc) + (-|u - v << u_frac|) when en",
    params=(D_WIDTH, TILE, U_WIDTH, U_FRAC, ACC_WIDTH, PIPELINE),
    check=_check_array,
    build=_build_array,
    model=wm.wino_adder_array_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=Stimulus(_array_directed, _array_random, _none),
    sequential=True,
    **TILE_FIELDS,
    sweep=({}, {"tile": 4}, {"d_width": 16, "u_width": 20}, {"d_width": 4, "u_width": 6, "acc_width": 9},
           {"d_width": 6, "u_width": 9, "u_frac": 1, "acc_width": 11, "pipeline": 2}),
    demo=({"d_width": 8, "u_width": 12},),
))

M_WIDTH = Param("m_width", "int", 24, "signed bits of each accumulated element entering the transform "
                "(the adder array's acc_width)", min=2, max=64, abbr="mw")

UNITS.append(Unit(
    name="wino_output",
    summary="Winograd output transform y = A^T m A, once per tile after channel accumulation",
    params=(M_WIDTH, TILE, MATRICES, PIPELINE),
    check=_check_tile("wino_output"),
    build=_build_output,
    model=wm.wino_output_model,
    latency=_latency,
    stimulus=Stimulus(lambda p: {"m": np.concatenate([extreme_tiles(p["m_width"], _side(p)),
                                                      transform_extremes(p["m_width"], _mats(p).AT)])},
                      lambda p, rng, n: {"m": random_tiles(rng, n, p["m_width"], _side(p))}, _none),
    reference=FormalReference(output_reference.reference),
    **TILE_FIELDS,
    sweep=({}, {"matrices": "balanced"}, {"tile": 4}, {"m_width": 40, "tile": 4, "pipeline": 2},
           {"m_width": 64}),
    demo=({"m_width": 29}, {"m_width": 29, "matrices": "balanced"}),
))

UNITS = tuple(UNITS)
