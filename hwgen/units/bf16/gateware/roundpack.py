"""The one shared normalise / round-to-nearest-even / pack block behind every float operation."""

from amaranth.hdl import Cat, Const, Module, Mux, Shape, Signal, unsigned
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.log_shift import normalise
from hwgen.units.bf16.gateware.format import FloatFormat, check_format, signed_for
from hwgen.units.bf16.gateware.shift import shift_right_sticky

__all__ = ["RoundPack"]


class RoundPack(wiring.Component):
    """Raw result -> bit pattern of ``fmt``: normalise, round to nearest even, pack.

    1. Normalise: shift the leading one of ``sig`` to the top (at most ``max_lz`` places: a product has
       at most one leading zero, a sum after cancellation up to all of them).
    2. Biased exponent ``be``. Below 1 the value is tiny: with ``ftz`` it becomes a zero of its sign
       (tininess before rounding); without, the significand is shifted right into the subnormal
       position, ORing what falls out into the sticky bit.
    3. Round: keep m + 1 bits, round up when guard and (sticky or the kept LSB).
    4. Pack as ``((be - 1) << m) + kept + round_up``: a mantissa carry increments the exponent, a
       subnormal that rounds up becomes the smallest normal, the largest finite that rounds up becomes
       infinity, all by the one addition. Exponents beyond the format give infinity.

    Parameters
    ----------
    layout : data.StructLayout
        The raw layout (see :func:`.format.raw_layout`) of the core feeding it.
    point : int
        ``value = sig * 2^(exp - point)``.
    max_lz : int
        Most leading zeros ``sig`` can have when nonzero.
    fmt : FloatFormat
        Output format.
    ftz : bool
        Flush tiny results to zero.

    Members
    -------
    i : In(layout)
    o : Out(fmt.width)
    """

    def __init__(self, layout: data.StructLayout, point: int, max_lz: int, fmt: FloatFormat, ftz: bool):
        check_format(fmt, ftz)
        sig_width = Shape.cast(layout.members["sig"]).width
        if not 0 <= max_lz < sig_width:
            raise ValueError(f"Leading-zero bound must be an integer in 0..{sig_width - 1}, not {max_lz!r}")
        self.point, self.max_lz, self.fmt, self.ftz = point, max_lz, fmt, ftz
        super().__init__({"i": In(layout), "o": Out(fmt.width)})

    def elaborate(self, platform):
        m = Module()
        i, f = self.i, self.fmt
        mb, sw = f.man_bits, len(i.sig)

        # 1. normalise: leading one to bit sw - 1
        if self.max_lz == 0:
            norm, lz = i.sig, Const(0, 1)
        elif self.max_lz == 1:
            lz = ~i.sig[-1]
            norm = Mux(lz, i.sig << 1, i.sig)[:sw]
        else:
            lz, frac, nonzero = normalise(m, i.sig, sw - 1, name="round_norm")
            norm = Cat(frac, nonzero)
        # room for m + 1 kept bits, a guard bit and at least one sticky position
        width = max(sw, mb + 3)
        sig = Signal(width, name="norm_sig")
        m.d.comb += sig.eq(Cat(Const(0, width - sw), norm) if width > sw else norm)

        # 2. exponent of the leading one, biased
        offset = sw - 1 - self.point + f.bias
        half = 1 << (len(i.exp) - 1)
        be = Signal(signed_for(-half + offset - ((1 << len(lz)) - 1), half - 1 + offset), name="biased_exp")
        m.d.comb += be.eq(i.exp + offset - lz)
        tiny = be < 1
        if self.ftz:
            shifted, sticky = sig, Const(0, 1)
        else:
            amount = Signal(unsigned(len(be)), name="denorm_shift")
            m.d.comb += amount.eq(Mux(tiny, 1 - be, 0))
            shifted, sticky = shift_right_sticky(m, sig, amount, name="denorm")

        # 3. round to nearest even
        kept = shifted[width - 1 - mb:]
        guard = shifted[width - 2 - mb]
        rest = shifted[:width - 2 - mb].any() | sticky | i.sticky
        up = guard & (rest | kept[0])

        # 4. pack
        field_m1 = Signal(f.exp_bits, name="field_m1")
        m.d.comb += field_m1.eq(Mux(tiny, 0, be - 1))
        packed = Signal(f.exp_bits + mb + 1, name="packed")
        m.d.comb += packed.eq((field_m1 << mb) + kept + up)
        overflow = (be >= f.exp_all_ones) | (packed >= f.inf)
        zero = i.zero | (tiny if self.ftz else Const(0, 1))
        sign = i.sign << (f.width - 1)
        with m.If(i.nan):
            m.d.comb += self.o.eq(f.qnan)
        with m.Elif(i.inf | overflow):
            m.d.comb += self.o.eq(sign | f.inf)
        with m.Elif(zero):
            m.d.comb += self.o.eq(sign)
        with m.Else():
            m.d.comb += self.o.eq(sign | packed[:f.width - 1])
        return m
