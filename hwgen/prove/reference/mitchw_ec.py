"""`mitchw_ec` reference: lives in hwgen/units/mitchw_ec/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.mitchw_ec.reference import QUICK, reference

__all__ = ["QUICK", "reference"]
