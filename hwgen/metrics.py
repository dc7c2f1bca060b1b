"""Error characterisation of approximate units against an ideal reference (units.md §5).

For exact values E and approximate values P over the evaluated set: ED = P - E; MAE = mean |ED|;
WCE = max |ED|; MSE = mean ED^2; EP = share of inputs with ED != 0; RE = ED / E over E != 0 only;
MRE = mean |RE|; bias = mean RE; WCRE = max |RE|. Relative figures are fractions (-0.0483, not -4.83).

A unit opts in by registering an :class:`ErrorSpec` as ``Unit.error``. The approximate values come from
the unit's golden model (which the RTL equals bit for bit); the ideal values from ``ErrorSpec.ideal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.params import ParamError

__all__ = ["ErrorSpec", "ErrorReport", "metrics", "characterise", "DISTRIBUTIONS",
           "EXHAUSTIVE_ERROR_LIMIT", "DEFAULT_SAMPLES"]

DISTRIBUTIONS = ("uniform", "loguniform")
#: Input spaces up to this many vectors are evaluated exhaustively.
EXHAUSTIVE_ERROR_LIMIT = 1 << 24
DEFAULT_SAMPLES = 1_000_000
_BATCH = 1 << 20


@dataclass(frozen=True)
class ErrorSpec:
    """How to characterise a unit's error.

    ``ideal(params, vec)`` returns the exact (ideal) value of ``output`` for each vector, as float64 or
    int64/object ints; ``value(params, out)`` maps the model's output array to comparable numbers (the
    identity for integers; e.g. bit pattern -> float for float formats; None means identity).
    ``space(params)`` is the number of input vectors; ``enumerate(params, lo, hi)`` yields vectors
    ``lo..hi-1`` of the input space in a fixed order; ``sample(params, distribution, rng, n)`` draws
    ``n`` vectors.
    """

    output: str
    ideal: Callable[[Mapping[str, Any], dict], np.ndarray]
    space: Callable[[Mapping[str, Any]], int]
    enumerate: Callable[[Mapping[str, Any], int, int], dict]
    sample: Callable[[Mapping[str, Any], str, np.random.Generator, int], dict]
    value: Callable[[Mapping[str, Any], np.ndarray], np.ndarray] | None = None


@dataclass
class ErrorReport:
    unit: str
    module: str
    params: dict
    distribution: str
    exhaustive: bool
    vectors: int
    seed: int | None
    mae: float
    wce: float
    mse: float
    ep: float
    mre: float
    bias: float
    wcre: float

    def to_json(self) -> dict:
        return dict(self.__dict__)


class _Accumulator:
    """Streaming sums, so an exhaustive 2^24 set is evaluated in bounded memory."""

    def __init__(self):
        self.n = self.n_rel = 0
        self.sum_abs = self.sum_sq = self.sum_rel = self.sum_abs_rel = 0.0
        self.wce = self.wcre = 0.0
        self.nonzero = 0

    def add(self, approx: np.ndarray, exact: np.ndarray) -> None:
        ed = np.asarray(approx, dtype=np.float64) - np.asarray(exact, dtype=np.float64)
        if approx.dtype != object and exact.dtype != object and approx.dtype.kind in "iu" and exact.dtype.kind in "iu":
            ed = (approx.astype(np.int64) - exact.astype(np.int64)).astype(np.float64)  # exact in int64
        absd = np.abs(ed)
        self.n += len(ed)
        self.sum_abs += float(absd.sum())
        self.sum_sq += float((ed * ed).sum())
        self.wce = max(self.wce, float(absd.max(initial=0.0)))
        self.nonzero += int(np.count_nonzero(ed))
        e = np.asarray(exact, dtype=np.float64)
        mask = e != 0
        re = ed[mask] / e[mask]
        self.n_rel += len(re)
        self.sum_rel += float(re.sum())
        self.sum_abs_rel += float(np.abs(re).sum())
        self.wcre = max(self.wcre, float(np.abs(re).max(initial=0.0)))

    def result(self) -> dict:
        if self.n == 0:
            raise ValueError("no vectors were evaluated")
        nr = max(self.n_rel, 1)
        return {"mae": self.sum_abs / self.n, "wce": self.wce, "mse": self.sum_sq / self.n,
                "ep": self.nonzero / self.n, "mre": self.sum_abs_rel / nr, "bias": self.sum_rel / nr,
                "wcre": self.wcre}


def metrics(approx: np.ndarray, exact: np.ndarray) -> dict:
    """The §5 metrics of one batch (approximate and exact values as numbers)."""
    acc = _Accumulator()
    acc.add(np.asarray(approx), np.asarray(exact))
    return acc.result()


def characterise(unit, given: Mapping[str, Any] | None = None, *, distribution: str = "uniform",
                 samples: int | None = None, seed: int | None = None) -> ErrorReport:
    """Exhaustive when the input space has at most 2^24 vectors and no sample count is forced,
    otherwise ``samples`` (default 10^6) seeded vectors drawn from ``distribution``."""
    spec: ErrorSpec | None = unit.error
    if spec is None:
        raise ParamError(f"Unit {unit.name!r} has no ideal reference to measure error against; "
                         "units with one: see `hwgen list`")
    if distribution not in DISTRIBUTIONS:
        raise ParamError(f"--distribution must be one of {', '.join(DISTRIBUTIONS)}, not {distribution!r}")
    if samples is not None and samples < 1:
        raise ParamError(f"--samples must be a count >= 1, not {samples!r}")
    params = unit.resolve(given)
    space = spec.space(params)
    exhaustive = samples is None and space <= EXHAUSTIVE_ERROR_LIMIT
    acc = _Accumulator()
    value = spec.value or (lambda p, v: v)

    def run(vec):
        approx = value(params, np.asarray(unit.model(params, vec)[spec.output]))
        acc.add(approx, np.asarray(spec.ideal(params, vec)))

    if exhaustive:
        for lo in range(0, space, _BATCH):
            run(spec.enumerate(params, lo, min(space, lo + _BATCH)))
        seed = None
    else:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (1 << 32))
        rng = np.random.default_rng(seed)
        total = samples or DEFAULT_SAMPLES
        for lo in range(0, total, _BATCH):
            run(spec.sample(params, distribution, rng, min(_BATCH, total - lo)))
    m = acc.result()
    # An exhaustive set is the uniform distribution over the whole input space.
    return ErrorReport(unit.name, unit.module_name(params), params, "uniform" if exhaustive else distribution,
                       exhaustive, acc.n, seed, **m)
