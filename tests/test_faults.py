"""Fault injection (issue 14 item 4): every kind of cache entry and build folder, damaged, must be
detected and replaced, never returned as is and never a traceback; failed Yosys runs leave no work folder.

Kinds: a synthesis entry (result.json, netlist.json, a missing file), an energy side file in it, a sweep
entry (the same CacheEntry class with a result only), a work folder left by a killed run, and a Verilator
build folder (verify).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwgen.emit import elaborate
from hwgen.registry import get_unit
from hwgen.synth import synthesize, unit_design
from hwgen.synth.cache import CacheEntry
from hwgen.synth.design import Design
from hwgen.toolchain import ToolError, simulator_available

REPO = Path(__file__).resolve().parent.parent
MUL4 = {"width": 4}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh default build folder (the library's default settings: the command line would pass
    HWGEN_BUILD_DIR down instead); its cache folder is returned."""
    import hwgen.settings
    monkeypatch.setattr(hwgen.settings, "default_build_dir", lambda: tmp_path / "build")
    return tmp_path / "build" / "cache"


def _design():
    unit = get_unit("mul")
    return unit_design(elaborate(unit, unit.resolve(MUL4)))


def _tmp_folders(root: Path):
    return [p for p in root.rglob("*.tmp")]


CORRUPTIONS = {
    "result-edited-value": ("result.json", lambda t: t.replace('"area_ge": ', '"area_ge": 1', 1)),
    "result-empty-object": ("result.json", lambda t: "{}"),
    "result-list": ("result.json", lambda t: "[]"),
    "result-truncated": ("result.json", lambda t: t[: len(t) // 2]),
    "netlist-empty-object": ("netlist.json", lambda t: "{}"),
    "netlist-list": ("netlist.json", lambda t: "[]"),
    "netlist-truncated": ("netlist.json", lambda t: t[: len(t) // 2]),
    "netlist-missing": ("netlist.json", None),
    "stat-edited": ("stat.json", lambda t: t.replace("num_cells", "num_cellz", 1)),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_damaged_synthesis_entry_is_recomputed_and_replaced(cache, kind):
    design = _design()
    first = synthesize(design, "generic")
    name, damage = CORRUPTIONS[kind]
    target = first.folder / name
    if damage is None:
        target.unlink()
    else:
        target.write_text(damage(target.read_text()))
    again = synthesize(design, "generic")
    assert again.data == first.data  # recomputed, not the damaged values
    assert again.folder == first.folder
    # the bad entry was replaced: a third call is served by the cache and the files check out
    assert json.loads((again.folder / "result.json").read_text())["result"] == first.data
    assert (again.folder / "netlist.json").exists()
    from hwgen.synth.netlist import load_netlist
    assert load_netlist(again.netlist_path).depth() == first.data["depth"]
    assert _tmp_folders(cache) == []


def test_damaged_energy_side_file_is_recomputed(cache):
    from hwgen.energy.measure import EnergyOptions, unit_energy
    unit = get_unit("mul")
    gen = elaborate(unit, unit.resolve(MUL4))
    result = synthesize(unit_design(gen), "generic")
    first = unit_energy(gen, result, EnergyOptions(ops=256))
    (side,) = result.folder.glob("energy_*.json")
    for damage in ("{}", "[]", side.read_text()[:40],
                   side.read_text().replace('"energy_proxy": ', '"energy_proxy": 9', 1)):
        side.write_text(damage)
        assert unit_energy(gen, result, EnergyOptions(ops=256)) == first
    assert json.loads(side.read_text())["result"] == first  # replaced by a sound file


def test_sweep_kind_entry_and_stale_work_folders(cache):
    entry = CacheEntry("sweep", "k" * 64)
    entry.begin()
    entry.commit({"x": 1})
    assert entry.load() == {"x": 1}
    path = entry.path / "result.json"
    path.write_text(path.read_text().replace('"x": 1', '"x": 2'))
    assert entry.load() is None  # an edited value fails the checksum
    entry.begin()
    entry.commit({"x": 1})
    assert entry.load() == {"x": 1}  # the bad entry was replaced, not kept
    # a work folder of a process that no longer exists is swept by the next begin()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = entry.root / f".{'z' * 24}.{dead}.tmp"
    stale.mkdir()
    CacheEntry("sweep", "q" * 64).begin()
    assert not stale.exists()


def test_failed_yosys_run_leaves_no_work_folder(cache):
    bad = Design(label="broken", top="broken", sources=(("broken.v", "module broken(input a; endmodule\n"),))
    with pytest.raises(ToolError) as e:
        synthesize(bad, "generic")
    assert ".tmp" not in str(e.value)  # the message names no deleted temp folder, but the kept log
    assert _tmp_folders(cache) == []
    assert not any((cache / "synth").iterdir())


needs_verilator = pytest.mark.skipif(simulator_available("verilator") is not None,
                                     reason=str(simulator_available("verilator")))


@needs_verilator
def test_damaged_build_folder_is_rebuilt(tmp_path):
    from hwgen.verify import verify
    unit = get_unit("mul")
    first = verify(unit, MUL4, vectors=200, seed=3, build_root=tmp_path)
    assert first.ok and first.vectors > 200
    (bdir,) = [p for p in (tmp_path / "verilator" / "bulk").iterdir()]
    binaries = [p for p in bdir.rglob("*") if p.is_file() and os.access(p, os.X_OK) and p.stat().st_size > 10000]
    assert binaries
    for b in binaries:  # a truncated simulator binary, as a killed build or a full disk leaves it
        b.write_bytes(b"\0" * 16)
    again = verify(unit, MUL4, vectors=200, seed=3, build_root=tmp_path)
    assert again.ok and again.vectors == first.vectors


def test_verify_streams_huge_vector_counts():
    """Item 8: 10^12 random vectors are drawn a chunk at a time (the old code allocated them at once)."""
    from hwgen.verify.check import CHUNK, select_vectors
    unit = get_unit("mul")
    batches, exhaustive = select_vectors(unit, unit.resolve(MUL4), 10 ** 12, 1)
    it = iter(batches)
    sizes = [len(next(iter(next(it).values()))) for _ in range(3)]
    assert not exhaustive and max(sizes) <= CHUNK and sizes[1] == CHUNK
    assert batches.total >= 10 ** 12
    sample = next(it)
    assert np.asarray(sample["a"]).min() >= 0
