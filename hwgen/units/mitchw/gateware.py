"""Mitch-w logarithmic multiplier and MAC (units.md §1).

Datapath, per operand: sign handling -> :class:`~.log_shift.Normaliser` (leading-zero count ``s``,
``w - 1`` fraction bits, exact-zero flag); then one fraction adder, one small adder for the shift amount,
and one :class:`~.log_shift.AntilogShifter`.

Why the shift amount is ``t = s_a + s_b + ~carry``: with the leading ones at ``k = W - 1 - s`` of a W-bit
datapath, the product's leading one lands at ``c = k_a + k_b + carry = 2W - 1 - t``, so placing the
mantissa ``1.m`` at the top of the 2W-bit word and shifting it right by ``t`` is the antilog. The counts
come straight out of the normalisers (no ``W - 1 - s`` subtraction, for any W, not only powers of two),
and the fraction carry is the adder's carry-in.

Signed modes:

* ``ones_complement``: a negative x enters as ~x (|x| - 1 fits N-1 bits, so the datapath is N-1 bits
  wide); the value 0 that x = -1 gives is read as 1 (k = 0, fraction 0), which the normaliser does by
  itself when N-1 is a power of two and through its count otherwise. The result's inversion is folded
  into the antilog shifter (invert the mantissa, fill with ones), costing w gates instead of 2N.
* ``sign_magnitude``: |x| (N bits: |-2^(N-1)| fits), then -P = ~P + 1 with ~P again from the shifter.
  The one product beyond the signed 2N-bit port, +2^(2N-1), saturates to 2^(2N-1) - 1 there; the MAC
  accumulates the unsaturated (2N + 1)-bit product.

The product is forced to 0 by clearing the shifter's mantissa (w gates) rather than the 2N output bits.
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.accumulate import accumulate
from hwgen.gateware.log_shift import antilog_shift, count_width, normalise
from hwgen.gateware.pipeline import delay

__all__ = ["SIGNEDNESS", "MitchW", "MitchWMAC"]

SIGNEDNESS = ("unsigned", "ones_complement", "sign_magnitude")


def _check(width, w, signedness, unbiased, pipeline):
    for name, value in (("width", width), ("w", w), ("pipeline", pipeline)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"Mitch-w {name} must be an integer, not {value!r}")
    if width < 2:
        raise ValueError(f"Mitch-w width must be an integer >= 2, not {width!r}")
    if not 2 <= w <= width:
        raise ValueError(f"Mitch-w w must be an integer in 2..{width} (the width), not {w!r}")
    if signedness not in SIGNEDNESS:
        raise ValueError(f"Mitch-w signedness must be one of {', '.join(map(repr, SIGNEDNESS))}, "
                         f"not {signedness!r}")
    if not isinstance(unbiased, bool):
        raise TypeError(f"Mitch-w unbiased must be a bool, not {unbiased!r}")
    if pipeline < 0:
        raise ValueError(f"Mitch-w pipeline must be an integer >= 0, not {pipeline!r}")


class MitchW(wiring.Component):
    """Mitch-w product ``p`` of ``a`` and ``b``, with ``pipeline`` register stages after it.

    Parameters
    ----------
    width : int
        Operand bits N (>= 2); ``p`` has 2N bits.
    w : int
        Bits kept per operand, leading one included (2..width); ``w == width`` is Mitchell's multiplier.
    signedness : str
        ``"unsigned"``, ``"ones_complement"`` or ``"sign_magnitude"`` (two's complement ports).
    unbiased : bool
        Force the last kept fraction bit to 1 where truncation drops bit positions.
    pipeline : int
        Register stages after the product (latency).

    Raises
    ------
    TypeError, ValueError
        For a parameter of the wrong kind or out of range.
    """

    def __init__(self, width: int, w: int, signedness: str = "unsigned", unbiased: bool = False,
                 pipeline: int = 0):
        _check(width, w, signedness, unbiased, pipeline)
        self.width, self.w, self.signedness, self.unbiased, self.pipeline = \
            width, w, signedness, unbiased, pipeline
        is_signed = signedness != "unsigned"
        op = signed(width) if is_signed else unsigned(width)
        out = signed(2 * width) if is_signed else unsigned(2 * width)
        super().__init__({"a": In(op), "b": In(op), "p": Out(out)})
        # Not a port: the unsaturated (2N + 1)-bit product a MAC accumulates (sign_magnitude only; the
        # other modes never exceed the port, so the MAC reads ``p``).
        self.true_product = Signal(signed(2 * width + 1), name="true_product") \
            if signedness == "sign_magnitude" else None

    @property
    def datapath_width(self) -> int:
        """Bits of the unsigned magnitudes entering the normalisers (N-1 in ones' complement)."""
        return self.width - 1 if self.signedness == "ones_complement" else self.width

    @property
    def frac_bits(self) -> int:
        """Fraction bits actually carried: w - 1, but never more than a W-bit operand can have."""
        return min(self.w - 1, max(self.datapath_width - 1, 1))

    def _operand(self, m, x, name):
        """(normaliser, sign bit, zero flag) of one operand."""
        n, dw, mode = self.width, self.datapath_width, self.signedness
        if mode == "unsigned":
            sign, mag = Const(0, 1), x
        elif mode == "ones_complement":
            sign = x[n - 1]
            mag = Signal(n - 1, name=f"{name}_ones")
            m.d.comb += mag.eq(x[:n - 1] ^ sign.replicate(n - 1))  # ~x for negative x: |x| - 1
        else:
            sign = x[n - 1]
            mag = Signal(n, name=f"{name}_abs")
            m.d.comb += mag.eq((x.as_unsigned() ^ sign.replicate(n)) + sign)
        count, frac, nonzero = normalise(m, mag, self.frac_bits, f"{name}_norm")
        # +0 only: in ones' complement the all-zero datapath value of x = -1 is an operand of 1.
        zero = ~nonzero & ~sign
        K = self.w - 1
        if self.unbiased and dw > K + 1:
            # Bit positions below the kept fraction exist exactly when x >= 2^(K+1).
            frac = Cat(frac[0] | mag[K + 1:].any(), frac[1:])
        span = 1 << count_width(dw)
        if mode == "ones_complement" and span != dw:
            # The normaliser counts span - 1 for a zero datapath value; x = -1 must count as 1.
            count = Mux(nonzero, count, dw - 1)
        return count, frac, sign, zero

    def elaborate(self, platform):
        m = Module()
        dw, fb, mode = self.datapath_width, self.frac_bits, self.signedness
        count_a, frac_a, sign_a, zero_a = self._operand(m, self.a, "a")
        count_b, frac_b, sign_b, zero_b = self._operand(m, self.b, "b")

        # One adder over the concatenated logs, with ~s standing for the characteristic: ~s = k + span - W,
        # so the sum's top bits are c + 2 (span - W) and their inverse is t = 2W - 1 - c (see the header).
        stages = (dw - 1).bit_length()
        logsum = Signal(fb + stages + 1, name="log_sum")
        m.d.comb += logsum.eq(Cat(frac_a, ~count_a[:stages]) + Cat(frac_b, ~count_b[:stages]))
        shift = Signal(stages + 1, name="antilog_shift")
        m.d.comb += shift.eq(~logsum[fb:])

        zero = zero_a | zero_b
        mant = Cat(logsum[:fb], Const(1, 1))  # slices of a signal: cheap to slice again
        product = Signal(2 * self.width, name="product")
        if mode == "unsigned":
            # Clearing the output rather than the mantissa measured a few cells smaller here.
            p = antilog_shift(m, mant, shift, 2 * dw)
            m.d.comb += product.eq(Mux(zero, 0, p))
        else:
            neg = Signal(name="negative")
            m.d.comb += neg.eq((sign_a ^ sign_b) & ~zero)
            mant_signed = Signal(fb + 1, name="mantissa")  # named: the shifter slices it bit by bit
            if mode == "ones_complement":
                # ~P is the shift of ~V with ones shifted in.
                m.d.comb += mant_signed.eq((mant ^ neg.replicate(fb + 1)) & (~zero).replicate(fb + 1))
                p = antilog_shift(m, mant_signed, shift, 2 * dw, fill=neg)
                m.d.comb += product.eq(Cat(p, neg.replicate(2 * self.width - 2 * dw)))
            else:
                # -P = floor(-V / 2^t) + (anything dropped): shift -V (w+1 bits, sign bits above as the
                # fill, zeros below), then add the sticky bit. It can only be set when P < 2^w, where the
                # sum stays in the low w-1 bits: a (w-1)-bit incrementer, not a 2N-bit negation.
                m.d.comb += mant_signed.eq(((mant & (~zero).replicate(fb + 1)) ^ neg.replicate(fb + 1)) + neg)
                p, dropped = antilog_shift(m, mant_signed, shift, 2 * dw, fill=neg, pad=0, with_dropped=True)
                low = Signal(fb, name="product_low")
                m.d.comb += low.eq(p[:fb] + (dropped & neg))
                wide = Cat(low, p[fb:])
                # The true product has 2N + 1 bits: the sign is `neg` (|P| <= 2^(2N-1) and -P fits 2N
                # bits). Only +2^(2N-1) ((-2^(N-1))^2 at w = 2, unbiased) overflows the port; it
                # saturates to 2^(2N-1) - 1, which is its bit inverse (2N XOR gates, no comparator).
                m.d.comb += self.true_product.eq(Cat(wide, neg))
                overflow = Signal(name="port_overflow")
                m.d.comb += overflow.eq(~neg & wide[-1])
                m.d.comb += product.eq(wide ^ overflow.replicate(2 * self.width))
        m.d.comb += self.p.eq(delay(m, product, self.pipeline, "product"))
        return m


class MitchWMAC(wiring.Component):
    """MAC protocol (``a``, ``b``, ``en``, ``clr`` -> ``acc``) with Mitch-w products and exact accumulation.

    On a clock edge with ``en``: ``acc <- (clr ? 0 : acc) + P(a, b)``, wrapping at ``acc_width``.
    ``pipeline`` stages delay the product together with ``en``/``clr`` (latency ``pipeline + 1``).
    Parameters as :class:`MitchW`, plus ``acc_width`` (>= 2 * width).
    """

    def __init__(self, width: int, w: int, signedness: str, unbiased: bool, acc_width: int,
                 pipeline: int = 0):
        _check(width, w, signedness, unbiased, pipeline)
        if not isinstance(acc_width, int) or isinstance(acc_width, bool):
            raise TypeError(f"Mitch-w MAC acc_width must be an integer, not {acc_width!r}")
        if acc_width < 2 * width:
            raise ValueError(f"Mitch-w MAC acc_width must be at least 2*width = {2 * width}, not {acc_width}")
        self.width, self.w, self.signedness, self.unbiased, self.acc_width, self.pipeline = \
            width, w, signedness, unbiased, acc_width, pipeline
        is_signed = signedness != "unsigned"
        op = signed(width) if is_signed else unsigned(width)
        acc = signed(acc_width) if is_signed else unsigned(acc_width)
        super().__init__({"a": In(op), "b": In(op), "en": In(1), "clr": In(1), "acc": Out(acc)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.mul = mul = MitchW(self.width, self.w, self.signedness, self.unbiased, 0)
        m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b)]
        # The true product, not the port's saturated value: a MAC must not lose +2^(2N-1).
        term = mul.true_product if mul.true_product is not None else mul.p
        accumulate(m, term, self.en, self.clr, self.acc, self.pipeline)
        return m
