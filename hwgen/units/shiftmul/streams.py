"""Energy-proxy streams of the shift multiplier / MAC: weights as (sign, exponent index) codes."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.streams import cnn_weights, int_pair, mac_steps, uniform_ints

__all__ = ["shift_codes", "MUL_STREAMS", "MAC_STREAMS"]


def shift_codes(w: np.ndarray, code_bits: int) -> np.ndarray:
    """Base-1/2 codes of weights ``w`` scaled by max |w| (3 sigma): j = round(-log2 |w|), clipped to
    ``emax``; magnitudes below 2^-(emax + 1/2) take the zero code (all-ones index)."""
    emax = (1 << (code_bits - 1)) - 2
    mag = np.minimum(np.abs(w) / 3.0, 1.0)
    with np.errstate(divide="ignore"):
        j = np.rint(-np.log2(np.maximum(mag, 1e-300)))
    zero = mag < 2.0 ** -(emax + 0.5)
    j = np.where(zero, emax + 1, np.clip(j, 0, emax)).astype(np.int64)
    return ((w < 0).astype(np.int64) << (code_bits - 1)) | j


def _cnn(p, rng, n):
    a = int_pair(rng, n, p["width"], p["signed"])["a"]
    return {"a": a, "b": shift_codes(cnn_weights(rng, n), p["code_bits"])}


def _uniform(p, rng, n):
    return {"a": uniform_ints(rng, n, p["width"], p["signed"]),
            "b": rng.integers(0, 1 << p["code_bits"], size=n, dtype=np.int64)}


MUL_STREAMS = {"cnn": _cnn, "uniform": _uniform}
MAC_STREAMS = {"cnn": lambda p, rng, n: mac_steps(_cnn(p, rng, n), n),
               "uniform": lambda p, rng, n: mac_steps(_uniform(p, rng, n), n)}
