"""The Winograd transforms as components: input ``B^T d B``, output ``A^T M A``, filter ``G_int g G_int^T``.

Each is a separable 2-D transform of constant integer matrices, built from shift-and-add trees
(:mod:`.linear`); with the presets of F(2x2,3x3) the input transform is adds and subtracts only.
"""

from __future__ import annotations

from amaranth.hdl import Module, signed
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from hwgen.numeric.winograd_matrices import WinogradMatrices, resolve
from hwgen.units.winograd.gateware.linear import Term, delay_terms, materialize, stage_plan, transform_2d
from hwgen.units.winograd.widths import input_ranges, max_width, signed_range, transform_ranges

__all__ = ["grid", "grid_terms", "drive_grid", "check_width", "check_pipeline", "matrices_for",
           "InputTransform", "OutputTransform", "FilterTransform"]


def grid(width: int, side: int) -> data.ArrayLayout:
    """A ``side x side`` row-major array of signed ``width``-bit elements, element [0][0] in the LSBs."""
    return data.ArrayLayout(data.ArrayLayout(signed(width), side), side)


def grid_terms(port, width: int, side: int):
    """The elements of a grid port as terms, each with the full range of its signed width."""
    return [[Term(port[i][j], signed_range(width)) for j in range(side)] for i in range(side)]


def drive_grid(m, port, terms) -> None:
    for i, row in enumerate(terms):
        for j, t in enumerate(row):
            m.d.comb += port[i][j].eq(materialize(t))


def check_width(what: str, value, lo: int = 1, hi: int = 256) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be an integer in {lo}..{hi}, not {value}")


def check_pipeline(value) -> None:
    check_width("Pipeline depth", value, 0, 16)


def matrices_for(matrices, tile) -> WinogradMatrices:
    """A preset name or checked matrices, validated against ``tile``; ValueError otherwise."""
    if not isinstance(matrices, (str, WinogradMatrices)):
        raise TypeError(f"Matrices must be a preset name or WinogradMatrices, not {matrices!r}")
    if isinstance(matrices, str):
        check_width("Tile", tile, 2, 4)
    return resolve(matrices, tile)


class InputTransform(wiring.Component):
    """``v = B^T d B`` for an n x n tile of signed ``d_width``-bit pixels (adds and subtracts only).

    Shared by every output channel in an accelerator. ``pipeline`` registers: the first between the two
    separable passes, the rest at the output (likewise in every transform here). Members: ``d`` in (n x n), ``v`` out (n x n, ``v_width``).
    """

    def __init__(self, d_width: int, tile: int = 2, pipeline: int = 0, matrices="standard"):
        check_width("Pixel width", d_width, 2, 64)
        check_pipeline(pipeline)
        self.mats = matrices_for(matrices, tile)
        self.d_width, self.pipeline = d_width, pipeline
        _, V = input_ranges(self.mats.BT, d_width)
        self.v_width = max_width(V)
        n = self.mats.n
        super().__init__({"d": In(grid(d_width, n)), "v": Out(grid(self.v_width, n))})

    def elaborate(self, platform):
        m = Module()
        plan = stage_plan(self.pipeline, ["mid", "out"])
        d = grid_terms(self.d, self.d_width, self.mats.n)
        v = transform_2d(m, self.mats.BT, d, "v", mid=plan["mid"])
        drive_grid(m, self.v, delay_terms(m, v, plan["out"], "v"))
        return m


class OutputTransform(wiring.Component):
    """``y = A^T M A`` for an n x n grid of signed ``m_width``-bit values (after channel accumulation:
    legal because the transform is linear). Members: ``m`` in (n x n), ``y`` out (m x m, ``y_width``)."""

    def __init__(self, m_width: int, tile: int = 2, matrices="standard", pipeline: int = 0):
        check_width("Accumulator width", m_width, 2, 256)
        check_pipeline(pipeline)
        self.mats = matrices_for(matrices, tile)
        self.m_width, self.pipeline = m_width, pipeline
        n = self.mats.n
        _, Y = transform_ranges(self.mats.AT, [[signed_range(m_width)] * n for _ in range(n)])
        self.y_width = max_width(Y)
        super().__init__({"m": In(grid(m_width, n)), "y": Out(grid(self.y_width, self.mats.m))})

    def elaborate(self, platform):
        m = Module()
        x = grid_terms(self.m, self.m_width, self.mats.n)
        plan = stage_plan(self.pipeline, ["mid", "out"])
        y = transform_2d(m, self.mats.AT, x, "y", mid=plan["mid"])
        drive_grid(m, self.y, delay_terms(m, y, plan["out"], "y"))
        return m


class FilterTransform(wiring.Component):
    """``u = G_int g G_int^T`` (``S^2`` times U, see :mod:`hwgen.numeric.winograd_matrices`) for a 3x3 filter of
    signed ``g_width``-bit values; combinational. Winograd normally does this offline; the component
    lets a test check a multiplication tile against direct convolution entirely in RTL."""

    def __init__(self, g_width: int, tile: int = 2, matrices="standard"):
        check_width("Filter width", g_width, 2, 64)
        self.mats = matrices_for(matrices, tile)
        self.g_width = g_width
        r = self.mats.r
        _, U = transform_ranges(self.mats.G_int, [[signed_range(g_width)] * r for _ in range(r)])
        self.u_width = max_width(U)
        super().__init__({"g": In(grid(g_width, r)), "u": Out(grid(self.u_width, self.mats.n))})

    def elaborate(self, platform):
        m = Module()
        g = grid_terms(self.g, self.g_width, self.mats.r)
        drive_grid(m, self.u, transform_2d(m, self.mats.G_int, g, "u"))
        return m
