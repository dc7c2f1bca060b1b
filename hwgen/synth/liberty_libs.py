"""Liberty libraries by name: ``osu018``, ``osu035``, ``osu050`` or a path to any Liberty file.

The OSU standard-cell libraries come from Debian's ``qflow-tech-osu018/035/050`` packages. They are GPL, so
hwgen never ships them: the set-up step (``python -m hwgen.synth.liberty_libs --fetch``, run by ``make
install`` and ``.ci/run``) downloads the packages with ``apt-get download`` and unpacks them with ``dpkg -x``
into hwgen's library folder, without installing qflow. A name resolves, in this order, to

1. ``$HWGEN_LIBERTY_DIR/usr/share/qflow/tech/<name>/<file>`` (default folder: ``~/.cache/hwgen/liberty``),
2. ``/usr/share/qflow/tech/<name>/<file>`` (qflow installed system-wide).

A missing library is a :class:`~hwgen.toolchain.ToolError` (exit 1) saying how to fetch it.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hwgen.params import ParamError
from hwgen.toolchain import ToolError, liberty_debs, liberty_home

__all__ = ["KNOWN", "liberty_dir", "resolve_liberty", "liberty_missing_reason", "fetch_liberty"]

#: name -> file inside the Debian package's ``usr/share/qflow/tech/<name>/``.
KNOWN = {"osu018": "osu018_stdcells.lib", "osu035": "osu035_stdcells.lib", "osu050": "osu05_stdcells.lib"}
_DEB_TECH = Path("usr/share/qflow/tech")
_SYSTEM = Path("/") / _DEB_TECH


def liberty_dir() -> Path:
    """Where the set-up unpacks the Debian packages (hwgen.toolchain.liberty_home: ``$HWGEN_LIBERTY_DIR`` or
    ``~/.cache/hwgen/liberty``)."""
    return liberty_home()


def _candidates(name: str) -> list[Path]:
    rel = Path(name) / KNOWN[name]
    return [liberty_dir() / _DEB_TECH / rel, _SYSTEM / rel]


def _how_to_get(name: str) -> str:
    return (f"Liberty library {name} is not installed: run `make liberty` (or `python -m hwgen.synth.liberty_libs "
            f"--fetch`; it needs apt-get and dpkg), or pass --liberty PATH to a Liberty file")


def liberty_missing_reason(name: str) -> str | None:
    """None when ``name`` (a known name or a path) resolves, else the one-line reason."""
    try:
        resolve_liberty(name)
        return None
    except ToolError as e:
        return str(e)


def resolve_liberty(spec: str | os.PathLike) -> Path:
    """A known library name or a path -> an existing Liberty file (absolute path)."""
    text = str(spec)
    if text in KNOWN:
        for path in _candidates(text):
            if path.is_file():
                return path.resolve()
        raise ToolError(_how_to_get(text))
    path = Path(text)
    if not path.is_file():
        # Not a name and not a file: bad input, not a missing tool.
        raise ParamError(f"--liberty must be {', '.join(KNOWN)} or a Liberty file, not {text[:80]!r}")
    return path.resolve()


def _run(cmd: list[str], cwd: Path) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolError(f"`{' '.join(cmd)}` could not run: {e}") from None
    if proc.returncode != 0:
        last = (proc.stdout.strip().splitlines() or [""])[-1][:200]
        raise ToolError(f"`{' '.join(cmd)}` failed: {last}")


def fetch_liberty(names=tuple(KNOWN), dest: Path | None = None, debs: str | None = None) -> list[Path]:
    """Unpack ``qflow-tech-<name>`` into ``dest`` (default :func:`liberty_dir`) for every name still missing.

    ``debs`` is a folder already holding the ``.deb`` files (``$HWGEN_LIBERTY_DEBS``); otherwise
    ``apt-get download`` fetches them into a temporary folder.
    """
    dest = dest or liberty_dir()
    if shutil.which("dpkg") is None:
        raise ToolError("dpkg is not available: fetch the OSU libraries on a Debian system, or pass --liberty PATH")
    out = []
    for name in names:
        target = dest / _DEB_TECH / name / KNOWN[name]
        if target.is_file():
            out.append(target)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            found = sorted(glob.glob(str(Path(debs) / f"qflow-tech-{name}_*.deb"))) if debs else []
            if not found:
                if shutil.which("apt-get") is None:
                    raise ToolError(f"apt-get is not available to download qflow-tech-{name}; "
                                    "set HWGEN_LIBERTY_DEBS to a folder with the .deb files")
                _run(["apt-get", "download", f"qflow-tech-{name}"], Path(tmp))
                found = sorted(glob.glob(str(Path(tmp) / f"qflow-tech-{name}_*.deb")))
            if not found:
                raise ToolError(f"apt-get download qflow-tech-{name} wrote no .deb file")
            dest.mkdir(parents=True, exist_ok=True)
            _run(["dpkg", "-x", found[-1], str(dest)], Path(tmp))
        if not target.is_file():
            raise ToolError(f"qflow-tech-{name} did not contain {_DEB_TECH / name / KNOWN[name]}")
        out.append(target)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hwgen.synth.liberty_libs",
                                 description="fetch the OSU Liberty libraries (Debian qflow-tech-osu*) into "
                                             "hwgen's library folder, or show where a name resolves")
    ap.add_argument("--fetch", action="store_true", help="download and unpack the missing libraries")
    ap.add_argument("names", nargs="*", default=list(KNOWN), help=f"libraries (default: {' '.join(KNOWN)})")
    args = ap.parse_args(argv)
    bad = [n for n in args.names if n not in KNOWN]
    if bad:
        print(f"hwgen: error: library {bad[0]!r} is not one of {', '.join(KNOWN)}", file=sys.stderr)
        return 2
    try:
        if args.fetch:
            fetch_liberty(args.names, debs=liberty_debs())
        for n in args.names:
            print(f"{n}: {resolve_liberty(n)}")
    except ToolError as e:
        print(f"hwgen: tool error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
