"""The float multiplier and MAC: unpack -> raw core -> RoundPack, assembled."""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.pipeline import delay
from hwgen.units.bf16.gateware.addcore import AddCore
from hwgen.units.bf16.gateware.format import FloatFormat, check_format
from hwgen.units.bf16.gateware.mulcore import check_multiplier, mul_core
from hwgen.units.bf16.gateware.roundpack import RoundPack
from hwgen.units.bf16.gateware.unpack import Unpack

__all__ = ["FloatMul", "FloatMAC"]


def _check_common(fmt, out_fmt, ftz, pipeline):
    check_format(fmt, ftz)
    check_format(out_fmt, ftz, "Output format")
    if out_fmt.exp_bits != fmt.exp_bits:
        raise ValueError(f"Output format must have the operands' {fmt.exp_bits} exponent bits, "
                         f"not {out_fmt.exp_bits}")
    if not isinstance(pipeline, int) or isinstance(pipeline, bool):
        raise TypeError(f"Pipeline must be an integer, not {pipeline!r}")
    if pipeline < 0:
        raise ValueError(f"Pipeline must be an integer >= 0, not {pipeline!r}")


class FloatMul(wiring.Component):
    """``p = a * b``: operands in ``fmt``, product rounded to nearest even in ``out_fmt``.

    ``multiplier`` picks the raw core: 'exact' or 'mitchw' (Mitch-w with fractions of ``w - 1`` bits).
    With ``pipeline`` stages, the first register sits between the raw core and the rounding block, the
    others after it.

    Members
    -------
    a, b : In(fmt.width)
    p : Out(out_fmt.width)
    """

    def __init__(self, fmt: FloatFormat, out_fmt: FloatFormat, multiplier: str, w: int, ftz: bool,
                 pipeline: int = 0):
        _check_common(fmt, out_fmt, ftz, pipeline)
        check_multiplier(fmt, multiplier, w)
        self.fmt, self.out_fmt, self.multiplier, self.w = fmt, out_fmt, multiplier, w
        self.ftz, self.pipeline = ftz, pipeline
        super().__init__({"a": In(fmt.width), "b": In(fmt.width), "p": Out(out_fmt.width)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.unpack_a = ua = Unpack(self.fmt, self.ftz)
        m.submodules.unpack_b = ub = Unpack(self.fmt, self.ftz)
        m.submodules.core = core = mul_core(self.fmt, self.ftz, self.multiplier, self.w)
        rnd = RoundPack(core.o.shape(), core.point, core.max_lz, self.out_fmt, self.ftz)
        m.submodules.round = rnd
        m.d.comb += [ua.i.eq(self.a), ub.i.eq(self.b), core.a.eq(ua.o), core.b.eq(ub.o)]
        first = min(self.pipeline, 1)
        m.d.comb += rnd.i.eq(delay(m, core.o.as_value(), first, "raw"))
        m.d.comb += self.p.eq(delay(m, rnd.o, self.pipeline - first, "product"))
        return m


class FloatMAC(wiring.Component):
    """On a clock edge with ``en``: ``acc <- RNE(base + a*b)``, ``base = +0`` when ``clr``, else ``acc``.

    The product comes from a :class:`FloatMul` into the accumulator format ``acc_fmt`` (unfused: it is
    rounded, overflowed or flushed there first), then one adder (:class:`.addcore.AddCore` and
    :class:`.roundpack.RoundPack`) closes the accumulation loop. ``pipeline`` registers delay the product
    together with ``en`` and ``clr``; the latency is ``pipeline + 1``. ``acc`` resets to +0.

    Members
    -------
    a, b : In(fmt.width)
    en, clr : In(1)
    acc : Out(acc_fmt.width)
    """

    def __init__(self, fmt: FloatFormat, acc_fmt: FloatFormat, multiplier: str, w: int, ftz: bool,
                 pipeline: int = 0):
        _check_common(fmt, acc_fmt, ftz, pipeline)
        if acc_fmt.man_bits < 2 * fmt.man_bits + 1:
            raise ValueError(f"Accumulator mantissa bits must be at least 2*{fmt.man_bits}+1 = "
                             f"{2 * fmt.man_bits + 1} to hold a product exactly, not {acc_fmt.man_bits}")
        check_multiplier(fmt, multiplier, w)
        self.fmt, self.acc_fmt, self.multiplier, self.w = fmt, acc_fmt, multiplier, w
        self.ftz, self.pipeline = ftz, pipeline
        super().__init__({"a": In(fmt.width), "b": In(fmt.width), "en": In(1), "clr": In(1),
                          "acc": Out(acc_fmt.width)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.mul = mul = FloatMul(self.fmt, self.acc_fmt, self.multiplier, self.w, self.ftz, 0)
        m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b)]
        product = delay(m, mul.p, self.pipeline, "product")
        en = delay(m, self.en, self.pipeline, "en")
        clr = delay(m, self.clr, self.pipeline, "clr")

        acc = Signal(self.acc_fmt.width, name="acc_reg")  # resets to 0 = +0
        m.submodules.unpack_acc = u_acc = Unpack(self.acc_fmt, self.ftz)
        m.submodules.unpack_product = u_p = Unpack(self.acc_fmt, self.ftz)
        m.submodules.adder = add = AddCore(self.acc_fmt, self.ftz)
        m.submodules.round = rnd = RoundPack(add.o.shape(), add.point, add.max_lz, self.acc_fmt, self.ftz)
        m.d.comb += [
            u_acc.i.eq(Mux(clr, 0, acc)),
            u_p.i.eq(product),
            add.a.eq(u_acc.o),
            add.b.eq(u_p.o),
            rnd.i.eq(add.o),
        ]
        with m.If(en):
            m.d.sync += acc.eq(rnd.o)
        m.d.comb += self.acc.eq(acc)
        return m
