"""DRUM-k multiplier and MAC (units.md §8), Amaranth 0.5.

Datapath, sized by the N - k + 1 positions a segment can take rather than by N: per operand, the shift
s = max(k(x) - k + 1, 0) is the leading-one index of x >> (k - 1) (an N - k + 1 bit priority encoder,
:func:`~hwgen.gateware.leading_one.leading_zeros`), the segment is (x >> s) | (s > 0) (a right shifter of
N - k + 1 positions, k bits out), then one exact k x k multiplier and one left shift of the 2k-bit product by
s_a + s_b (at most 2 (N - k)). A zero operand has a zero segment, so the product is 0 with no extra gate.
k = N is the exact product a * b.
"""

from amaranth.hdl import Cat, Const, Mux, Signal

from hwgen.gateware.leading_one import leading_zeros
from hwgen.gateware.magnitude_mul import MagnitudeMAC, MagnitudeMultiplier, check_int

__all__ = ["Drum", "DrumMAC"]


class Drum(MagnitudeMultiplier):
    """DRUM-k product ``p`` of ``a`` and ``b`` (``width`` bits each, ``p`` 2 * width), ``k`` in 2..width,
    ``signedness`` one of :data:`~hwgen.gateware.magnitude_mul.SIGNEDNESS`, ``pipeline`` register stages after it."""

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
        """(segment, shift) of one operand."""
        n, k = self.width, self.k
        top = x[k - 1:]  # N - k + 1 bits: its leading-one index is the shift
        count, nonzero = leading_zeros(m, top, f"{name}_lzc")
        shift = Signal(max(1, (n - k).bit_length()), name=f"{name}_shift")
        m.d.comb += shift.eq(Mux(nonzero, (n - k) - count, 0))
        # Right shift by s, largest step first: after a step of 2^j at most 2^j - 1 more positions can
        # move down, so only the low k + 2^j - 1 bits can still reach the segment.
        v = x
        for j in reversed(range(len(shift))):
            step = 1 << j
            nxt = Signal(min(len(v), k + step - 1), name=f"{name}_rsh{step}")
            m.d.comb += nxt.eq(Mux(shift[j], v[step:], v))
            v = nxt
        seg = Signal(k, name=f"{name}_seg")
        m.d.comb += seg.eq(Cat(v[0] | shift.any(), v[1:k]))
        return seg, shift

    def magnitude(self, m, x, y):
        n, k = self.width, self.k
        if k >= n:
            return x * y  # DRUM-N keeps every bit: the exact product
        seg_x, sx = self._segment(m, x, "a")
        seg_y, sy = self._segment(m, y, "b")
        prod = Signal(2 * k, name="segment_product")
        m.d.comb += prod.eq(seg_x * seg_y)
        total = Signal(len(sx) + 1, name="total_shift")
        m.d.comb += total.eq(sx + sy)
        v = prod
        for j in range(len(total)):
            step = 1 << j
            nxt = Signal(min(2 * n, len(v) + step), name=f"lsh{step}")
            m.d.comb += nxt.eq(Mux(total[j], Cat(Const(0, step), v), v))
            v = nxt
        return v[:2 * n]


class DrumMAC(MagnitudeMAC):
    """MAC with DRUM-k products and exact accumulation (see :class:`~hwgen.gateware.magnitude_mul.MagnitudeMAC`)."""

    def __init__(self, width: int, k: int, signedness: str, acc_width: int, pipeline: int = 0):
        super().__init__(Drum(width, k, signedness, 0), acc_width, pipeline)
