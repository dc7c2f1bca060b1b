"""OpenSTA timing and power of a unit's Liberty netlist, with switching activity from the unit's own
operand stream (the stream of the energy figure), checked against the golden model on the way.

The OpenSTA run itself (netlist rewriting, script, parsing) is hwgen.synth.sta; this module adds what
needs the gate-level simulation of the energy layer: the per-cell toggle rates and the post-synthesis check.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from hwgen.energy.liberty import library_models, load_liberty
from hwgen.energy.measure import EnergyOptions, _digest, _spec
from hwgen.energy.proxy import StreamSpec, _bits_of, simulate_stream
from hwgen.energy.streams import stream_for
from hwgen.synth.cache import content_key, read_checked_json, write_checked_json
from hwgen.synth.netlist import load_netlist
from hwgen.synth.sta import (
    STA_VERSION,
    _port_ref,
    _time_scale,
    parse_power,
    parse_timing,
    run_sta,
    sta_netlist,
    sta_script,
    sta_version,
    stream_power,
)
from hwgen.toolchain import ToolError

__all__ = ["stream_activity", "sta_of_netlist", "sta_figures"]


# -- activity from the operand stream ------------------------------------------------------------------------
def stream_activity(netlist, sim_toggles: np.ndarray, transitions: int, bits_in: dict) -> dict:
    """``{"ports": {ref: (activity, duty)}, "cells": {instance: output toggles}}`` per operation (= cycle)."""
    ports = {}
    for name, nets in netlist.inputs().items():
        m = bits_in.get(name)
        for i, net in enumerate(nets):
            act = float(sim_toggles[net]) / transitions
            duty = float(m[:, i].mean()) if m is not None else 0.0
            ports[_port_ref(name, i, len(nets))] = (round(act, 6), round(duty, 6))
    cells = {}
    for c in netlist.cells:
        nets = [b for bits in c.outputs.values() for b in bits if b > 1]
        if nets:  # a multi-output cell: the mean of its outputs
            cells[c.name] = float(np.mean([sim_toggles[b] for b in nets])) / transitions
    return {"ports": ports, "cells": cells}


def sta_of_netlist(work: Path, liberty: Path, ports, vectors, spec: StreamSpec = StreamSpec(),
                   clock_ns: float | None = None) -> dict:
    """Timing and power of the netlist in ``work`` (hwgen.synth.sta.sta_netlist), activity from ``vectors``
    (checked against ``spec.model`` unless None)."""
    label = spec.label
    lib = load_liberty(liberty)
    nl = load_netlist(work / "netlist.json", output_pins={n: set(c.outputs) for n, c in lib.cells.items()},
                      sequential_types={n for n, c in lib.cells.items() if c.ff is not None})
    cells, flops = library_models(lib, {c.type for c in nl.cells})
    stream = simulate_stream(nl, list(ports), vectors, dataclasses.replace(spec, label=label + " (STA netlist)"),
                             cells=cells, flops=flops)
    run, checked, sim = stream.run, stream.checked, stream.sim
    n = len(next(iter(vectors.values())))
    bits_in = _bits_of(vectors, [p for p in ports if p.direction == "in"], n)
    activity = stream_activity(nl, run.toggles, run.transitions, bits_in)
    clock_port = "clk" if sim.sequential and "clk" in nl.inputs() else None
    activity["ports"] = {k: v for k, v in activity["ports"].items() if not k.startswith("{clk")}
    scale = _time_scale(Path(liberty).read_text(errors="replace"))

    probe = 1000.0 / scale  # a loose clock: the worst path's slack gives the minimum period
    t = parse_timing(run_sta(work, sta_script(nl.top, probe, clock_port, None), label))
    delay_ns = (probe - t["slack"]) * scale
    if delay_ns <= 0:
        raise ToolError(f"OpenSTA reported a non-positive critical path ({delay_ns} ns) for {label}")
    period_ns = float(clock_ns) if clock_ns else delay_ns
    out = run_sta(work, sta_script(nl.top, period_ns / scale, clock_port, activity), label)
    t2 = parse_timing(out)
    p = stream_power(out, activity["cells"])
    ports_only = parse_power(out, 2)
    dynamic = p["internal"] + p["switching"]
    data = {
        "sta_delay_ns": round(delay_ns, 4), "sta_startpoint": t["startpoint"], "sta_endpoint": t["endpoint"],
        "sta_fmax_mhz": round(1000.0 / delay_ns, 3), "sta_clock": "clk" if clock_port else "virtual",
        "power_dynamic_uw": round(dynamic * 1e6, 4), "power_leakage_uw": round(p["leakage"] * 1e6, 6),
        "power_internal_uw": round(p["internal"] * 1e6, 4), "power_switching_uw": round(p["switching"] * 1e6, 4),
        "energy_pj_per_op": round(p["total"] * period_ns * 1e3, 6), "energy_clock_ns": round(period_ns, 4),
        "sta_activity": "per cell: its output's toggle rate on the stream (instance power slopes from OpenSTA)",
        "sta_activity_cells": len(activity["cells"]),
        "power_inputs_only_uw": round(ports_only["total"] * 1e6, 4), "post_synthesis_checked_sta": checked,
        "sta_engine": sta_version(),
    }
    if clock_ns:
        data["clock_ns"] = float(clock_ns)
        data["slack_ns"] = round(t2["slack"] * scale, 4)
    return data


def sta_figures(gen, synth, liberty: Path, options: EnergyOptions = EnergyOptions(),
                clock_ns: float | None = None) -> dict:
    """OpenSTA delay, power and energy of the design ``gen``'s Liberty netlist (cached in its synthesis
    entry, keyed by the stream, the clock, the library and the OpenSTA version)."""
    lib_bytes = Path(liberty).read_bytes()
    vectors, description = stream_for(gen.unit, gen.params, options.stream, options.ops, options.seed)
    key = content_key("sta", STA_VERSION, _digest(vectors), description, clock_ns,
                      hashlib.sha256(lib_bytes).hexdigest(), sta_version())
    cache = synth.folder / f"sta_{key[:16]}.json"
    if options.use_cache and isinstance(hit := read_checked_json(cache), dict):
        return hit
    work = sta_netlist(synth.folder, lib_bytes)
    out = sta_of_netlist(work, liberty, gen.ports, vectors, _spec(gen, gen.module), clock_ns)
    out["sta_stream"] = description
    write_checked_json(cache, out)
    return out
