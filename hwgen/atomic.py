"""Atomic file output: a reader sees the old file or the complete new one, never a partial file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "atomic_write_group", "check_writable_dir"]


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_group(files: dict) -> list[Path]:
    """Write several files all or nothing (``{path: text or bytes}``): each is checked and staged in a
    temporary file first, then moved into place; if a move fails, the ones already moved are put back.
    Raises OSError (IsADirectoryError when a target is a folder) with nothing changed."""
    staged: list[tuple[Path, str]] = []
    done: list[tuple[Path, str | None]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((path, tmp))
            with os.fdopen(fd, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        for path, tmp in staged:
            backup = None
            if path.exists():
                backup = tempfile.mktemp(prefix=f".{path.name}.", suffix=".old.tmp", dir=path.parent)
                os.link(path, backup)
            os.replace(tmp, path)
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            if backup is not None:
                os.replace(backup, path)
            else:
                path.unlink(missing_ok=True)
        for _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for _, backup in done:
        if backup is not None:
            Path(backup).unlink(missing_ok=True)
    return [p for p, _ in staged]


def check_writable_dir(folder: str | os.PathLike, option: str) -> Path:
    """Check, before any work, that output folder ``folder`` can be made and written; ``option`` names it
    in the message (e.g. ``--out``). Writes nothing: the probe file goes into the nearest folder that
    already exists and is removed at once. Raises :class:`hwgen.params.ParamError` (bad input: exit 2)."""
    from hwgen.params import ParamError

    path = Path(folder)
    shown = str(folder)[:80]
    if path.exists() and not path.is_dir():
        raise ParamError(f"{option} {shown!r} is a file, not a folder; name a folder")
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ParamError(f"{option} {shown!r} lies under the file {str(probe)[:80]!r}; name a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".hwgen-probe-"):
            pass
    except OSError as e:
        raise ParamError(f"{option} {shown!r} cannot be written ({e.strerror or e} in {str(probe)[:80]!r}); "
                         "name a writable folder") from None
    return path
