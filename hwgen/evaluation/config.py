"""One sweep configuration: generate, verify, synthesize, energy, error; cached by content.

The cache key is the generated Verilog, the steps and their options, and the tool versions (hwgen,
Amaranth, Yosys, Verilator, cocotb), so a rerun of a sweep only does the configurations it has not
done, and any tool update redoes them all. Failed configurations are not cached.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import time
from dataclasses import dataclass
from typing import Any

from hwgen import __version__
from hwgen.emit import elaborate
from hwgen.evaluation.pipeline import EvalSettings, evaluate
from hwgen.registry import get_unit
from hwgen.report.real import STA_KEYS
from hwgen.synth.cache import CacheEntry, content_key
from hwgen.synth.yosys import yosys_version

__all__ = ["SweepTask", "run_config", "tool_versions"]


@dataclass(frozen=True)
class SweepTask:
    """One grid point: the unit and parameters, its row number, what to measure (with absolute folders:
    workers may run in another folder or machine), and whether a cached row may be reused."""

    unit: str
    params: dict
    index: int
    settings: EvalSettings
    use_cache: bool = True


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def tool_versions() -> dict:
    return {"hwgen": __version__, "amaranth": _version("amaranth"), "yosys": yosys_version(),
            "verilator": _version("verilator"), "cocotb": _version("cocotb")}


def run_config(task: SweepTask) -> dict:
    """Evaluate one configuration; raises on a tool fault (the executor records it for this row)."""
    t0 = time.perf_counter()
    s = task.settings
    unit = get_unit(task.unit)
    params = unit.resolve(task.params)
    gen = elaborate(unit, params)
    row: dict[str, Any] = {"index": task.index, "unit": unit.name, "module": gen.module, "params": params,
                           "verilog_sha256": hashlib.sha256(gen.verilog.encode()).hexdigest()}
    versions = tool_versions()
    key = content_key("sweep", gen.verilog, versions, s.steps, s.targets, s.verify_vectors,
                      s.energy.stream, s.verify_seed, s.dsp)
    entry = CacheEntry("sweep", key, s.folders.cache)
    if task.use_cache and (cached := entry.load()) is not None:
        cached.update(index=task.index, cached=True)
        return cached
    row["tools"] = versions
    ev = evaluate(gen, s)
    if ev.verify is not None:
        row.update(verify_vectors=ev.verify.vectors, verify_mismatches=ev.verify.mismatches)
    for target, d in ev.synth.items():
        if target == "generic":
            row.update({k: d[k] for k in ("area_ge", "transistors", "depth", "dff", "num_cells")})
            row.update({k: d[k] for k in ("area_um2",) if k in d})
        else:
            row.update({f"{target}_{k}": d[k] for k in ("lut", "carry", "dsp", "dff")})
    if ev.synth:
        row["yosys_version"] = versions["yosys"]
    if ev.energy is not None:
        row.update({k: ev.energy[k] for k in ("energy_proxy", "energy_unit", "toggles_per_op", "stream",
                                              "post_synthesis_checked")})
    if ev.sta is not None:
        row.update({k: ev.sta[k] for k in STA_KEYS if k in ev.sta})
    if ev.error is not None:
        row.update(ev.error)
    row["seconds"] = round(time.perf_counter() - t0, 2)
    row["cached"] = False
    entry.begin()
    entry.commit(json.loads(json.dumps(row, default=str)))
    return row
