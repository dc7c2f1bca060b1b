"""The native path: Verilator C++ harness, binary columns, exhaustive enumeration beyond 2^20 vectors,
parallel chunked comparison. It must agree with the bulk path and catch every wrong output."""

import dataclasses
import json
import re

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.emit import elaborate
from hwgen.registry import EXHAUSTIVE_LIMIT, all_units, get_unit
from hwgen.verify import verify
from hwgen.verify.layout import layout_for
from hwgen.verify.mutate import flip_output_bit
from hwgen.verify.space import decode_index, space_bits

MUL, MAC = get_unit("mul"), get_unit("mac")


def _inputs(unit, params):
    gen = elaborate(unit, unit.resolve(params))
    return layout_for([p for p in gen.ports if p.direction == "in"])


def test_mul8_exhaustive_native_is_the_stimulus_set(build_root):
    r = verify(MUL, {"width": 8}, vectors="exhaustive", path="native", seed=0, build_root=build_root)
    assert r.path == "native" and r.exhaustive and r.vectors == 65536 and r.mismatches == 0 and r.ok


def test_exhaustive_beyond_the_bulk_limit_switches_to_native(build_root):
    """2^22 vectors: the harness enumerates the space (count mode), two worker processes compare."""
    r = verify(MUL, {"width": 11, "signed": True}, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.path == "native" and r.exhaustive
    assert r.vectors == 1 << 22 > EXHAUSTIVE_LIMIT and r.mismatches == 0 and r.ok


def test_count_mode_finds_exactly_the_wrong_vectors(build_root):
    """Output bit 5 inverted whenever b is odd: exactly half the 2^22 pairs, first ones in index order."""
    r = verify(MUL, {"width": 11, "signed": True}, vectors="exhaustive", seed=0, build_root=build_root,
               transform=flip_output_bit("p", 5, "b"), max_examples=3)
    assert r.vectors == 1 << 22 and r.mismatches == 1 << 21 and not r.ok
    assert [ex["index"] for ex in r.examples] == [1, 3, 5]
    ex = r.examples[0]
    assert ex["inputs"] == {"a": 0, "b": 1} and ex["expected"] == {"p": 0} and ex["got"] == {"p": 32}


def test_count_mode_with_a_wrong_model_in_threads(build_root):
    """A model that is not an importable hwgen function runs in threads; still every vector is checked."""
    broken = dataclasses.replace(MUL, model=lambda p, v: {"p": np.asarray(v["a"]) * np.asarray(v["b"])
                                                          + (np.asarray(v["a"]) == -3)})
    r = verify(broken, {"width": 11, "signed": True}, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.vectors == 1 << 22 and r.mismatches == 1 << 11
    assert all(ex["inputs"]["a"] == -3 and ex["expected"]["p"] == ex["got"]["p"] + 1 for ex in r.examples)


@pytest.mark.parametrize("cfg", [{"width": 64, "signed": True}, {"width": 3, "signed": True, "pipeline": 2}],
                         ids=str)
def test_wide_ports_and_pipelines(cfg, build_root, seed):
    r = verify(MUL, cfg, vectors=5000, path="native", seed=seed, build_root=build_root)
    assert r.vectors > 5000 and r.mismatches == 0, r.examples


def test_sequential_unit_matches_the_bulk_path_mismatch_for_mismatch(build_root, seed):
    """Chunks start from reset on both paths, so a mutant MAC fails on exactly the same steps."""
    cfg, mutant = {"width": 5, "signed": True, "acc_width": 12, "pipeline": 1}, flip_output_bit("acc", 3, "a")
    good = verify(MAC, cfg, vectors=4000, path="native", seed=seed, build_root=build_root)
    assert good.vectors > 4000 and good.mismatches == 0, good.examples
    native = verify(MAC, cfg, vectors=4000, path="native", seed=seed, build_root=build_root, transform=mutant)
    bulk = verify(MAC, cfg, vectors=4000, path="bulk", seed=seed, build_root=build_root, transform=mutant)
    assert native.vectors == bulk.vectors > 4000
    assert 0 < native.mismatches == bulk.mismatches < native.vectors


def test_decode_index_is_the_cartesian_product_first_port_slowest():
    ins = _inputs(MUL, {"width": 4, "signed": True})
    assert space_bits(ins) == 8
    vec = decode_index(ins, 0, 256)
    assert list(vec["a"][:3]) == [0, 0, 0] and list(vec["b"][:3]) == [0, 1, 2]
    assert vec["b"][8] == -8 and vec["a"][16] == 1 and vec["a"][255] == -1 and vec["b"][255] == -1
    pairs = set(zip(vec["a"].tolist(), vec["b"].tolist()))
    assert len(pairs) == 256 and pairs == {(a, b) for a in range(-8, 8) for b in range(-8, 8)}


def test_decode_index_of_array_ports():
    if "wino_input" not in {u.name for u in all_units()}:
        pytest.skip("no array-port unit (wino_input) registered")
    ins = _inputs(get_unit("wino_input"), {"d_width": 2})
    assert space_bits(ins) == 32
    vec = decode_index(ins, (1 << 32) - 2, 2)  # all ones but bit 0 of the last element
    assert vec["d"].shape == (2, 4, 4)
    assert vec["d"][0, 3, 3] == -2 and vec["d"][0, 0, 0] == -1 and vec["d"][1, 3, 3] == -1


@pytest.mark.parametrize("argv, message", [
    (["-p", "width=16", "--sim", "icarus", "--path", "native"],
     r"^hwgen: error: --path native runs on Verilator only, not on 'icarus'\n$"),
    (["-p", "width=16", "--path", "vector"],
     r"^hwgen: error: --vectors exhaustive: the input space of mul_w16_s0_p0 exceeds 1048576 vectors on this "
     r"path; give a number of random vectors \(or use --path native with Verilator\)\n$"),
    (["-p", "width=20"],
     r"^hwgen: error: --vectors exhaustive: the input space of mul_w20_s0_p0 has 2\^40 vectors, more than "
     r"the native path's 2\^36; give a number of random vectors\n$"),
    (["-p", "width=8", "--path", "native", "--sim", "icarus"],
     r"^hwgen: error: --path native runs on Verilator only, not on 'icarus'\n$"),
], ids=["icarus", "vector-path", "too-big", "icarus-small"])
def test_cli_exhaustive_refusals_exit_2(argv, message, capsys):
    assert main(["verify", "mul", "--vectors", "exhaustive", *argv]) == 2
    assert re.match(message, capsys.readouterr().err)


def test_cli_native_json(build_root, monkeypatch, capsys):
    monkeypatch.setenv("HWGEN_BUILD_DIR", str(build_root))
    assert main(["verify", "mul", "-p", "width=11", "-p", "signed=true", "--vectors", "exhaustive", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["path"] == "native" and out["exhaustive"] and out["vectors"] == 1 << 22 and out["ok"]
