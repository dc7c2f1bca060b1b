"""Reference of `mul`: p = a * b by shift and add (two's complement when signed), then ``pipeline``
output registers."""

from .common import output_delay, shift_add_product


def reference(p) -> str:
    w = p["width"]
    return "\n".join([shift_add_product("prod", "a", "b", w, p["signed"], 2 * w),
                      output_delay("p", "prod", 2 * w, p["pipeline"])])
