"""`ilm` reference: lives in hwgen/units/ilm/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.ilm.reference import QUICK, reference

__all__ = ["QUICK", "reference"]
