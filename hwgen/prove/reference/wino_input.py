"""Reference of `wino_input`: V = B^T d B (units.md §4), every element summed on its own."""

from ...winograd_matrices import resolve
from ._winograd import bilinear


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise NotImplementedError("the wino_input reference covers pipeline=0")
    bt = resolve("standard", p["tile"]).BT
    return bilinear("v", ports["v"].elem_width, "d", p["d_width"], bt, bt)
