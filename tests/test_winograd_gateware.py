# amaranth: UnusedElaboratable=no
"""Winograd components: constructor checks, port shapes and derived widths (no simulator)."""

import pytest

from hwgen.emit import elaborate
from hwgen.ports import ports_of
from hwgen.registry import get_unit
from hwgen.units.winograd.gateware.adder_array import AdderArray
from hwgen.units.winograd.gateware.direct import AdderDirect, ConvDirect
from hwgen.units.winograd.gateware.tile import WinoAdderTile, WinoMulTile
from hwgen.units.winograd.gateware.transforms import FilterTransform, InputTransform, OutputTransform


def _shapes(component):
    return {p.name: (p.direction, p.shape, p.element_width, p.width) for p in ports_of(component)}


def test_tile_ports_and_widths():
    # v: 10 bits; v << 2 and u: 12 bits; u - v: 13 bits; A^T M A with |coefficient sums| <= 9: 17 bits
    assert _shapes(WinoAdderTile(8, 12)) == {"d": ("in", (4, 4), 8, 128), "u": ("in", (4, 4), 12, 192),
                                             "y": ("out", (2, 2), 17, 68)}
    assert WinoAdderTile(8, 12, matrices="balanced").y_width == 16  # 2-D coefficient sums of +-1, +-2
    assert WinoAdderTile(8, 12, tile=4).y_width == 24
    assert _shapes(WinoMulTile(8, 12))["y"] == ("out", (2, 2), 25, 100)
    assert _shapes(AdderDirect(8, 8, tile=4)) == {"d": ("in", (6, 6), 8, 288), "w": ("in", (3, 3), 8, 72),
                                                  "y": ("out", (4, 4), 13, 208)}
    assert ConvDirect(8, 8).y_width == 19


def test_block_widths_chain():
    """wino_input's v port is exactly the array's v port; the array's default acc feeds wino_output."""
    inp = InputTransform(8)
    arr = AdderArray(8, 12, 2, 29)
    assert inp.v_width == arr.v_width == 10 and arr.term_width == 13
    assert _shapes(arr)["acc"] == ("out", (4, 4), 29, 464)
    assert _shapes(OutputTransform(29))["m"] == ("in", (4, 4), 29, 464)
    assert InputTransform(8, tile=4).v_width == 15
    assert FilterTransform(8).u_width == 12 and FilterTransform(8, tile=4).u_width == 18


def test_manifest_records_array_shapes():
    unit = get_unit("wino_adder")
    ports = {p["name"]: p for p in elaborate(unit, unit.resolve({"d_width": 8, "u_width": 12})).manifest["ports"]}
    assert ports["d"] == {"name": "d", "direction": "in", "width": 128, "signed": True, "shape": [4, 4],
                          "element_width": 8}
    assert ports["y"]["shape"] == [2, 2] and ports["y"]["element_width"] == 17


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"^Pixel width must be an integer in 2\.\.64, not 1$"):
        WinoAdderTile(1, 12)
    with pytest.raises(TypeError, match=r"^Filter width must be an integer, not '12'$"):
        WinoMulTile(8, "12")
    with pytest.raises(ValueError, match=r"^No Winograd preset 'balanced' for tile 4; the presets are: "):
        WinoAdderTile(8, 12, matrices="balanced", tile=4)
    with pytest.raises(ValueError, match=r"^Tile must be an integer in 2\.\.4, not 5$"):
        InputTransform(8, tile=5)
    with pytest.raises(ValueError, match=r"^No Winograd preset 'standard' for tile 3; the presets are: "):
        OutputTransform(20, tile=3)
    with pytest.raises(TypeError, match=r"^Matrices must be a preset name or WinogradMatrices, not 7$"):
        OutputTransform(20, matrices=7)
    with pytest.raises(ValueError, match=r"^Accumulator width must be an integer in 13\.\.256, not 12$"):
        AdderArray(8, 12, 2, 12)
    with pytest.raises(ValueError, match=r"^Pipeline depth must be an integer in 0\.\.16, not -1$"):
        AdderDirect(8, 8, pipeline=-1)
    with pytest.raises(ValueError, match=r"^Tile must be 2 or 4, not 3$"):
        ConvDirect(8, 8, tile=3)
    with pytest.raises(TypeError, match=r"^Fraction bits must be an integer, not None$"):
        WinoAdderTile(8, 12, u_frac=None)
