"""Building and running a design under cocotb through ``cocotb_tools.runner``.

One build directory per (module, simulator, path), so sweeps never share builds; a rebuild of an
unchanged design in its own directory takes a fraction of a second.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
from pathlib import Path

from ..toolchain import ToolError, prepare_simulator
from .layout import Layout

__all__ = ["build", "run"]

_VERILATOR_ARGS = ["-Wno-fatal", "-Wno-WIDTH", "-Wno-UNOPTFLAT", "--timing",
                   "-CFLAGS", "-std=c++20 -fcoroutines -O1"]


def _runner(simulator: str):
    prepare_simulator(simulator)
    from cocotb_tools.runner import get_runner
    logging.getLogger("cocotb").setLevel(logging.WARNING)
    return get_runner(simulator)


@contextlib.contextmanager
def _tool_step(what: str, log: Path):
    """Turn the runner's exits and exceptions into a ToolError that points at the log."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    except (SystemExit, RuntimeError, OSError) as e:
        tail = ""
        if log.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ToolError(f"{what} failed ({type(e).__name__}: {e}); log: {log}\n{tail}") from None


def build(simulator: str, sources: list[Path], top: str, build_dir: Path) -> None:
    runner = _runner(simulator)
    build_dir.mkdir(parents=True, exist_ok=True)
    log = build_dir / "build.log"
    args = _VERILATOR_ARGS if simulator == "verilator" else []
    with _tool_step(f"{simulator} build of {top}", log):
        runner.build(sources=[str(s) for s in sources], hdl_toplevel=top, build_dir=str(build_dir),
                     build_args=args, timescale=("1ns", "1ps"), log_file=str(log))


def run(simulator: str, top: str, build_dir: Path, test_module: str, env: dict[str, str],
        plusargs: list[str]) -> None:
    runner = _runner(simulator)
    log = build_dir / "run.log"
    results = build_dir / "results.xml"
    with _tool_step(f"{simulator} simulation of {top}", log):
        runner.test(test_module=test_module, hdl_toplevel=top, hdl_toplevel_lang="verilog", build_dir=str(build_dir),
                    test_dir=str(build_dir), extra_env=env, plusargs=plusargs,
                    results_xml=str(results), log_file=str(log))
    from cocotb_tools.check_results import get_results
    try:
        tests, failed = get_results(results)
    except RuntimeError as e:
        raise ToolError(f"{simulator} simulation of {top} left no usable results ({e}); log: {log}") from None
    if tests == 0 or failed:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:]) if log.exists() else ""
        raise ToolError(f"cocotb bench {test_module} failed ({failed} of {tests}); log: {log}\n{tail}")


def layout_json(path: Path, inputs: Layout, outputs: Layout, latency: int, clock, reset) -> None:
    def fields(lay: Layout):
        return [{"port": f.port, "port_lo": f.port_lo, "width": f.width, "digits": f.digits}
                for f in lay.fields]
    path.write_text(json.dumps({"inputs": fields(inputs), "outputs": fields(outputs), "latency": latency,
                                "clock": clock, "reset": reset}))
