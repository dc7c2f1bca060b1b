"""Shifters of logarithmic arithmetic: the normalising shifter (x -> leading-zero count and the bits right
below the leading one) and the antilog shifter (a short mantissa placed by a shift amount in a wide word).

Both are built stage by stage from 2:1 multiplexers, in the order that keeps every stage narrow:

* :class:`Normaliser` decides the largest shift first ("are the top 2^j bits all zero? then shift left by
  2^j"), so each stage's decision bit *is* one bit of the leading-zero count: leading-one detection,
  priority encoding and the normalising shift are one structure, with no separate encoder. Only the top
  ``frac_bits + 1`` bits of the result are used, so synthesis removes the multiplexers that only ever
  feed bits further down: the late (small) stages are ``frac_bits`` wide, not ``width``.
* :class:`AntilogShifter` shifts a ``value_width``-bit mantissa right by small amounts first, so stage j
  is only ``value_width + 2^(j+1) - 1`` bits wide until it reaches the output width; bits that fall below
  bit 0 are dropped at once (they cannot come back), which is the floor of the antilog.

The antilog shifter takes a ``fill`` bit for every position the mantissa does not occupy: 0 for a plain
shift; 1 gives the bitwise inverse of the shifted inverted mantissa, i.e. ``~P`` from ``~V`` at the cost of
``value_width`` XOR gates instead of one per output bit (ones' complement negation after the shift).
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal, Value
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

__all__ = ["Normaliser", "AntilogShifter", "normalise", "antilog_shift", "count_width"]


def count_width(width: int) -> int:
    """Bits of a leading-zero count of a ``width``-bit value (0..width-1): ceil(log2(width)), at least 1."""
    return max(1, (width - 1).bit_length())


def _check_int(what: str, value, lo: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if value < lo:
        raise ValueError(f"{what} must be an integer >= {lo}, not {value!r}")


def normalise(m: Module, x: Value, frac_bits: int, name: str = "norm"):
    """Add a normaliser for the unsigned value ``x`` to ``m``; returns ``(count, frac, nonzero)``.

    The logic goes straight into ``m`` (no submodule, so no hierarchy cell survives flattening); see
    :class:`Normaliser` for the meaning of the results.
    """
    width = len(x)
    stages = count_width(width) if width > 1 else 0
    span = 1 << stages  # the power-of-two window the stages search
    # x sits at the top of the window; zeros below stand for missing low bits (and pad the fraction
    # when x is narrower than frac_bits + 1).
    low = span - width + max(0, frac_bits + 1 - span)
    n = low + width
    y = Signal(n, name=f"{name}_0")  # named: every stage slices it
    m.d.comb += y.eq(Cat(Const(0, low), x))
    zero_top = []
    for j in reversed(range(stages)):
        s = 1 << j
        z = Signal(name=f"{name}_zero_top{s}")
        m.d.comb += z.eq(~y[n - s:].any())
        shifted = Signal(n, name=f"{name}_{s}")
        m.d.comb += shifted.eq(Mux(z, Cat(Const(0, s), y[:n - s]), y))
        y = shifted
        zero_top.append(z)
    count = Cat(*reversed(zero_top)) if zero_top else Const(0, 1)
    frac = y[n - 1 - frac_bits:n - 1] if frac_bits else Const(0, 0)
    return count, frac, y[n - 1]


_FILL, _PAD = object(), object()  # markers: positions that can only hold the fill, or the pad


def antilog_shift(m: Module, value: Value, shift: Value, out_width: int, fill: Value | int = 0,
                  pad: Value | int | None = None, name: str = "antilog", with_dropped: bool = False):
    """Add an antilog shifter to ``m``; returns ``floor(V / 2^shift)`` as ``out_width`` bits, where V is
    ``value`` placed with its top bit at bit ``out_width - 1``, ``pad`` in the positions below it (default:
    ``fill``) and ``fill`` in every position above (which is what a right shift brings in).

    With ``with_dropped``, returns ``(p, dropped)``: ``dropped`` is the OR of every bit that fell below
    bit 0, i.e. whether the floor discarded anything (a sticky bit). See :class:`AntilogShifter`.
    """
    n = out_width
    base = n - len(value)
    fill = Value.cast(fill)
    pad = fill if pad is None else Value.cast(pad)
    if not isinstance(value, Signal):
        # Each output bit slices the value: slicing an expression would repeat it per bit.
        named = Signal(len(value), name=f"{name}_value")
        m.d.comb += named.eq(value)
        value = named

    def resolve(b):
        return fill if b is _FILL else pad if b is _PAD else b

    def matters(b):  # can this position hold a 1 that counts as dropped?
        return not (b is _PAD and isinstance(pad, Const) and pad.value == 0)

    # bits[i] is the Value at output position i, or a marker where only the fill or the pad can be.
    bits = [_PAD] * base + [value[i] for i in range(len(value))]
    dropped = []
    for j in range(len(shift)):
        s = 1 << j
        if s >= n:
            # Any shift this large moves every bit below 0: only the fill remains.
            sel = shift[j:].any()
            dropped += [sel & resolve(b) for b in bits if matters(b)]
            bits = [_FILL if b is _FILL else Mux(sel, fill, resolve(b)) for b in bits]
            break
        dropped += [shift[j] & resolve(b) for b in bits[:s] if matters(b)]
        nxt = []
        for i in range(n):
            keep, take = bits[i], bits[i + s] if i + s < n else _FILL
            if keep is take and (keep is _FILL or keep is _PAD):
                nxt.append(keep)
                continue
            bit = Signal(name=f"{name}{s}_{i}")
            m.d.comb += bit.eq(Mux(shift[j], resolve(take), resolve(keep)))
            nxt.append(bit)
        bits = nxt
    p = Cat(*(resolve(b) for b in bits))
    if not with_dropped:
        return p
    return p, (Cat(*dropped).any() if dropped else Const(0, 1))


class Normaliser(wiring.Component):
    """Leading-zero count and normalising shift of an unsigned ``width``-bit value.

    Parameters
    ----------
    width : int
        Bits of ``x`` (>= 1).
    frac_bits : int
        Bits of ``frac`` (>= 0): the bits right below the leading one, zero-padded below when ``x``
        has fewer.

    Members
    -------
    x : In(width)
    count : Out(count_width(width))
        ``width - 1 - k`` for the leading one at bit ``k``. For ``x == 0`` it is ``2^ceil(log2 width) - 1``
        (every stage shifts), which equals ``width - 1`` (the count of ``x == 1``) when ``width`` is a
        power of two.
    frac : Out(frac_bits)
        0 when ``x == 0``.
    nonzero : Out(1)
        Exact-zero detection, for free: the top bit of the normalised value.
    """

    def __init__(self, width: int, frac_bits: int):
        _check_int("Normaliser width", width, 1)
        _check_int("Normaliser frac_bits", frac_bits, 0)
        self.width, self.frac_bits = width, frac_bits
        super().__init__({"x": In(width), "count": Out(count_width(width)), "frac": Out(frac_bits),
                          "nonzero": Out(1)})

    def elaborate(self, platform):
        m = Module()
        count, frac, nonzero = normalise(m, self.x, self.frac_bits)
        m.d.comb += [self.count.eq(count), self.frac.eq(frac), self.nonzero.eq(nonzero)]
        return m


class AntilogShifter(wiring.Component):
    """``p = floor(V * 2^(out_width - value_width) / 2^shift)``: the mantissa ``value`` placed with its
    top bit at bit ``out_width - 1``, shifted right by ``shift``; every position it does not occupy
    reads ``fill``.

    Parameters
    ----------
    value_width : int
        Bits of the mantissa (leading one included), 1..out_width.
    shift_width : int
        Bits of the shift amount (>= 1).
    out_width : int
        Bits of ``p``.

    Members
    -------
    value : In(value_width)
    shift : In(shift_width)
    fill : In(1)
    p : Out(out_width)
    """

    def __init__(self, value_width: int, shift_width: int, out_width: int):
        _check_int("AntilogShifter out_width", out_width, 1)
        _check_int("AntilogShifter value_width", value_width, 1)
        _check_int("AntilogShifter shift_width", shift_width, 1)
        if value_width > out_width:
            raise ValueError(f"AntilogShifter value_width must be at most out_width = {out_width}, "
                             f"not {value_width}")
        self.value_width, self.shift_width, self.out_width = value_width, shift_width, out_width
        super().__init__({"value": In(value_width), "shift": In(shift_width), "fill": In(1),
                          "p": Out(out_width)})

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.p.eq(antilog_shift(m, self.value, self.shift, self.out_width, self.fill))
        return m
