"""Behavioural reference of `drum` / `drum_mac` for `hwgen prove`, written from units.md §8.

Per operand: k(x) by a loop over the bits; seg = x, s = 0 if k(x) < k, else s = k(x) - k + 1 and
seg = (x >> s) | 1. P = (seg_a * seg_b) << (s_a + s_b), the segment product by shift and add (no ``*``).
"""

from hwgen.reference_verilog import shift_add_product
from hwgen.units._approx_reference import finish, finish_mac, leading_one, magnitudes

#: Configurations that prove in seconds (tests use them).
QUICK = ({"width": 5, "k": 3, "signedness": "unsigned", "pipeline": 0},
         {"width": 5, "k": 2, "signedness": "sign_magnitude", "pipeline": 1},
         {"width": 5, "k": 3, "signedness": "ones_complement", "pipeline": 0})
MAC_QUICK = ({"width": 4, "k": 2, "signedness": "sign_magnitude", "acc_width": 10, "pipeline": 1},
             {"width": 4, "k": 2, "signedness": "ones_complement", "acc_width": 10, "pipeline": 0})


def _magnitude(p) -> list[str]:
    n, k = p["width"], p["k"]
    lines = magnitudes(p)
    for x in "ab":
        lines += [f"  reg [{n - 1}:0] seg_{x};", f"  integer k_{x}, s_{x}, i_{x};", "  always @* begin"]
        lines += leading_one(f"k_{x}", f"m_{x}", n, f"i_{x}")
        lines += [f"    if (k_{x} >= {k}) begin",
                  f"      s_{x} = k_{x} - {k} + 1;",
                  f"      seg_{x} = (m_{x} >> s_{x}) | {n}'d1;",
                  "    end else begin",
                  f"      s_{x} = 0;",
                  f"      seg_{x} = m_{x};",
                  "    end",
                  "  end"]
    lines.append(shift_add_product("segprod", "seg_a", n, False, "seg_b", n, False, 2 * n + 1))
    lines.append(f"  wire [{2 * n}:0] mag = zero ? {2 * n + 1}'d0 : (segprod << (s_a + s_b));")
    return lines


def reference(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish(p, "mag")])


def reference_mac(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish_mac(p, "mag")])
