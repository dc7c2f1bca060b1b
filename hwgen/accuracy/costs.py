"""Energy figures of each variant's MAC, from the synthesis flow (`hwgen synth UNIT --json`).

The flow is called as a command (its public interface); it caches its results by content, so only
changed designs are synthesized again. ``energy_proxy`` is the flow's GE-weighted toggles per operation
of the unit, divided by the equivalent multiply-accumulates one operation stands for (36 for a 3x3 tile
of 4 outputs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping

from hwgen.accuracy.variants import Variant

__all__ = ["energy_for"]


def _key(unit: str, params: Mapping[str, Any]) -> str:
    return unit + " " + " ".join(f"{k}={v}" for k, v in sorted(params.items()))


def _synth(unit: str, params: Mapping[str, Any]) -> dict:
    cmd = [sys.executable, "-m", "hwgen", "synth", unit, "--json"]
    for k, v in params.items():
        cmd += ["-p", f"{k}={str(v).lower() if isinstance(v, bool) else v}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    d = json.loads(r.stdout)
    return {k: d.get(k) for k in ("module", "energy_proxy", "energy_unit", "area_ge", "num_cells", "stream")}


def energy_for(variants: list[Variant], jobs: int = 2, log=None) -> dict[str, dict]:
    """variant name -> {energy_per_mac, area_ge, unit, module, ...} for every variant with an energy
    mapping whose synthesis succeeds. The flow is asked every time: its own cache is keyed by the
    generated Verilog, so a changed design is measured again and an unchanged one costs a process start."""
    wanted = {_key(v.energy[0], v.energy[1]): v.energy[:2] for v in variants if v.energy}
    if log:
        log(f"energy proxy of {len(wanted)} units from `hwgen synth` (its cache makes repeats quick)...")
    cache = {}
    with ThreadPoolExecutor(max(1, jobs)) as ex:
        for k, res in zip(wanted, ex.map(lambda k: _synth(*wanted[k]), wanted)):
            cache[k] = res
            if log:
                log(f"  {k}: {res.get('energy_proxy', res.get('error'))}")
    out = {}
    for v in variants:
        if not v.energy:
            continue
        res = cache.get(_key(v.energy[0], v.energy[1]), {})
        if res.get("energy_proxy") is None:
            continue
        out[v.name] = {"unit": v.energy[0], "module": res["module"], "area_ge": res["area_ge"],
                       "energy_per_mac": round(res["energy_proxy"] / v.energy[2], 3),
                       "energy_unit": res["energy_unit"], "macs_per_op": v.energy[2]}
    return out
