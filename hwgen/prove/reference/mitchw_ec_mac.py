"""`mitchw_ec_mac` reference: lives in hwgen/units/mitchw_ec/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.mitchw_ec.reference import MAC_QUICK as QUICK
from ...units.mitchw_ec.reference import reference_mac as reference

__all__ = ["QUICK", "reference"]
