"""Behavioural reference of `mitchw_ec` / `mitchw_ec_mac` for `hwgen prove`, written from units.md §8.

Per operand: k by a loop, the K = w - 1 bits right below the leading one (normalise, slice),
L' = ((k << K) | frac) << q, the segment = top log2(m) bits of frac. r = L'(a) + L'(b) + C (C from the
table, as a case statement: the table is data, from :mod:`.table`), c = r >> Q, f = r mod 2^Q,
P = floor((2^Q + f) 2^(c - Q)).
"""

from hwgen.units._approx_reference import finish, finish_mac, magnitudes
from hwgen.units.mitchw_ec.table import segment_bits, table_for

QUICK = ({"width": 5, "w": 4, "q": 2, "correction": "segments", "m": 4, "signedness": "unsigned", "pipeline": 0},
         {"width": 5, "w": 3, "q": 1, "correction": "constant", "m": 2, "signedness": "sign_magnitude",
          "pipeline": 1},
         {"width": 5, "w": 4, "q": 2, "correction": "segments", "m": 2, "signedness": "ones_complement",
          "pipeline": 0})
MAC_QUICK = ({"width": 4, "w": 3, "q": 2, "correction": "segments", "m": 2, "signedness": "sign_magnitude",
              "acc_width": 10, "pipeline": 1},)


def _magnitude(p) -> list[str]:
    n, w, q = p["width"], p["w"], p["q"]
    K, Q = w - 1, w - 1 + q
    s = segment_bits(p["correction"], p["m"])
    table = table_for(p)
    rw = Q + 8  # room for the characteristic (< 2N <= 64) above the fraction
    lines = magnitudes(p)
    for x in "ab":
        lines += [f"  reg [{rw - 1}:0] l_{x};", f"  reg [{n - 1}:0] norm_{x};", f"  reg [{K - 1}:0] f_{x};",
                  f"  integer i_{x}, k_{x};", "  always @* begin", f"    k_{x} = 0;",
                  f"    for (i_{x} = 0; i_{x} < {n}; i_{x} = i_{x} + 1)",
                  f"      if (m_{x}[i_{x}]) k_{x} = i_{x};",
                  f"    norm_{x} = m_{x} << ({n - 1} - k_{x});",
                  f"    f_{x} = norm_{x}[{n - 2}:{n - 1 - K}];" if n - 1 - K >= 0 and K <= n - 1 else "",
                  f"    l_{x} = ((k_{x} << {K}) | f_{x}) << {q};", "  end"]
    idx = f"  wire [{max(2 * s, 1) - 1}:0] idx = {{f_a[{K - 1}:{K - s}], f_b[{K - 1}:{K - s}]}};" if s else ""
    lines += [idx, f"  reg [{rw - 1}:0] corr;", "  always @* begin"]
    if s == 0:
        lines.append(f"    corr = {table[0][0]};")
    else:
        # A chain of comparisons (a case statement would become a ROM, which Yosys' SAT cannot model).
        chain = " : ".join(f"(idx == {i * len(row) + j}) ? {c}" for i, row in enumerate(table)
                           for j, c in enumerate(row))
        lines.append(f"    corr = {chain} : 0;")
    lines += ["  end",
              f"  wire [{rw - 1}:0] r = l_a + l_b + corr;",
              f"  wire [{rw - 1}:0] c = r >> {Q};",
              f"  wire [{2 * n + Q + 1}:0] mant = {{{2 * n + 1}'d1, r[{Q - 1}:0]}};",
              f"  wire [{2 * n + Q + 1}:0] shifted = (c >= {Q}) ? (mant << (c - {Q})) : (mant >> ({Q} - c));",
              f"  wire [{2 * n}:0] mag = zero ? {2 * n + 1}'d0 : shifted[{2 * n}:0];"]
    return lines


def reference(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish(p, "mag")])


def reference_mac(p, ports=None) -> str:
    return "\n".join(_magnitude(p) + [finish_mac(p, "mag")])
