"""Reference of `shift_mac`: the `shift_mul` reference product accumulated under the MAC protocol."""

from hwgen.reference_verilog import accumulator
from hwgen.units.shiftmul.reference import product


def reference(p, ports=None) -> str:
    return "\n".join([product(p, p["acc_width"]), accumulator("prod", p["acc_width"], p["pipeline"])])
