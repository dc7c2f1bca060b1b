"""Reference of `mul`: p = a * b by shift and add (two's complement when signed), then ``pipeline``
output registers."""

from hwgen.reference_verilog import output_delay, shift_add_product

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"width": 4, "signed": True}, {"width": 5, "pipeline": 2})


def reference(p, ports=None) -> str:
    w = p["width"]
    return "\n".join([shift_add_product("prod", "a", w, p["signed"], "b", w, p["signed"], 2 * w),
                      output_delay("p", "prod", 2 * w, p["pipeline"])])
