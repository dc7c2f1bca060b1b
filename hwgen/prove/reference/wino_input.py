"""Reference of `wino_input`: V = (B^T d) B (units.md §4), each product written term by term."""

from ...params import ParamError
from ...winograd_matrices import resolve
from ._winograd import bilinear


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise ParamError(f"The wino_input reference covers pipeline=0 only, not pipeline={p['pipeline']}; "
                         "pipelined designs are checked by simulation")
    bt = resolve("standard", p["tile"]).BT
    return bilinear("v", ports["v"].elem_width, "d", p["d_width"], bt, bt)
