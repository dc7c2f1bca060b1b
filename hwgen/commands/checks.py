"""Checks every command runs on its arguments before any work (bad input: exit 2, one line).

Seeds, unit names, output folders and files the user named: each check names the option, quotes at most
80 characters of the value, and says what is allowed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hwgen.atomic import check_writable_dir
from hwgen.params import ParamError

__all__ = ["seed_arg", "check_units", "check_writable_dir", "check_input_file", "check_liberty", "check_jobs",
           "MAX_SEED", "MAX_JOBS"]

#: Seeds are non-negative integers below 2^64 (numpy's SeedSequence takes any; 64 bits is plenty).
MAX_SEED = (1 << 64) - 1


#: Local worker processes at most (each is a Python process with its tools; more only thrashes).
MAX_JOBS = 256


def check_jobs(jobs) -> None:
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise ParamError(f"--jobs must be an integer in 1..{MAX_JOBS}, not {jobs}")


def seed_arg(text: str) -> int:
    """argparse ``type=`` for ``--seed``: an integer in 0..2^64-1."""
    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be an integer in 0..2^64-1, not {text[:80]!r}")
    return value


def check_units(names, option: str = "--units", extra: tuple[str, ...] = ()) -> None:
    """Every name is a registered unit (or one of ``extra``, e.g. comparison baselines)."""
    from hwgen.registry import all_units

    known = {u.name for u in all_units()} | set(extra)
    bad = [n for n in names or () if n not in known]
    if bad:
        raise ParamError(f"{option}: unknown unit {bad[0][:80]!r}; the units are: {', '.join(sorted(known))}")


def check_input_file(path, option: str) -> Path:
    """A file the user named exists and can be read."""
    p = Path(path)
    shown = short_path(path)
    if not p.exists():
        raise ParamError(f"{option} {shown!r}: no such file")
    if p.is_dir():
        raise ParamError(f"{option} {shown!r} is a folder, not a file")
    try:
        with open(p, "rb") as f:
            f.read(1)
    except OSError as e:
        raise ParamError(f"{option} {shown!r} cannot be read: {e.strerror or e}") from None
    return p


def check_liberty(path, option: str = "--liberty") -> Path:
    """A Liberty file: readable, and defining at least one cell (an empty ``library(){}`` would only
    fail deep inside ABC, naming a temp file)."""
    import re

    p = check_input_file(path, option)
    text = p.read_bytes().decode("utf-8", errors="replace")
    if not re.search(r"\blibrary\s*\(", text):
        raise ParamError(f"{option} {short_path(path)!r} is not a Liberty file (no library(...) group)")
    if not re.search(r"\bcell\s*\(", text):
        raise ParamError(f"{option} {short_path(path)!r} defines no cells; a Liberty library needs cell(...) groups")
    return p


def short_path(path, limit: int = 80) -> str:
    """A path for a message: whole when short, else its last ``limit`` characters (the file name is what
    identifies it)."""
    text = str(path)
    return text if len(text) <= limit else "..." + text[-(limit - 3):]
