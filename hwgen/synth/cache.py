"""Result cache keyed by content: the Verilog, the scripts, the options and the tool versions.

An entry is a folder named by the key's hash; it is complete once its ``result.json`` exists. Work
happens in a private sibling folder that is renamed into place, so concurrent runs of the same key
(parallel sweeps) never see half an entry: the first rename wins and the loser's copy is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from hwgen.settings import Settings

__all__ = ["cache_root", "content_key", "CacheEntry"]


def cache_root() -> Path:
    """The default cache folder (``Settings().cache``, under the current folder; never /tmp: Yosys runs
    inside the entries). The command line passes ``HWGEN_CACHE_DIR`` down as an explicit folder instead."""
    return Settings().cache.resolve()


def content_key(*parts) -> str:
    """SHA-256 over a JSON rendering of ``parts`` (strings, numbers, dicts with sorted keys)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class CacheEntry:
    """``entry = CacheEntry(kind, key)``; ``entry.load()`` or work in ``entry.work`` and ``commit``."""

    def __init__(self, kind: str, key: str, root: Path | None = None):
        self.root = (root or cache_root()) / kind
        self.key = key
        self.path = self.root / key[:24]
        self.work = self.root / f".{key[:24]}.{os.getpid()}.tmp"

    def load(self) -> dict | None:
        try:
            return json.loads((self.path / "result.json").read_text())
        except (OSError, ValueError):
            return None

    def begin(self) -> Path:
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        return self.work

    def commit(self, result: dict) -> Path:
        """Write ``result.json`` and move the work folder into place; returns the entry folder."""
        (self.work / "result.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
        if (self.path / "result.json").exists():
            shutil.rmtree(self.work, ignore_errors=True)  # another process finished first
            return self.path
        shutil.rmtree(self.path, ignore_errors=True)  # an incomplete entry left by a killed run
        try:
            os.replace(self.work, self.path)
        except OSError:
            shutil.rmtree(self.work, ignore_errors=True)
        return self.path

    def abandon(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
