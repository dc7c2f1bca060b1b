"""`ilm_mac` reference: lives in hwgen/units/ilm/reference.py (re-exported so `hwgen prove` finds it)."""
from ...units.ilm.reference import MAC_QUICK as QUICK
from ...units.ilm.reference import reference_mac as reference

__all__ = ["QUICK", "reference"]
