"""Result cache keyed by content: the Verilog, the scripts, the options and the tool versions.

An entry is a folder named by the key's hash; it is complete once its ``result.json`` exists and checks
out. ``result.json`` holds the result, the SHA-256 of every other file of the entry (logs aside: they only
explain, nothing reads them back) and a checksum over both, so an edited value, a truncated or emptied
file, or a file swapped for another is caught on
``load()``: the entry counts as absent, is recomputed, and ``commit`` replaces it. Side files added to an
entry later (energy figures) are written with :func:`write_checked_json` and read with
:func:`read_checked_json`, which carry their own checksum.

Work happens in a private sibling folder that is renamed into place, so concurrent runs of the same key
(parallel sweeps) never see half an entry: the first rename wins and the loser's copy is dropped. A work
folder is removed when its run fails (:meth:`CacheEntry.abandon`), and ones left by killed processes are
swept on the next ``begin``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from hwgen.atomic import atomic_write_text
from hwgen.settings import Settings

__all__ = ["cache_root", "content_key", "CacheEntry", "write_checked_json", "read_checked_json",
           "CACHE_FORMAT"]

def cache_root() -> Path:
    """The default cache folder (``Settings().cache``, under the current folder; never /tmp: Yosys runs
    inside the entries). The command line passes ``HWGEN_CACHE_DIR`` down as an explicit folder instead."""
    return Settings().cache.resolve()


#: Layout of ``result.json``; entries of another format are recomputed.
CACHE_FORMAT = 2


def content_key(*parts) -> str:
    """SHA-256 over a JSON rendering of ``parts`` (strings, numbers, dicts with sorted keys)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _seal(body: dict) -> dict:
    return {**body, "checksum": content_key(CACHE_FORMAT, body)}


def _unseal(text: str) -> dict | None:
    """The body of a sealed JSON text, or None when it is malformed or its checksum does not match."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or "checksum" not in data:
        return None
    body = {k: v for k, v in data.items() if k != "checksum"}
    return body if data["checksum"] == content_key(CACHE_FORMAT, body) else None


def write_checked_json(path: str | os.PathLike, obj) -> Path:
    """Write ``obj`` atomically with a checksum (for side files of a cache entry)."""
    return atomic_write_text(path, json.dumps(_seal({"format": CACHE_FORMAT, "result": obj}), indent=2,
                                              sort_keys=True) + "\n")


def read_checked_json(path: str | os.PathLike):
    """What :func:`write_checked_json` wrote, or None when the file is missing, damaged or edited."""
    try:
        body = _unseal(Path(path).read_text())
    except (OSError, UnicodeDecodeError):
        return None
    return None if body is None else body.get("result")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CacheEntry:
    """``entry = CacheEntry(kind, key)``; ``entry.load()`` or work in ``entry.work`` and ``commit``."""

    def __init__(self, kind: str, key: str, root: Path | None = None):
        self.root = (root or cache_root()) / kind
        self.key = key
        self.path = self.root / key[:24]
        self.work = self.root / f".{key[:24]}.{os.getpid()}.tmp"

    def _valid(self, folder: Path) -> dict | None:
        try:
            body = _unseal((folder / "result.json").read_text())
        except (OSError, UnicodeDecodeError):
            return None
        if body is None or body.get("key") != self.key or not isinstance(body.get("files"), dict):
            return None
        for name, digest in body["files"].items():
            try:
                if _sha(folder / name) != digest:
                    return None
            except OSError:
                return None
        result = body.get("result")
        return result if isinstance(result, dict) else None

    def load(self) -> dict | None:
        """The stored result, or None when the entry is missing or fails its checksums."""
        return self._valid(self.path)

    def begin(self) -> Path:
        self._sweep_stale()
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        return self.work

    def _sweep_stale(self) -> None:
        """Remove work folders of processes that no longer run (killed mid-run)."""
        try:
            names = [p.name for p in self.root.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        except OSError:
            return
        for name in names:
            try:
                pid = int(name.rsplit(".", 2)[-2])
            except (ValueError, IndexError):
                continue
            if pid != os.getpid() and not _pid_alive(pid):
                shutil.rmtree(self.root / name, ignore_errors=True)

    def commit(self, result: dict) -> Path:
        """Seal ``result`` with the checksums of the work folder's files and move the folder into place;
        a valid entry already there wins, a damaged one is replaced. Returns the entry folder."""
        files = {p.name: _sha(p) for p in sorted(self.work.iterdir())
                 if p.is_file() and p.name != "result.json" and not p.name.endswith(".log")}
        body = {"format": CACHE_FORMAT, "key": self.key, "files": files, "result": result}
        (self.work / "result.json").write_text(json.dumps(_seal(body), indent=2, sort_keys=True) + "\n")
        if self._valid(self.path) is not None:
            shutil.rmtree(self.work, ignore_errors=True)  # another process finished first
            return self.path
        if self.path.exists():  # damaged, or left incomplete by a killed run: move aside, then delete
            trash = self.root / f".{self.key[:24]}-bad.{os.getpid()}.tmp"
            try:
                os.replace(self.path, trash)
            except OSError:
                pass
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.replace(self.work, self.path)
        except OSError:
            shutil.rmtree(self.work, ignore_errors=True)
        return self.path

    def abandon(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
