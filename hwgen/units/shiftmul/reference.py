"""Reference of `shift_mul` (units.md §3, base-1/2 exponential weights): code b = (sign, j);
p = a * (-1)^sign * 2^(emax - j), or 0 for the all-ones j; a mux over every exponent, not a shifter."""

from hwgen.reference_verilog import extend, output_delay


def product(p, out_width: int) -> str:
    """Declarations computing ``prod`` (``out_width`` bits, two's complement)."""
    n, w = p["code_bits"], p["width"]
    emax = (1 << (n - 1)) - 2
    return "\n".join([
        f"  wire [{n - 2}:0] j = b[{n - 2}:0];",
        f"  wire [{out_width - 1}:0] ax = {extend('a', w, out_width, p['signed'])};",
        f"  reg [{out_width - 1}:0] mag;",
        "  integer t;",
        "  always @* begin",
        f"    mag = {out_width}'d0;",
        f"    for (t = 0; t <= {emax}; t = t + 1)",
        f"      if (j == t) mag = ax * (1 << ({emax} - t));",
        "  end",
        f"  wire [{out_width - 1}:0] prod = b[{n - 1}] ? -mag : mag;",
    ])


def reference(p, ports=None) -> str:
    out_width = p["width"] + (1 << (p["code_bits"] - 1)) - 2 + 1
    return "\n".join([product(p, out_width), output_delay("p", "prod", out_width, p["pipeline"])])
