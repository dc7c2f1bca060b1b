"""Reference of `shift_mac`: the `shift_mul` reference product accumulated under the MAC protocol."""

from ._common import accumulator
from .shift_mul import product


def reference(p, ports=None) -> str:
    return "\n".join([product(p, p["acc_width"]), accumulator("prod", p["acc_width"], p["pipeline"])])
