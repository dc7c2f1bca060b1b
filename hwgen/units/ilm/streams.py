"""Energy-proxy operand streams of `ilm` and `ilm_mac` (CNN-like and uniform, as for `mul`)."""

from .._approx_common import register_streams

register_streams("ilm", "ilm_mac")
