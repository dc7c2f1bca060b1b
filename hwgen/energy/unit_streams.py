"""Per-unit operand streams (CNN-like and uniform) for the energy proxy, in each unit's port format.

Each generator returns the unit's input ports for ``n`` operations. A unit missing here falls back to its
own ``Stimulus.random`` (see :func:`hwgen.energy.streams.stream_for`), and the report says so.
"""

from __future__ import annotations

import numpy as np

from .streams import (ACC_RUN, cnn_activations, cnn_weights, float_to_bf16, int_pair, mac_steps,
                      register_stream, uniform_ints)

__all__ = ["shift_codes"]


def _is_signed(p) -> bool:
    # mitchw units carry 'signedness'; the integer baselines 'signed'.
    return p["signedness"] != "unsigned" if "signedness" in p else bool(p["signed"])


def _cnn_mul(p, rng, n):
    return int_pair(rng, n, p["width"], _is_signed(p))


def _uniform_mul(p, rng, n):
    s = _is_signed(p)
    return {"a": uniform_ints(rng, n, p["width"], s), "b": uniform_ints(rng, n, p["width"], s)}


for _name in ("mul", "mitchw"):
    register_stream(_name, "cnn", _cnn_mul)
    register_stream(_name, "uniform", _uniform_mul)
for _name in ("mac", "mitchw_mac"):
    register_stream(_name, "cnn", lambda p, rng, n: mac_steps(_cnn_mul(p, rng, n), n))
    register_stream(_name, "uniform", lambda p, rng, n: mac_steps(_uniform_mul(p, rng, n), n))


# -- shift multiplier / MAC: weights as (sign, exponent index) codes ---------------------------------
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


def _cnn_shift(p, rng, n):
    a = int_pair(rng, n, p["width"], p["signed"])["a"]
    return {"a": a, "b": shift_codes(cnn_weights(rng, n), p["code_bits"])}


def _uniform_shift(p, rng, n):
    return {"a": uniform_ints(rng, n, p["width"], p["signed"]),
            "b": rng.integers(0, 1 << p["code_bits"], size=n, dtype=np.int64)}


register_stream("shift_mul", "cnn", _cnn_shift)
register_stream("shift_mul", "uniform", _uniform_shift)
register_stream("shift_mac", "cnn", lambda p, rng, n: mac_steps(_cnn_shift(p, rng, n), n))
register_stream("shift_mac", "uniform", lambda p, rng, n: mac_steps(_uniform_shift(p, rng, n), n))


# -- requantizers: wide accumulators in, a per-layer scale held constant ---------------------------
def _requant_common(p, rng, n, x):
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


def _cnn_requant(p, rng, n):
    # Accumulators of a CNN layer are near-normal; their spread fills the output range after the shift
    # (std = a quarter of full scale), so rounding and occasional saturation are both exercised.
    std = 2.0 ** (p["shift"] + p["out_width"] - 2)
    lim = 1 << (p["in_width"] - 1)
    x = np.clip(np.rint(rng.standard_normal(n) * std), -lim, lim - 1).astype(np.int64)
    return _requant_common(p, rng, n, x)


def _uniform_requant(p, rng, n):
    return _requant_common(p, rng, n, uniform_ints(rng, n, p["in_width"], True))


for _name in ("requant", "requant_mul"):
    register_stream(_name, "cnn", _cnn_requant)
    register_stream(_name, "uniform", _uniform_requant)


# -- bfloat16 units: float operands as bf16 bit patterns -----------------------------------------------
def _cnn_bf16(p, rng, n):
    return {"a": float_to_bf16(cnn_activations(rng, n)), "b": float_to_bf16(cnn_weights(rng, n) * 0.1)}


def _uniform_bf16(p, rng, n):
    # Uniform over finite bf16 patterns of both signs (exponents 1..254, any mantissa).
    def draw():
        return ((rng.integers(0, 2, n) << 15) | (rng.integers(1, 255, n) << 7) | rng.integers(0, 128, n))
    return {"a": draw().astype(np.int64), "b": draw().astype(np.int64)}


register_stream("bf16_mul", "cnn", _cnn_bf16)
register_stream("bf16_mul", "uniform", _uniform_bf16)
register_stream("bf16_mac", "cnn", lambda p, rng, n: mac_steps(_cnn_bf16(p, rng, n), n))
register_stream("bf16_mac", "uniform", lambda p, rng, n: mac_steps(_uniform_bf16(p, rng, n), n))


# -- 3x3 convolution tiles: ReLU'd pixel tiles, normal filters (transformed offline for Winograd) ------------
def _pixel_tiles(p, rng, n):
    side = p["tile"] + 2
    d = int_pair(rng, n * side * side, p["d_width"], True)["a"]  # ReLU'd activations, never negative
    return d.reshape(n, side, side)


def _filters(rng, n, width):
    from .streams import quantise_signed
    return quantise_signed(cnn_weights(rng, n * 9), width, 3.0).reshape(n, 3, 3)


def _cnn_direct(p, rng, n):
    return {"d": _pixel_tiles(p, rng, n), "w": _filters(rng, n, p["w_width"])}


def _cnn_wino(p, rng, n):
    from ..winograd_matrices import filter_transform, preset

    g = _filters(rng, n, p["d_width"])
    u = filter_transform(g, preset(p.get("matrices", "standard"), p["tile"]), p["u_frac"])
    lim = 1 << (p["u_width"] - 1)
    return {"d": _pixel_tiles(p, rng, n), "u": np.clip(u, -lim, lim - 1)}


for _name in ("conv_direct", "adder_direct"):
    register_stream(_name, "cnn", _cnn_direct)
register_stream("wino_adder", "cnn", _cnn_wino)
