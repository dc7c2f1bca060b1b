"""Reference of `mitchw_mac`: the `mitchw` reference product, exactly accumulated under the MAC protocol
(sign-extended in the signed modes)."""

from hwgen.reference_verilog import accumulator, extend
from hwgen.units.mitchw import reference as mitchw

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"width": 6, "w": 3, "signedness": "ones_complement", "pipeline": 1},
         {"width": 4, "w": 2, "signedness": "sign_magnitude", "unbiased": True, "acc_width": 9})


def reference(p, ports=None) -> str:
    n = p["width"]
    body = mitchw.reference({**p, "pipeline": 0}).replace("  assign p = prod;", "")
    if p["signedness"] == "sign_magnitude":
        # The unsaturated (2N + 1)-bit product, wrapped to the accumulator when that is only 2N bits.
        acc = p["acc_width"]
        term = extend("prod_full", 2 * n + 1, acc, True) if acc > 2 * n else f"prod_full[{acc - 1}:0]"
    else:
        term = extend("prod", 2 * n, p["acc_width"], p["signedness"] != "unsigned")
    return "\n".join([body, accumulator(term, p["acc_width"], p["pipeline"])])
