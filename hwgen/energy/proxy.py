"""Energy proxy per operation, with a post-synthesis check against the golden model.

The synthesized generic-gate netlist is simulated on an operand stream; the toggles of every cell
output are weighted by that cell's cost (its NAND2 gate-equivalents: a bigger cell has more internal and
load capacitance to switch) and divided by the number of operations. The unit is ``GE*toggle/op``: one
toggle of a NAND2 output per operation scores 1. It ranks designs by switching activity times size; it is
not a calibrated pJ figure. The same simulation must reproduce the golden model on every vector where the
output is observable; any difference raises :class:`PostSynthesisMismatch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from hwgen.energy.gatesim import GateSim, SimRun
from hwgen.ports import Port
from hwgen.synth.netlist import Netlist, load_netlist
from hwgen.synth.weights import GE_WEIGHTS
from hwgen.toolchain import ToolError
from hwgen.verify.compare import Comparator
from hwgen.verify.layout import layout_for

__all__ = ["PostSynthesisMismatch", "EnergyResult", "ENERGY_UNIT", "DEFAULT_OPS", "LANE_WORDS",
           "StreamSpec", "StreamRun", "simulate_stream", "energy_from_run"]

ENERGY_UNIT = "GE*toggle/op"
#: Operations per energy measurement: 64 lanes x 128 cycles for sequential designs.
DEFAULT_OPS = 8192
LANE_WORDS = 1  # sequential designs run 64 * LANE_WORDS independent lanes


class PostSynthesisMismatch(ToolError):
    """The synthesized netlist does not compute what the golden model says."""


@dataclass
class EnergyResult:
    energy_proxy: float  # GE-weighted toggles per operation
    toggles_per_op: float  # unweighted cell-output toggles per operation
    operations: int
    checked: int  # vectors compared with the golden model (0 when there is no model)
    by_cell: dict  # cell type -> GE-weighted toggles per operation

    def to_json(self) -> dict:
        return {"energy_proxy": round(self.energy_proxy, 3), "energy_unit": ENERGY_UNIT,
                "toggles_per_op": round(self.toggles_per_op, 3), "energy_operations": self.operations,
                "post_synthesis_checked": self.checked,
                "energy_by_cell": {k: round(v, 3) for k, v in sorted(self.by_cell.items())}}


def _bits_of(values: Mapping[str, np.ndarray], ports: list[Port], n: int) -> dict[str, np.ndarray]:
    """port -> (n, width) bool matrix of the raw two's complement bits (array elements flattened)."""
    out = {}
    layout = layout_for(ports)
    fv = layout.field_values(values, n)
    for p in ports:
        m = np.zeros((n, p.width), dtype=bool)
        for i, f in enumerate(layout.fields):
            if f.port == p.name:
                shifts = np.arange(f.width, dtype=np.uint64)
                m[:, f.port_lo:f.port_lo + f.width] = ((fv[:, i:i + 1] >> shifts) & np.uint64(1)).astype(bool)
        out[p.name] = m
    return out


def _fields_of(bits: Mapping[str, np.ndarray], ports: list[Port]) -> np.ndarray:
    """The inverse of :func:`_bits_of`: (n, fields) uint64 in the layout's field order."""
    layout = layout_for(ports)
    n = next(iter(bits.values())).shape[0]
    out = np.zeros((n, len(layout.fields)), dtype=np.uint64)
    for i, f in enumerate(layout.fields):
        m = bits[f.port][:, f.port_lo:f.port_lo + f.width].astype(np.uint64)
        out[:, i] = (m << np.arange(f.width, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)
    return out


@dataclass(frozen=True)
class StreamSpec:
    """What a gate-level run is: the design's ``latency`` (clock edges from inputs to result),
    ``sequential`` (lanes each start from reset), the golden ``model`` it must reproduce (None: no
    check) and a ``label`` for messages."""

    latency: int = 0
    sequential: bool = False
    model: Callable[[dict], dict] | None = None
    label: str = "design"


@dataclass
class StreamRun:
    """A simulated stream: the toggles (``run``), the observed output fields as (n, fields) uint64 (rows
    no cycle observed are zero, ``observed`` False), the vectors compared with the model (``checked``) and
    the simulator, whose driver table prices the toggles."""

    run: SimRun
    outputs: np.ndarray
    observed: np.ndarray
    checked: int
    sim: GateSim


def simulate_stream(netlist: Netlist | str, ports: list[Port], vectors: Mapping[str, np.ndarray],
                    spec: StreamSpec = StreamSpec(), *, lanes_words: int = LANE_WORDS,
                    cells: dict | None = None, flops: dict | None = None) -> StreamRun:
    """Simulate ``vectors`` on the netlist and compare with ``spec.model`` (unless None) through the
    shared comparator (hwgen.verify.compare); any difference raises :class:`PostSynthesisMismatch`.
    ``cells``/``flops`` are the simulation models of a Liberty-mapped netlist (default: Yosys' generic
    gates)."""
    label, latency = spec.label, spec.latency
    nl = netlist if isinstance(netlist, Netlist) else load_netlist(netlist)
    sim = GateSim(nl, cells, flops)
    n = len(next(iter(vectors.values())))
    ins = [p for p in ports if p.direction == "in"]
    outs = [p for p in ports if p.direction == "out"]
    bits_in = _bits_of(vectors, ins, n)
    for name, nets in nl.inputs().items():  # the clock is not simulated; reset stays low
        if name not in bits_in:
            if name in ("clk", "rst"):
                bits_in[name] = np.zeros((n, len(nets)), dtype=bool)
            else:
                raise ToolError(f"{label}: the netlist has an input {name!r} that the stream does not drive")
    bits_in = {k: v for k, v in bits_in.items() if k in nl.inputs()}
    if not sim.sequential and latency:
        raise ToolError(f"{label}: latency {latency} but the netlist has no flip-flops")
    run = sim.run(bits_in, lanes_words)
    lanes = 64 * lanes_words if sim.sequential else n
    t_len = n // lanes
    # Output at cycle t + latency shows the result of the inputs of cycle t (within one lane).
    got_all = _fields_of({p.name: run.outputs[p.name] for p in outs}, outs)
    observed = np.zeros(n, dtype=bool)
    got = np.zeros_like(got_all)
    idx = np.arange(n).reshape(lanes, t_len)
    if latency < t_len:
        src = idx[:, :t_len - latency].reshape(-1)
        dst = idx[:, latency:].reshape(-1)
        got[src] = got_all[dst]
        observed[src] = True
    checked = 0
    if spec.model is not None:
        if spec.sequential:  # every lane starts from reset: the model runs lane by lane
            parts = [spec.model({k: np.asarray(v)[row[0]:row[-1] + 1] for k, v in vectors.items()}) for row in idx]
            expected = {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in parts[0]}
        else:
            expected = spec.model(dict(vectors))
        want = layout_for(outs).field_values(expected, n)
        found = Comparator(layout_for(ins), layout_for(outs), max_examples=1).compare(want, got, dict(vectors),
                                                                                      observed=observed)
        checked = found.checked
        if found.mismatches:
            i = found.indices[0]
            ins_desc = ", ".join(f"{k}={np.asarray(v)[i]}" for k, v in vectors.items())
            raise PostSynthesisMismatch(
                f"post-synthesis check failed for {label}: the gate netlist differs from the golden model on "
                f"{found.mismatches} of {checked} vectors; first at vector {i} ({ins_desc}): netlist fields "
                f"{[hex(int(x)) for x in got[i]]}, model fields {[hex(int(x)) for x in want[i]]}")
    return StreamRun(run, got, observed, checked, sim)


def energy_from_run(stream: StreamRun, weights: Mapping[str, float] = GE_WEIGHTS) -> EnergyResult:
    """Weight each net's toggles by its driving cell's cost; divide by the operations."""
    run, sim, checked = stream.run, stream.sim, stream.checked
    ops = run.transitions
    if ops <= 0:
        raise ToolError("the energy stream is too short to count toggles (need at least 2 steps per lane)")
    by_cell: dict[str, float] = {}
    total_toggles = 0
    for cell_type in set(sim.driver_type) - {""}:
        mask = sim.driver_type == cell_type
        t = int(run.toggles[mask].sum())
        total_toggles += t
        w = weights.get(cell_type)
        if w is None:
            raise ToolError(f"no energy weight for cell type {cell_type!r}")
        by_cell[cell_type] = w * t / ops
    return EnergyResult(sum(by_cell.values()), total_toggles / ops, ops, checked, by_cell)
