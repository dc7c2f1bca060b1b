"""Shared blocks of the requantizers: a rounding right-shifter by a constant and a saturator.

Both are small combinational components, reusable by any unit that narrows a wide signed value
(requantizers, fixed-point MAC outputs).
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.args import check_int

__all__ = ["ROUNDING_MODES", "RoundingShifter", "Saturator"]

ROUNDING_MODES = ("floor", "half_up", "half_even", "half_away")


class RoundingShifter(wiring.Component):
    """``y = round(x / 2^shift)`` for a signed ``x`` and a constant ``shift``.

    One adder: a rounding constant plus at most a carry-in bit is added before a floor shift (dropping
    the low ``shift`` bits). With ``h = 2^(shift-1)``:

    - ``floor``: nothing added.
    - ``half_up``: ``+ h``.
    - ``half_even``: ``+ (h - 1) + x[shift]``: a tie rounds up only when the kept part is odd.
    - ``half_away``: ``+ (h - 1) + (x >= 0)``: a tie rounds up for positive values, down for negative.

    ``y`` is signed, ``width + 1 - shift`` bits: rounding up can carry into one more bit than the floor
    shift needs (``shift == 0`` passes ``x`` through, sign-extended by one bit).

    Parameters
    ----------
    width : int
        Bits of the signed input ``x`` (>= 1).
    shift : int
        Right shift, ``0..width``.
    rounding : str
        One of :data:`ROUNDING_MODES`.
    """

    def __init__(self, width: int, shift: int, rounding: str):
        check_int("Width", width, 1)
        check_int("Shift", shift, 0, width)
        if rounding not in ROUNDING_MODES:
            raise ValueError(f"Rounding must be one of {', '.join(ROUNDING_MODES)}, not {rounding!r}")
        self.width, self.shift, self.rounding = width, shift, rounding
        super().__init__({"x": In(signed(width)), "y": Out(signed(width + 1 - shift))})

    def elaborate(self, platform):
        m = Module()
        w, s = self.width, self.shift
        ext = Signal(signed(w + 1), name="ext")  # one spare bit: x + (rounding constant) cannot overflow it
        m.d.comb += ext.eq(self.x)
        if s == 0 or self.rounding == "floor":
            t = ext
        else:
            if self.rounding == "half_up":
                const, carry = 1 << (s - 1), Const(0, 1)
            elif self.rounding == "half_even":
                const, carry = (1 << (s - 1)) - 1, ext[s]  # ext[s] is the lsb of the kept part
            else:  # half_away
                const, carry = (1 << (s - 1)) - 1, ~ext[w]
            t = Signal(signed(w + 1), name="rounded")
            m.d.comb += t.eq(ext + const + carry)
        m.d.comb += self.y.eq(t[s:].as_signed())
        return m


class Saturator(wiring.Component):
    """Clamp a signed ``x`` to the range of ``y``: ``out_width`` bits signed, or with ``relu`` unsigned
    ``[0, 2^out_width - 1]`` (a fused ReLU is only the lower clamp moved to 0).

    Overflow is detected from the top bits (all equal to the sign bit, or all zero for ReLU), not by
    comparators, so the block costs a few gates per input bit above the output width.

    Parameters
    ----------
    width : int
        Bits of the signed input ``x`` (>= 1).
    out_width : int
        Bits of ``y`` (>= 2 when signed, >= 1 with ``relu``).
    relu : bool
        Unsigned output clamped at 0.
    """

    def __init__(self, width: int, out_width: int, relu: bool):
        check_int("Width", width, 1)
        check_int("Output width", out_width, 1 if relu else 2)
        self.width, self.out_width, self.relu = width, out_width, bool(relu)
        out_shape = unsigned(out_width) if relu else signed(out_width)
        super().__init__({"x": In(signed(width)), "y": Out(out_shape)})

    def elaborate(self, platform):
        m = Module()
        b = self.out_width
        # Sign-extend so the slices below exist even when x is narrower than y.
        x = Signal(signed(max(self.width, b + 1)), name="x_ext")
        m.d.comb += x.eq(self.x)
        neg = x[-1]
        if self.relu:
            over = x[b:-1].any()  # a positive value with bits at or above 2^b
            m.d.comb += self.y.eq(Mux(neg, 0, Mux(over, (1 << b) - 1, x[:b])))
        else:
            top = x[b - 1:]  # must be all zeros or all ones to fit b signed bits
            fits = ~top.any() | top.all()
            sat = Cat((~neg).replicate(b - 1), neg)  # 0111..1 for positive overflow, 1000..0 for negative
            m.d.comb += self.y.eq(Mux(fits, x[:b], sat))
        return m
