"""Reference of `wino_output`: Y = A^T M A (units.md §4), every element summed on its own."""

from ...winograd_matrices import resolve
from ._winograd import bilinear


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise NotImplementedError("the wino_output reference covers pipeline=0")
    at = resolve(p["matrices"], p["tile"]).AT
    return bilinear("y", ports["y"].elem_width, "m", p["m_width"], at, at)
