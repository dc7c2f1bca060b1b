"""Raw multiplier cores: two unpacked operands -> the unrounded product (wide exponent, no sticky).

Every core shares the special-value rules (:func:`mul_specials`) and differs only in how it forms the
significand and exponent, so an approximate multiplier is just another core. A core advertises how its
``sig`` is scaled (``point``) and how many leading zeros it can have (``max_lz``), which configures the
shared :class:`~.roundpack.RoundPack`.
"""

from amaranth.hdl import Cat, Const, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.units.bf16.gateware.format import FloatFormat, check_format, raw_layout, signed_for, unpacked_layout

__all__ = ["mul_specials", "ExactMulCore", "MitchellMulCore", "check_multiplier", "mul_core"]


def mul_specials(m: Module, a, b, o) -> None:
    """Sign and class of a product: NaN in or inf * 0 -> NaN; inf * nonzero -> inf; zero otherwise."""
    m.d.comb += [
        o.sign.eq(a.sign ^ b.sign),
        o.nan.eq(a.nan | b.nan | (a.inf & b.zero) | (a.zero & b.inf)),
        o.inf.eq(a.inf | b.inf),
        o.zero.eq(a.zero | b.zero),
        o.sticky.eq(0),
    ]


class _MulCore(wiring.Component):
    def __init__(self, fmt: FloatFormat, ftz: bool, sig_width: int):
        check_format(fmt, ftz)
        self.fmt, self.ftz = fmt, ftz
        op = unpacked_layout(fmt, ftz)
        exp = op.members["exp"]
        lo, hi = -(1 << (exp.width - 1)), (1 << (exp.width - 1)) - 1
        super().__init__({"a": In(op), "b": In(op),
                          "o": Out(raw_layout(signed_for(2 * lo, 2 * hi + 1), sig_width))})


class ExactMulCore(_MulCore):
    """``sig = sig_a * sig_b`` (2m + 2 bits, in [1, 4) scaled by 2^(2m)), ``exp = exp_a + exp_b``."""

    def __init__(self, fmt: FloatFormat, ftz: bool):
        super().__init__(fmt, ftz, 2 * fmt.man_bits + 2)
        self.point, self.max_lz = 2 * fmt.man_bits, 1

    def elaborate(self, platform):
        m = Module()
        a, b, o = self.a, self.b, self.o
        mul_specials(m, a, b, o)
        m.d.comb += [o.sig.eq(a.sig * b.sig), o.exp.eq(a.exp + b.exp)]
        return m


class MitchellMulCore(_MulCore):
    """Mitch-w: ``(exp + fraction)`` logarithms added, fractions truncated to ``w - 1`` bits.

    One adder of the two truncated fractions; its carry goes into the exponent sum as a carry-in. The
    result ``1.g`` is already normalised and exact (``point = w - 1``, no leading zeros).
    """

    def __init__(self, fmt: FloatFormat, ftz: bool, w: int):
        check_format(fmt, ftz)
        check_multiplier(fmt, "mitchw", w)
        super().__init__(fmt, ftz, w)
        self.w = w
        self.point, self.max_lz = w - 1, 0

    def elaborate(self, platform):
        m = Module()
        a, b, o = self.a, self.b, self.o
        mb, k = self.fmt.man_bits, self.w - 1
        mul_specials(m, a, b, o)
        frac_sum = a.sig[mb - k:mb] + b.sig[mb - k:mb]  # k + 1 bits: the top one is the carry
        m.d.comb += [
            o.sig.eq(Cat(frac_sum[:k], Const(1, 1))),
            o.exp.eq(a.exp + b.exp + frac_sum[k]),
        ]
        return m


def check_multiplier(fmt: FloatFormat, multiplier: str, w: int) -> None:
    """Raise for an unknown ``multiplier`` or, for 'mitchw', a ``w`` outside 2..man_bits+1."""
    if multiplier not in ("exact", "mitchw"):
        raise ValueError(f"Multiplier must be 'exact' or 'mitchw', not {multiplier!r}")
    if multiplier == "mitchw":
        if not isinstance(w, int) or isinstance(w, bool):
            raise TypeError(f"Mitch-w width must be an integer, not {w!r}")
        if not 2 <= w <= fmt.man_bits + 1:
            raise ValueError(f"Mitch-w width must be an integer in 2..{fmt.man_bits + 1}, not {w!r}")


def mul_core(fmt: FloatFormat, ftz: bool, multiplier: str, w: int):
    """The raw core for ``multiplier`` ('exact' or 'mitchw')."""
    check_multiplier(fmt, multiplier, w)
    return ExactMulCore(fmt, ftz) if multiplier == "exact" else MitchellMulCore(fmt, ftz, w)
