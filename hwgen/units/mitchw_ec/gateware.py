"""Error-compensated Mitch-w multiplier and MAC (units.md §8), Amaranth 0.5.

The Mitch-w datapath of :mod:`hwgen.units.mitchw.gateware` (normaliser per operand, one adder over the
concatenated logs with the inverted leading-zero counts standing for the characteristics, one antilog
shifter driven by the inverted top bits of the sum), with the fractions extended by q bits and a correction
added before the carry is split off. The correction is a constant, or a look-up in the given table by the
top log2(m) bits of both fractions (a small ROM that synthesis turns into logic). The q low bits of both
extended logs are zero, so the sum's low q bits are the correction's and only its upper bits enter the
adder (a three-operand add of w - 1 + log2 N bits).

The table is data handed in by the caller (:mod:`hwgen.units.mitchw_ec.table` computes it); this module
never derives it.
"""

from amaranth.hdl import Cat, Const, Mux, Signal

from hwgen.gateware.log_shift import antilog_shift, normalise
from hwgen.gateware.magnitude_mul import MagnitudeMAC, MagnitudeMultiplier, check_int

__all__ = ["MitchWEC", "MitchWECMAC"]


class MitchWEC(MagnitudeMultiplier):
    """Product ``p`` with ``w`` kept bits (2..width), ``q`` extra fraction bits (1..8) and the correction
    ``table`` (a square tuple of tuples of non-negative ints, side 1 (constant) or 2, 4, 8 <= 2^(w-1),
    in units of 2^-(w-1+q))."""

    family = "Mitch-w EC"

    def __init__(self, width: int, w: int, q: int, table, signedness: str = "unsigned", pipeline: int = 0):
        check_int(self.family, "width", width, 2)
        check_int(self.family, "w", w, 2, width)
        check_int(self.family, "q", q, 1, 8)
        side = len(table)
        if side not in (1, 2, 4, 8) or side > 1 << (w - 1) or any(len(r) != side for r in table):
            raise ValueError(f"{self.family} table must be square with side 1, 2, 4 or 8 (at most 2^(w-1)), "
                             f"not {side} rows")
        if any(not isinstance(c, int) or not 0 <= c < 1 << (w - 1 + q) for r in table for c in r):
            raise ValueError(f"{self.family} table entries must be integers in 0..2^(w-1+q)-1")
        self.w, self.q, self.table = w, q, tuple(tuple(r) for r in table)
        super().__init__(width, signedness, pipeline)

    def _correction(self, m, frac_x, frac_y):
        K, side = self.w - 1, len(self.table)
        bits = max(max(c for r in self.table for c in r).bit_length(), 1)
        if side == 1:
            return Const(self.table[0][0], bits)
        s = side.bit_length() - 1
        # A multiplexer tree over the index bits (a Switch would become a ROM cell, which the formal
        # proof cannot model); synthesis reduces it to the same logic.
        index = Cat(frac_y[K - s:], frac_x[K - s:])
        level = [Const(c, bits) for row in self.table for c in row]
        for bit in range(2 * s):
            level = [Mux(index[bit], hi, lo) for lo, hi in zip(level[0::2], level[1::2])]
        corr = Signal(bits, name="correction")
        m.d.comb += corr.eq(level[0])
        return corr

    def magnitude(self, m, x, y):
        n, K, q = self.width, self.w - 1, self.q
        count_x, frac_x, nz_x = normalise(m, x, K, "a_norm")
        count_y, frac_y, nz_y = normalise(m, y, K, "b_norm")
        corr = self._correction(m, frac_x, frac_y)
        stages = (n - 1).bit_length()
        # Can the fractions carry 2 (e.g. 255 x 255 at w = 8)? Then the characteristic can reach 2N and the
        # product 2^2N (the port saturates there): one more sum bit and a 2N + 1 bit result.
        Q = K + q
        over_possible = (((1 << K) - 1) << q) * 2 + max(c for r in self.table for c in r) >= 2 << Q
        logsum = Signal(K + stages + 1 + over_possible, name="log_sum")
        m.d.comb += logsum.eq(Cat(frac_x, ~count_x[:stages]) + Cat(frac_y, ~count_y[:stages]) + (corr >> q))
        shift = Signal(stages + 1, name="antilog_shift")
        m.d.comb += shift.eq(~logsum[K:K + stages + 1])
        mant = Cat(corr[:q] if len(corr) >= q else Cat(corr, Const(0, q - len(corr))), logsum[:K], Const(1, 1))
        # Placed at the top of the 2N-bit word, mantissa bits beyond it fall below bit 0 (the floor) even
        # unshifted: at small widths with many fraction bits only the top 2N are kept.
        p = antilog_shift(m, mant[max(0, len(mant) - 2 * n):], shift, 2 * n)
        if not over_possible:
            return Mux(nz_x & nz_y, p, 0)
        over = logsum[K + stages + 1]  # c = 2N: the product is mant placed at the top of 2N + 1 bits
        top = mant[max(0, len(mant) - 2 * n - 1):]
        wide = Signal(2 * n + 1, name="product_wide")
        m.d.comb += wide.eq(Mux(over, Cat(Const(0, 2 * n + 1 - len(top)), top), p))
        return Mux(nz_x & nz_y, wide, 0)


class MitchWECMAC(MagnitudeMAC):
    """MAC with error-compensated Mitch-w products and exact accumulation."""

    def __init__(self, width: int, w: int, q: int, table, signedness: str, acc_width: int, pipeline: int = 0):
        super().__init__(MitchWEC(width, w, q, table, signedness, 0), acc_width, pipeline)
