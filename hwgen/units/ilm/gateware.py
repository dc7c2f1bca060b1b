"""Iterative logarithmic multiplier ILM-n and MAC (units.md §8), Amaranth 0.5.

One iteration on magnitudes x, y: basic = 2^(kx+ky) + r_x 2^ky + r_y 2^kx = x 2^ky + r_y 2^kx (the first two
terms are x shifted by ky), so each iteration is two barrel shifters
(:func:`~hwgen.gateware.log_shift.antilog_shift` placing a value at the top of a 2N - 1 bit word and shifting
right by the leading-zero count N - 1 - k is the left shift by k), driven by two leading-zero counters
(:func:`~hwgen.gateware.leading_one.leading_zeros`). The residuals r = x with its leading one cleared come from
one prefix-OR chain per operand (r_i = x_i and any bit above i), which also gives the truncation mask of ``w``
(keep x_i when no bit is set w or more places above it); truncation keeps the leading one, so the truncated
operand's leading-zero count and prefix ORs are those of the original and are shared. A zero operand must
make its iteration 0: each shifted term is gated by the other operand's non-zero flag. The 2n terms are
summed at the end (the sum never exceeds x y < 2^2N).
"""

from amaranth.hdl import Cat, Const, Signal

from hwgen.gateware.leading_one import leading_zeros
from hwgen.gateware.log_shift import antilog_shift
from hwgen.gateware.magnitude_mul import MagnitudeMAC, MagnitudeMultiplier, check_int

__all__ = ["ILM", "ILMMAC"]


def _prefix_or(m, x, name):
    """any_above[i] = OR of x[i:] for i = 0..len(x) (the last is constant 0)."""
    n = len(x)
    bits = [Const(0, 1)] * (n + 1)
    for i in reversed(range(n)):
        s = Signal(name=f"{name}_any{i}")
        m.d.comb += s.eq(x[i] | bits[i + 1])
        bits[i] = s
    return bits


class ILM(MagnitudeMultiplier):
    """ILM product ``p`` after ``iterations`` (1..4) iterations, operands optionally truncated to ``w``
    bits (0 = none, else 2..width); ``signedness`` one of :data:`~hwgen.gateware.magnitude_mul.SIGNEDNESS`."""

    family = "ILM"

    def __init__(self, width: int, iterations: int, w: int = 0, signedness: str = "unsigned",
                 pipeline: int = 0):
        check_int("ILM", "width", width, 2)
        check_int("ILM", "iterations", iterations, 1, 4)
        check_int("ILM", "w", w, 0, width)
        if w == 1:
            raise ValueError(f"ILM w must be 0 (no truncation) or an integer in 2..{width}, not 1")
        self.iterations, self.w = iterations, w
        super().__init__(width, signedness, pipeline)

    def magnitude(self, m, x, y):
        n = self.width
        terms = []
        ops = []
        for name, v in (("a", x), ("b", y)):
            above = _prefix_or(m, v, f"{name}0")
            if self.w:
                t = Signal(n, name=f"{name}_trunc")
                m.d.comb += t.eq(Cat(*(v[i] & ~above[i + self.w] if i + self.w < n else v[i]
                                       for i in range(n))))
                v = t
            ops.append((v, above))
        (xa, above_x), (ya, above_y) = ops
        for it in range(self.iterations):
            if it:
                above_x, above_y = _prefix_or(m, xa, f"a{it}"), _prefix_or(m, ya, f"b{it}")
            count_x, nz_x = leading_zeros(m, xa, f"a{it}_lzc")
            count_y, nz_y = leading_zeros(m, ya, f"b{it}_lzc")
            rx, ry = Signal(n, name=f"a{it}_res"), Signal(n, name=f"b{it}_res")
            m.d.comb += [rx.eq(Cat(*(xa[i] & above_x[i + 1] for i in range(n)))),
                         ry.eq(Cat(*(ya[i] & above_y[i + 1] for i in range(n))))]
            gx, gy = Signal(n, name=f"a{it}_gated"), Signal(n, name=f"b{it}_res_gated")
            m.d.comb += [gx.eq(xa & nz_y.replicate(n)), gy.eq(ry & nz_x.replicate(n))]
            terms.append(antilog_shift(m, gx, count_y, 2 * n - 1, name=f"x_shift{it}"))
            terms.append(antilog_shift(m, gy, count_x, 2 * n - 1, name=f"r_shift{it}"))
            xa, ya = rx, ry
        total = Signal(2 * n, name="ilm_sum")
        acc = terms[0]
        for t in terms[1:]:
            acc = acc + t
        m.d.comb += total.eq(acc)
        return total


class ILMMAC(MagnitudeMAC):
    """MAC with ILM products and exact accumulation."""

    def __init__(self, width: int, iterations: int, w: int, signedness: str, acc_width: int,
                 pipeline: int = 0):
        super().__init__(ILM(width, iterations, w, signedness, 0), acc_width, pipeline)
