"""Reference of `requant_mul`: (x + bias) * M by shift and add over the bits of M (the constant
``multiplier`` or the port ``m``), then the `requant` reference's rounding shift and saturation."""

from ._common import extend, output_delay, shift_add_product
from .requant import rounded, saturated


def reference(p, ports=None) -> str:
    iw, bw, mb = p["in_width"], p["bias_width"], p["mult_bits"]
    width = max(iw, bw) + 2
    total = width + mb + 1
    x = extend("x", iw, width, True)
    if bw:
        x = f"{x} + {extend('bias', bw, width, True)}"
    m = "m" if p["multiplier"] == 0 else f"{mb}'d{p['multiplier']}"
    lines = [f"  wire [{width - 1}:0] xb = {x};",
             shift_add_product("prod", "xb", width, True, m, mb, False, total)]
    lines += rounded(p, "prod", total) + saturated(p, total + 1)
    return "\n".join(lines + [output_delay("y", "sat", p["out_width"], p["pipeline"])])
