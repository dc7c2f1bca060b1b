"""Reference of `wino_input`: V = (B^T d) B (units.md §4), each product written term by term."""

from hwgen.numeric.winograd_matrices import resolve
from hwgen.params import ParamError
from hwgen.units.winograd.reference_text import bilinear


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise ParamError(f"The wino_input reference covers pipeline=0 only, not pipeline={p['pipeline']}; "
                         "pipelined designs are checked by simulation")
    bt = resolve("standard", p["tile"]).BT
    return bilinear("v", ports["v"].elem_width, "d", p["d_width"], bt, bt)
