"""`ilm_mac` reference: lives in hwgen/units/ilm/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.ilm.reference import MAC_QUICK as QUICK, reference_mac as reference  # noqa: F401
