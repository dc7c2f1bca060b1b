"""OpenSTA and nextpnr figures of one comparison row (``hwgen compare --liberty NAME``, ``--pnr``)."""

from __future__ import annotations

from pathlib import Path

from hwgen.energy.measure import EnergyOptions
from hwgen.energy.proxy import StreamSpec
from hwgen.energy.sta_power import sta_figures, sta_of_netlist
from hwgen.report.real import PNR_KEYS, STA_KEYS
from hwgen.synth.pnr import place_and_route, ports_of_netlist
from hwgen.synth.sta import sta_netlist

__all__ = ["real_fields", "baseline_sta_fields"]


def real_fields(gen, design, result, opts, *, group: str = "") -> dict:
    """STA figures of the design ``gen`` (None for a baseline without a declaration) when ``opts.sta``, and
    place-and-route figures on ``opts.pnr`` except for tiles."""
    out: dict = {}
    if opts.liberty and opts.sta and gen is not None:
        d = sta_figures(gen, result, Path(opts.liberty), EnergyOptions(opts.stream, opts.ops, opts.seed))
        out.update({k: d[k] for k in STA_KEYS if k in d})
    if opts.pnr and group != "conv":  # tiles of 6-20k gates: generic figures only
        ports = design.ports or ports_of_netlist(result.netlist_path)
        d = place_and_route(design, opts.pnr, ports=ports, cache_dir=opts.folders.cache)
        out.update({k: d.get(k) for k in PNR_KEYS})
        out["pnr_target"] = opts.pnr
    return out


def baseline_sta_fields(design, result, opts, ports, vectors, model) -> dict:
    """OpenSTA figures of a hand-written baseline on the given operand stream."""
    if not (opts.liberty and opts.sta):
        return {}
    lib = Path(opts.liberty)
    work = sta_netlist(result.folder, lib.read_bytes())
    d = sta_of_netlist(work, lib, ports, vectors, StreamSpec(model=model, label=design.label))
    return {k: d[k] for k in STA_KEYS if k in d}
