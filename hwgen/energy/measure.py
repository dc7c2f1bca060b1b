"""Energy proxy of a registered unit's synthesized netlist, cached beside the synthesis result."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import numpy as np

from hwgen.energy.liberty import energy_unit, library_models, load_liberty, net_energies
from hwgen.energy.proxy import DEFAULT_OPS, LANE_WORDS, StreamSpec, energy_from_run, simulate_stream
from hwgen.energy.streams import stream_for
from hwgen.synth.cache import content_key, read_checked_json, write_checked_json
from hwgen.synth.flow import SynthResult
from hwgen.synth.netlist import load_netlist
from hwgen.synth.weights import GE_WEIGHTS

__all__ = ["EnergyOptions", "unit_energy", "liberty_energy", "liberty_energy_of", "DEFAULT_SEED", "ENERGY_VERSION"]

#: The stream seed unless one is given: every report uses the same operands.
DEFAULT_SEED = 20260101
ENERGY_VERSION = 1


def _digest(vectors: dict) -> str:
    h = hashlib.sha256()
    for k in sorted(vectors):
        a = np.asarray(vectors[k])
        h.update(k.encode())
        h.update(repr(a.tolist()).encode() if a.dtype == object else a.astype(np.int64).tobytes())
    return h.hexdigest()


def _cached(path) -> dict | None:
    """A stored figure that passes its checksum, else None (recomputed and replaced)."""
    hit = read_checked_json(path)
    return hit if isinstance(hit, dict) else None


@dataclass(frozen=True)
class EnergyOptions:
    """The operand stream of an energy figure (``stream`` kind, ``ops`` operations, its ``seed``) and
    whether a cached figure may be reused."""

    stream: str = "cnn"
    ops: int = DEFAULT_OPS
    seed: int = DEFAULT_SEED
    use_cache: bool = True


def _spec(gen, label: str) -> StreamSpec:
    """The gate-level run of ``gen``'s netlist, checked against its golden model."""
    return StreamSpec(latency=gen.manifest["latency"], sequential=gen.unit.sequential,
                      model=lambda vec: gen.unit.model(gen.params, vec), label=label)


def unit_energy(gen, synth: SynthResult, options: EnergyOptions = EnergyOptions()) -> dict:
    """Simulate ``synth``'s generic netlist (of the design ``gen``) on ``options.ops`` operations of the
    unit's declared stream; check it against the golden model; return the JSON fields ``energy_proxy``,
    ``energy_unit``, ``stream``, ..."""
    if synth.data.get("target") != "generic":
        raise ValueError("the energy proxy needs the generic target's netlist")
    vectors, description = stream_for(gen.unit, gen.params, options.stream, options.ops, options.seed)
    # The operands themselves are in the key: a changed stream generator invalidates old figures.
    key = content_key("energy", ENERGY_VERSION, _digest(vectors), description, LANE_WORDS,
                      sorted(GE_WEIGHTS.items()))
    cache = synth.folder / f"energy_{key[:16]}.json"
    if options.use_cache and (hit := _cached(cache)) is not None:
        return hit
    stream = simulate_stream(synth.netlist_path, gen.ports, vectors, _spec(gen, gen.module))
    if stream.checked == 0:
        raise ValueError(f"{gen.module}: no vector was observable in the energy stream")
    out = energy_from_run(stream).to_json()
    out["stream"] = description
    write_checked_json(cache, out)
    return out


def liberty_energy(gen, synth: SynthResult, liberty, options: EnergyOptions = EnergyOptions()) -> dict:
    """Energy per operation of the Liberty-mapped netlist (``netlist_liberty.json``), from the library's
    internal-power tables and pin capacitances (:func:`hwgen.energy.liberty.net_energies`), on the same
    stream and with the same post-synthesis check as :func:`unit_energy`."""
    path = synth.folder / "netlist_liberty.json"
    if not path.exists():
        raise ValueError("the synthesis result has no Liberty netlist (synthesize with liberty=...)")
    vectors, description = stream_for(gen.unit, gen.params, options.stream, options.ops, options.seed)
    key = content_key("energy-liberty", ENERGY_VERSION, _digest(vectors), description, LANE_WORDS,
                      load_liberty(liberty).digest)
    cache = synth.folder / f"energy_liberty_{key[:16]}.json"
    if options.use_cache and (hit := _cached(cache)) is not None:
        return hit
    out = liberty_energy_of(path, liberty, gen.ports, vectors, _spec(gen, gen.module))
    write_checked_json(cache, out)
    return out


def liberty_energy_of(path, liberty, ports, vectors, spec: StreamSpec = StreamSpec()) -> dict:
    """Simulate a Liberty-mapped netlist on ``vectors`` (checked against ``spec.model`` unless None) and
    price its toggles with the library: the JSON fields ``energy_liberty``, ``energy_liberty_unit``, ..."""
    lib = load_liberty(liberty)
    nl = load_netlist(path, output_pins={name: set(c.outputs) for name, c in lib.cells.items()},
                      sequential_types={name for name, c in lib.cells.items() if c.ff is not None})
    cells, flops = library_models(lib, {c.type for c in nl.cells})
    spec = dataclasses.replace(spec, label=spec.label + " (Liberty netlist)")
    stream = simulate_stream(nl, ports, vectors, spec, cells=cells, flops=flops)
    per_net, clock = net_energies(lib, nl)
    value = float(np.dot(stream.run.toggles.astype(np.float64), per_net)) / stream.run.transitions + clock
    return {"energy_liberty": round(value, 6), "energy_liberty_unit": energy_unit(liberty),
            "energy_liberty_clock": round(clock, 6), "post_synthesis_checked_liberty": stream.checked}
