"""Assemble an exported package in memory, then write it: validation and elaboration come first, so bad
input writes nothing, and the files are written all or nothing (``hwgen.atomic.atomic_write_group``, as
``generate`` writes its pair). All content is deterministic:
the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from hwgen import __version__
from hwgen.atomic import atomic_write_group
from hwgen.emit import elaborate
from hwgen.export.cocotb_bench import cocotb_makefile, cocotb_module, cocotb_runner, tb_name
from hwgen.export.fusesoc_core import core_name, fusesoc_core
from hwgen.export.lint_waiver import lint_waiver
from hwgen.export.readme import package_readme
from hwgen.export.vectors import layout_json, vector_set
from hwgen.export.verilog_bench import bench_top, verilog_bench
from hwgen.registry import Unit

__all__ = ["Package", "build_package", "write_package", "export_command"]


@dataclass(frozen=True)
class Package:
    module: str
    core: str
    vectors: int
    exhaustive: bool
    files: dict[str, bytes]  # path inside the package -> content


def _fmt(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def export_command(unit: Unit, params: Mapping[str, Any], vectors, seed: int) -> str:
    ps = " ".join(f"-p {k}={_fmt(v)}" for k, v in params.items())
    vec = f" --vectors {vectors}" if vectors is not None else ""
    return f"hwgen export {unit.name} {ps}{vec} --seed {seed} -o DIR"


def build_package(unit: Unit, params: Mapping[str, Any], vectors: str | int | None = None,
                  seed: int = 1) -> Package:
    """Everything of one configuration's package, in memory. ``params`` must be resolved already."""
    gen = elaborate(unit, params)
    vs = vector_set(unit, params, gen, vectors, seed)
    m, mod = gen.manifest, gen.module
    top = bench_top(mod)
    core = core_name(mod, __version__)
    text = {
        f"rtl/{mod}.v": gen.verilog,
        f"rtl/{mod}.json": json.dumps(m, indent=2) + "\n",
        "vectors/layout.json": layout_json(gen, vs),
        f"tb/{top}.v": verilog_bench(mod, vs.inputs, vs.outputs, vs.count, m["latency"], m["clock"], m["reset"]),
        f"cocotb/{tb_name(mod)}.py": cocotb_module(mod),
        f"cocotb/test_{mod}.py": cocotb_runner(mod),
        "cocotb/Makefile": cocotb_makefile(mod),
        f"lint/{mod}.vlt": lint_waiver(mod, __version__),
        f"{mod}.core": fusesoc_core(mod, __version__, f"{unit.name}: {unit.summary}", top),
        "README.md": package_readme(gen, vs, core, top, export_command(unit, params, vectors, seed), __version__),
    }
    files = {k: v.encode("utf-8") for k, v in text.items()}
    files["vectors/inputs.hex"] = vs.inputs_hex
    files["vectors/expected.hex"] = vs.expected_hex
    return Package(mod, core, vs.count, vs.exhaustive, dict(sorted(files.items())))


def write_package(pkg: Package, out_dir: str | os.PathLike) -> list[Path]:
    """Every file of ``pkg`` under ``out_dir``, all or nothing: staged first, then moved into place, and
    put back as it was if a move fails."""
    out = Path(out_dir)
    return atomic_write_group({out / rel: data for rel, data in pkg.files.items()})
