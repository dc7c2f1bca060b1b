"""Every declared unit: the one list of families that the registry reads."""

from hwgen.units import bf16, drum, ilm, intmul, mitchw, mitchw_ec, requant, shiftmul, winograd

__all__ = ["UNITS"]

#: Every declared unit, in family order (the registry sorts them by name).
UNITS = (*intmul.UNITS, *mitchw.UNITS, *requant.UNITS, *shiftmul.UNITS, *winograd.UNITS, *bf16.UNITS,
         *drum.UNITS, *ilm.UNITS, *mitchw_ec.UNITS)
