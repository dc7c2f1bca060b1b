"""Direct 3x3 baselines over the same tiles as the Winograd units: (t+2) x (t+2) pixels in, t x t out.

``AdderDirect``: y[i][j] = -sum_{r,c} |d[i+r][j+c] - w[r][c]| (direct AdderNet, 9 ``-|x - w|`` per
output). ``ConvDirect``: y[i][j] = sum_{r,c} d[i+r][j+c] * w[r][c] (9 multipliers per output). No work is
shared between outputs: that is what Winograd saves. ``pipeline`` registers go after the element-wise
stage first, then at the output; latency equals ``pipeline``.
"""

from __future__ import annotations

from amaranth.hdl import Module, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.units.winograd.gateware.linear import Term, delay_terms, lincomb, neg_abs_diff, stage_plan
from hwgen.units.winograd.gateware.transforms import check_pipeline, check_width, drive_grid, grid, grid_terms
from hwgen.units.winograd.widths import lin_range, neg_abs_diff_range, product_range, signed_range

__all__ = ["AdderDirect", "ConvDirect"]

R = 3


class _Direct(wiring.Component):
    def __init__(self, d_width: int, w_width: int, tile: int, pipeline: int):
        check_width("Pixel width", d_width, 2, 64)
        check_width("Weight width", w_width, 2, 64)
        if tile not in (2, 4):
            raise ValueError(f"Tile must be 2 or 4, not {tile!r}")
        check_pipeline(pipeline)
        self.d_width, self.w_width, self.tile, self.pipeline = d_width, w_width, tile, pipeline
        self.term_range = self._term_range(signed_range(d_width), signed_range(w_width))
        self.y_width = lin_range([(1, self.term_range)] * (R * R)).width
        super().__init__({"d": In(grid(d_width, tile + R - 1)), "w": In(grid(w_width, R)),
                          "y": Out(grid(self.y_width, tile))})

    def elaborate(self, platform):
        m = Module()
        t = self.tile
        plan = stage_plan(self.pipeline, ["terms", "y"])
        d = grid_terms(self.d, self.d_width, t + R - 1)
        w = grid_terms(self.w, self.w_width, R)
        y = []
        for i in range(t):
            row = []
            for j in range(t):
                terms = [[self._term(m, d[i + r][j + c], w[r][c], f"e{i}_{j}_{r}_{c}") for c in range(R)]
                         for r in range(R)]
                terms = delay_terms(m, terms, plan["terms"], f"e{i}_{j}")
                row.append(lincomb(m, [(1, x) for trow in terms for x in trow], f"y{i}_{j}"))
            y.append(row)
        drive_grid(m, self.y, delay_terms(m, y, plan["y"], "y"))
        return m


class AdderDirect(_Direct):
    """Direct AdderNet 3x3 window. Members: ``d`` in ((t+2) x (t+2)), ``w`` in (3x3), ``y`` out (t x t)."""

    def __init__(self, d_width: int, w_width: int, tile: int = 2, pipeline: int = 0):
        super().__init__(d_width, w_width, tile, pipeline)

    @staticmethod
    def _term_range(d, w):
        return neg_abs_diff_range(d, w, 0)[1]

    def _term(self, m, d, w, name):
        return neg_abs_diff(m, d, w, 0, name)


class ConvDirect(_Direct):
    """Direct 3x3 correlation (multiplications). Same members as :class:`AdderDirect`."""

    def __init__(self, d_width: int, w_width: int, tile: int = 2, pipeline: int = 0):
        super().__init__(d_width, w_width, tile, pipeline)

    @staticmethod
    def _term_range(d, w):
        return product_range(d, w)

    def _term(self, m, d, w, name):
        r = product_range(d.range, w.range)
        p = Signal(signed(r.width), name=name)
        m.d.comb += p.eq(d.value * w.value)
        return Term(p, r)
