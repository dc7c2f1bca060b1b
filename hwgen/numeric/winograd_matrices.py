"""Winograd minimal-filtering matrices F(m x m, 3 x 3): presets, exactness check, filter transform.

For an ``n x n`` input tile ``d`` (``n = m + r - 1``) and an ``r x r`` filter ``g``, Winograd's algorithm
computes the ``m x m`` correlation outputs as ``Y = A^T [(G g G^T) . (B^T d B)] A`` (units.md §4).
Winograd-AdderNet (Li et al. 2021) replaces the element-wise product by ``-|U - V|``.

This module is shared data (pure Python and numpy, no Amaranth): the golden models and the gateware
both read the matrices from here, nothing else.

Integer scaling of G
--------------------
``A^T`` and ``B^T`` are integer (the hardware uses shifts and adds); ``G`` carries fractions (halves for
F(2x2,3x3); quarters, sixths, twelfths and twenty-fourths for F(4x4,3x3)). Let ``S`` be the least common
denominator of ``G`` (2 for both F(2x2) presets, 24 for F(4x4)) and ``G_int = S * G``. Then

- :func:`filter_transform_int` returns ``G_int g G_int^T = S^2 * U`` (exact integers). A multiplication
  Winograd tile fed with it gives ``S^2`` times the direct correlation (:func:`output_scale`).
- :func:`filter_transform` returns ``U`` in fixed point with ``u_frac`` fraction bits,
  ``u = U * 2**u_frac``. It is exact when ``S^2`` divides ``2**u_frac`` (F(2x2): ``u_frac >= 2``, where it
  equals :func:`filter_transform_int` shifted by ``u_frac - 2``); otherwise it rounds to the nearest
  integer, ties towards +infinity, or raises with ``rounding="exact"``.

The adder tile compares ``u`` with ``V << u_frac`` (``V = B^T d B``), so ``U`` and ``V`` meet at the same
scale, ``2**u_frac``, in the golden model and in the hardware alike. A different scale would change the
l1 result (``|sU - V| != s|U - V|`` unless ``s = 1``), which is why it is fixed and documented here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Sequence

import numpy as np

__all__ = ["WinogradMatrices", "check_exact", "custom_matrices", "preset", "resolve", "PRESETS", "TILES",
           "filter_transform", "filter_transform_int", "output_scale"]

#: Output tile sizes m of the presets: F(2x2,3x3) and F(4x4,3x3).
TILES = (2, 4)
#: Preset names; "balanced" exists for F(2x2,3x3) only (see docs/winograd.md for why not F(4x4)).
PRESETS = ("standard", "balanced")

Matrix = tuple[tuple[int, ...], ...]
FracMatrix = tuple[tuple[Fraction, ...], ...]


def _ints(rows, what: str) -> Matrix:
    out = []
    for row in rows:
        r = []
        for v in row:
            f = Fraction(v)
            if f.denominator != 1:
                raise ValueError(f"{what} must have integer entries (the hardware adds and shifts), not {v!r}")
            r.append(int(f))
        out.append(tuple(r))
    return tuple(out)


def _fracs(rows) -> FracMatrix:
    return tuple(tuple(Fraction(v) for v in row) for row in rows)


def _shape(mat, rows: int, cols: int, what: str) -> None:
    if len(mat) != rows or any(len(r) != cols for r in mat):
        got = f"{len(mat)}x{len(mat[0]) if mat else 0}"
        raise ValueError(f"{what} must be {rows}x{cols}, not {got}")


def check_exact(AT, G, BT) -> None:
    """Raise ValueError unless ``A^T [(G g) . (B^T d)]`` equals the 1-D correlation for all g, d.

    The algorithm is bilinear in (g, d), so it is exact for every input exactly when its coefficient
    tensor is that of correlation: ``sum_i AT[j][i] G[i][k] BT[i][l] == (l == j + k)`` for every output j,
    filter tap k and input position l, checked here in exact rational arithmetic. This is a proof, not a
    sample. The 2-D algorithm nests the 1-D one in both dimensions (a Kronecker product), so it is exact
    too; the tests also check that directly on random integer tiles.
    """
    m, n = len(AT), len(BT)
    r = n - m + 1
    for j in range(m):
        for k in range(r):
            for col in range(n):
                t = sum(Fraction(AT[j][i]) * Fraction(G[i][k]) * Fraction(BT[i][col]) for i in range(n))
                want = 1 if col == j + k else 0
                if t != want:
                    raise ValueError(f"Matrices are not exact for multiplication: output {j}, filter tap {k}, "
                                     f"input {col} has coefficient {t}, correlation needs {want}")


@dataclass(frozen=True)
class WinogradMatrices:
    """Checked matrices of one F(m x m, r x r) algorithm. Construct through :func:`custom_matrices`
    or :func:`preset`; the constructor runs :func:`check_exact`, so every instance is exact."""

    name: str
    AT: Matrix  # m x n, integers
    G: FracMatrix  # n x r, rationals
    BT: Matrix  # n x n, integers

    def __post_init__(self):
        m, n = len(self.AT), len(self.BT)
        if m < 1 or n < m:
            raise ValueError(f"A^T must have between 1 and {n} rows, not {m}")
        r = n - m + 1
        _shape(self.AT, m, n, "A^T")
        _shape(self.G, n, r, "G")
        _shape(self.BT, n, n, "B^T")
        check_exact(self.AT, self.G, self.BT)

    @property
    def m(self) -> int:
        """Outputs per tile side."""
        return len(self.AT)

    @property
    def n(self) -> int:
        """Input tile side, m + r - 1."""
        return len(self.BT)

    @property
    def r(self) -> int:
        """Filter side."""
        return self.n - self.m + 1

    @property
    def g_scale(self) -> int:
        """S, the least common denominator of G: ``G_int = S * G`` is integer."""
        return lcm(*(v.denominator for row in self.G for v in row))

    @property
    def G_int(self) -> Matrix:
        s = self.g_scale
        return tuple(tuple(int(v * s) for v in row) for row in self.G)

    def at(self) -> np.ndarray:
        return np.array(self.AT, dtype=np.int64)

    def bt(self) -> np.ndarray:
        return np.array(self.BT, dtype=np.int64)

    def g_int(self) -> np.ndarray:
        return np.array(self.G_int, dtype=np.int64)


def custom_matrices(name: str, AT: Sequence[Sequence], G: Sequence[Sequence], BT: Sequence[Sequence]
                    ) -> WinogradMatrices:
    """Accept user matrices after checking that A^T, B^T are integer and the triple is exact.

    ``G`` entries may be ints, Fractions or strings such as ``"1/2"`` (floats are taken at their exact
    binary value, so 0.5 works and 1/6 does not: pass ``Fraction(1, 6)``).
    """
    return WinogradMatrices(name, _ints(AT, "A^T"), _fracs(G), _ints(BT, "B^T"))


_H = Fraction(1, 2)
_STD2 = dict(AT=[[1, 1, 1, 0], [0, 1, -1, -1]],
             G=[[1, 0, 0], [_H, _H, _H], [_H, -_H, _H], [0, 0, 1]],
             BT=[[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
# Interpolation points 0 and infinity negated: column 0 and 3 of A^T and rows 0 and 3 of G change sign,
# which cancels in the product (still exact) and makes every row sum of A^T equal to +1, so the four
# outputs' 2-D coefficient sums are all +1 instead of +9, -3, -3, +1 (units.md §4).
_BAL2 = dict(AT=[[-1, 1, 1, 0], [0, 1, -1, 1]],
             G=[[-1, 0, 0], [_H, _H, _H], [_H, -_H, _H], [0, 0, -1]],
             BT=_STD2["BT"])
_F = Fraction
_STD4 = dict(AT=[[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
             G=[[_F(1, 4), 0, 0], [_F(-1, 6), _F(-1, 6), _F(-1, 6)], [_F(-1, 6), _F(1, 6), _F(-1, 6)],
                [_F(1, 24), _F(1, 12), _F(1, 6)], [_F(1, 24), _F(-1, 12), _F(1, 6)], [0, 0, 1]],
             BT=[[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                 [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]])

_PRESETS = {("standard", 2): custom_matrices("standard", **_STD2),
            ("balanced", 2): custom_matrices("balanced", **_BAL2),
            ("standard", 4): custom_matrices("standard", **_STD4)}


def preset(name: str, tile: int) -> WinogradMatrices:
    """The preset ``name`` for F(tile x tile, 3x3); ValueError for a combination that does not exist."""
    try:
        return _PRESETS[(name, tile)]
    except KeyError:
        have = ", ".join(f"{n} (tile {t})" for n, t in _PRESETS)
        raise ValueError(f"No Winograd preset {name!r} for tile {tile}; the presets are: {have}") from None


def resolve(matrices, tile: int) -> WinogradMatrices:
    """A preset name or an already checked :class:`WinogradMatrices` (whose m must equal ``tile``)."""
    if isinstance(matrices, WinogradMatrices):
        if matrices.m != tile:
            raise ValueError(f"Matrices {matrices.name!r} are for tile {matrices.m}, not {tile}")
        return matrices
    return preset(matrices, tile)


def _filters(g, r: int) -> np.ndarray:
    g = np.asarray(g)
    if g.shape[-2:] != (r, r):
        raise ValueError(f"Filters must have shape (..., {r}, {r}), not {g.shape}")
    if g.dtype != object and not np.issubdtype(g.dtype, np.integer):
        raise TypeError(f"Filters must be integers, not {g.dtype}")
    return g


def _int64_safe(g: np.ndarray, bound: int) -> bool:
    """True when g is an int64-compatible array and |every result| <= max|g| * bound < 2**62."""
    if g.dtype == object or g.size == 0:
        return False
    peak = max(abs(int(g.min())), abs(int(g.max())))
    return peak * bound < (1 << 62)


def filter_transform_int(g, matrices: WinogradMatrices) -> np.ndarray:
    """``G_int g G_int^T`` for integer filters ``g`` of shape (..., r, r): ``S^2 * U``, exact.

    int64 when every value provably fits, else an object array of Python ints (never overflows).
    """
    g = _filters(g, matrices.r)
    gi = matrices.g_int()
    if _int64_safe(g, int(np.abs(gi).sum(axis=1).max()) ** 2):
        return np.matmul(np.matmul(gi, g.astype(np.int64)), gi.T)
    gi, g = gi.astype(object), np.array([int(v) for v in g.reshape(-1)], dtype=object).reshape(g.shape)
    return np.matmul(np.matmul(gi, g), gi.T)


def filter_transform(g, matrices: WinogradMatrices, u_frac: int, rounding: str = "nearest") -> np.ndarray:
    """``U = G g G^T`` in fixed point with ``u_frac`` fraction bits: ``round(U * 2**u_frac)``.

    ``rounding="nearest"`` rounds ties towards +infinity; ``rounding="exact"`` raises ValueError when some
    value is not a multiple of ``2**-u_frac`` (never for F(2x2) with ``u_frac >= 2``). int64 or objects
    as :func:`filter_transform_int`.
    """
    if rounding not in ("nearest", "exact"):
        raise ValueError(f"rounding must be 'nearest' or 'exact', not {rounding!r}")
    if u_frac < 0:
        raise ValueError(f"u_frac must be a non-negative integer, not {u_frac}")
    num = filter_transform_int(g, matrices)
    den = matrices.g_scale ** 2
    if num.dtype != object and not _int64_safe(num, 2 << u_frac):
        num = num.astype(object)
    num = num * (1 << u_frac)
    if rounding == "exact":
        if np.any(num % den != 0):
            raise ValueError(f"U = G g G^T is not a multiple of 2^-{u_frac} for these filters "
                             f"(G has denominator {matrices.g_scale}); use rounding='nearest'")
        return num // den
    return (2 * num + den) // (2 * den)


def output_scale(matrices: WinogradMatrices) -> int:
    """S^2: a multiplication tile fed with :func:`filter_transform_int` gives S^2 times the correlation."""
    return matrices.g_scale ** 2
