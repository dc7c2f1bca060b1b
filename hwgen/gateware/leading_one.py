"""Leading-one detector and priority encoder: the index of the most significant set bit.

A tree, not a chain: each node merges the (valid, count) pairs of its two halves, so the depth is
log2(width) multiplexer levels (Oklobdzija's leading-zero counter). The Mitch-w multiplier does not use it:
there the leading-zero count and the normalising shift come out of one structure,
:func:`~.log_shift.normalise`, which measured smaller. Use this block where only the index is wanted
(e.g. an exponent from an integer, or a shift amount computed ahead of the data).
"""

from amaranth.hdl import Cat, Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hwgen.gateware.log_shift import count_width

__all__ = ["LeadingOne", "leading_zeros"]


def leading_zeros(m: Module, x: Value, name: str = "lzc"):
    """Add a leading-zero counter for ``x`` to ``m``; returns ``(count, nonzero)``.

    ``count`` has :func:`~.log_shift.count_width` bits and is ``len(x) - 1 - k`` for the leading one at bit
    ``k``; it is unspecified when ``x == 0`` (``nonzero`` low).
    """
    width = len(x)
    cw = count_width(width)
    span = 1 << ((width - 1).bit_length())
    # Pad at the bottom to a power of two: the count of the top bits is unchanged.
    bits = [x[i] for i in reversed(range(width))] + [Value.cast(0)] * (span - width)

    serial = iter(range(span))

    def node(seg, level):
        # (valid, count bits, most significant first) of a power-of-two segment, MSB first.
        if len(seg) == 1:
            return seg[0], []
        half = len(seg) // 2
        v_hi, c_hi = node(seg[:half], level + 1)
        v_lo, c_lo = node(seg[half:], level + 1)
        valid = Signal(name=f"{name}_valid{level}_{next(serial)}")
        m.d.comb += valid.eq(v_hi | v_lo)
        return valid, [~v_hi] + [Mux(v_hi, h, lo) for h, lo in zip(c_hi, c_lo)]

    valid, count_bits = node(bits, 0)
    count = Signal(cw, name=f"{name}_count")
    if count_bits:
        m.d.comb += count.eq(Cat(*reversed(count_bits)))
    return count, valid


class LeadingOne(wiring.Component):
    """Leading-one detector with priority encoder.

    Parameters
    ----------
    width : int
        Bits of ``x`` (>= 1).

    Members
    -------
    x : In(width)
    index : Out(count_width(width))
        Position k of the most significant set bit (0 when ``x == 0``).
    count : Out(count_width(width))
        Leading zeros, ``width - 1 - k`` (``width - 1`` when ``x == 0``).
    nonzero : Out(1)
    """

    def __init__(self, width: int):
        if not isinstance(width, int) or isinstance(width, bool):
            raise TypeError(f"LeadingOne width must be an integer, not {width!r}")
        if width < 1:
            raise ValueError(f"LeadingOne width must be an integer >= 1, not {width!r}")
        self.width = width
        cw = count_width(width)
        super().__init__({"x": In(width), "index": Out(cw), "count": Out(cw), "nonzero": Out(1)})

    def elaborate(self, platform):
        m = Module()
        count, nonzero = leading_zeros(m, self.x)
        m.d.comb += [self.nonzero.eq(nonzero),
                     self.count.eq(Mux(nonzero, count, self.width - 1)),
                     self.index.eq(Mux(nonzero, self.width - 1 - count, 0))]
        return m
