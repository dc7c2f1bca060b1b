"""Reference of `mac`: on a clock edge with ``en`` (as delayed by the pipeline),
``acc <- (clr ? 0 : acc) + a*b`` modulo 2^acc_width, the product by shift and add; product, ``en`` and
``clr`` travel together through ``pipeline`` registers; a synchronous ``rst`` clears every register."""

from hwgen.reference_verilog import accumulator, shift_add_product

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"width": 4, "signed": True, "pipeline": 1},)


def reference(p, ports=None) -> str:
    acc_w = p["acc_width"]
    return "\n".join([shift_add_product("prod", "a", p["width"], p["signed"], "b", p["width"], p["signed"], acc_w),
                      accumulator("prod", acc_w, p["pipeline"])])
