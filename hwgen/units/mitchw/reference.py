"""Reference of `mitchw`, written from units.md §1 in behavioural Verilog.

Per operand: the index k of the leading one (a loop over the bits), the K = w-1 bits right below it
(normalise by shifting the leading one to the top, then slice), forced last bit when ``unbiased`` and
bits are dropped (k > K); L = (k << K) | frac. Then r = L(a) + L(b), c = r >> K, m = r mod 2^K and
P = (2^K + m) * 2^(c-K), floored. Signed modes feed ones' complement or exact magnitudes and fix the sign
of the result; an operand equal to +0 (or any 0, unsigned) gives 0. In sign-magnitude the product is
formed in 2N + 1 bits and saturated into the 2N-bit port (``prod_full`` is what the MAC reference adds).
"""

from hwgen.reference_verilog import output_delay


def _log_form(x: str, n: int, k_bits: int, frac_bits: int, unbiased: bool) -> list[str]:
    lw = k_bits + frac_bits
    drop = f"      if (k_{x} > {frac_bits}) f_{x} = f_{x} | {frac_bits}'d1;" if unbiased else ""
    return [
        f"  reg [{lw - 1}:0] l_{x};",
        f"  reg [{n - 1}:0] norm_{x};",
        f"  reg [{frac_bits - 1}:0] f_{x};",
        f"  integer i_{x}, k_{x};",
        "  always @* begin",
        f"    k_{x} = 0;",
        f"    for (i_{x} = 0; i_{x} < {n}; i_{x} = i_{x} + 1)",
        f"      if (m_{x}[i_{x}]) k_{x} = i_{x};",
        f"    norm_{x} = m_{x} << ({n - 1} - k_{x});",
        f"    f_{x} = norm_{x}[{n - 2}:{n - 1 - frac_bits}];",
        drop,
        f"    l_{x} = (k_{x} << {frac_bits}) | f_{x};",
        "  end",
    ]


#: Configurations that prove in seconds: the defaults, and the one port overflow (saturated) of
#: sign_magnitude at w = 2, unbiased.
QUICK = ({}, {"width": 4, "w": 2, "signedness": "sign_magnitude", "unbiased": True})


def reference(p, ports=None) -> str:
    n, w, mode, pipeline = p["width"], p["w"], p["signedness"], p["pipeline"]
    K = w - 1
    k_bits = max(1, (n - 1).bit_length())
    lines = []
    if mode == "unsigned":
        lines += [f"  wire [{n - 1}:0] m_a = a;", f"  wire [{n - 1}:0] m_b = b;"]
    elif mode == "ones_complement":
        for x in "ab":
            lines += [f"  wire [{n - 1}:0] oc_{x} = {x}[{n - 1}] ? ~{x} : {x};",
                      f"  wire [{n - 1}:0] m_{x} = (oc_{x} == 0) ? {n}'d1 : oc_{x};"]
    else:
        lines += [f"  wire [{n - 1}:0] m_{x} = {x}[{n - 1}] ? -{x} : {x};" for x in "ab"]
    for x in "ab":
        lines += _log_form(x, n, k_bits, K, p["unbiased"])
    lw = k_bits + K
    lines += [
        f"  wire [{lw}:0] r = l_a + l_b;",
        f"  wire [{lw - K}:0] c = r >> {K};",
        f"  wire [{2 * n - 1}:0] mant = {{{2 * n - K - 1}'d1, r[{K - 1}:0]}};",
        f"  wire [{2 * n - 1}:0] pu = (c >= {K}) ? (mant << (c - {K})) : (mant >> ({K} - c));",
        f"  wire zero = (a == {n}'d0) || (b == {n}'d0);",
    ]
    if mode == "unsigned":
        lines.append(f"  wire [{2 * n - 1}:0] prod = zero ? {2 * n}'d0 : pu;")
    elif mode == "ones_complement":
        lines.append(f"  wire [{2 * n - 1}:0] prod = zero ? {2 * n}'d0 : "
                     f"(a[{n - 1}] ^ b[{n - 1}]) ? ~pu : pu;")
    else:
        # The true product in 2N + 1 bits (what a MAC adds), then saturation into the 2N-bit signed port:
        # +2^(2N-1) (from (-2^(N-1))^2 at w = 2, unbiased) becomes 2^(2N-1) - 1.
        lines += [f"  wire [{2 * n}:0] prod_full = zero ? {2 * n + 1}'d0 : "
                  f"(a[{n - 1}] ^ b[{n - 1}]) ? -{{1'b0, pu}} : {{1'b0, pu}};",
                  f"  wire [{2 * n - 1}:0] prod = (!prod_full[{2 * n}] && prod_full[{2 * n - 1}]) ? "
                  f"{{1'b0, {{{2 * n - 1}{{1'b1}}}}}} : prod_full[{2 * n - 1}:0];"]
    lines.append(output_delay("p", "prod", 2 * n, pipeline))
    return "\n".join(lines)
