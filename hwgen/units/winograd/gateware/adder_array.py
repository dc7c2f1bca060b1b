"""The AdderNet element-wise stage with accumulation over input channels.

In a Winograd-AdderNet layer the output transform is linear, so the ``-|u - v|`` terms of all input
channels can be summed first and transformed once per tile. This array does the summing with the MAC
protocol of :mod:`hwgen.units.intmul.mac_decl`: on a clock edge with ``en``,
``acc <- (clr ? 0 : acc) + (-|u - (v << u_frac)|)`` element-wise, wrapping at ``acc_width``.
"""

from __future__ import annotations

from amaranth.hdl import Module, Mux, Signal, signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.pipeline import delay
from hwgen.units.winograd.gateware.linear import delay_terms, neg_abs_diff
from hwgen.units.winograd.gateware.transforms import check_pipeline, check_width, grid, grid_terms, matrices_for
from hwgen.units.winograd.widths import adder_term_range, input_ranges, max_width, signed_range

__all__ = ["AdderArray", "array_widths"]


def array_widths(d_width: int, u_width: int, u_frac: int, tile: int) -> tuple[int, int]:
    """(v_width, term_width): the port width of v (the input transform's output for ``d_width``-bit
    pixels) and the width of one ``-|u - (v << u_frac)|`` term for any v of that width."""
    _, V = input_ranges(matrices_for("standard", tile).BT, d_width)
    v_width = max_width(V)
    return v_width, adder_term_range(u_width, signed_range(v_width), u_frac).width


class AdderArray(wiring.Component):
    """n x n accumulating ``-|u - (v << u_frac)|`` array (n = tile + 2); latency ``pipeline + 1``.

    ``pipeline`` stages delay the terms together with ``en``/``clr``, so the protocol is unchanged.
    Members: ``u`` in (n x n, ``u_width``), ``v`` in (n x n, ``v_width``), ``en``, ``clr`` in,
    ``acc`` out (n x n, ``acc_width``, signed).
    """

    def __init__(self, d_width: int, u_width: int, u_frac: int, acc_width: int, tile: int = 2,
                 pipeline: int = 0):
        check_width("Pixel width", d_width, 2, 64)
        check_width("Filter width", u_width, 2, 128)
        check_width("Fraction bits", u_frac, 0, 32)
        check_pipeline(pipeline)
        self.n = matrices_for("standard", tile).n
        self.v_width, self.term_width = array_widths(d_width, u_width, u_frac, tile)
        check_width("Accumulator width", acc_width, self.term_width, 256)
        self.u_width, self.u_frac, self.acc_width, self.pipeline = u_width, u_frac, acc_width, pipeline
        n = self.n
        super().__init__({"u": In(grid(u_width, n)), "v": In(grid(self.v_width, n)),
                          "en": In(1), "clr": In(1), "acc": Out(grid(acc_width, n))})

    def elaborate(self, platform):
        m = Module()
        n = self.n
        u = grid_terms(self.u, self.u_width, n)
        v = grid_terms(self.v, self.v_width, n)
        terms = [[neg_abs_diff(m, u[i][j], v[i][j], self.u_frac, f"t{i}_{j}") for j in range(n)]
                 for i in range(n)]
        terms = delay_terms(m, terms, self.pipeline, "t")
        en = delay(m, self.en, self.pipeline, "en")
        clr = delay(m, self.clr, self.pipeline, "clr")
        for i in range(n):
            for j in range(n):
                acc = Signal(signed(self.acc_width), name=f"acc{i}_{j}")
                with m.If(en):
                    # the term's deferred +1 rides the accumulator adder's carry input
                    t = terms[i][j]
                    m.d.sync += acc.eq(Mux(clr, 0, acc) + t.value + t.carry)
                m.d.comb += self.acc[i][j].eq(acc)
        return m
