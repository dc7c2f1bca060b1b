"""Stimulus of `drum` / `drum_mac`: corners around the k-bit segment (runs of k ones at every position,
the k(x) = k - 1 / k edge where rounding starts), seeded random, exhaustive up to 2^20 pairs."""

from hwgen.units._approx_common import mac_stimulus, mul_stimulus

STIMULUS = mul_stimulus(lambda p: p["k"])
MAC_STIMULUS = mac_stimulus()
