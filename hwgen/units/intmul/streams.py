"""Energy-proxy operand streams of the integer multipliers and MACs (also used by Mitch-w, whose
operands are the same integers)."""

from __future__ import annotations

from hwgen.numeric.streams import int_pair, mac_steps, uniform_ints


def mul_streams(is_signed):
    """``{"cnn": ..., "uniform": ...}`` for a two-operand multiplier whose signedness ``is_signed(p)`` tells."""
    def cnn(p, rng, n):
        return int_pair(rng, n, p["width"], is_signed(p))

    def uniform(p, rng, n):
        s = is_signed(p)
        return {"a": uniform_ints(rng, n, p["width"], s), "b": uniform_ints(rng, n, p["width"], s)}

    return {"cnn": cnn, "uniform": uniform}


def mac_streams(is_signed):
    """The multiplier's streams under the MAC protocol (``en`` always, ``clr`` once per run)."""
    return {kind: _as_mac_steps(fn) for kind, fn in mul_streams(is_signed).items()}


def _as_mac_steps(fn):
    return lambda p, rng, n: mac_steps(fn(p, rng, n), n)
