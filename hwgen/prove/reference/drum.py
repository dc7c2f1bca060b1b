"""`drum` reference: lives in hwgen/units/drum/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.drum.reference import QUICK, reference

__all__ = ["QUICK", "reference"]
