"""Reference of `requant` (units.md §3): v = x + bias exactly; q = floor(v / 2^s) and the remainder's
top bit (the half) and the OR of the bits below it (the sticky bit) decide the rounding; then
saturation to [lo, hi] by comparison. The gateware adds a rounding constant before a floor shift
instead: a different formulation."""

from hwgen.reference_verilog import extend, output_delay


def _const(value: int, width: int) -> str:
    return f"$signed({width}'h{value & ((1 << width) - 1):x})"


def rounded(p, x: str, x_width: int) -> list[str]:
    """Declarations of ``t`` (signed): ``x`` (``x_width`` bits, signed) shifted right by ``shift`` bits
    with the unit's rounding mode."""
    s, mode = p["shift"], p["rounding"]
    lines = [f"  wire signed [{x_width - 1}:0] v = {x};"]
    if s == 0:
        return lines + [f"  wire signed [{x_width}:0] t = {extend('v', x_width, x_width + 1, True)};"]
    half = f"v[{s - 1}]"
    sticky = f"(|v[{s - 2}:0])" if s >= 2 else "1'b0"
    q = "q[0]"
    up = {"floor": "1'b0", "half_up": half, "half_away": f"{half} & ({sticky} | ~v[{x_width - 1}])",
          "half_even": f"{half} & ({sticky} | {q})"}[mode]
    return lines + [f"  wire signed [{x_width - 1}:0] q = v >>> {s};",
                    f"  wire up = {up};",
                    f"  wire signed [{x_width}:0] t = {extend('q', x_width, x_width + 1, True)} + "
                    f"{{{x_width}'d0, up}};"]


def saturated(p, t_width: int) -> list[str]:
    ow = p["out_width"]
    lo, hi = (0, (1 << ow) - 1) if p["relu"] else (-(1 << (ow - 1)), (1 << (ow - 1)) - 1)
    return [f"  wire [{ow - 1}:0] sat = (t < {_const(lo, t_width)}) ? {ow}'h{lo & ((1 << ow) - 1):x} : "
            f"(t > {_const(hi, t_width)}) ? {ow}'h{hi:x} : t[{ow - 1}:0];"]


def reference(p, ports=None) -> str:
    iw, bw = p["in_width"], p["bias_width"]
    width = max(iw, bw) + 2
    x = extend("x", iw, width, True)
    if bw:
        x = f"{x} + {extend('bias', bw, width, True)}"
    lines = rounded(p, x, width) + saturated(p, width + 1)
    return "\n".join(lines + [output_delay("y", "sat", p["out_width"], p["pipeline"])])
