"""Constant-coefficient linear combinations as shift-and-add trees, and 2-D transforms built from them.

A transform matrix entry c becomes its canonical signed digit (CSD) form, e.g. 5 = 4 + 1, 7 = 8 - 1, so a
transform costs only adders and subtractors (the point of Winograd's B^T and A^T). Each tree node is a
named signal as wide as its (sound) range needs, capped at the result's exact width: two's complement
addition modulo 2^W is exact for a result known to fit W bits, so capping never loses a bit that matters.
"""

from __future__ import annotations

from typing import Sequence

from amaranth.hdl import Const, Mux, Signal, Value, signed

from .widths import Range, lin_range

__all__ = ["Term", "csd", "lincomb", "transform_2d", "neg_abs_diff", "delay_terms", "stage_plan"]

Term = tuple[Value, Range]  # a signal and the range of values it can hold


def csd(c: int) -> list[tuple[int, int]]:
    """Canonical signed digits of ``c`` as (sign, shift) pairs: fewest nonzero digits, none adjacent."""
    digits, k = [], 0
    while c:
        if c & 1:
            d = 2 - (c & 3)  # +1 when c = 1 mod 4, -1 when c = 3 mod 4
            digits.append((d, k))
            c -= d
        c >>= 1
        k += 1
    return digits


def _node(m, value: Value, rng: Range, cap: int, name: str) -> Term:
    sig = Signal(signed(min(rng.width, cap)), name=name)
    m.d.comb += sig.eq(value)
    return sig, rng


def lincomb(m, terms: Sequence[tuple[int, Value, Range]], name: str) -> Term:
    """``sum(c * x)`` over (c, x, range of x) with shifts and adds; returns the result and its exact range.

    The result's range is computed from the coefficients (exact for independent x); the partial sums
    are sized from their own, possibly looser, interval ranges and capped at the result's width.
    """
    exact = lin_range([(c, r) for c, _, r in terms])
    cap = exact.width
    parts: list[tuple[int, Value, Range]] = []  # (sign, value, range of value)
    for c, x, r in terms:
        for sign, shift in csd(c):
            parts.append((sign, x << shift if shift else x, r.scale(1 << shift)))
    if not parts:
        sig = Signal(signed(1), name=name)
        m.d.comb += sig.eq(Const(0, signed(1)))
        return sig, exact
    level = 0
    while len(parts) > 1:  # balanced tree: depth log2(number of partial products)
        nxt = []
        for i in range(0, len(parts) - 1, 2):
            (sa, a, ra), (sb, b, rb) = parts[i], parts[i + 1]
            node = f"{name}_s{level}_{i // 2}"
            if sa == sb:  # (+a)+(+b) or (-a)+(-b) = -(a+b)
                v, r = _node(m, a + b, ra + rb, cap, node)
                nxt.append((sa, v, r))
            else:  # one positive, one negative: pos - neg
                (p, rp), (q, rq) = ((a, ra), (b, rb)) if sa > 0 else ((b, rb), (a, ra))
                v, r = _node(m, p - q, rp - rq, cap, node)
                nxt.append((1, v, r))
        if len(parts) % 2:
            nxt.append(parts[-1])
        parts, level = nxt, level + 1
    sign, v, r = parts[0]
    sig = Signal(signed(cap), name=name)
    m.d.comb += sig.eq(v if sign > 0 else -v)
    return sig, exact


def transform_2d(m, L: Sequence[Sequence[int]], X: Sequence[Sequence[Term]], name: str, mid: int = 0):
    """``L X L^T`` for a square grid X of terms, as two separable passes (rows of L X, then columns),
    with ``mid`` register stages between the passes.

    Returns the grid of result terms. A separable pass shares work: F(2x2) input transform takes 32
    add/sub instead of 48 for each output element summed on its own.
    """
    rows, k = len(L), len(X)
    T = [[lincomb(m, [(L[i][q], *X[q][j]) for q in range(k)], f"{name}_t{i}_{j}") for j in range(k)]
         for i in range(rows)]
    T = delay_terms(m, T, mid, f"{name}_t")
    return [[lincomb(m, [(L[j][q], *T[i][q]) for q in range(k)], f"{name}_{i}_{j}") for j in range(rows)]
            for i in range(rows)]


def neg_abs_diff(m, u: Term, v: Term, shift: int, name: str) -> Term:
    """The AdderNet operation ``-|u - (v << shift)|``. ``-|x|`` fits the width of x (``|x|`` may not)."""
    (uv, ur), (vv, vr) = u, v
    dr = ur - vr.scale(1 << shift)
    diff = Signal(signed(dr.width), name=f"{name}_diff")
    m.d.comb += diff.eq(uv - (vv << shift))
    nr = dr.neg_abs()
    out = Signal(signed(nr.width), name=name)
    m.d.comb += out.eq(Mux(diff[-1], diff, -diff))
    return out, nr


def delay_terms(m, grid, stages: int, name: str):
    """Register every term of a grid ``stages`` times (the grid itself when 0)."""
    for s in range(stages):
        nxt = []
        for i, row in enumerate(grid):
            out = []
            for j, (v, r) in enumerate(row):
                reg = Signal(signed(r.width), name=f"{name}_{i}_{j}_d{s + 1}")
                m.d.sync += reg.eq(v)
                out.append((reg, r))
            nxt.append(out)
        grid = nxt
    return grid


def stage_plan(pipeline: int, boundaries: Sequence[str]) -> dict[str, int]:
    """Registers per boundary: one each in ``boundaries`` order (most useful cut first), the rest at the
    last boundary listed (the output)."""
    plan = {b: 0 for b in boundaries}
    for i in range(pipeline):
        plan[boundaries[min(i, len(boundaries) - 1)]] += 1
    return plan
