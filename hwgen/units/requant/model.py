"""Golden models of the requantizers (units.md §3): power-of-two `requant` and multiplier-based `requant_mul`.

Both bring a wide signed accumulator back to ``out_width`` bits: optional exact bias add, (for
`requant_mul`) a multiplication by an unsigned fixed-point multiplier, a right shift by ``shift`` bits
with a rounding mode, then saturation to the output range (``[0, 2^out_width - 1]`` with ReLU, else the
signed ``out_width``-bit range).

The rounding here is written as quotient and remainder (``q = floor(v / 2^s)``, ``r = v - q * 2^s``)
and a comparison of ``r`` with one half. The gateware adds a rounding constant before a floor shift
instead: two different formulations, so a shared mistake is unlikely.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.intops import as_ints

__all__ = ["ROUNDING_MODES", "round_shift_model", "saturate_model", "output_range",
           "requant_model", "requant_mul_model"]

#: Rounding modes of a right shift, as units.md §3 names them.
ROUNDING_MODES = ("floor", "half_up", "half_even", "half_away")


def round_shift_model(v: np.ndarray, shift: int, rounding: str) -> np.ndarray:
    """``v / 2^shift`` rounded to an integer: ``floor`` (towards minus infinity), or to nearest with
    ties ``half_up`` (towards plus infinity), ``half_even`` (to the even neighbour) or ``half_away``
    (away from zero). ``shift == 0`` returns ``v`` unchanged."""
    if rounding not in ROUNDING_MODES:
        raise ValueError(f"Rounding must be one of {', '.join(ROUNDING_MODES)}, not {rounding!r}")
    if shift == 0:
        return v
    q = v >> shift  # floor division by 2^shift, for int64 and for Python ints alike
    r = v - (q << shift)  # remainder in [0, 2^shift)
    half = 1 << (shift - 1)
    if rounding == "floor":
        up = np.zeros(np.shape(v), dtype=bool)
    elif rounding == "half_up":
        up = r >= half
    elif rounding == "half_away":
        up = (r > half) | ((r == half) & (v >= 0))
    else:  # half_even
        up = (r > half) | ((r == half) & ((q & 1) == 1))
    return q + np.asarray(up).astype(np.int64)


def output_range(out_width: int, relu: bool) -> tuple[int, int]:
    """Saturation bounds: ``[0, 2^b - 1]`` with ReLU, else ``[-2^(b-1), 2^(b-1) - 1]``."""
    if relu:
        return 0, (1 << out_width) - 1
    return -(1 << (out_width - 1)), (1 << (out_width - 1)) - 1


def saturate_model(v: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.where(v < lo, lo, np.where(v > hi, hi, v))


def _biased(params, vec, extra_bits: int) -> np.ndarray:
    """``x + bias`` (exactly), in a dtype with room for ``extra_bits`` more bits of growth."""
    bits = max(params["in_width"], params["bias_width"]) + 2 + extra_bits
    x = as_ints(vec["x"], bits)
    if params["bias_width"]:
        x = x + as_ints(vec["bias"], bits)
    return x


def _finish(params, v) -> dict:
    lo, hi = output_range(params["out_width"], params["relu"])
    y = saturate_model(round_shift_model(v, params["shift"], params["rounding"]), lo, hi)
    if y.dtype == object:  # the saturated value always fits int64 (out_width <= 64 bits)
        y = np.array([int(t) for t in y], dtype=np.int64) if params["out_width"] < 64 else y
    return {"y": y}


def requant_model(params, vec):
    """``y = clip(round((x + bias) / 2^shift), lo, hi)``."""
    return _finish(params, _biased(params, vec, 1))


def requant_mul_model(params, vec):
    """``y = clip(round((x + bias) * M / 2^shift), lo, hi)``, M the constant ``multiplier`` or, when
    that parameter is 0, the per-vector value of port ``m``."""
    mb = params["mult_bits"]
    v = _biased(params, vec, mb + 1)
    bits = max(params["in_width"], params["bias_width"]) + mb + 3
    m = as_ints(vec["m"], bits) if params["multiplier"] == 0 else params["multiplier"]
    return _finish(params, v * m)
