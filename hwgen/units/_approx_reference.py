"""Verilog snippets shared by the behavioural references of `drum`, `ilm` and `mitchw_ec` (units.md §8):
operand magnitudes, the leading-one index by a loop, the sign and saturation of the 2N-bit port, and the
MAC around the true product. Written from the specification, never from the gateware.
"""

from __future__ import annotations

from hwgen.reference_verilog import accumulator, output_delay

__all__ = ["finish", "finish_mac", "leading_one", "magnitudes"]


def magnitudes(p) -> list[str]:
    """``m_a``, ``m_b``: the unsigned operands (|x| in sign_magnitude; ~x, or 1 for x = -1, in
    ones_complement; N bits), ``zero`` and ``neg``."""
    n = p["width"]
    if p["signedness"] == "unsigned":
        lines = [f"  wire [{n - 1}:0] m_{x} = {x};" for x in "ab"] + ["  wire neg = 1'b0;"]
    elif p["signedness"] == "ones_complement":
        lines = []
        for x in "ab":
            lines += [f"  wire [{n - 1}:0] inv_{x} = {x}[{n - 1}] ? ~{x} : {x};",
                      f"  wire [{n - 1}:0] m_{x} = ({x}[{n - 1}] && inv_{x} == {n}'d0) ? {n}'d1 : inv_{x};"]
        lines.append(f"  wire neg = a[{n - 1}] ^ b[{n - 1}];")
    else:
        lines = [f"  wire [{n - 1}:0] m_{x} = {x}[{n - 1}] ? -{x} : {x};" for x in "ab"]
        lines.append(f"  wire neg = a[{n - 1}] ^ b[{n - 1}];")
    lines.append(f"  wire zero = (a == {n}'d0) || (b == {n}'d0);")
    return lines


def leading_one(out: str, value: str, n: int, loop: str) -> list[str]:
    """Statements (inside an always block) setting integer ``out`` to the index of the leading one."""
    return [f"    {out} = 0;", f"    for ({loop} = 0; {loop} < {n}; {loop} = {loop} + 1)",
            f"      if ({value}[{loop}]) {out} = {loop};"]


def _true_product(p, magnitude: str) -> str:
    """``true_p``: the signed product before the port (2N + 2 bits): negated when ``neg``, or bit-inverted
    (-P - 1) in ones_complement unless an operand is +0."""
    w = 2 * p["width"] + 2
    value = f"$signed({{1'b0, {magnitude}}})"
    if p["signedness"] == "ones_complement":
        return f"  wire signed [{w - 1}:0] true_p = (neg && !zero) ? -{value} - 1 : {value};"
    return f"  wire signed [{w - 1}:0] true_p = neg ? -{value} : {value};"


def finish(p, magnitude: str) -> str:
    """Port ``p`` from the unsigned ``magnitude`` (2N + 1 bits, 0 for a zero operand): unsigned saturated
    at 2^2N - 1; signed exact negation, saturated to the 2N-bit two's complement range."""
    n = p["width"]
    w = 2 * n + 2
    lines = [_true_product(p, magnitude)]
    if p["signedness"] == "unsigned":
        lines.append(f"  wire [{2 * n - 1}:0] prod = (true_p > {(1 << (2 * n)) - 1}) ? {{{2 * n}{{1'b1}}}} : "
                     f"true_p[{2 * n - 1}:0];")
    else:
        hi, lo = (1 << (2 * n - 1)) - 1, 1 << (2 * n - 1)
        lines += [f"  wire signed [{w - 1}:0] hi_p = {hi};", f"  wire signed [{w - 1}:0] lo_p = -{lo};",
                  (f"  wire [{2 * n - 1}:0] prod = (true_p > hi_p) ? hi_p[{2 * n - 1}:0] : "
                  f"(true_p < lo_p) ? lo_p[{2 * n - 1}:0] : true_p[{2 * n - 1}:0];")]
    lines.append(output_delay("p", "prod", 2 * n, p["pipeline"]))
    return "\n".join(lines)


def finish_mac(p, magnitude: str) -> str:
    """The MAC protocol around the true (unsaturated) product, sign-extended to ``acc_width``."""
    n, acc = p["width"], p["acc_width"]
    w = 2 * n + 2
    term = f"true_p[{acc - 1}:0]" if acc <= w else f"{{{{{acc - w}{{true_p[{w - 1}]}}}}, true_p}}"
    return "\n".join([_true_product(p, magnitude), accumulator(term, acc, p["pipeline"])])
