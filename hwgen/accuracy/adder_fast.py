"""Fast bit-exact conv2 of the Fashion-MNIST AdderNets: per-layer term tables gathered row-wise.

An adder layer is a sum of independent per-tap terms, each a function of one activation value and one
fixed weight, so (as :mod:`.fastmac` does for products) every term the layer can form is tabulated once
and the layer becomes K gathers of rows of O terms:

- direct (``adder_direct``): ``y[n, o, i, j] = -sum_{c,r,s} |h[n, c, i+r, j+s] - w[o, c, r, s]|``, taps
  k = (c, r, s) over the zero-padded 3x3 windows (:func:`.fastmac.im2col_t`); ``table[k, a, o]`` is the
  unit model itself evaluated on a window holding ``a`` at tap (r, s) and the weight ``w[o, k]`` at the
  same tap, zero elsewhere (every other tap then contributes ``-|0 - 0| = 0``);
- Winograd (``wino_adder``): ``Y = A^T [sum_c -|U - (B^T d B) << u_frac|] A`` per tile; the input
  transform is computed once per (image, channel, tile) instead of once per output channel as well, the
  element-wise terms of each of the 16 tile positions are tabulated over that position's value range,
  and the output transform runs once per (image, output channel, tile) on the channel sums (it is linear,
  so this equals summing the model's per-channel outputs). The transforms and the term are the model's
  own functions (:mod:`hwgen.units.winograd.model`).

Integer arithmetic throughout (int32 terms, int64 sums); tests/test_fashion_accuracy.py checks the result
equal to the unit-model path (:meth:`.fashion_adder.FIntAdderNet.conv2_acc`).
"""

from __future__ import annotations

import numpy as np

from hwgen.accuracy import nn
from hwgen.accuracy.fastmac import im2col_t
from hwgen.numeric.winograd_matrices import resolve
from hwgen.units.winograd.model import adder_terms, input_transform, output_transform

__all__ = ["FastAdderConv2", "gather_sum"]

#: Rows per gather block (bounds the temporaries).
BLOCK = 1 << 15


def gather_sum(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``out[m, o] = sum_k table[k, codes[k, m], o]`` (int64) for ``table`` (K, V, O), ``codes`` (K, M)."""
    k, m = codes.shape
    out = np.empty((m, table.shape[2]), dtype=np.int64)
    for s in range(0, m, BLOCK):
        blk = codes[:, s:s + BLOCK]
        acc = np.take(table[0], blk[0], axis=0).astype(np.int64)
        for j in range(1, k):
            acc += np.take(table[j], blk[j], axis=0)
        out[s:s + BLOCK] = acc
    return out


class FastAdderConv2:
    """conv2 of an integer AdderNet: ``unit``/``params`` the resolved ``adder_direct`` or ``wino_adder``
    declaration, ``w2`` (O, C, 3, 3) direct weights or ``u`` (O, C, 4, 4) transformed filters, activation
    codes in [0, ``levels``)."""

    def __init__(self, unit, params, w2: np.ndarray | None, u: np.ndarray | None, levels: int):
        self.levels = levels
        self.direct = u is None
        if self.direct:
            self.o = w2.shape[0]
            self.table = self._direct_table(unit, params, w2.reshape(self.o, -1))
        else:
            self.mats, self.u_frac = resolve(params["matrices"], params["tile"]), params["u_frac"]
            self.o, self.c = u.shape[:2]
            self.u = u.reshape(self.o, self.c, 16).astype(np.int64)
            bt = np.asarray(self.mats.bt(), dtype=np.int64)
            coef = np.einsum("pi,qj->pqij", bt, bt).reshape(16, 16)          # V[p] = sum_ij coef[p, ij] d[ij]
            hi = levels - 1
            self.vmin = hi * np.where(coef < 0, coef, 0).sum(axis=1)
            self.vmax = hi * np.where(coef > 0, coef, 0).sum(axis=1)
            self.tables = []
            for p in range(16):
                v = np.arange(self.vmin[p], self.vmax[p] + 1, dtype=np.int64)
                t = adder_terms(self.u[:, :, p].T[:, None, :], v[None, :, None], self.u_frac)   # (C, V, O)
                self.tables.append(np.ascontiguousarray(t.astype(np.int32)))

    def _direct_table(self, unit, params, w: np.ndarray) -> np.ndarray:
        """``table[k, a, o]``: the model's output of a window with ``a`` and ``w[o, k]`` at tap k's place."""
        o, k = w.shape
        t = params["tile"]
        side = t + 2
        a = np.arange(self.levels, dtype=np.int64)
        tap = np.arange(k) % 9
        n = k * self.levels * o
        d = np.zeros((n, side, side), dtype=np.int64)
        ww = np.zeros((n, 3, 3), dtype=np.int64)
        kk, aa, oo = (g.ravel() for g in np.meshgrid(np.arange(k), a, np.arange(o), indexing="ij"))
        r, s = tap[kk] // 3, tap[kk] % 3
        d[np.arange(n), r, s] = aa
        ww[np.arange(n), r, s] = w[oo, kk]
        y = np.asarray(unit.model(params, {"d": d.reshape(n, -1), "w": ww.reshape(n, -1)})["y"], dtype=np.int64)
        return np.ascontiguousarray(y.reshape(n, t, t)[:, 0, 0].reshape(k, self.levels, o).astype(np.int32))

    def __call__(self, h: np.ndarray) -> np.ndarray:
        """Accumulators (N, O, H, W) of activation codes ``h`` (N, C, H, W)."""
        if h.size and (h.min() < 0 or h.max() >= self.levels):
            raise ValueError(f"Activation codes must lie in [0, {self.levels - 1}]")
        n, _, hh, ww = h.shape
        if self.direct:
            acc = gather_sum(self.table, im2col_t(h.astype(np.uint8 if self.levels <= 256 else np.int64)))
            return acc.reshape(n, hh, ww, self.o).transpose(0, 3, 1, 2)
        tiles = nn.wino_tiles(h.astype(np.int64))                       # (N, C, TY, TX, 4, 4)
        ty, tx = tiles.shape[2:4]
        v = input_transform(tiles.reshape(-1, 4, 4), self.mats).reshape(n, self.c, ty * tx, 16)
        v = v.transpose(1, 3, 0, 2).reshape(self.c, 16, -1)              # (C, 16, M), M = (n, tile)
        m = np.empty((v.shape[2], self.o, 16), dtype=np.int64)
        for p in range(16):
            m[:, :, p] = gather_sum(self.tables[p], v[:, p] - self.vmin[p])
        y = output_transform(m.reshape(-1, 4, 4), self.mats).reshape(n, ty, tx, self.o, 2, 2)
        return nn.wino_untile(y.transpose(0, 3, 1, 2, 4, 5))
