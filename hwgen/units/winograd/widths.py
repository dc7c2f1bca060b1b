"""Exact bit growth of the Winograd datapaths, by interval arithmetic on Python ints (no Amaranth).

Every signal's width comes from the range of values it can hold, so nothing can overflow. Interval
arithmetic is sound (it never under-estimates a range). It is also tight where the inputs of a sum are
independent, which holds for each transform pass: an element of ``B^T d`` or of ``(B^T d) B`` is a signed
sum of distinct, independent input elements. After the element-wise stage the elements of M share their
``v`` (so the output transform's bound can exceed what is reachable by a bit at most): still safe.

The unit registrations import this module for derived widths (e.g. the default accumulator width), so it
must stay free of Amaranth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["Range", "signed_range", "lin_range", "transform_ranges", "neg_abs_diff_range",
           "product_range", "max_width", "input_ranges", "adder_term_range", "tile_ranges"]


@dataclass(frozen=True)
class Range:
    """The closed integer interval [lo, hi]."""

    lo: int
    hi: int

    def __post_init__(self):
        if self.lo > self.hi:
            raise ValueError(f"Empty range [{self.lo}, {self.hi}]")

    @property
    def width(self) -> int:
        """Bits of the narrowest two's complement signal holding every value (at least 1)."""
        w = 1
        while not (-(1 << (w - 1)) <= self.lo and self.hi < (1 << (w - 1))):
            w += 1
        return w

    def __add__(self, other: "Range") -> "Range":
        return Range(self.lo + other.lo, self.hi + other.hi)

    def __neg__(self) -> "Range":
        return Range(-self.hi, -self.lo)

    def __sub__(self, other: "Range") -> "Range":
        return self + (-other)

    def scale(self, c: int) -> "Range":
        return Range(c * self.lo, c * self.hi) if c >= 0 else Range(c * self.hi, c * self.lo)

    def neg_abs(self) -> "Range":
        """Range of -|x| for x in this range."""
        if self.lo >= 0:
            return Range(-self.hi, -self.lo)
        if self.hi <= 0:
            return Range(self.lo, self.hi)
        return Range(-max(-self.lo, self.hi), 0)


def signed_range(width: int) -> Range:
    return Range(-(1 << (width - 1)), (1 << (width - 1)) - 1)


def lin_range(pairs: Sequence[tuple[int, Range]]) -> Range:
    """Range of sum(c * x) over independent x."""
    total = Range(0, 0)
    for c, r in pairs:
        total = total + r.scale(c)
    return total


def transform_ranges(L: Sequence[Sequence[int]], X: Sequence[Sequence[Range]]):
    """Ranges of ``T = L X`` and of ``Y = T L^T``, the two passes of a separable 2-D transform."""
    rows, k, cols = len(L), len(X), len(X[0])
    T = [[lin_range([(L[i][q], X[q][j]) for q in range(k)]) for j in range(cols)] for i in range(rows)]
    Y = [[lin_range([(L[j][q], T[i][q]) for q in range(cols)]) for j in range(rows)] for i in range(rows)]
    return T, Y


def neg_abs_diff_range(u: Range, v: Range, shift: int) -> tuple[Range, Range]:
    """Ranges of ``u - (v << shift)`` and of its negative absolute value."""
    diff = u - v.scale(1 << shift)
    return diff, diff.neg_abs()


def product_range(a: Range, b: Range) -> Range:
    corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    return Range(min(corners), max(corners))


def max_width(ranges) -> int:
    """Widest element of a (nested) list of ranges: the element width of an array port."""
    if isinstance(ranges, Range):
        return ranges.width
    return max(max_width(r) for r in ranges)


def input_ranges(BT, d_width: int):
    """(T, V) ranges of the input transform ``V = B^T d B`` for ``d_width``-bit signed pixels."""
    n = len(BT)
    return transform_ranges(BT, [[signed_range(d_width)] * n for _ in range(n)])


def adder_term_range(u_width: int, v: Range, u_frac: int) -> Range:
    """Range of ``-|u - (v << u_frac)|`` for any ``u_width``-bit u."""
    return neg_abs_diff_range(signed_range(u_width), v, u_frac)[1]


def tile_ranges(AT, BT, d_width: int, u_width: int, u_frac: int | None):
    """Ranges at every stage of a tile: dict with T, V, M (element-wise stage) and Y (output).

    ``u_frac=None`` means the multiplication tile (M = u * V); otherwise the adder tile.
    """
    T, V = input_ranges(BT, d_width)
    u = signed_range(u_width)
    if u_frac is None:
        M = [[product_range(u, v) for v in row] for row in V]
    else:
        M = [[adder_term_range(u_width, v, u_frac) for v in row] for row in V]
    Ta, Y = transform_ranges(AT, M)
    return {"T": T, "V": V, "M": M, "Ta": Ta, "Y": Y}
