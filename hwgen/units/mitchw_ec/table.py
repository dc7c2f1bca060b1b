"""The correction table of `mitchw_ec` (units.md §8): data derived from the parameters by a fixed,
documented numerical method, shared as data by the golden model, the gateware, the manifest and the docs.

Method. Units: the log sum carries Q = (w - 1) + q fraction bits, so one correction step is 2^-Q.
The fractions are split into m x m segments by their top log2(m) bits (one segment for
``correction = constant``). For each segment (i, j), the fractions f_a, f_b run over a fixed grid of
G x G midpoints, G = 128, f = (i + (g + 1/2) / G) / m, g = 0..G-1 (the same grid every time: deterministic).
The datapath sees each fraction truncated to K = w - 1 bits, t = floor(f 2^K) / 2^K. With a correction c
(as a fraction of one), the continuous Mitchell antilog of s = t_a + t_b + c is 1 + s for s < 1 and 2 s
otherwise (the carry into the characteristic), against the exact (1 + f_a)(1 + f_b); the segment's bias
B(c) = mean over the grid of approx / exact - 1 is increasing in c. The real c* with B(c*) = 0 is found by
bisection on [0, 1) (64 halvings, float64), and C = round(c* 2^Q) (halves up), or C = 0 when B(0) >= 0
(corrections are non-negative).
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["BISECTIONS", "GRID", "correction_table", "segment_bits", "table_for"]

GRID = 128
BISECTIONS = 64


def segment_bits(correction: str, m: int) -> int:
    """log2 of the number of segments per fraction: 0 for one constant."""
    return 0 if correction == "constant" else m.bit_length() - 1


@cache
def correction_table(w: int, q: int, correction: str, m: int) -> tuple[tuple[int, ...], ...]:
    """The (segments x segments) table of non-negative integer corrections, row = operand a's segment."""
    K, Q = w - 1, w - 1 + q
    segs = 1 << segment_bits(correction, m)
    g = (np.arange(GRID, dtype=np.float64) + 0.5) / GRID
    f = (np.arange(segs, dtype=np.float64)[:, None] + g[None, :]) / segs  # [segment, point]
    t = np.floor(f * (1 << K)) / (1 << K)
    # Every segment pair at once: axes [i, j, point_a, point_b].
    fa, fb = f[:, None, :, None], f[None, :, None, :]
    tsum = t[:, None, :, None] + t[None, :, None, :]
    exact = (1.0 + fa) * (1.0 + fb)

    def bias(c):
        s = tsum + c[:, :, None, None]
        approx = np.where(s < 1.0, 1.0 + s, 2.0 * s)
        return (approx / exact).mean(axis=(2, 3)) - 1.0

    lo, hi = np.zeros((segs, segs)), np.ones((segs, segs))
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2
        low = bias(mid) < 0
        lo, hi = np.where(low, mid, lo), np.where(low, hi, mid)
    c = np.where(bias(np.zeros((segs, segs))) >= 0, 0.0, (lo + hi) / 2)
    table = np.floor(c * (1 << Q) + 0.5).astype(np.int64)
    return tuple(tuple(int(v) for v in row) for row in table)


def table_for(params) -> tuple[tuple[int, ...], ...]:
    return correction_table(params["w"], params["q"], params["correction"], params["m"])
