"""Behavioural reference of `ilm` / `ilm_mac` for `hwgen prove`, written from units.md §8.

Truncate each operand to its top w bits (w > 0), then iterate: while both operands are non-zero, add
2^(ka+kb) + r_a 2^kb + r_b 2^ka (k by a loop over the bits, r = x - 2^k) and continue with the residuals.
"""

from hwgen.units._approx_reference import finish, finish_mac, leading_one, magnitudes

QUICK = ({"width": 5, "iterations": 2, "w": 0, "signedness": "unsigned", "pipeline": 0},
         {"width": 5, "iterations": 1, "w": 3, "signedness": "sign_magnitude", "pipeline": 1},
         {"width": 5, "iterations": 2, "w": 0, "signedness": "ones_complement", "pipeline": 0})
MAC_QUICK = ({"width": 4, "iterations": 2, "w": 0, "signedness": "sign_magnitude", "acc_width": 10,
              "pipeline": 1},)


def _magnitude(p) -> list[str]:
    n, w, iters = p["width"], p["w"], p["iterations"]
    lines = magnitudes(p)
    lines += [f"  reg [{n - 1}:0] x_a, x_b, r_a, r_b;", f"  reg [{2 * n}:0] mag;",
              "  integer k_a, k_b, i, it;", "  always @* begin", "    x_a = m_a;", "    x_b = m_b;"]
    if w:
        for x in "ab":
            lines += leading_one(f"k_{x}", f"x_{x}", n, "i")
            lines += [f"    if (k_{x} >= {w}) x_{x} = (x_{x} >> (k_{x} - {w} + 1)) << (k_{x} - {w} + 1);"]
    lines += [f"    mag = {2 * n + 1}'d0;",
              f"    for (it = 0; it < {iters}; it = it + 1) begin",
              f"      if (x_a != {n}'d0 && x_b != {n}'d0) begin"]
    for x in "ab":
        lines += ["  " + s for s in leading_one(f"k_{x}", f"x_{x}", n, "i")]
        lines += [f"        r_{x} = x_{x} - ({n}'d1 << k_{x});"]
    lines += [(f"        mag = mag + ({2 * n + 1}'d1 << (k_a + k_b)) + ({{{n + 1}'d0, r_a}} << k_b)"
              f" + ({{{n + 1}'d0, r_b}} << k_a);"),
              "        x_a = r_a;", "        x_b = r_b;",
              "      end else begin", f"        x_a = {n}'d0;", f"        x_b = {n}'d0;", "      end",
              "    end", "  end"]
    return lines


def reference(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish(p, "mag")])


def reference_mac(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish_mac(p, "mag")])
