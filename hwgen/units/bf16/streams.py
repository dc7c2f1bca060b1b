"""Energy-proxy streams of the bfloat16 units: float operands as bf16 bit patterns."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.streams import cnn_activations, cnn_weights, float_to_bf16, mac_steps

__all__ = ["MUL_STREAMS", "MAC_STREAMS"]


def _cnn(p, rng, n):
    return {"a": float_to_bf16(cnn_activations(rng, n)), "b": float_to_bf16(cnn_weights(rng, n) * 0.1)}


def _uniform(p, rng, n):
    # Uniform over finite bf16 patterns of both signs (exponents 1..254, any mantissa).
    def draw():
        return ((rng.integers(0, 2, n) << 15) | (rng.integers(1, 255, n) << 7) | rng.integers(0, 128, n))
    return {"a": draw().astype(np.int64), "b": draw().astype(np.int64)}


MUL_STREAMS = {"cnn": _cnn, "uniform": _uniform}
MAC_STREAMS = {"cnn": lambda p, rng, n: mac_steps(_cnn(p, rng, n), n),
               "uniform": lambda p, rng, n: mac_steps(_uniform(p, rng, n), n)}
