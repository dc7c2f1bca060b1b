"""Where hwgen writes its caches and build folders: configurable, and working from any directory.

``$HWGEN_BUILD_DIR`` (Verilator builds, proofs, the Yosys version probe) and ``$HWGEN_CACHE_DIR``
(synthesis, energy and sweep results) win when set. Otherwise the build folder is ``build/hwgen`` under
the current directory when that can be written, else the user cache folder (``$XDG_CACHE_HOME/hwgen``,
by default ``~/.cache/hwgen``), so a read-only working directory still works; the cache folder is
``cache`` inside the build folder.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

__all__ = ["build_root", "cache_root", "user_cache_dir"]


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hwgen"


def _can_write(folder: Path) -> bool:
    """True when ``folder`` exists or can be made, and a file can be created in it (probed, because
    access() says yes to root even on read-only or pseudo file systems)."""
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


def build_root() -> Path:
    """Absolute build folder (see the module doc)."""
    explicit = os.environ.get("HWGEN_BUILD_DIR")
    if explicit:
        return Path(explicit).resolve()
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was deleted
        return user_cache_dir() / "build"
    return _default_build(cwd, str(user_cache_dir()))


def cache_root() -> Path:
    """Absolute result cache folder: ``$HWGEN_CACHE_DIR``, else ``cache`` in :func:`build_root`."""
    explicit = os.environ.get("HWGEN_CACHE_DIR")
    return Path(explicit).resolve() if explicit else build_root() / "cache"
