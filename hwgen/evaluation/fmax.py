"""Fmax and area of one unit at each pipeline depth: what each register stage buys.

Per depth ``p`` the unit is elaborated (once) with ``pipeline=p`` and measured with the chosen back ends:
nextpnr place and route in the timing wrapper (:mod:`hwgen.synth.pnr`, ``pnr_fmax_mhz``, logic cells)
and/or OpenSTA on a Liberty library (:mod:`hwgen.energy.sta_power`, ``sta_fmax_mhz``, ``area_um2``, energy
per operation at the unit's own Fmax). Every figure is cached like the synthesis results. The table and
plot are hwgen.report.fmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from hwgen.emit import elaborate
from hwgen.energy.measure import EnergyOptions
from hwgen.energy.sta_power import sta_figures
from hwgen.settings import Settings
from hwgen.synth import synthesize, unit_design
from hwgen.synth.pnr import place_and_route

__all__ = ["FmaxBackends", "fmax_rows"]


@dataclass(frozen=True)
class FmaxBackends:
    """Where Fmax comes from: place and route on ``target`` (device, package, nextpnr seed) and/or OpenSTA
    on ``liberty`` with the energy stream ``energy``; the folders to work in."""

    target: str | None = None
    device: str | None = None
    package: str | None = None
    seed: int = 1
    liberty: str | None = None
    energy: EnergyOptions = EnergyOptions()
    folders: Settings = Settings()


def fmax_rows(unit, params: Mapping[str, Any], depths, backends: FmaxBackends = FmaxBackends()) -> list[dict]:
    b = backends
    rows = []
    for p in depths:
        gen = elaborate(unit, unit.resolve({**params, "pipeline": p}))
        design = unit_design(gen)
        row: dict[str, Any] = {"pipeline": p, "module": design.label, "latency": design.latency}
        if b.liberty:
            result = synthesize(design, "generic", liberty=b.liberty, cache_dir=b.folders.cache)
            row.update({"area_ge": result.data["area_ge"], "area_um2": result.data.get("area_um2"),
                        "dff": result.data["dff"]})
            sta = sta_figures(gen, result, Path(b.liberty), b.energy)
            row.update({k: sta[k] for k in ("sta_delay_ns", "sta_fmax_mhz", "energy_pj_per_op", "sta_startpoint",
                                            "sta_endpoint", "sta_engine")})
        if b.target:
            pnr = place_and_route(design, b.target, device=b.device, package=b.package, seed=b.seed,
                                  cache_dir=b.folders.cache)
            row.update({k: pnr.get(k) for k in ("pnr_fmax_mhz", "pnr_fits", "pnr_reason", "logic_cells", "luts",
                                                "carries", "dffs", "unit_dffs", "device", "pnr_seed",
                                                "nextpnr_version")})
            row["pnr_target"] = b.target
        rows.append(row)
    return rows
