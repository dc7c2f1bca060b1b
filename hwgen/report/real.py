"""OpenSTA and nextpnr columns of `hwgen compare` (``--liberty NAME`` with OpenSTA, ``--pnr``): the keys
the report shows and the energy at a given clock (the figures come from hwgen.evaluation.real)."""

from __future__ import annotations

__all__ = ["STA_KEYS", "PNR_KEYS", "energy_at"]

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
