"""Energy proxy of a registered unit's synthesized netlist, cached beside the synthesis result."""

from __future__ import annotations

from typing import Any, Mapping

from ..synth.cache import content_key, read_checked_json, write_checked_json
from ..synth.flow import SynthResult
from ..synth.weights import GE_WEIGHTS
from .proxy import DEFAULT_OPS, LANE_WORDS, energy_from_run, simulate_stream
from .streams import stream_for

__all__ = ["unit_energy", "liberty_energy", "liberty_energy_of", "DEFAULT_SEED", "ENERGY_VERSION"]

#: The stream seed unless one is given: every report uses the same operands.
DEFAULT_SEED = 20260101
ENERGY_VERSION = 1


def _digest(vectors: dict) -> str:
    import hashlib

    import numpy as np

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


def unit_energy(unit, params: Mapping[str, Any], synth: SynthResult, *, stream: str = "cnn",
                ops: int = DEFAULT_OPS, seed: int = DEFAULT_SEED, use_cache: bool = True,
                design=None) -> dict:
    """Simulate ``synth``'s generic netlist on ``ops`` operations of ``stream``; check it against the
    golden model; return the JSON fields ``energy_proxy``, ``energy_unit``, ``stream``, ...

    ``design`` (the :class:`~hwgen.synth.Design` that was synthesized) saves elaborating the unit again.
    """

    if synth.data.get("target") != "generic":
        raise ValueError("the energy proxy needs the generic target's netlist")
    vectors, description = stream_for(unit, params, stream, ops, seed)
    # The operands themselves are in the key: a changed stream generator invalidates old figures.
    key = content_key("energy", ENERGY_VERSION, _digest(vectors), description, LANE_WORDS,
                      sorted(GE_WEIGHTS.items()))
    cache = synth.folder / f"energy_{key[:16]}.json"
    if use_cache and (hit := _cached(cache)) is not None:
        return hit
    if design is None or not design.ports:
        from ..synth.design import unit_design
        design = unit_design(unit, params)
    run, _, _, checked, sim = simulate_stream(
        synth.netlist_path, list(design.ports), vectors, latency=design.latency, sequential=unit.sequential,
        model=lambda vec: unit.model(params, vec), label=design.label)
    if checked == 0:
        raise ValueError(f"{design.label}: no vector was observable in the energy stream")
    out = energy_from_run(run, sim, checked).to_json()
    out["stream"] = description
    write_checked_json(cache, out)
    return out


def liberty_energy(unit, params: Mapping[str, Any], synth: SynthResult, liberty, *, stream: str = "cnn",
                   ops: int = DEFAULT_OPS, seed: int = DEFAULT_SEED, use_cache: bool = True, design=None) -> dict:
    """Energy per operation of the Liberty-mapped netlist (``netlist_liberty.json``), from the library's
    internal-power tables and pin capacitances (:func:`hwgen.energy.liberty.net_energies`), on the same
    stream and with the same post-synthesis check as :func:`unit_energy`."""
    from .liberty import load_liberty

    path = synth.folder / "netlist_liberty.json"
    if not path.exists():
        raise ValueError("the synthesis result has no Liberty netlist (synthesize with liberty=...)")
    vectors, description = stream_for(unit, params, stream, ops, seed)
    key = content_key("energy-liberty", ENERGY_VERSION, _digest(vectors), description, LANE_WORDS,
                      load_liberty(liberty).digest)
    cache = synth.folder / f"energy_liberty_{key[:16]}.json"
    if use_cache and (hit := _cached(cache)) is not None:
        return hit
    if design is None or not design.ports:
        from ..synth.design import unit_design
        design = unit_design(unit, params)
    out = liberty_energy_of(path, liberty, list(design.ports), vectors, latency=design.latency,
                            sequential=unit.sequential, model=lambda vec: unit.model(params, vec),
                            label=design.label)
    write_checked_json(cache, out)
    return out


def liberty_energy_of(path, liberty, ports, vectors, *, latency: int = 0, sequential: bool = False, model=None,
                      label: str = "design") -> dict:
    """Simulate a Liberty-mapped netlist on ``vectors`` (checked against ``model`` unless None) and price
    its toggles with the library: the JSON fields ``energy_liberty``, ``energy_liberty_unit``, ..."""
    import numpy as np

    from ..synth.netlist import load_netlist
    from .liberty import energy_unit, library_models, load_liberty, net_energies

    lib = load_liberty(liberty)
    nl = load_netlist(path, output_pins={name: set(c.outputs) for name, c in lib.cells.items()},
                      sequential_types={name for name, c in lib.cells.items() if c.ff is not None})
    cells, flops = library_models(lib, {c.type for c in nl.cells})
    run, _, _, checked, _ = simulate_stream(nl, ports, vectors, latency=latency, sequential=sequential, model=model,
                                            label=label + " (Liberty netlist)", cells=cells, flops=flops)
    per_net, clock = net_energies(lib, nl)
    value = float(np.dot(run.toggles.astype(np.float64), per_net)) / run.transitions + clock
    return {"energy_liberty": round(value, 6), "energy_liberty_unit": energy_unit(liberty),
            "energy_liberty_clock": round(clock, 6), "post_synthesis_checked_liberty": checked}
