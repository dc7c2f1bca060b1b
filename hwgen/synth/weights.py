"""Cell costs: NAND2 gate-equivalents (GE) for the generic gates, and CMOS transistor counts.

The GE table is derived from one real library so the ratios are defensible: the OSU 0.18 um standard
cells (``osu018_stdcells.lib``, Debian package ``qflow-tech-osu018``), smallest drive of each function,
area divided by NAND2X1's 24 um^2:

==========  ==================  =====  ====
cell        OSU cell            um^2   GE
==========  ==================  =====  ====
$_NOT_      INVX1                  16  0.667
$_BUF_      BUFX2                  24  1.0
$_NAND_     NAND2X1                24  1.0
$_NOR_      NOR2X1                 24  1.0
$_AND_      AND2X1                 32  1.333
$_OR_       OR2X1                  32  1.333
$_ANDNOT_   INVX1 + NOR2X1         40  1.667   (A & ~B = ~(~A | B); no single OSU cell)
$_ORNOT_    INVX1 + NAND2X1        40  1.667   (A | ~B = ~(~A & B))
$_XOR_      XOR2X1                 56  2.333
$_XNOR_     XNOR2X1                56  2.333
$_MUX_      MUX2X1                 48  2.0
$_NMUX_     MUX2X1 + INVX1         64  2.667
$_AOI3_     AOI21X1                32  1.333
$_OAI3_     OAI21X1                23  0.958
$_AOI4_     AOI22X1                40  1.667
$_OAI4_     OAI22X1                40  1.667
$_DFF_P_    DFFPOSX1               96  4.0
==========  ==================  =====  ====

The generic script (``synth/generic.ys``) only emits the first eleven and ``$_DFF_P_``; the others are
priced so that a design read from elsewhere still gets a number. ``stat -tech cmos`` gives the
transistor count; it marks cells it cannot price with a trailing ``+``, which
:func:`parse_transistors` reports as a lower bound.
"""

from __future__ import annotations

from typing import Mapping

__all__ = ["GE_WEIGHTS", "NAND2_UM2", "area_ge", "parse_transistors", "UnknownCellError"]

#: Area of the reference NAND2 (OSU 0.18 um NAND2X1), for converting GE to um^2 by hand.
NAND2_UM2 = 24.0

_OSU_UM2 = {
    "$_NOT_": 16, "$_BUF_": 24, "$_NAND_": 24, "$_NOR_": 24, "$_AND_": 32, "$_OR_": 32,
    "$_ANDNOT_": 40, "$_ORNOT_": 40, "$_XOR_": 56, "$_XNOR_": 56, "$_MUX_": 48, "$_NMUX_": 64,
    "$_AOI3_": 32, "$_OAI3_": 23, "$_AOI4_": 40, "$_OAI4_": 40, "$_DFF_P_": 96,
}

#: NAND2 gate-equivalents per generic Yosys cell (see the module docstring for the derivation).
GE_WEIGHTS: Mapping[str, float] = {k: v / NAND2_UM2 for k, v in _OSU_UM2.items()}


class UnknownCellError(KeyError):
    """A netlist holds a cell the GE table does not price."""


def area_ge(cells: Mapping[str, int]) -> float:
    """Sum of ``count * GE_WEIGHTS[type]`` over a cells-by-type mapping."""
    total = 0.0
    for cell, count in cells.items():
        if cell not in GE_WEIGHTS:
            raise UnknownCellError(f"cell type {cell!r} has no gate-equivalent weight; "
                                   f"priced types: {', '.join(sorted(GE_WEIGHTS))}")
        total += GE_WEIGHTS[cell] * count
    return total


def parse_transistors(value) -> tuple[int, bool]:
    """``stat -tech cmos``'s estimate: ``(count, complete)``; ``'2374+'`` -> ``(2374, False)``."""
    text = str(value).strip()
    complete = not text.endswith("+")
    digits = text.rstrip("+").strip()
    if not digits.isdigit():
        raise ValueError(f"not a transistor count: {value!r}")
    return int(digits), complete
