"""Exact integer multiplier and MAC: the baselines every approximate unit is compared with."""

from amaranth.hdl import Module, Shape, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.accumulate import accumulate
from hwgen.gateware.pipeline import delay

__all__ = ["IntMultiplier", "IntMAC"]


def _operand(width: int, is_signed: bool) -> Shape:
    return signed(width) if is_signed else unsigned(width)


class IntMultiplier(wiring.Component):
    """``p = a * b``, exact, with ``pipeline`` register stages after the product."""

    def __init__(self, width: int, is_signed: bool, pipeline: int):
        self.width, self.is_signed, self.pipeline = width, is_signed, pipeline
        op = _operand(width, is_signed)
        super().__init__({"a": In(op), "b": In(op), "p": Out(_operand(2 * width, is_signed))})

    def elaborate(self, platform):
        m = Module()
        product = Signal(self.p.shape(), name="product")
        m.d.comb += product.eq(self.a * self.b)
        m.d.comb += self.p.eq(delay(m, product, self.pipeline, "product"))
        return m


class IntMAC(wiring.Component):
    """On a clock edge with ``en``: ``acc <- (clr ? 0 : acc) + a*b``, wrapping at ``acc_width``.

    ``pipeline`` stages delay the product together with ``en``/``clr``, so the protocol is unchanged and
    only the latency (``pipeline + 1``) grows.
    """

    def __init__(self, width: int, is_signed: bool, acc_width: int, pipeline: int):
        self.width, self.is_signed, self.acc_width, self.pipeline = width, is_signed, acc_width, pipeline
        op = _operand(width, is_signed)
        super().__init__({"a": In(op), "b": In(op), "en": In(1), "clr": In(1),
                          "acc": Out(_operand(acc_width, is_signed))})

    def elaborate(self, platform):
        m = Module()
        product = Signal(_operand(2 * self.width, self.is_signed), name="product")
        m.d.comb += product.eq(self.a * self.b)
        accumulate(m, product, self.en, self.clr, self.acc, self.pipeline)
        return m
