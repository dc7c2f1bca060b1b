"""Energy-proxy streams of the requantizers: wide accumulators in, a per-layer scale held constant."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.streams import ACC_RUN, uniform_ints

__all__ = ["STREAMS"]


def _common(p, rng, n, x):
    vec = {"x": x}
    if p.get("bias_width", 0):
        # One bias per output channel: constant over each accumulation run.
        bias = np.repeat(np.rint(rng.standard_normal(n // ACC_RUN + 1) * 2.0 ** (p["shift"] - 1)), ACC_RUN)[:n]
        lim = 1 << (p["bias_width"] - 1)
        vec["bias"] = np.clip(bias, -lim, lim - 1).astype(np.int64)
    if "multiplier" in p and p["multiplier"] == 0:
        m = int(rng.integers(1 << (p["mult_bits"] - 1), 1 << p["mult_bits"]))  # a per-layer scale register
        vec["m"] = np.full(n, m, dtype=np.int64)
    return vec


def _cnn(p, rng, n):
    # Accumulators of a CNN layer are near-normal; their spread fills the output range after the shift
    # (std = a quarter of full scale), so rounding and occasional saturation are both exercised.
    std = 2.0 ** (p["shift"] + p["out_width"] - 2)
    lim = 1 << (p["in_width"] - 1)
    x = np.clip(np.rint(rng.standard_normal(n) * std), -lim, lim - 1).astype(np.int64)
    return _common(p, rng, n, x)


def _uniform(p, rng, n):
    return _common(p, rng, n, uniform_ints(rng, n, p["in_width"], True))


STREAMS = {"cnn": _cnn, "uniform": _uniform}
