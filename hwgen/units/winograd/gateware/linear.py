"""Constant-coefficient linear combinations as shift-and-add trees, and 2-D transforms built from them.

A transform matrix entry c becomes its canonical signed digit (CSD) form, e.g. 5 = 4 + 1, 7 = 8 - 1, so a
transform costs only adders and subtractors (the point of Winograd's B^T and A^T). Each tree node is a
named signal as wide as its (sound) range needs, capped at the result's exact width: two's complement
addition modulo 2^W is exact for a result known to fit W bits, so capping never loses a bit that matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from amaranth.hdl import Const, Mux, Signal, Value, signed

from hwgen.units.winograd.widths import Range, lin_range

__all__ = ["Term", "csd", "lincomb", "transform_2d", "neg_abs_diff", "delay_terms", "materialize",
           "stage_plan"]


@dataclass(frozen=True)
class Term:
    """A number held as ``value + carry``.

    ``carry`` is an optional 1-bit signal whose addition is deferred into the carry input of a later
    adder: the ``+1`` of a two's complement negation costs a whole incrementer on its own, but almost
    nothing as a carry-in (measured: -|u - v| accumulated costs 19% less this way).
    """

    value: Value
    range: Range  # of the number, value + carry
    carry: Value | None = None
    vrange: Range | None = None  # of value alone, when it differs from ``range``

    @property
    def value_range(self) -> Range:
        if self.vrange is not None:
            return self.vrange
        return Range(self.range.lo - 1, self.range.hi) if self.carry is not None else self.range


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


def _node(m, value: Value, rng: Range, cap: int, name: str) -> tuple[Value, Range]:
    sig = Signal(signed(min(rng.width, cap)), name=name)
    m.d.comb += sig.eq(value)
    return sig, rng


def _combine(m, a, b, pending: list, cap: int, name: str):
    """One tree node from partials a, b = (sign, value, range), absorbing at most one pending
    correction bit (sign, bit) into the adder's carry input where the node's orientation allows."""
    (sa, va, ra), (sb, vb, rb) = a, b
    if sa == sb:  # (+a)+(+b), or (-a)+(-b) = -(a+b): a correction of the same sign rides the carry
        k = next((i for i, (s, _) in enumerate(pending) if s == sa), None)
        if k is None:
            v, r = _node(m, va + vb, ra + rb, cap, name)
        else:
            bit = pending.pop(k)[1]
            v, r = _node(m, va + vb + bit, ra + rb + Range(0, 1), cap, name)
        return sa, v, r
    (p, rp), (q, rq) = ((va, ra), (vb, rb)) if sa > 0 else ((vb, rb), (va, ra))
    k = next((i for i, (s, _) in enumerate(pending) if s < 0), None)
    if k is None:
        v, r = _node(m, p - q, rp - rq, cap, name)
        return 1, v, r
    # p - q - c = p + ~q + ~c: one adder with the inverted correction as its carry input
    bit = pending.pop(k)[1]
    r = rp - rq - Range(0, 1)
    qe = Signal(signed(min(r.width, cap)), name=f"{name}_nq")
    m.d.comb += qe.eq(q)
    v, r = _node(m, p + ~qe + ~bit, r, cap, name)
    return 1, v, r


def lincomb(m, terms: Sequence[tuple[int, Term]], name: str) -> Term:
    """``sum(c * t)`` over (c, term) with shifts and adds; the result (no carry) and its exact range.

    The result's range is computed from the coefficients (exact for independent terms); the partial sums
    are sized from their own, possibly looser, interval ranges and capped at the result's width. Deferred
    carries of the terms ride the carry inputs of the tree's adders; those with a shifted coefficient
    digit, and any left over when the adders run out, become partials of their own.
    """
    exact = lin_range([(c, t.range) for c, t in terms])
    cap = exact.width
    parts: list[tuple[int, Value, Range]] = []  # (sign, value, range of value)
    pending: list[tuple[int, Value]] = []  # (sign, 1-bit correction) for carry inputs
    for c, t in terms:
        for sign, shift in csd(c):
            parts.append((sign, t.value << shift if shift else t.value, t.value_range.scale(1 << shift)))
            if t.carry is not None and shift:
                parts.append((sign, t.carry << shift, Range(0, 1 << shift)))
            elif t.carry is not None:
                pending.append((sign, t.carry))
    if not parts:
        sig = Signal(signed(1), name=name)
        m.d.comb += sig.eq(Const(0, signed(1)))
        return Term(sig, exact)
    level = 0
    while len(parts) > 1 or pending:
        if len(parts) == 1:  # more corrections than adders: the rest are partials of their own
            parts += [(s, bit, Range(0, 1)) for s, bit in pending]
            pending = []
        nxt = [_combine(m, parts[i], parts[i + 1], pending, cap, f"{name}_s{level}_{i // 2}")
               for i in range(0, len(parts) - 1, 2)]
        if len(parts) % 2:
            nxt.append(parts[-1])
        parts, level = nxt, level + 1
    sign, v, _ = parts[0]
    sig = Signal(signed(cap), name=name)
    m.d.comb += sig.eq(v if sign > 0 else -v)
    return Term(sig, exact)


def transform_2d(m, L: Sequence[Sequence[int]], X: Sequence[Sequence[Term]], name: str, mid: int = 0):
    """``L X L^T`` for a square grid X of terms, as two separable passes (rows of L X, then columns),
    with ``mid`` register stages between the passes.

    Returns the grid of result terms. A separable pass shares work: F(2x2) input transform takes 32
    add/sub instead of 48 for each output element summed on its own.
    """
    rows, k = len(L), len(X)
    T = [[lincomb(m, [(L[i][q], X[q][j]) for q in range(k)], f"{name}_t{i}_{j}") for j in range(k)]
         for i in range(rows)]
    T = delay_terms(m, T, mid, f"{name}_t")
    return [[lincomb(m, [(L[j][q], T[i][q]) for q in range(k)], f"{name}_{i}_{j}") for j in range(rows)]
            for i in range(rows)]


def neg_abs_diff(m, u: Term, v: Term, shift: int, name: str) -> Term:
    """The AdderNet operation ``-|u - (v << shift)|`` (u and v without carries), in deferred form.

    With d = u - (v << shift): -|d| is d when d < 0 and ~d + 1 when d >= 0, so it is returned as
    ``value = d < 0 ? d : ~d`` plus ``carry = (d >= 0)``, for the consumer's adder to add. ``-|d|`` fits
    the width of d (``|d|`` may not), and so does ``value``.
    """
    dr = u.range - v.range.scale(1 << shift)
    diff = Signal(signed(dr.width), name=f"{name}_diff")
    m.d.comb += diff.eq(u.value - (v.value << shift))
    neg = diff[-1]
    x = Signal(signed(dr.width), name=name)
    m.d.comb += x.eq(Mux(neg, diff, ~diff))
    pos = Signal(1, name=f"{name}_c")
    m.d.comb += pos.eq(~neg)
    if dr.lo >= 0:
        xr = Range(-dr.hi - 1, -dr.lo - 1)
    elif dr.hi < 0:
        xr = dr
    else:
        xr = Range(min(dr.lo, -dr.hi - 1), -1)
    return Term(x, dr.neg_abs(), pos, xr)


def materialize(t: Term) -> Value:
    """The number a term holds, as one value (an incrementer when it has a carry)."""
    return t.value if t.carry is None else t.value + t.carry


def delay_terms(m, grid, stages: int, name: str):
    """Register every term of a grid ``stages`` times (the grid itself when 0); carries stay deferred."""
    for s in range(stages):
        nxt = []
        for i, row in enumerate(grid):
            out = []
            for j, t in enumerate(row):
                reg = Signal(signed(t.value_range.width), name=f"{name}_{i}_{j}_d{s + 1}")
                m.d.sync += reg.eq(t.value)
                carry = None
                if t.carry is not None:
                    carry = Signal(1, name=f"{name}_{i}_{j}_c_d{s + 1}")
                    m.d.sync += carry.eq(t.carry)
                out.append(Term(reg, t.range, carry, t.vrange))
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
