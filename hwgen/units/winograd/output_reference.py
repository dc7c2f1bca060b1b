"""Reference of `wino_output`: Y = (A^T M) A (units.md §4), each product written term by term."""

from hwgen.numeric.winograd_matrices import resolve
from hwgen.params import ParamError
from hwgen.units.winograd.reference_text import bilinear


def reference(p, ports) -> str:
    if p["pipeline"]:
        raise ParamError(f"The wino_output reference covers pipeline=0 only, not pipeline={p['pipeline']}; "
                         "pipelined designs are checked by simulation")
    at = resolve(p["matrices"], p["tile"]).AT
    return bilinear("y", ports["y"].elem_width, "m", p["m_width"], at, at)
