"""The unit families: one folder each, holding everything hwgen knows about its units.

A family folder has the declaration (its ``__init__``: the :class:`~hwgen.unit.Unit` objects and their
``UNITS`` tuple), ``model`` (numpy golden model, never Amaranth), ``gateware`` (Amaranth components),
``stimuli``, ``streams`` (energy-proxy operand streams) and the behavioural references for
``hwgen prove``. Adding a family means adding its folder and one line below (docs/architecture.md).
"""

from hwgen.units import bf16, drum, ilm, intmul, mitchw, mitchw_ec, requant, shiftmul, winograd

__all__ = ["UNITS"]

#: Every declared unit, in family order (the registry sorts them by name).
UNITS = (*intmul.UNITS, *mitchw.UNITS, *requant.UNITS, *shiftmul.UNITS, *winograd.UNITS, *bf16.UNITS,
         *drum.UNITS, *ilm.UNITS, *mitchw_ec.UNITS)
