"""Shift multiplier and MAC for power-of-two weight codes (exponential discretization with base 1/2).

A weight code of ``n`` bits is a sign bit (the MSB) over an ``(n-1)``-bit exponent index ``j``; the
weight is ``(-1)^sign * 2^-j`` for ``j < 2^(n-1) - 1``, and the all-ones index is the weight zero. The
product is exact in fixed point with ``emax = 2^(n-1) - 2`` fraction bits: ``p = +-(a << (emax - j))``.
A conditional negate and a barrel shift, no multiplier.
"""

from amaranth.hdl import Module, Mux, Shape, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.accumulate import accumulate
from hwgen.gateware.args import check_int
from hwgen.gateware.pipeline import delay

__all__ = ["ShiftMultiplier", "ShiftMAC", "shift_product_width"]


def shift_product_width(width: int, code_bits: int) -> int:
    """Bits of the signed product: ``width`` + one for negating + ``emax`` fraction bits."""
    return width + 1 + (1 << (code_bits - 1)) - 2


def _operand(width: int, is_signed: bool) -> Shape:
    return signed(width) if is_signed else unsigned(width)


class ShiftMultiplier(wiring.Component):
    """``p = (-1)^sign * a * 2^(emax - j)``, exact; 0 for the zero code.

    The negation is done on ``a`` (``width + 1`` bits) before the shift, where it is narrowest. The
    shift amount ``emax - j`` equals ``~j - 1``, so the shifter takes ``~j`` and the lowest product bit
    is dropped: no subtractor.

    Parameters
    ----------
    width : int
        Bits of the activation ``a`` (>= 2).
    is_signed : bool
        Whether ``a`` is two's complement.
    code_bits : int
        Bits of the weight code ``b`` (2..6).
    pipeline : int
        Register stages after the product.
    """

    def __init__(self, width: int, is_signed: bool, code_bits: int, pipeline: int = 0):
        self.width = check_int("Width", width, 2)
        self.code_bits = check_int("Code bits", code_bits, 2, 6)
        self.pipeline = check_int("Pipeline", pipeline, 0)
        self.is_signed = bool(is_signed)
        super().__init__({"a": In(_operand(width, is_signed)), "b": In(unsigned(code_bits)),
                          "p": Out(signed(shift_product_width(width, code_bits)))})

    @property
    def emax(self) -> int:
        """Fraction bits of ``p``: the largest exponent index of a nonzero weight."""
        return (1 << (self.code_bits - 1)) - 2

    def elaborate(self, platform):
        m = Module()
        n = self.code_bits
        sign, j = self.b[n - 1], self.b[:n - 1]
        is_zero = j.all()
        mag = Signal(signed(self.width + 1), name="signed_a")  # -a needs one more bit than a
        m.d.comb += mag.eq(Mux(is_zero, 0, Mux(sign, -self.a, self.a)))
        shifted = Signal(signed(len(mag) + (1 << (n - 1)) - 1), name="shifted")
        m.d.comb += shifted.eq(mag << ~j)  # = mag << (emax - j + 1) for every nonzero code
        product = Signal(self.p.shape(), name="product")
        m.d.comb += product.eq(shifted[1:].as_signed())
        m.d.comb += self.p.eq(delay(m, product, self.pipeline, "product"))
        return m


class ShiftMAC(wiring.Component):
    """MAC protocol over shift products: on a clock edge with ``en``,
    ``acc <- (clr ? 0 : acc) + shift_mul(a, b)``, wrapping at ``acc_width`` (signed).

    ``pipeline`` stages delay the product together with ``en``/``clr`` (latency ``pipeline + 1``).

    Parameters
    ----------
    acc_width : int
        Bits of the signed accumulator, at least the product width.

    The other parameters are those of :class:`ShiftMultiplier`.
    """

    def __init__(self, width: int, is_signed: bool, code_bits: int, acc_width: int, pipeline: int = 0):
        self.width = check_int("Width", width, 2)
        self.code_bits = check_int("Code bits", code_bits, 2, 6)
        self.acc_width = check_int("Accumulator width", acc_width, shift_product_width(width, code_bits))
        self.pipeline = check_int("Pipeline", pipeline, 0)
        self.is_signed = bool(is_signed)
        super().__init__({"a": In(_operand(width, is_signed)), "b": In(unsigned(code_bits)),
                          "en": In(1), "clr": In(1), "acc": Out(signed(acc_width))})

    def elaborate(self, platform):
        m = Module()
        m.submodules.mul = mul = ShiftMultiplier(self.width, self.is_signed, self.code_bits, 0)
        m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b)]
        accumulate(m, mul.p, self.en, self.clr, self.acc, self.pipeline)
        return m
