"""Verilog snippets shared by the behavioural references: shift-and-add products, output delays."""

from __future__ import annotations

__all__ = ["shift_add_product", "output_delay", "accumulator", "extend"]


def shift_add_product(name: str, a: str, a_width: int, a_signed: bool, b: str, b_width: int,
                      b_signed: bool, out_width: int) -> str:
    """Declare ``reg [out_width-1:0] name`` = a * b (modulo 2^out_width) by shift and add over the bits
    of ``b``: the schoolbook definition, with the sign bit of a signed ``b`` weighing -2^(b_width-1)."""
    ext = extend(a, a_width, out_width, a_signed) if out_width >= a_width else f"{a}[{out_width - 1}:0]"
    last = b_width - 1
    op = "-" if b_signed else "+"
    return "\n".join([
        f"  reg [{out_width - 1}:0] {name};",
        f"  wire [{out_width - 1}:0] {name}_x = {ext};",
        f"  integer {name}_i;",
        "  always @* begin",
        f"    {name} = {out_width}'d0;",
        f"    for ({name}_i = 0; {name}_i < {last}; {name}_i = {name}_i + 1)",
        f"      if ({b}[{name}_i]) {name} = {name} + ({name}_x << {name}_i);",
        f"    if ({b}[{last}]) {name} = {name} {op} ({name}_x << {last});",
        "  end",
    ])


def output_delay(out: str, value: str, width: int, stages: int) -> str:
    """Drive output ``out`` with ``value`` delayed by ``stages`` registers, each cleared by a synchronous
    ``rst`` (the convention of the generated designs' ``pipeline`` parameter)."""
    if stages == 0:
        return f"  assign {out} = {value};"
    lines = [f"  reg [{width - 1}:0] {out}_q [0:{stages - 1}];", "  integer {0}_s;".format(out),
             "  initial for ({0}_s = 0; {0}_s < {1}; {0}_s = {0}_s + 1) {0}_q[{0}_s] = 0;".format(out, stages),
             "  always @(posedge clk) begin",
             f"    {out}_q[0] <= rst ? {width}'d0 : {value};",
             f"    for ({out}_s = 1; {out}_s < {stages}; {out}_s = {out}_s + 1)",
             f"      {out}_q[{out}_s] <= rst ? {width}'d0 : {out}_q[{out}_s - 1];",
             "  end",
             f"  assign {out} = {out}_q[{stages - 1}];"]
    return "\n".join(lines)


def extend(expr: str, width: int, to: int, is_signed: bool) -> str:
    """``expr`` (``width`` bits) sign- or zero-extended to ``to`` bits."""
    if to == width:
        return expr
    fill = f"{{{to - width}{{{expr}[{width - 1}]}}}}" if is_signed else f"{to - width}'d0"
    return f"{{{fill}, {expr}}}"


def accumulator(term: str, acc_width: int, stages: int, out: str = "acc") -> str:
    """The MAC protocol around a combinational ``term`` (already ``acc_width`` bits): ``term``, ``en`` and
    ``clr`` pass through ``stages`` registers together; on an edge with the delayed ``en``,
    ``total <- (clr ? 0 : total) + term`` modulo 2^acc_width; a synchronous ``rst`` clears everything."""
    lines = [f"  reg [{acc_width - 1}:0] total = 0;", f"  assign {out} = total;"]
    if stages == 0:
        lines += [f"  wire [{acc_width - 1}:0] term_d = {term};", "  wire go = en;", "  wire restart = clr;"]
    else:
        lines += [f"  reg [{acc_width - 1}:0] term_q [0:{stages - 1}];",
                  f"  reg [{stages - 1}:0] en_q = 0, clr_q = 0;",
                  "  integer s;",
                  f"  initial for (s = 0; s < {stages}; s = s + 1) term_q[s] = 0;",
                  "  always @(posedge clk) begin",
                  f"    term_q[0] <= rst ? {acc_width}'d0 : {term};",
                  f"    for (s = 1; s < {stages}; s = s + 1) term_q[s] <= rst ? {acc_width}'d0 : term_q[s - 1];",
                  f"    en_q <= rst ? {stages}'d0 : {{en_q, en}};",
                  f"    clr_q <= rst ? {stages}'d0 : {{clr_q, clr}};",
                  "  end",
                  f"  wire [{acc_width - 1}:0] term_d = term_q[{stages - 1}];",
                  f"  wire go = en_q[{stages - 1}];",
                  f"  wire restart = clr_q[{stages - 1}];"]
    lines += ["  always @(posedge clk)",
              f"    if (rst) total <= {acc_width}'d0;",
              f"    else if (go) total <= (restart ? {acc_width}'d0 : total) + term_d;"]
    return "\n".join(lines)
