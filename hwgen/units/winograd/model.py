"""Golden models of the Winograd units for AdderNet and their direct baselines (units.md §4).

Pure numpy on signed integer values, vectorised over tiles: an array port's values have shape
(n, rows, cols). The matrices come from :mod:`hwgen.numeric.winograd_matrices` (shared data, the only thing the
models and the gateware have in common). Every result is exact: int64 when a crude magnitude bound fits
62 bits, object arrays of Python ints otherwise.

Parameters are read from the same dict the units resolve: ``tile`` (outputs per side), ``matrices``
(a preset name or a checked :class:`~hwgen.numeric.winograd_matrices.WinogradMatrices`), ``u_frac``, and for the
accumulating array ``acc_width``.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.intops import as_ints, wrap
from hwgen.numeric.winograd_matrices import resolve

__all__ = ["wino_input_model", "wino_adder_model", "wino_adder_array_model", "wino_output_model",
           "wino_mul_model", "adder_direct_model", "conv_direct_model", "input_transform",
           "output_transform", "adder_terms", "direct_correlation", "direct_adder"]

R = 3  # filter side of every unit here


def _mats(params, need_a: bool = True):
    # B^T is the same in both presets, so the input transform needs no 'matrices' parameter.
    return resolve(params.get("matrices", "standard") if need_a else "standard", params["tile"])


def _abs_sum(mat) -> int:
    return max(sum(abs(int(v)) for v in row) for row in mat)


def _tiles(x, side: int, bits: int) -> np.ndarray:
    x = as_ints(x, bits)
    return x.reshape(len(x), side, side)


def _matmul(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``a @ x @ a.T`` for every tile of ``x`` (n, k, k); object-safe."""
    a = a.astype(object) if x.dtype == object else a
    return np.matmul(np.matmul(a, x), a.T)


def input_transform(d: np.ndarray, mats) -> np.ndarray:
    """V = B^T d B per tile."""
    return _matmul(mats.bt(), d)


def output_transform(m: np.ndarray, mats) -> np.ndarray:
    """Y = A^T M A per tile."""
    return _matmul(mats.at(), m)


def adder_terms(u: np.ndarray, v: np.ndarray, u_frac: int) -> np.ndarray:
    """The AdderNet element-wise operation at the fixed-point scale of u: -|u - v * 2**u_frac|."""
    return -np.abs(u - v * (1 << u_frac))


def _bits(params, mats, u_width: int | None, product: bool = False) -> int:
    """A crude upper bound on the magnitude bits of every intermediate (chooses int64 vs objects)."""
    v_bits = params["d_width"] + 2 * _abs_sum(mats.BT).bit_length()
    if u_width is None:
        return v_bits + 2
    m_bits = (u_width + v_bits if product else max(u_width, v_bits + params.get("u_frac", 0)) + 1)
    return m_bits + 2 * _abs_sum(mats.AT).bit_length() + 2


def wino_input_model(params, vec):
    mats = _mats(params, need_a=False)
    d = _tiles(vec["d"], mats.n, _bits(params, mats, None))
    return {"v": input_transform(d, mats)}


def wino_adder_model(params, vec):
    """y = A^T [-|u - (B^T d B) << u_frac|] A, exact."""
    mats = _mats(params)
    bits = _bits(params, mats, params["u_width"])
    d, u = _tiles(vec["d"], mats.n, bits), _tiles(vec["u"], mats.n, bits)
    return {"y": output_transform(adder_terms(u, input_transform(d, mats), params["u_frac"]), mats)}


def wino_mul_model(params, vec):
    """y = A^T [u . (B^T d B)] A, exact (S^2 times the correlation when u = G_int g G_int^T)."""
    mats = _mats(params)
    bits = _bits(params, mats, params["u_width"], product=True)
    d, u = _tiles(vec["d"], mats.n, bits), _tiles(vec["u"], mats.n, bits)
    return {"y": output_transform(u * input_transform(d, mats), mats)}


def wino_output_model(params, vec):
    mats = _mats(params)
    bits = params["m_width"] + 2 * _abs_sum(mats.AT).bit_length() + 2
    return {"y": output_transform(_tiles(vec["m"], mats.n, bits), mats)}


def wino_adder_array_model(params, vec):
    """Accumulator tile after each clock step: acc <- (clr ? 0 : acc) + (-|u - v << u_frac|) when en.

    Vectorised like the MAC model: with the terms masked by ``en`` and a reset at every step with
    ``en & clr``, the accumulator is a cumulative sum minus the cumulative sum just before the last reset.
    """
    side = params["tile"] + R - 1
    n = len(vec["en"])
    v_bits = params["d_width"] + 2 * _abs_sum(_mats(params, need_a=False).BT).bit_length()
    bits = max(params["u_width"], v_bits + params["u_frac"]) + 2 + max(n, 1).bit_length()
    u, v = _tiles(vec["u"], side, bits), _tiles(vec["v"], side, bits)
    en = np.asarray(vec["en"]).astype(bool)
    clr = np.asarray(vec["clr"]).astype(bool) & en
    terms = np.where(en[:, None, None], adder_terms(u, v, params["u_frac"]), 0).astype(u.dtype)
    cs = np.cumsum(terms, axis=0)
    before = np.concatenate([np.zeros_like(cs[:1]), cs[:-1]])  # sum before step i
    last_reset = np.maximum.accumulate(np.where(clr, np.arange(n), -1))
    base = np.where((last_reset >= 0)[:, None, None], before[np.maximum(last_reset, 0)], 0).astype(cs.dtype)
    return {"acc": wrap(cs - base, params["acc_width"], True)}


def _windows(params, vec, bits):
    t = params["tile"]
    d = _tiles(vec["d"], t + R - 1, bits)
    w = _tiles(vec["w"], R, bits)
    return t, d, w


def direct_correlation(d: np.ndarray, w: np.ndarray, t: int) -> np.ndarray:
    """y[i][j] = sum_{r,c} d[i+r][j+c] * w[r][c] for the t x t outputs of each tile."""
    y = np.zeros((len(d), t, t), dtype=d.dtype)
    for r in range(R):
        for c in range(R):
            y = y + d[:, r:r + t, c:c + t] * w[:, r, c][:, None, None]
    return y


def direct_adder(d: np.ndarray, w: np.ndarray, t: int) -> np.ndarray:
    """y[i][j] = -sum_{r,c} |d[i+r][j+c] - w[r][c]| (direct AdderNet) for the t x t outputs."""
    y = np.zeros((len(d), t, t), dtype=d.dtype)
    for r in range(R):
        for c in range(R):
            y = y - np.abs(d[:, r:r + t, c:c + t] - w[:, r, c][:, None, None])
    return y


def adder_direct_model(params, vec):
    bits = max(params["d_width"], params["w_width"]) + 6
    t, d, w = _windows(params, vec, bits)
    return {"y": direct_adder(d, w, t)}


def conv_direct_model(params, vec):
    bits = params["d_width"] + params["w_width"] + 6
    t, d, w = _windows(params, vec, bits)
    return {"y": direct_correlation(d, w, t)}
