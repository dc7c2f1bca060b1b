"""`mitchw_ec_mac` reference: lives in hwgen/units/mitchw_ec/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.mitchw_ec.reference import MAC_QUICK as QUICK, reference_mac as reference  # noqa: F401
