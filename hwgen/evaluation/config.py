"""One sweep configuration: generate, verify, synthesize, energy, error; cached by content.

The cache key is the generated Verilog, the steps and their options, and the tool versions (hwgen,
Amaranth, Yosys, Verilator, cocotb), so a rerun of a sweep only does the configurations it has not
done, and any tool update redoes them all. Failed configurations are not cached.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from hwgen import __version__
from hwgen.emit import elaborate
from hwgen.energy.measure import unit_energy
from hwgen.evaluation.entry import error_fields
from hwgen.registry import get_unit
from hwgen.synth import synthesize, unit_design
from hwgen.synth.cache import CacheEntry, content_key
from hwgen.synth.yosys import yosys_version
from hwgen.verify.check import verify

__all__ = ["SweepTask", "run_config", "tool_versions"]


@dataclass(frozen=True)
class SweepTask:
    unit: str
    params: dict
    index: int
    steps: tuple
    targets: tuple
    verify_vectors: int
    stream: str
    seed: int
    dsp: bool
    cache_dir: str  # absolute: workers may run in another folder or machine
    build_dir: str
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

    os.environ["HWGEN_CACHE_DIR"] = task.cache_dir
    t0 = time.perf_counter()
    unit = get_unit(task.unit)
    params = unit.resolve(task.params)
    gen = elaborate(unit, params)
    row: dict[str, Any] = {"index": task.index, "unit": unit.name, "module": gen.module, "params": params,
                           "verilog_sha256": hashlib.sha256(gen.verilog.encode()).hexdigest()}
    versions = tool_versions()
    key = content_key("sweep", gen.verilog, versions, task.steps, task.targets, task.verify_vectors,
                      task.stream, task.seed, task.dsp)
    entry = CacheEntry("sweep", key)
    if task.use_cache and (cached := entry.load()) is not None:
        cached.update(index=task.index, cached=True)
        return cached
    row["tools"] = versions
    if "verify" in task.steps:
        r = verify(unit, params, vectors=task.verify_vectors, seed=task.seed, build_root=task.build_dir)
        row.update(verify_vectors=r.vectors, verify_mismatches=r.mismatches)
        if not r.ok:
            raise RuntimeError(f"verify: {r.mismatches} mismatches in {r.vectors} vectors "
                               f"(first: {r.examples[:1]})" if r.vectors else "verify: no vectors checked")
    design = None
    if "synth" in task.steps or "energy" in task.steps:
        design = unit_design(unit, params)
        for target in task.targets:
            d = synthesize(design, target, dsp=task.dsp).data
            if target == "generic":
                row.update({k: d[k] for k in ("area_ge", "transistors", "depth", "dff", "num_cells")})
            else:
                row.update({f"{target}_{k}": d[k] for k in ("lut", "carry", "dsp", "dff")})
        row["yosys_version"] = versions["yosys"]
    if "energy" in task.steps:
        result = synthesize(design, "generic")
        e = unit_energy(unit, params, result, stream=task.stream, design=design)
        row.update({k: e[k] for k in ("energy_proxy", "energy_unit", "toggles_per_op", "stream",
                                      "post_synthesis_checked")})
    if "error" in task.steps and unit.error is not None:
        row.update(error_fields(unit.name, params))
    row["seconds"] = round(time.perf_counter() - t0, 2)
    row["cached"] = False
    entry.begin()
    entry.commit(json.loads(json.dumps(row, default=str)))
    return row
