"""Floating-point gateware, structured like Berkeley HardFloat and FPnew.

unpack (:mod:`.unpack`) -> raw operation with a wide exponent and a sticky bit (:mod:`.mulcore`,
:mod:`.addcore`) -> one shared normalise/round/pack block (:mod:`.roundpack`). Approximate multipliers
swap only the raw core. :mod:`.units` assembles the multiplier and the MAC.
"""

from hwgen.units.bf16.gateware.format import FloatFormat
from hwgen.units.bf16.gateware.units import FloatMAC, FloatMul

__all__ = ["FloatFormat", "FloatMul", "FloatMAC"]
