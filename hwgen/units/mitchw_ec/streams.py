"""Energy-proxy operand streams of `mitchw_ec` and `mitchw_ec_mac` (CNN-like and uniform, as for `mul`)."""

from .._approx_common import register_streams

register_streams("mitchw_ec", "mitchw_ec_mac")
