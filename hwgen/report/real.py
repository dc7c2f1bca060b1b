"""OpenSTA and nextpnr columns of `hwgen compare` (``--liberty NAME`` with OpenSTA, ``--pnr``).

Kept apart from :mod:`hwgen.report.evaluate`, which calls :func:`real_fields` once per measured row.
"""

from __future__ import annotations

__all__ = ["STA_KEYS", "PNR_KEYS", "real_fields", "baseline_sta_fields", "energy_at"]

STA_KEYS = ("sta_delay_ns", "sta_fmax_mhz", "sta_startpoint", "sta_endpoint", "power_dynamic_uw",
            "power_leakage_uw", "energy_pj_per_op", "energy_clock_ns", "sta_engine")
PNR_KEYS = ("pnr_fmax_mhz", "pnr_fits", "pnr_reason", "logic_cells", "luts", "carries", "dffs", "dsps", "device",
            "pnr_seed", "nextpnr_version", "wrapper_dffs")


def energy_at(row: dict, period_ns: float) -> float | None:
    """STA energy per operation (pJ) at clock ``period_ns``: the dynamic energy per cycle of the own-Fmax
    run (power x period, independent of the period for a fixed activity per cycle) plus leakage x period."""
    if row.get("power_dynamic_uw") is None or not row.get("energy_clock_ns"):
        return None
    dyn = row["power_dynamic_uw"] * row["energy_clock_ns"] * 1e-3
    return round(dyn + row["power_leakage_uw"] * period_ns * 1e-3, 6)


def real_fields(unit, params, design, result, opts, *, group: str = "") -> dict:
    out: dict = {}
    if opts.liberty and getattr(opts, "sta", False):
        from ..synth.sta import sta_figures
        d = sta_figures(unit, params, result, opts.liberty, stream=opts.stream, ops=opts.ops, seed=opts.seed,
                        design=design)
        out.update({k: d[k] for k in STA_KEYS if k in d})
    if getattr(opts, "pnr", None) and group != "conv":  # tiles of 6-20k gates: generic figures only
        from ..synth.pnr import place_and_route, ports_of_netlist
        ports = design.ports or ports_of_netlist(result.netlist_path)
        d = place_and_route(design, opts.pnr, ports=ports)
        out.update({k: d.get(k) for k in PNR_KEYS})
        out["pnr_target"] = opts.pnr
    return out


def baseline_sta_fields(design, result, opts, ports, vectors, model) -> dict:
    """OpenSTA figures of a hand-written baseline on the given operand stream."""
    if not (opts.liberty and getattr(opts, "sta", False)):
        return {}
    from pathlib import Path

    from ..synth.sta import sta_netlist, sta_of_netlist
    lib = Path(opts.liberty)
    work = sta_netlist(result.folder, lib.read_bytes())
    d = sta_of_netlist(work, lib, ports, vectors, model=model, label=design.label)
    return {k: d[k] for k in STA_KEYS if k in d}
