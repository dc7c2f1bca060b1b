"""The accumulator register of the MAC protocol, shared by every MAC.

On a clock edge with ``en``: ``acc <- (clr ? 0 : acc) + term``, wrapping at the width of ``acc``; with
``en`` low ``acc`` holds. ``pipeline`` register stages delay the term together with ``en`` and ``clr``,
so pipelining changes only the latency (``pipeline + 1``), never the protocol.
"""

from amaranth.hdl import Mux, Signal, Value

from hwgen.gateware.pipeline import delay

__all__ = ["accumulate"]


def accumulate(m, term: Value, en: Value, clr: Value, acc_out: Signal, pipeline: int) -> None:
    term = delay(m, term, pipeline, "product")
    en = delay(m, en, pipeline, "en")
    clr = delay(m, clr, pipeline, "clr")
    acc = Signal(acc_out.shape(), name="acc_reg")
    with m.If(en):
        m.d.sync += acc.eq(Mux(clr, 0, acc) + term)
    m.d.comb += acc_out.eq(acc)
