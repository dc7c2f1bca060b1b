"""Energy-proxy streams of the 3x3 convolution tiles: ReLU'd pixel tiles, normal filters (transformed
offline for Winograd)."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.streams import cnn_weights, int_pair, quantise_signed
from hwgen.numeric.winograd_matrices import filter_transform, preset

__all__ = ["DIRECT_STREAMS", "WINO_STREAMS"]


def _pixel_tiles(p, rng, n):
    side = p["tile"] + 2
    d = int_pair(rng, n * side * side, p["d_width"], True)["a"]  # ReLU'd activations, never negative
    return d.reshape(n, side, side)


def _filters(rng, n, width):
    return quantise_signed(cnn_weights(rng, n * 9), width, 3.0).reshape(n, 3, 3)


def _cnn_direct(p, rng, n):
    return {"d": _pixel_tiles(p, rng, n), "w": _filters(rng, n, p["w_width"])}


def _cnn_wino(p, rng, n):
    g = _filters(rng, n, p["d_width"])
    u = filter_transform(g, preset(p.get("matrices", "standard"), p["tile"]), p["u_frac"])
    lim = 1 << (p["u_width"] - 1)
    return {"d": _pixel_tiles(p, rng, n), "u": np.clip(u, -lim, lim - 1)}


DIRECT_STREAMS = {"cnn": _cnn_direct}
WINO_STREAMS = {"cnn": _cnn_wino}
