"""Reference of `mac`: on a clock edge with ``en`` (as delayed by the pipeline),
``acc <- (clr ? 0 : acc) + a*b`` modulo 2^acc_width; product, ``en`` and ``clr`` travel together through
``pipeline`` registers; a synchronous ``rst`` clears every register."""

from .common import shift_add_product


def reference(p) -> str:
    w, acc_w, stages, signed = p["width"], p["acc_width"], p["pipeline"], p["signed"]
    lines = [shift_add_product("prod", "a", "b", w, signed, acc_w),
             f"  reg [{acc_w - 1}:0] total = 0;",
             "  assign acc = total;"]
    if stages == 0:
        lines += [f"  wire [{acc_w - 1}:0] term = prod;", "  wire go = en;", "  wire restart = clr;"]
    else:
        lines += [f"  reg [{acc_w - 1}:0] term_q [0:{stages - 1}];",
                  f"  reg [{stages - 1}:0] en_q = 0, clr_q = 0;",
                  "  integer s;",
                  f"  initial for (s = 0; s < {stages}; s = s + 1) term_q[s] = 0;",
                  "  always @(posedge clk) begin",
                  f"    term_q[0] <= rst ? {acc_w}'d0 : prod;",
                  f"    for (s = 1; s < {stages}; s = s + 1) term_q[s] <= rst ? {acc_w}'d0 : term_q[s - 1];",
                  f"    en_q <= rst ? {stages}'d0 : {{en_q, en}};",
                  f"    clr_q <= rst ? {stages}'d0 : {{clr_q, clr}};",
                  "  end",
                  f"  wire [{acc_w - 1}:0] term = term_q[{stages - 1}];",
                  f"  wire go = en_q[{stages - 1}];",
                  f"  wire restart = clr_q[{stages - 1}];"]
    lines += ["  always @(posedge clk)",
              f"    if (rst) total <= {acc_w}'d0;",
              f"    else if (go) total <= (restart ? {acc_w}'d0 : total) + term;"]
    return "\n".join(lines)
