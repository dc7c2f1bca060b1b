"""Complete Winograd tiles: AdderNet ``A^T[-|u - (B^T d B) << u_frac|]A`` and multiplication
``A^T[u . (B^T d B)]A``, for F(2x2,3x3) (4x4 in, 2x2 out) or F(4x4,3x3) (6x6 in, 4x4 out).

Every signal is as wide as its exact range (:mod:`.widths`), so no stage overflows. ``pipeline`` register
stages go, in this order, after the element-wise stage, after the input transform, at the output (further
ones also at the output); latency equals ``pipeline``.
"""

from __future__ import annotations

from amaranth.hdl import Module, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.units.winograd.gateware.linear import Term, delay_terms, neg_abs_diff, stage_plan, transform_2d
from hwgen.units.winograd.gateware.transforms import (
    check_pipeline,
    check_width,
    drive_grid,
    grid,
    grid_terms,
    matrices_for,
)
from hwgen.units.winograd.widths import max_width, product_range, tile_ranges

__all__ = ["WinoAdderTile", "WinoMulTile"]

_STAGES = ["m", "v", "y"]


class _Tile(wiring.Component):
    """Shared skeleton: ports, widths and the input and output transforms around an element-wise op."""

    def __init__(self, d_width: int, u_width: int, u_frac: int | None, matrices, tile: int, pipeline: int):
        check_width("Pixel width", d_width, 2, 64)
        check_width("Filter width", u_width, 2, 128)
        if u_frac is not None:
            check_width("Fraction bits", u_frac, 0, 32)
        check_pipeline(pipeline)
        self.mats = matrices_for(matrices, tile)
        self.d_width, self.u_width, self.u_frac, self.pipeline = d_width, u_width, u_frac, pipeline
        self.ranges = tile_ranges(self.mats.AT, self.mats.BT, d_width, u_width, u_frac)
        self.y_width = max_width(self.ranges["Y"])
        n = self.mats.n
        super().__init__({"d": In(grid(d_width, n)), "u": In(grid(u_width, n)),
                          "y": Out(grid(self.y_width, self.mats.m))})

    def _elementwise(self, m, u, v, name):
        raise NotImplementedError

    def elaborate(self, platform):
        m = Module()
        plan = stage_plan(self.pipeline, _STAGES)
        n = self.mats.n
        d = grid_terms(self.d, self.d_width, n)
        u = delay_terms(m, grid_terms(self.u, self.u_width, n), plan["v"], "u")  # keep u beside v
        v = delay_terms(m, transform_2d(m, self.mats.BT, d, "v"), plan["v"], "v")
        terms = [[self._elementwise(m, u[i][j], v[i][j], f"m{i}_{j}") for j in range(n)] for i in range(n)]
        terms = delay_terms(m, terms, plan["m"], "m")
        y = transform_2d(m, self.mats.AT, terms, "y")
        drive_grid(m, self.y, delay_terms(m, y, plan["y"], "y"))
        return m


class WinoAdderTile(_Tile):
    """Winograd-AdderNet tile: ``y = A^T [-|u - ((B^T d B) << u_frac)|] A``, exact.

    Parameters
    ----------
    d_width : signed input pixel bits.
    u_width : signed transformed-filter bits; u is U = G g G^T with ``u_frac`` fraction bits
        (:func:`hwgen.numeric.winograd_matrices.filter_transform`), so y has ``u_frac`` fraction bits too.
    u_frac : fraction bits of u (2 makes the halves of F(2x2)'s G exact).
    matrices : preset name ("standard", "balanced") or checked ``WinogradMatrices``.
    tile : 2 for F(2x2,3x3), 4 for F(4x4,3x3).
    pipeline : register stages (latency).

    Members: ``d`` in (n x n), ``u`` in (n x n), ``y`` out (m x m, ``y_width`` bits).
    """

    def __init__(self, d_width: int, u_width: int, u_frac: int = 2, matrices="standard", tile: int = 2,
                 pipeline: int = 0):
        if u_frac is None:
            raise TypeError("Fraction bits must be an integer, not None")
        super().__init__(d_width, u_width, u_frac, matrices, tile, pipeline)

    def _elementwise(self, m, u, v, name):
        return neg_abs_diff(m, u, v, self.u_frac, name)


class WinoMulTile(_Tile):
    """Multiplication Winograd tile: ``y = A^T [u . (B^T d B)] A``, exact. With
    ``u = G_int g G_int^T`` (:func:`hwgen.numeric.winograd_matrices.filter_transform_int`), y is ``S^2`` times the
    direct 3x3 correlation (S = 2 for F(2x2), 24 for F(4x4)). Same members as :class:`WinoAdderTile`."""

    def __init__(self, d_width: int, u_width: int, matrices="standard", tile: int = 2, pipeline: int = 0):
        super().__init__(d_width, u_width, None, matrices, tile, pipeline)

    def _elementwise(self, m, u, v, name):
        r = product_range(u.range, v.range)
        p = Signal(signed(r.width), name=name)
        m.d.comb += p.eq(u.value * v.value)
        return Term(p, r)
