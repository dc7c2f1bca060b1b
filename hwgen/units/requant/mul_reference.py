"""Reference of `requant_mul`: (x + bias) * M by shift and add over the bits of M (the constant
``multiplier`` or the port ``m``), then the `requant` reference's rounding shift and saturation."""

from hwgen.reference_verilog import extend, output_delay, shift_add_product
from hwgen.units.requant.reference import rounded, saturated

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"in_width": 8, "out_width": 4, "mult_bits": 4},
         {"in_width": 12, "out_width": 6, "mult_bits": 8, "multiplier": 181, "bias_width": 6})


def reference(p, ports=None) -> str:
    iw, bw, mb = p["in_width"], p["bias_width"], p["mult_bits"]
    width = max(iw, bw) + 2
    total = width + mb + 1
    x = extend("x", iw, width, True)
    if bw:
        x = f"{x} + {extend('bias', bw, width, True)}"
    lines = [f"  wire [{width - 1}:0] xb = {x};"]
    if p["multiplier"]:
        lines.append(f"  wire [{mb - 1}:0] mconst = {mb}'d{p['multiplier']};")
    m = "mconst" if p["multiplier"] else "m"
    lines.append(shift_add_product("prod", "xb", width, True, m, mb, False, total))
    lines += rounded(p, "prod", total) + saturated(p, total + 1)
    return "\n".join(lines + [output_delay("y", "sat", p["out_width"], p["pipeline"])])
