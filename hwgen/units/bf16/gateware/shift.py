"""Right shift that keeps a sticky bit: the alignment shifter of an adder and the denormalising shifter
of the rounding block. (Left normalisation reuses :func:`hwgen.gateware.log_shift.normalise`.)"""

from amaranth.hdl import Const, Module, Mux, Signal, Value

__all__ = ["shift_right_sticky"]


def shift_right_sticky(m: Module, x: Value, amount: Value, name: str):
    """Add to ``m`` a shifter returning ``(x >> amount, sticky)``, ``sticky`` set when a one fell out.

    Built stage by stage from the smallest shift up; each stage ORs the bits it drops into ``sticky``.
    Amounts of ``len(x)`` or more leave 0 and report whether ``x`` was nonzero.
    """
    width = len(x)
    y, sticky = x, Const(0, 1)
    stages = max(1, (width - 1).bit_length())  # shifts up to 2^stages - 1 >= width - 1
    for j in range(min(stages, len(amount))):
        s = 1 << j
        lost = Signal(name=f"{name}_lost{s}")
        m.d.comb += lost.eq(amount[j] & y[:min(s, width)].any())
        shifted = Signal(width, name=f"{name}_{s}")
        m.d.comb += shifted.eq(Mux(amount[j], y >> s, y))
        y, sticky = shifted, sticky | lost
    if len(amount) > stages:
        # Any higher bit set shifts everything out.
        out_all = amount[stages:].any()
        y, sticky = Mux(out_all, 0, y), sticky | (out_all & x.any())
    # Amounts below 2^stages but >= width already cleared y through the stages above.
    return y, sticky
