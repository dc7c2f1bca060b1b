"""Raw adder core: two unpacked operands -> the unrounded sum (aligned with guard, round and sticky)."""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.units.bf16.gateware.format import FloatFormat, check_format, raw_layout, unpacked_layout
from hwgen.units.bf16.gateware.shift import shift_right_sticky

__all__ = ["AddCore", "GUARD_BITS"]

#: Alignment bits below the larger operand's LSB: guard, round, and the sticky bit ORed into the last.
GUARD_BITS = 3


class AddCore(wiring.Component):
    """Swap so the larger magnitude comes first, align the smaller one (sticky ORed into the LSB), then
    add or subtract magnitudes. The difference is never negative, so the result takes the larger
    operand's sign, except for an exact zero: ``+0``, or ``-0`` when both operands are ``-0``.

    Why three bits suffice: when the exponents differ by more than 3 the result loses at most one
    leading bit to cancellation, so its rounding point stays at least two places above the LSB, where
    the ORed sticky bit only tells "exactly here" from "a bit beyond" (the usual guard/round/sticky
    argument). At distances up to 3 the alignment drops nothing.

    Parameters
    ----------
    fmt : FloatFormat
    ftz : bool

    Members
    -------
    a, b : In(unpacked_layout(fmt, ftz))
    o : Out(raw_layout(...)) with ``point = man_bits + 3``, up to ``len(sig) - 1`` leading zeros.
    """

    def __init__(self, fmt: FloatFormat, ftz: bool):
        check_format(fmt, ftz)
        self.fmt, self.ftz = fmt, ftz
        op = unpacked_layout(fmt, ftz)
        sig_width = fmt.man_bits + 1 + GUARD_BITS + 1  # one carry bit on top
        self.point, self.max_lz = fmt.man_bits + GUARD_BITS, sig_width - 1
        super().__init__({"a": In(op), "b": In(op), "o": Out(raw_layout(op.members["exp"], sig_width))})

    def elaborate(self, platform):
        m = Module()
        a, b, o = self.a, self.b, self.o
        g = GUARD_BITS
        a_first = Signal(name="a_first")  # |a| >= |b|
        m.d.comb += a_first.eq(b.zero | (~a.zero & ((a.exp > b.exp) | ((a.exp == b.exp) & (a.sig >= b.sig)))))
        big_sig, small_sig = Mux(a_first, a.sig, b.sig), Mux(a_first, b.sig, a.sig)
        big_exp, small_exp = Mux(a_first, a.exp, b.exp), Mux(a_first, b.exp, a.exp)
        big_sign = Mux(a_first, a.sign, b.sign)
        # A zero's exponent is meaningless: align it by 0 (its significand is 0 anyway).
        dist = Signal(unsigned(len(a.exp) + 1), name="align_dist")
        m.d.comb += dist.eq(Mux(a.zero | b.zero, 0, big_exp - small_exp))
        aligned, sticky = shift_right_sticky(m, Cat(Const(0, g), small_sig), dist, name="align")
        small = aligned | sticky
        big = Cat(Const(0, g), big_sig)
        total = Signal(len(o.sig), name="sum")
        m.d.comb += total.eq(Mux(a.sign ^ b.sign, big - small, big + small))
        cancel = total == 0
        nan = a.nan | b.nan | (a.inf & b.inf & (a.sign ^ b.sign))
        m.d.comb += [
            o.sig.eq(total),
            o.exp.eq(big_exp),
            o.sticky.eq(0),
            o.nan.eq(nan),
            o.inf.eq(a.inf | b.inf),
            o.zero.eq(cancel),
            o.sign.eq(Mux(a.inf | b.inf, Mux(a.inf, a.sign, b.sign), Mux(cancel, a.sign & b.sign, big_sign))),
        ]
        return m
