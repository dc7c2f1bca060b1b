"""Winograd transforms written as the two matrix products of their definition: out = (L @ in) @ R^T.

Every sum is written term by term from the matrix entries, in the ring of ``out_width``-bit integers
(adds, subtracts and constant multiples commute with the final reduction modulo 2^out_width, so an
intermediate wrap never changes the result). The gateware factors and shares partial sums its own way.
"""

from __future__ import annotations

__all__ = ["element", "bilinear", "signed_elements"]


def element(port: str, index: int, width: int) -> str:
    """Element ``index`` (row-major) of a flat array port of ``width``-bit elements."""
    return f"{port}[{(index + 1) * width - 1}:{index * width}]"


def _sum(coefs, operands, width: int) -> str:
    terms = []
    for c, x in zip(coefs, operands):
        c = int(c)
        if c:
            mag = x if abs(c) == 1 else f"{width}'sd{abs(c)} * {x}"
            terms.append(("- " if c < 0 else "+ ") + mag)
    if not terms:
        return f"{width}'sd0"
    first = terms[0]
    return " ".join(["-" + first[2:] if first.startswith("- ") else first[2:]] + terms[1:])


def signed_elements(name: str, port: str, n: int, in_width: int, width: int) -> list[str]:
    """Wires ``name_k_c``: the n x n signed elements of a flat port, sign-extended to ``width`` bits."""
    lines = []
    for k in range(n):
        for c in range(n):
            idx = k * n + c
            lines.append(f"  wire signed [{width - 1}:0] {name}_{k}_{c} = $signed({{{{{width - in_width}"
                         f"{{{port}[{(idx + 1) * in_width - 1}]}}}}, {element(port, idx, in_width)}}});")
    return lines


def bilinear(out: str, out_width: int, inp: str | None, in_width: int, left, right, assign: bool = True,
             source: str | None = None) -> str:
    """Statements computing ``out`` = left @ in @ right^T: ``in`` is the n x n signed array port ``inp``
    or, when ``source`` is given, the wires ``source_k_c``; ``assign`` drives the flat output port
    ``out``, else declares wires ``out_i_j``."""
    rows, cols, n = len(left), len(right), len(left[0])
    w = out_width
    lines = []
    if source is None:
        lines += signed_elements(f"{out}_in", inp, n, in_width, w)
        source = f"{out}_in"
    for i in range(rows):  # T = left @ in
        for c in range(n):
            ops = [f"{source}_{k}_{c}" for k in range(n)]
            lines.append(f"  wire signed [{w - 1}:0] {out}_t_{i}_{c} = {_sum(left[i], ops, w)};")
    for i in range(rows):  # out = T @ right^T
        for j in range(cols):
            ops = [f"{out}_t_{i}_{c}" for c in range(n)]
            target = f"assign {element(out, i * cols + j, w)}" if assign else f"wire signed [{w - 1}:0] {out}_{i}_{j}"
            lines.append(f"  {target} = {_sum(right[j], ops, w)};")
    return "\n".join(lines)
