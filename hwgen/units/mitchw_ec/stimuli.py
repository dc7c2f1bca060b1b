"""Stimulus of `mitchw_ec` / `mitchw_ec_mac`: corners around the w kept bits (runs of w ones at every
position, segment boundaries such as 1.25 and 1.5 times powers of two), seeded random, exhaustive."""

from hwgen.units._approx_common import mac_stimulus, mul_stimulus

STIMULUS = mul_stimulus(lambda p: p["w"])
MAC_STIMULUS = mac_stimulus()
