"""Register stages: delay a value by a number of clock edges in the ``sync`` domain."""

from amaranth.hdl import Signal, Value

__all__ = ["delay"]


def delay(m, value: Value, stages: int, name: str) -> Value:
    """Return ``value`` delayed by ``stages`` registers (``value`` itself when ``stages == 0``)."""
    for i in range(stages):
        reg = Signal.like(value, name=f"{name}_d{i + 1}") if isinstance(value, Signal) \
            else Signal(value.shape(), name=f"{name}_d{i + 1}")
        m.d.sync += reg.eq(value)
        value = reg
    return value
