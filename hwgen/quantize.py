"""Offline weight quantization: linear and exponential discretization of a layer's weights (units.md §3).

An ``n``-bit code is a sign bit (bit ``n-1``) over an ``(n-1)``-bit magnitude index; ``L = 2^(n-1)``
magnitude levels, zero included, with the layer scale ``a = max |w|``:

- ``exp`` (Malsagov et al.): index ``j`` in ``0..L-2`` stands for ``a * q^j`` and the all-ones index
  ``L-1`` for 0. With ``q = 1/2`` the codes are exactly the weight codes of the `shift_mul` unit
  (weight ``a * 2^-j``). The base ``q`` is fixed, or fitted per layer by least squared error or by
  maximum (Pearson) correlation between the weights and their quantized values.
- ``linear`` (the baseline): index ``k`` in ``0..L-1`` stands for ``a * k / (L-1)``.

Each weight goes to the nearest level (a tie to the larger magnitude); a weight that goes to 0 gets the
canonical zero code (sign bit 0). Everything is float64 numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwgen.params import ParamError

__all__ = ["METHODS", "FITS", "MIN_BITS", "MAX_BITS", "Quantized", "levels_for", "quantize", "dequantize",
           "fit_base"]

METHODS = ("exp", "linear")
FITS = ("mse", "corr")
MIN_BITS, MAX_BITS = 2, 16
#: Default base of the exponential method: the shift codes of `shift_mul`.
DEFAULT_BASE = 0.5


@dataclass(frozen=True)
class Quantized:
    """Result of :func:`quantize`. ``levels[i]`` is the magnitude of magnitude index ``i``."""

    method: str
    bits: int
    scale: float
    base: float | None  # exp only
    fit: str | None  # "mse" | "corr" when the base was fitted
    levels: np.ndarray
    codes: np.ndarray  # unsigned codes, the shape of the weights (uint8, or uint16 above 8 bits)
    weights: np.ndarray  # dequantized, float64
    squared_error: float  # sum of (w - weights)^2
    correlation: float  # Pearson correlation of w and weights; nan when either is constant

    @property
    def mse(self) -> float:
        return self.squared_error / max(self.codes.size, 1)

    @property
    def zero_code(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.method == "exp" else 0

    def summary(self) -> dict[str, Any]:
        """JSON-ready description (NaN as None)."""
        def num(v):
            return None if v is None or not math.isfinite(v) else float(v)

        return {"method": self.method, "bits": self.bits, "scale": num(self.scale), "base": num(self.base),
                "fit": self.fit, "shape": list(self.codes.shape), "count": int(self.codes.size),
                "squared_error": num(self.squared_error), "mse": num(self.mse),
                "correlation": num(self.correlation), "zero_code": self.zero_code,
                "levels": [float(v) for v in self.levels],
                "shift_codes": self.method == "exp" and self.base == 0.5}


def _check_bits(bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or not MIN_BITS <= bits <= MAX_BITS:
        raise ParamError(f"--bits must be an integer in {MIN_BITS}..{MAX_BITS}, not {bits!r}")
    return int(bits)


def _check_base(base) -> float:
    try:
        q = float(base)
    except (TypeError, ValueError):
        q = math.nan
    if not 0.0 < q < 1.0:
        raise ParamError(f"--base must be 'fit' or a number strictly between 0 and 1, not {base!r}")
    return q


def _check_weights(weights) -> np.ndarray:
    w = np.asarray(weights)
    if w.dtype.kind not in "iuf":
        raise ParamError(f"weights must be a real integer or floating-point array, not dtype {w.dtype}")
    if w.size == 0:
        raise ParamError("weights must not be empty")
    w = w.astype(np.float64)
    if not np.isfinite(w).all():
        raise ParamError("weights must be finite (the array holds NaN or infinity)")
    return w


def levels_for(method: str, bits: int, scale: float, base: float | None = None) -> np.ndarray:
    """Magnitude of each magnitude index (length ``2^(bits-1)``)."""
    n_levels = 1 << (bits - 1)
    if method == "linear":
        return scale * (np.arange(n_levels, dtype=np.float64) / (n_levels - 1))  # top level exactly scale
    if method == "exp":
        j = np.arange(n_levels - 1, dtype=np.float64)
        return np.concatenate([scale * np.power(float(base), j), [0.0]])
    raise ParamError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")


class _Sorted:
    """|w| sorted once, with prefix sums, so the error and correlation of any level set cost
    O(levels * log(size)) instead of a pass over the weights (the base fit evaluates hundreds of sets)."""

    def __init__(self, w: np.ndarray):
        flat = w.reshape(-1)
        order = np.argsort(np.abs(flat), kind="stable")
        self.x = np.abs(flat)[order]
        sgn = np.sign(flat)[order]
        z = np.zeros(1)
        self.s1 = np.concatenate([z, np.cumsum(self.x)])
        self.s2 = np.concatenate([z, np.cumsum(self.x * self.x)])
        self.sg = np.concatenate([z, np.cumsum(sgn)])
        self.n = len(flat)
        self.sum_w, self.sum_w2 = float(flat.sum()), float((flat * flat).sum())

    def stats(self, levels: np.ndarray) -> tuple[float, float]:
        """(squared error, Pearson correlation) of nearest-level quantization to ``levels``."""
        lv = np.sort(levels)
        mids = lv[:-1] + (lv[1:] - lv[:-1]) / 2  # no overflow near the float maximum
        # group g holds the sorted |w| in [mids[g-1], mids[g]): ties go up, to the larger magnitude
        bounds = np.concatenate([[0], np.searchsorted(self.x, mids, side="left"), [self.n]])
        lo, hi = bounds[:-1], bounds[1:]
        cnt, s1, s2 = hi - lo, self.s1[hi] - self.s1[lo], self.s2[hi] - self.s2[lo]
        sg = self.sg[hi] - self.sg[lo]
        se = float(np.maximum(s2 - 2 * lv * s1 + lv * lv * cnt, 0).sum())
        n = self.n
        sum_q, sum_q2, sum_wq = float((lv * sg).sum()), float((lv * lv * cnt).sum()), float((lv * s1).sum())
        cov = sum_wq / n - (self.sum_w / n) * (sum_q / n)
        var_w = self.sum_w2 / n - (self.sum_w / n) ** 2
        var_q = sum_q2 / n - (sum_q / n) ** 2
        tiny = 1e-300
        corr = cov / math.sqrt(var_w * var_q) if var_w > tiny and var_q > tiny else math.nan
        return se, corr


def fit_base(weights, bits: int, criterion: str = "mse") -> float:
    """The base ``q`` of exponential discretization that minimises the squared error (``mse``) or
    maximises the correlation (``corr``), by a grid over (0, 1) refined twice around the best point.

    At 2 bits the only levels are 0 and ``max |w|``, whatever ``q``: the result is then 1/2.
    """
    bits = _check_bits(bits)
    if criterion not in FITS:
        raise ParamError(f"--fit must be one of {', '.join(FITS)}, not {criterion!r}")
    w = _check_weights(weights)
    scale = float(np.abs(w).max())
    if bits == 2 or scale == 0.0:
        return DEFAULT_BASE
    # q does not depend on the scale: fit on |w| / max|w|, where no square can overflow.
    data = _Sorted(w / scale)

    def score(q: float) -> float:
        se, corr = data.stats(levels_for("exp", bits, 1.0, q))
        if criterion == "mse":
            return se
        return -corr if math.isfinite(corr) else math.inf

    best, step = 0.5, 0.01
    grid = np.arange(0.01, 1.0 - 1e-9, 0.01)
    for _ in range(3):
        scores = [score(float(q)) for q in grid]
        best = float(grid[int(np.argmin(scores))])  # first minimum: deterministic
        step /= 20
        grid = np.clip(best + step * np.arange(-20, 21), 1e-4, 1 - 1e-4)
    return best


def _nearest_index(w: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Magnitude index of the nearest level to each |w| (ties to the larger magnitude)."""
    order = np.argsort(levels, kind="stable")
    lv = levels[order]
    mids = lv[:-1] + (lv[1:] - lv[:-1]) / 2  # no overflow near the float maximum
    return order[np.searchsorted(mids, np.abs(w), side="right")]


def dequantize(codes, levels: np.ndarray, bits: int) -> np.ndarray:
    """Weights of ``codes`` (sign bit ``bits - 1``, magnitude index below)."""
    c = np.asarray(codes).astype(np.int64)
    mag = np.asarray(levels, dtype=np.float64)[c & ((1 << (bits - 1)) - 1)]
    return np.where((c >> (bits - 1)) & 1, -mag, mag)


def quantize(weights, bits: int, method: str = "exp", base: float | str | None = None,
             fit: str | None = None) -> Quantized:
    """Discretize one layer's ``weights`` to ``bits``-bit codes.

    Parameters
    ----------
    weights : array_like
        Real weights of one layer (any shape).
    bits : int
        Code bits, sign included (2..16).
    method : str
        ``exp`` or ``linear``.
    base : float or "fit" or None
        ``exp`` only: the base ``q`` in (0, 1) (default 1/2, the shift codes), or ``"fit"``.
    fit : str or None
        With ``base="fit"``: ``mse`` (default) or ``corr``.

    Raises
    ------
    ParamError
        For any bad argument, one line naming it.
    """
    bits = _check_bits(bits)
    if method not in METHODS:
        raise ParamError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
    if fit is not None and fit not in FITS:
        raise ParamError(f"--fit must be one of {', '.join(FITS)}, not {fit!r}")
    if method == "linear" and base is not None:
        raise ParamError("--base applies to --method exp only; linear levels are max|w| * k / (2^(bits-1) - 1)")
    if fit is not None and base != "fit":
        raise ParamError("--fit needs --base fit (the base is otherwise fixed)")
    w = _check_weights(weights)
    # Any overflow or invalid operation is an error, never a RuntimeWarning and a wrong figure.
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            return _quantize(w, bits, method, base, fit)
    except FloatingPointError as e:
        raise ParamError(f"weights (max |w| {float(np.abs(w).max()):.3g}) overflow float64 arithmetic "
                         f"({e}); scale them down") from None


def _quantize(w: np.ndarray, bits: int, method: str, base, fit) -> Quantized:
    scale = float(np.abs(w).max())
    q, how = None, None
    if method == "exp":
        if base == "fit":
            how = fit or "mse"
            q = fit_base(w, bits, how)
        else:
            q = DEFAULT_BASE if base is None else _check_base(base)
    levels = levels_for(method, bits, scale, q)
    index = _nearest_index(w, levels)
    is_zero = levels[index] == 0.0
    zero_code = (1 << (bits - 1)) - 1 if method == "exp" else 0
    codes = np.where(is_zero, zero_code, ((w < 0).astype(np.int64) << (bits - 1)) | index)
    codes = codes.astype(np.uint8 if bits <= 8 else np.uint16)
    deq = dequantize(codes, levels, bits)
    err = w - deq
    se = float((err * err).sum())
    unit = scale or 1.0  # correlation does not depend on the scale: on w / max|w| no product overflows
    if np.ptp(w / unit) > 0 and np.ptp(deq / unit) > 0:
        corr = float(np.corrcoef((w / unit).reshape(-1), (deq / unit).reshape(-1))[0, 1])
    else:
        corr = math.nan
    return Quantized(method, bits, scale, q, how, levels, codes, deq, se, corr)
