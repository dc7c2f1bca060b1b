"""Reference of `wino_adder` (units.md §4): y = A^T [-|u - (B^T d B) * 2^u_frac|] A.

V = B^T d B is computed exactly (wide enough that nothing wraps: the absolute value is not a ring
operation), then the element-wise -|u - V * 2^u_frac|, then the output transform modulo 2^out_width."""

from hwgen.numeric.winograd_matrices import resolve
from hwgen.params import ParamError
from hwgen.units.winograd.reference_text import bilinear, signed_elements

#: Configurations that prove in seconds (tests use them; the defaults may take minutes).
QUICK = ({"d_width": 4, "u_width": 6},)


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise ParamError(f"The wino_adder reference covers pipeline=0 only, not pipeline={p['pipeline']}; "
                         "pipelined designs are checked by simulation")
    mats = resolve(p["matrices"], p["tile"])
    n, uw, frac = len(mats.BT), p["u_width"], p["u_frac"]
    # |entries of B^T d B| <= (max row sum of |B^T|)^2 * 2^(d_width-1): generous exact width
    row = max(sum(abs(int(v)) for v in r) for r in mats.BT)
    wide = max(uw, p["d_width"] + 2 * row.bit_length() + frac) + 3
    ow = ports["y"].elem_width
    lines = [bilinear("v", wide, "d", p["d_width"], mats.BT, mats.BT, assign=False)]
    lines += signed_elements("u", "u", n, uw, wide)
    for k in range(n):
        for c in range(n):
            lines += [f"  wire signed [{wide - 1}:0] diff_{k}_{c} = u_{k}_{c} - (v_{k}_{c} <<< {frac});",
                      f"  wire signed [{ow - 1}:0] m_{k}_{c} = (diff_{k}_{c} < 0) ? diff_{k}_{c} : -diff_{k}_{c};"]
    lines.append(bilinear("y", ow, None, ow, mats.AT, mats.AT, source="m"))
    return "\n".join(lines)
