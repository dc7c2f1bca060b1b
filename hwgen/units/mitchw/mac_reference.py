"""Reference of `mitchw_mac`: the `mitchw` reference product, exactly accumulated under the MAC protocol
(sign-extended in the signed modes)."""

from hwgen.reference_verilog import accumulator, extend
from hwgen.units.mitchw import reference as mitchw

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"width": 6, "w": 3, "signedness": "ones_complement", "pipeline": 1},)


def reference(p, ports=None) -> str:
    n = p["width"]
    body = mitchw.reference({**p, "pipeline": 0}).replace("  assign p = prod;", "")
    term = extend("prod", 2 * n, p["acc_width"], p["signedness"] != "unsigned")
    return "\n".join([body, accumulator(term, p["acc_width"], p["pipeline"])])
