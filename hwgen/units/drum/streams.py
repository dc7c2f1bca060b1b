"""Energy-proxy operand streams of `drum` and `drum_mac` (CNN-like and uniform, as for `mul`)."""

from .._approx_common import register_streams

register_streams("drum", "drum_mac")
