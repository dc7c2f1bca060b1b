"""The vectors an exported package checks, computed by the golden model at export time.

Two hex files share hwgen's vector layout (:mod:`hwgen.verify.layout`: one line per vector or clock step,
fixed-width hex, one field per port or array element, at most 64 bits per field, field 0 leftmost):
``inputs.hex`` and ``expected.hex``. Sequential units (MAC protocol) get one stream of clock steps that
starts from reset; their expected outputs are the model's outputs of that same stream, so the benches
replay it once, with one reset at the start. A JSON description (``layout.json``) lets a bench that does
not import hwgen split the lines into ports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from hwgen.emit import Generated
from hwgen.params import ParamError
from hwgen.registry import EXHAUSTIVE_LIMIT, Unit
from hwgen.verify.check import select_vectors
from hwgen.verify.layout import Layout, layout_for
from hwgen.verify.space import space_bits

__all__ = ["VectorSet", "vector_set", "parse_vectors", "DEFAULT_RANDOM", "AUTO_EXHAUSTIVE_BITS"]

#: Random vectors (or clock steps) exported when --vectors is not given and the space is too big.
DEFAULT_RANDOM = 10_000
#: Without --vectors, combinational units whose input space has at most this many bits go exhaustive.
AUTO_EXHAUSTIVE_BITS = 16


@dataclass(frozen=True)
class VectorSet:
    inputs: Layout
    outputs: Layout
    count: int
    exhaustive: bool
    seed: int
    inputs_hex: bytes
    expected_hex: bytes

    def describe(self) -> str:
        return "exhaustive" if self.exhaustive else f"directed + random, seed {self.seed}"


def parse_vectors(text: str | None) -> str | int | None:
    """``--vectors``: None (automatic), 'exhaustive', or a count >= 0."""
    if text is None or text == "exhaustive":
        return text
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise ParamError(f"--vectors must be 'exhaustive' or a count >= 0, not {text[:80]!r}")
    return n


def _concat(batches: list[dict]) -> dict:
    return {k: np.concatenate([np.asarray(b[k]) for b in batches]) for k in batches[0]}


def _exhaustive(unit: Unit, params: Mapping[str, Any]) -> dict:
    module = unit.module_name(params)
    if unit.sequential:
        raise ParamError(f"--vectors exhaustive: {module} is sequential (MAC protocol), its steps have no "
                         "exhaustive set; give a number of random clock steps")
    ex = unit.stimulus.exhaustive(params)
    if ex is None:
        raise ParamError(f"--vectors exhaustive: the input space of {module} exceeds {EXHAUSTIVE_LIMIT} "
                         "vectors; give a number of random vectors")
    return ex


def vector_set(unit: Unit, params: Mapping[str, Any], gen: Generated, vectors: str | int | None,
               seed: int) -> VectorSet:
    ports = gen.ports
    ins = layout_for([p for p in ports if p.direction == "in"])
    outs = layout_for([p for p in ports if p.direction == "out"])
    if vectors is None:
        small = not unit.sequential and space_bits(ins) <= AUTO_EXHAUSTIVE_BITS
        vectors = "exhaustive" if small and unit.stimulus.exhaustive(params) is not None else DEFAULT_RANDOM
    if vectors == "exhaustive":
        batches, exhaustive = [_exhaustive(unit, params)], True
    else:
        batches, exhaustive = select_vectors(unit, params, vectors, seed)
    stream = _concat(batches)  # one stream from one reset: the model sees exactly what the bench replays
    n = len(next(iter(stream.values())))
    expected = unit.model(params, stream)
    return VectorSet(ins, outs, n, exhaustive, seed, ins.encode(stream, n), outs.encode(expected, n))


def layout_json(gen: Generated, vs: VectorSet) -> str:
    """What a bench needs to read the hex files without hwgen: ports, fields, count, latency, clock."""
    def fields(lay: Layout):
        return [{"port": f.port, "port_lo": f.port_lo, "width": f.width, "digits": f.digits}
                for f in lay.fields]
    m = gen.manifest
    doc = {"module": gen.module, "vectors": vs.count, "exhaustive": vs.exhaustive, "seed": vs.seed,
           "latency": m["latency"], "clock": m["clock"], "reset": m["reset"],
           "ports": m["ports"], "inputs": fields(vs.inputs), "outputs": fields(vs.outputs)}
    return json.dumps(doc, indent=2) + "\n"
