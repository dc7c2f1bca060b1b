"""Synthesis of one design on one target: the Yosys run, the figures, and their cache.

``synthesize(design, target)`` returns a :class:`SynthResult` whose ``data`` is the JSON the CLI prints:
``cells`` (by type), ``num_cells``, ``dff``, ``depth`` and, per target,

- generic: ``area_ge`` (NAND2 gate-equivalents, :mod:`hwgen.synth.weights`), ``transistors`` (``stat -tech
  cmos``; ``transistors_complete`` is false when Yosys marked the count as a lower bound with ``+``);
  with a Liberty file also ``area_um2`` and ``liberty_cells``;
- ice40 / ecp5 / xilinx: ``lut``, ``carry``, ``dsp``, ``dff`` (FPGA flip-flops), ``depth`` in cells.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import hwgen_synth

from hwgen.synth.cache import CacheEntry, content_key
from hwgen.synth.netlist import load_netlist
from hwgen.synth.weights import GE_WEIGHTS, area_ge, parse_transistors
from hwgen.synth.yosys import read_json, run_yosys, yosys_version
from hwgen.toolchain import ToolError

__all__ = ["Design", "SynthResult", "TARGETS", "synthesize", "script_path", "FLOW_VERSION"]

TARGETS = ("generic", "ice40", "ecp5", "xilinx")
#: Bumped whenever the figures derived from a Yosys run change meaning: old cache entries are ignored.
FLOW_VERSION = 1

_REPO_SYNTH = Path(hwgen_synth.__file__).resolve().parent  # the top-level synth/ folder


def script_path(name: str) -> Path:
    """``synth/<name>.ys`` of the checkout (the one script per target used for every design)."""
    path = _REPO_SYNTH / f"{name}.ys"
    if not path.exists():
        raise ToolError(f"Synthesis script {path} is missing; hwgen's synth/ folder must sit beside "
                        "the hwgen package (run from a checkout)")
    return path


@dataclass(frozen=True)
class Design:
    """Verilog sources and a top module, with what they stand for."""

    label: str  # row name in reports: the module name for generated units
    top: str
    sources: tuple[tuple[str, str], ...]  # (file name, text), copied into the work folder
    chparams: tuple[tuple[str, int], ...] = ()  # top-level Verilog parameters
    unit: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    latency: int = 0
    sequential: bool = False
    ports: tuple = ()  # hwgen.ports.Port of each port, when known (generated units)

    def read_script(self) -> str:
        files = " ".join(name for name, _ in self.sources)
        chp = "".join(f" -chparam {k} {v}" for k, v in self.chparams)
        return f"read_verilog -sv {files}\nhierarchy -check -top {self.top}{chp}\n"

    def digest(self) -> str:
        return content_key(self.top, list(self.sources), list(self.chparams))


@dataclass
class SynthResult:
    data: dict
    folder: Path  # cache entry holding netlist.json and the Yosys log

    @property
    def netlist_path(self) -> Path:
        return self.folder / "netlist.json"


def _fpga_counts(cells: Mapping[str, int]) -> dict:
    def total(pattern: str) -> int:
        return sum(n for c, n in cells.items() if re.match(pattern, c))
    return {"lut": total(r"^(SB_LUT4|LUT[1-6](_2)?)$"),
            "carry": total(r"^(SB_CARRY|CARRY4|CARRY8|CCU2C)$"),
            "dsp": total(r"^(SB_MAC16|DSP48E1|DSP48E2|MULT18X18D)$"),
            "muxf": total(r"^(MUXF[789]|PFUMX|L6MUX21)$"),
            "dff": total(r"^(SB_DFF\w*|FD[CPRS]E?|FDRE|TRELLIS_FF)$")}


def _module_stats(stat: dict) -> dict:
    design = stat.get("design") or next(iter(stat.get("modules", {}).values()), None)
    if design is None:
        raise ToolError("Yosys wrote statistics without a design section")
    return design


def _liberty_bytes(liberty: str | Path | None) -> bytes | None:
    if liberty is None:
        return None
    try:
        return Path(liberty).read_bytes()
    except OSError as e:
        raise ToolError(f"Cannot read the Liberty file {liberty}: {e}") from None


def synthesize(design: Design, target: str = "generic", *, dsp: bool = False,
               liberty: str | Path | None = None, timeout: float | None = None,
               use_cache: bool = True, cache_dir: str | Path | None = None) -> SynthResult:
    """Synthesize ``design`` on ``target`` (cached by content and tool versions, in ``cache_dir``; None:
    the default cache folder of :class:`hwgen.settings.Settings`)."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
    if liberty is not None and target != "generic":
        raise ValueError("a Liberty file applies to the generic target only")
    script_name = target if target == "generic" or not dsp else f"{target}_dsp"
    script = script_path(script_name).read_text()
    lib = _liberty_bytes(liberty)
    lib_script = script_path("liberty").read_text() if lib is not None else ""
    # The version probe runs beside the cache when one is given (a read-only working folder stays untouched).
    version = yosys_version(Path(cache_dir) / "yosys-version" if cache_dir is not None else None)
    key = content_key("synth", FLOW_VERSION, design.digest(), script_name, script, lib_script,
                      hashlib.sha256(lib).hexdigest() if lib is not None else None, version,
                      sorted(GE_WEIGHTS.items()))
    entry = CacheEntry("synth", key, Path(cache_dir) if cache_dir is not None else None)
    if use_cache and (cached := entry.load()) is not None:
        return SynthResult(cached, entry.path)

    work = entry.begin()
    try:
        data = _run(_YosysRun(design, target, dsp, liberty, lib, script, lib_script, version), work, timeout)
    except ToolError as e:
        # The work folder goes away, so the message must not name it: keep the log where it can be read.
        log = _keep_log(work, design.label, target)
        entry.abandon()
        raise ToolError(str(e).replace(f" in {work}", "") + (f" (log: {log})" if log else "")) from None
    except BaseException:
        entry.abandon()  # a failed or interrupted run leaves no work folder behind
        raise
    folder = entry.commit(data)
    return SynthResult(data, folder)


def _keep_log(work: Path, label: str, target: str) -> Path | None:
    """Copy a failed run's Yosys log to ``<cache folder>/failed/`` (the work folder is deleted)."""
    src = work / "yosys.log"
    if not src.exists():
        return None
    dest = work.parent.parent / "failed" / f"{label}-{target}.yosys.log"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    except OSError:
        return None
    return dest


@dataclass(frozen=True)
class _YosysRun:
    """What one synthesis run reads: the design, the target and its script, the Liberty file (path and
    bytes) with its mapping script, and the Yosys version recorded with the figures."""

    design: Design
    target: str
    dsp: bool
    liberty: str | Path | None
    lib: bytes | None
    script: str
    lib_script: str
    version: str


def _run(job: _YosysRun, work: Path, timeout: float | None) -> dict:
    """One Yosys run in ``work``; the figures of :func:`synthesize`."""
    design, target, dsp, liberty, lib = job.design, job.target, job.dsp, job.liberty, job.lib
    script, lib_script, version = job.script, job.lib_script, job.version
    for name, text in design.sources:
        (work / name).write_text(text)
    full = design.read_script()
    if lib is not None:
        (work / "cells.lib").write_bytes(lib)
        full += "design -save hwgen_read\n" + script + "design -load hwgen_read\n" + lib_script
    else:
        full += script
    run_yosys(full, work, timeout=timeout)

    stat = _module_stats(read_json(work / "stat.json"))
    cells = dict(sorted(stat.get("num_cells_by_type", {}).items()))
    netlist = load_netlist(work / "netlist.json")  # the top is the module marked top="1"
    data: dict[str, Any] = {
        "unit": design.unit, "module": design.label, "params": dict(design.params), "target": target,
        "use_dsp": bool(dsp) if target != "generic" else None, "yosys_version": version,
        "cells": cells, "num_cells": int(stat.get("num_cells", sum(cells.values()))),
        "depth": netlist.depth(),
    }
    if target == "generic":
        data["area_ge"] = round(area_ge(cells), 3)
        cmos = _module_stats(read_json(work / "cmos.json"))
        count, complete = parse_transistors(cmos.get("estimated_num_transistors", "0+"))
        data["transistors"], data["transistors_complete"] = count, complete
        data["dff"] = sum(n for c, n in cells.items() if "DFF" in c)
        if lib is not None:
            lstat = _module_stats(read_json(work / "stat_liberty.json"))
            data["liberty"] = Path(liberty).name
            data["area_um2"] = round(float(lstat.get("area", 0.0)), 3)
            data["liberty_cells"] = int(lstat.get("num_cells", 0))
            data["liberty_cells_by_type"] = dict(sorted(lstat.get("num_cells_by_type", {}).items()))
    else:
        data.update(_fpga_counts(cells))
    return data
