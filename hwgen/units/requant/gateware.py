"""Requantizers: the power-of-two shift requantizer and the multiplier-plus-shift baseline.

Datapath of both: optional exact bias add -> (baseline only: multiply by an unsigned fixed-point
multiplier) -> rounding right shift by a constant -> saturation (with an optional fused ReLU).
Pipeline registers go, in order, after the product (baseline only), after the rounding shift, and then
after the saturator; so one stage already splits the adder chain from the clamp.
"""

from amaranth.hdl import Const, Module, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.args import check_int
from hwgen.gateware.pipeline import delay
from hwgen.gateware.rounding import ROUNDING_MODES, RoundingShifter, Saturator

__all__ = ["Requantizer", "MulRequantizer"]


class _RequantBase(wiring.Component):
    """Ports and the shared tail (rounding shift, saturation, pipeline) of both requantizers."""

    def __init__(self, in_width, out_width, shift, rounding, relu, bias_width, pipeline, max_shift,
                 extra_ports):
        self.in_width = check_int("Input width", in_width, 2)
        self.out_width = check_int("Output width", out_width, 1 if relu else 2, in_width)
        self.shift = check_int("Shift", shift, 0, max_shift)
        if rounding not in ROUNDING_MODES:
            raise ValueError(f"Rounding must be one of {', '.join(ROUNDING_MODES)}, not {rounding!r}")
        self.rounding, self.relu = rounding, bool(relu)
        self.bias_width = check_int("Bias width", bias_width, 0)
        self.pipeline = check_int("Pipeline", pipeline, 0)
        ports = {"x": In(signed(in_width))}
        if bias_width:
            ports["bias"] = In(signed(bias_width))
        ports.update(extra_ports)
        ports["y"] = Out(unsigned(out_width) if relu else signed(out_width))
        super().__init__(ports)

    @property
    def sum_width(self) -> int:
        """Bits of ``x + bias`` (exact)."""
        return max(self.in_width, self.bias_width) + 1 if self.bias_width else self.in_width

    def _biased(self, m) -> Signal:
        v = Signal(signed(self.sum_width), name="biased")
        m.d.comb += v.eq(self.x + self.bias if self.bias_width else self.x)
        return v

    def _tail(self, m, value, stages: int) -> None:
        """Round-shift ``value``, saturate, and spend ``stages`` registers: one after the shift, the rest
        after the saturator."""
        m.submodules.round = rs = RoundingShifter(len(value), self.shift, self.rounding)
        m.d.comb += rs.x.eq(value)
        shifted = delay(m, rs.y, min(stages, 1), "shifted")
        m.submodules.sat = sat = Saturator(len(rs.y), self.out_width, self.relu)
        m.d.comb += sat.x.eq(shifted)
        m.d.comb += self.y.eq(delay(m, sat.y, max(stages - 1, 0), "y"))


class Requantizer(_RequantBase):
    """``y = clip(round((x + bias) / 2^shift), lo, hi)``: the multiplier-free requantizer.

    Parameters
    ----------
    in_width : int
        Bits of the signed accumulator ``x`` (>= 2).
    out_width : int
        Bits of ``y``, ``1..in_width`` with ``relu`` (unsigned), else ``2..in_width`` (signed).
    shift : int
        Right shift ``0..in_width``.
    rounding : str
        ``floor``, ``half_up``, ``half_even`` or ``half_away``.
    relu : bool
        Clamp at 0 and give an unsigned output.
    bias_width : int
        Bits of the signed ``bias`` port added before the shift; 0 for no bias port.
    pipeline : int
        Register stages.
    """

    def __init__(self, in_width: int, out_width: int, shift: int, rounding: str, relu: bool,
                 bias_width: int = 0, pipeline: int = 0):
        super().__init__(in_width, out_width, shift, rounding, relu, bias_width, pipeline,
                         max_shift=in_width, extra_ports={})

    def elaborate(self, platform):
        m = Module()
        self._tail(m, self._biased(m), self.pipeline)
        return m


class MulRequantizer(_RequantBase):
    """``y = clip(round((x + bias) * M / 2^shift), lo, hi)``: the integer-only inference baseline.

    ``M`` is an unsigned ``mult_bits``-bit multiplier: the constant ``multiplier``, or, when that is 0, the
    value of an input port ``m`` (a per-layer scale register in an accelerator).

    Parameters
    ----------
    mult_bits : int
        Bits of the multiplier (>= 1).
    multiplier : int
        ``1..2^mult_bits - 1`` for a constant; 0 for a port ``m``.
    shift : int
        Right shift ``0..in_width + mult_bits``.

    The other parameters are those of :class:`Requantizer`.
    """

    def __init__(self, in_width: int, out_width: int, mult_bits: int, multiplier: int, shift: int,
                 rounding: str, relu: bool, bias_width: int = 0, pipeline: int = 0):
        self.mult_bits = check_int("Multiplier width", mult_bits, 1)
        self.multiplier = check_int("Multiplier", multiplier, 0, (1 << mult_bits) - 1)
        extra = {"m": In(unsigned(mult_bits))} if multiplier == 0 else {}
        super().__init__(in_width, out_width, shift, rounding, relu, bias_width, pipeline,
                         max_shift=in_width + mult_bits, extra_ports=extra)

    def elaborate(self, platform):
        m = Module()
        v = self._biased(m)
        mult = self.m if self.multiplier == 0 else Const(self.multiplier, unsigned(self.mult_bits))
        # |v| <= 2^(sum_width-1) and M < 2^mult_bits, so the product fits sum_width + mult_bits signed bits.
        product = Signal(signed(self.sum_width + self.mult_bits), name="product")
        m.d.comb += product.eq(v * mult)
        self._tail(m, delay(m, product, min(self.pipeline, 1), "product"), max(self.pipeline - 1, 0))
        return m
