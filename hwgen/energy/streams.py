"""The operand stream of one energy measurement: the unit's declared stream, or its random stimulus."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from hwgen.unit import STREAM_KINDS as STREAMS

__all__ = ["STREAMS", "stream_for"]

_DESCRIPTION = {"cnn": "cnn (ReLU'd N(0,1) activations x N(0,1) weights)",
                "uniform": "uniform (every operand uniform over its range)"}


def stream_for(unit, params: Mapping[str, Any], kind: str, n: int, seed: int) -> tuple[dict, str]:
    """``n`` vectors of stream ``kind`` for ``unit``, and a one-line description of what they are.

    A kind the unit does not declare (``Unit.streams``) falls back to its ``Stimulus.random``, and the
    description says so."""
    if kind not in STREAMS:
        raise ValueError(f"stream must be one of {', '.join(STREAMS)}, not {kind!r}")
    rng = np.random.default_rng(seed)
    fn = unit.streams.get(kind)
    if fn is not None:
        return fn(params, rng, n), f"{_DESCRIPTION[kind]}, seed {seed}"
    return unit.stimulus.random(params, rng, n), f"{kind} requested, no generator: unit's Stimulus.random, seed {seed}"
