"""Stimulus of `ilm` / `ilm_mac`: corners (runs of ones of the truncation length, or 4 bits without
truncation, at every position; popcounts around the iteration count), seeded random, exhaustive."""

from hwgen.units._approx_common import mac_stimulus, mul_stimulus

STIMULUS = mul_stimulus(lambda p: p["w"] or min(4, p["width"]))
MAC_STIMULUS = mac_stimulus()
