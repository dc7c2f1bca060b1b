"""Unpack: a bit pattern split into sign, unbiased exponent and normalised significand, plus class flags."""

from amaranth.hdl import Cat, Const, Module, Mux
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.log_shift import normalise
from hwgen.units.bf16.gateware.format import FloatFormat, check_format, unpacked_layout

__all__ = ["Unpack"]


class Unpack(wiring.Component):
    """Split a float bit pattern (see :func:`.format.unpacked_layout` for the result).

    With ``ftz`` a subnormal reads as a zero of its sign (no normaliser). Without it a subnormal is
    normalised here (leading-zero count and left shift), so every later block sees a leading one.

    Parameters
    ----------
    fmt : FloatFormat
    ftz : bool

    Members
    -------
    i : In(fmt.width)
    o : Out(unpacked_layout(fmt, ftz))
    """

    def __init__(self, fmt: FloatFormat, ftz: bool):
        check_format(fmt, ftz)
        self.fmt, self.ftz = fmt, ftz
        super().__init__({"i": In(fmt.width), "o": Out(unpacked_layout(fmt, ftz))})

    def elaborate(self, platform):
        m = Module()
        f, o = self.fmt, self.o
        man = self.i[:f.man_bits]
        field = self.i[f.man_bits:f.man_bits + f.exp_bits]
        sub = field == 0
        special = field == f.exp_all_ones
        m.d.comb += [
            o.sign.eq(self.i[-1]),
            o.nan.eq(special & man.any()),
            o.inf.eq(special & ~man.any()),
        ]
        normal_exp = field - f.bias
        if self.ftz:
            m.d.comb += [
                o.zero.eq(sub),
                o.sig.eq(Mux(sub, 0, Cat(man, Const(1, 1)))),
                o.exp.eq(normal_exp),
            ]
        else:
            # man has at least one leading zero in m + 1 bits; the count is 1.. for a subnormal.
            count, frac, nonzero = normalise(m, Cat(man, Const(0, 1)), f.man_bits, name="unpack_norm")
            m.d.comb += [
                o.zero.eq(sub & ~man.any()),
                o.sig.eq(Mux(sub, Cat(frac, nonzero), Cat(man, Const(1, 1)))),
                o.exp.eq(Mux(sub, f.emin - count, normal_exp)),
            ]
        return m
