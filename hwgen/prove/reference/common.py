"""Verilog snippets shared by the behavioural references: shift-and-add products, output delays."""

from __future__ import annotations

__all__ = ["shift_add_product", "output_delay"]


def shift_add_product(name: str, a: str, b: str, width: int, is_signed: bool, out_width: int) -> str:
    """Declare ``reg [out_width-1:0] name`` = a * b (modulo 2^out_width) by shift and add over the bits
    of ``b``: the schoolbook definition, with the sign bit of a signed ``b`` weighing -2^(width-1)."""
    ext = f"{{{{{out_width - width}{{{a}[{width - 1}]}}}}, {a}}}" if is_signed else \
        f"{{{{{out_width - width}{{1'b0}}}}, {a}}}"
    if out_width == width:
        ext = a
    last = (f"      if ({b}[{width - 1}]) {name} = {name} - ({name}_x << {width - 1});"
            if is_signed else f"      if ({b}[{width - 1}]) {name} = {name} + ({name}_x << {width - 1});")
    return "\n".join([
        f"  reg [{out_width - 1}:0] {name};",
        f"  wire [{out_width - 1}:0] {name}_x = {ext};",
        f"  integer {name}_i;",
        "  always @* begin",
        f"    {name} = {out_width}'d0;",
        f"    for ({name}_i = 0; {name}_i < {width - 1}; {name}_i = {name}_i + 1)",
        f"      if ({b}[{name}_i]) {name} = {name} + ({name}_x << {name}_i);",
        last,
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
