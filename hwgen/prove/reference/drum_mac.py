"""`drum_mac` reference: lives in hwgen/units/drum/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.drum.reference import MAC_QUICK as QUICK
from ...units.drum.reference import reference_mac as reference

__all__ = ["QUICK", "reference"]
