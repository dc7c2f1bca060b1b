"""DRUM-k multiplier and MAC (units.md §8), Amaranth 0.5.

Datapath: per operand one :func:`~hwgen.gateware.log_shift.normalise` (leading-zero count ``s`` and the
k - 1 bits below the leading one, zero-padded when the operand is shorter); the k-bit segment is the
leading one (the normaliser's non-zero flag, so a zero operand gives a zero segment and a zero product
with no extra gate), those bits, and the last bit forced to 1 when the operand has k bits or more. One exact
k x k multiplier, then one :func:`~hwgen.gateware.log_shift.antilog_shift` places the 2k-bit product at the
top of the 2N-bit word and shifts it right by s_a + s_b.

Why that equals (seg_a * seg_b) << (s_a + s_b): the normalised segment of x is seg(x) * 2^(k-1-k(x)+s(x)),
so the product carries 2^(2k-2 - k_a - k_b + s_a + s_b) too much; placing it at the top of 2N bits and
shifting right by (N-1-k_a) + (N-1-k_b) removes exactly that. Bits shifted out are zeros (an operand shorter
than k only carries padding zeros), so the floor of the shifter is exact. k = N is the exact product a * b.
"""

from amaranth.hdl import Cat, Signal

from ...gateware.log_shift import antilog_shift, normalise
from ...gateware.magnitude_mul import MagnitudeMAC, MagnitudeMultiplier, check_int

__all__ = ["Drum", "DrumMAC"]


class Drum(MagnitudeMultiplier):
    """DRUM-k product ``p`` of ``a`` and ``b`` (``width`` bits each, ``p`` 2 * width), ``k`` in 2..width,
    ``signedness`` ``"unsigned"`` or ``"sign_magnitude"``, ``pipeline`` register stages after it."""

    family = "DRUM"

    def __init__(self, width: int, k: int, signedness: str = "unsigned", pipeline: int = 0):
        check_int("DRUM", "width", width, 2)
        check_int("DRUM", "k", k, 2, width)
        self.k = k
        super().__init__(width, signedness, pipeline)

    def overflows(self) -> bool:
        # |x| <= 2^(N-1) rounds up to at most (2^(k-1) + 1) 2^(N-k); squared it passes 2^(2N-1) - 1 only
        # for k = 2 (1.5^2 > 2) when 2^(N-1) is long enough to be rounded (N - 1 >= k).
        return self.k == 2 and self.width - 1 >= self.k

    def _segment(self, m, x, name):
        k = self.k
        count, frac, nonzero = normalise(m, x, k - 1, f"{name}_norm")
        long = x[k:].any() if len(x) > k else 0  # k(x) >= k: the segment drops bits, force its last one
        seg = Signal(k, name=f"{name}_seg")
        m.d.comb += seg.eq(Cat(frac[0] | long, frac[1:], nonzero))
        return seg, count

    def magnitude(self, m, x, y):
        n = self.width
        if self.k >= n:
            return x * y  # DRUM-N keeps every bit: the exact product
        seg_x, count_x = self._segment(m, x, "a")
        seg_y, count_y = self._segment(m, y, "b")
        prod = Signal(2 * self.k, name="segment_product")
        m.d.comb += prod.eq(seg_x * seg_y)
        shift = Signal(len(count_x) + 1, name="antilog_shift")
        m.d.comb += shift.eq(count_x + count_y)
        return antilog_shift(m, prod, shift, 2 * n)


class DrumMAC(MagnitudeMAC):
    """MAC with DRUM-k products and exact accumulation (see :class:`~hwgen.gateware.magnitude_mul.MagnitudeMAC`)."""

    def __init__(self, width: int, k: int, signedness: str, acc_width: int, pipeline: int = 0):
        super().__init__(Drum(width, k, signedness, 0), acc_width, pipeline)
