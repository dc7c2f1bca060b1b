"""Frame shared by the multipliers with an unsigned datapath (DRUM, ILM, error-compensated Mitch-w):
operand magnitudes, the sign of the result, the 2N-bit product port and the MAC around it.

A family subclasses :class:`MagnitudeMultiplier` and implements ``magnitude(m, x, y)``: the unsigned
product of N-bit magnitudes (a zero operand must give 0), 2N bits, or 2N + 1 where an approximation can
reach 2^2N. Signed modes:

* ``unsigned``: the ports are the magnitudes; a product of 2^2N or more saturates at the port (all ones).
* ``ones_complement`` (units.md §1, the papers' cheap choice): two's complement ports; a negative x enters
  the datapath as ~x = |x| - 1 (x = -1, whose ~x is 0, as 1) and the product is bit-inverted (-P - 1) when
  exactly one operand is negative and neither is +0. Operands stay below 2^(N-1), so the product fits
  the port: no saturation.
* ``sign_magnitude``: two's complement ports; |x| = (x ^ s) + s is exact in N bits (|-2^(N-1)| fits), the
  unsigned datapath runs on it and the result is negated exactly when the signs differ. The true signed
  product has 2N + 1 bits; a value beyond the 2N-bit signed port saturates there (only where the family
  says it can happen: ``overflows()``), while :class:`MagnitudeMAC` accumulates the true product.
"""

from __future__ import annotations

from amaranth.hdl import Module, Mux, Signal, signed, unsigned
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.accumulate import accumulate
from hwgen.gateware.pipeline import delay

__all__ = ["SIGNEDNESS", "MagnitudeMAC", "MagnitudeMultiplier", "check_int"]

SIGNEDNESS = ("unsigned", "ones_complement", "sign_magnitude")


def check_int(family: str, name: str, value, lo: int, hi: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{family} {name} must be an integer, not {value!r}")
    if value < lo or (hi is not None and value > hi):
        span = f"in {lo}..{hi}" if hi is not None else f">= {lo}"
        raise ValueError(f"{family} {name} must be an integer {span}, not {value!r}")


class MagnitudeMultiplier(wiring.Component):
    """Product ``p`` of ``a`` and ``b`` through ``magnitude``, with ``pipeline`` register stages."""

    family = "multiplier"

    def __init__(self, width: int, signedness: str, pipeline: int):
        check_int(self.family, "width", width, 2)
        check_int(self.family, "pipeline", pipeline, 0)
        if signedness not in SIGNEDNESS:
            raise ValueError(f"{self.family} signedness must be one of {', '.join(map(repr, SIGNEDNESS))}, "
                             f"not {signedness!r}")
        self.width, self.signedness, self.pipeline = width, signedness, pipeline
        is_signed = signedness != "unsigned"
        op = signed(width) if is_signed else unsigned(width)
        out = signed(2 * width) if is_signed else unsigned(2 * width)
        super().__init__({"a": In(op), "b": In(op), "p": Out(out)})

    def magnitude(self, m: Module, x, y):
        raise NotImplementedError

    def overflows(self) -> bool:
        """Can a sign-magnitude product exceed the 2N-bit signed port? (|x| <= 2^(N-1))"""
        return False

    def true_product(self, m: Module):
        """The exact-sign product of the ports: unsigned 2N bits, or signed 2N + 1 bits."""
        n = self.width
        if self.signedness == "unsigned":
            value = self.magnitude(m, self.a, self.b)
            mag = Signal(max(2 * n, len(value)), name="product")
            m.d.comb += mag.eq(value)
            return mag
        ones = self.signedness == "ones_complement"
        mags = []
        for name, x in (("a", self.a), ("b", self.b)):
            s = x[n - 1]
            mag = Signal(n, name=f"{name}_abs")
            if ones:
                inv = x.as_unsigned() ^ s.replicate(n)  # ~x for a negative x: |x| - 1, one gate per bit
                m.d.comb += mag.eq(inv | (s & ~inv.any()))  # ~(-1) = 0 stands for 1
            else:
                m.d.comb += mag.eq((x.as_unsigned() ^ s.replicate(n)) + s)
            mags.append(mag)
        mag = Signal(2 * n, name="magnitude")  # |x| <= 2^(N-1): the product stays below 2^2N
        m.d.comb += mag.eq(self.magnitude(m, *mags))
        neg = Signal(name="negative")
        m.d.comb += neg.eq(self.a[n - 1] ^ self.b[n - 1])
        prod = Signal(signed(2 * n + 1), name="product")
        if ones:  # bit inversion (-P - 1) instead of negation; a +0 operand keeps the product 0
            m.d.comb += prod.eq(Mux(neg & mag.any(), -1 - mag, mag))
        else:
            m.d.comb += prod.eq(Mux(neg, -mag, mag))
        return prod

    def elaborate(self, platform):
        m = Module()
        prod = self.true_product(m)
        n = self.width
        if self.signedness == "unsigned" and len(prod) > 2 * n:
            sat = Signal(2 * n, name="saturated")
            m.d.comb += sat.eq(Mux(prod[2 * n:].any(), (1 << (2 * n)) - 1, prod[:2 * n]))
            prod = sat
        elif self.signedness == "sign_magnitude" and self.overflows():
            hi, lo = (1 << (2 * n - 1)) - 1, -(1 << (2 * n - 1))
            sat = Signal(signed(2 * n), name="saturated")
            m.d.comb += sat.eq(Mux(prod > hi, hi, Mux(prod < lo, lo, prod)))
            prod = sat
        m.d.comb += self.p.eq(delay(m, prod, self.pipeline, "product"))
        return m


class MagnitudeMAC(wiring.Component):
    """MAC protocol (``a``, ``b``, ``en``, ``clr`` -> ``acc``) around a :class:`MagnitudeMultiplier`
    (built with ``pipeline = 0``): ``acc <- (clr ? 0 : acc) + P`` on an edge with ``en``, wrapping at
    ``acc_width`` (>= 2N); P is the true product (never saturated); latency ``pipeline + 1``."""

    def __init__(self, mul: MagnitudeMultiplier, acc_width: int, pipeline: int = 0):
        check_int(mul.family, "MAC acc_width", acc_width, 2 * mul.width)
        mul._MustUse__silence = True  # only its datapath is used (true_product), never the component itself
        check_int(mul.family, "MAC pipeline", pipeline, 0)
        self.mul, self.acc_width, self.pipeline = mul, acc_width, pipeline
        is_signed = mul.signedness != "unsigned"
        op = signed(mul.width) if is_signed else unsigned(mul.width)
        acc = signed(acc_width) if is_signed else unsigned(acc_width)
        super().__init__({"a": In(op), "b": In(op), "en": In(1), "clr": In(1), "acc": Out(acc)})

    def elaborate(self, platform):
        m = Module()
        mul = self.mul
        m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b)]
        # The multiplier's datapath goes straight into this module: its true product, not its port.
        m.submodules.mul = inner = Module()
        accumulate(m, mul.true_product(inner), self.en, self.clr, self.acc, self.pipeline)
        return m
