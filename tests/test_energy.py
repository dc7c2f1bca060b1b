"""Energy proxy: the gate simulator, toggle counting, streams, and the post-synthesis check."""

import json

import numpy as np
import pytest
from conftest import REPO

from hwgen.emit import elaborate
from hwgen.energy import GateSim, PostSynthesisMismatch, simulate_stream, unit_energy
from hwgen.energy.liberty import compile_function, load_liberty, net_energies
from hwgen.energy.measure import EnergyOptions, liberty_energy
from hwgen.energy.proxy import StreamSpec
from hwgen.energy.streams import stream_for
from hwgen.numeric.streams import cnn_activations, float_to_bf16
from hwgen.registry import get_unit
from hwgen.synth import load_netlist, synthesize, unit_design
from hwgen.synth.netlist import NetlistError
from hwgen.units.shiftmul.model import shift_weight_value
from hwgen.units.shiftmul.streams import shift_codes


def _cell(kind, **pins):
    dirs = {p: ("output" if p in ("Y", "Q") else "input") for p in pins}
    return {"type": kind, "port_directions": dirs, "connections": {p: [b] for p, b in pins.items()}}


def _toy(with_ff: bool) -> dict:
    """y = a XOR b (net 4); q = register of y when with_ff (output z)."""
    cells = {"x": _cell("$_XOR_", A=2, B=3, Y=4), "n": _cell("$_NOT_", A=4, Y=5)}
    ports = {"a": {"direction": "input", "bits": [2]}, "b": {"direction": "input", "bits": [3]},
             "y": {"direction": "output", "bits": [4]}, "ny": {"direction": "output", "bits": [5]}}
    if with_ff:
        cells["f"] = _cell("$_DFF_P_", C=6, D=4, Q=7)
        ports["clk"] = {"direction": "input", "bits": [6]}
        ports["z"] = {"direction": "output", "bits": [7]}
    return {"creator": "test", "modules": {"toy": {"attributes": {"top": "1"}, "ports": ports, "cells": cells,
                                                     "netnames": {}}}}


def test_gatesim_combinational_outputs_and_toggles(seed):
    nl = load_netlist(_toy(False))
    sim = GateSim(nl)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, 256).astype(bool), rng.integers(0, 2, 256).astype(bool)
    run = sim.run({"a": a[:, None], "b": b[:, None]})
    y = a ^ b
    assert np.array_equal(run.outputs["y"][:, 0], y)
    assert np.array_equal(run.outputs["ny"][:, 0], ~y)
    # Toggles counted between consecutive vectors within each of the 64 lanes of 4 vectors.
    lanes = y.reshape(64, 4)
    expected = int((lanes[:, 1:] != lanes[:, :-1]).sum())
    assert run.transitions == 64 * 3
    assert run.toggles[nl.outputs()["y"][0]] == expected == run.toggles[nl.outputs()["ny"][0]]


def test_gatesim_sequential_register(seed):
    nl = load_netlist(_toy(True))
    sim = GateSim(nl)
    assert sim.sequential
    rng = np.random.default_rng(seed)
    n = 64 * 8
    a, b = rng.integers(0, 2, n).astype(bool), rng.integers(0, 2, n).astype(bool)
    run = sim.run({"a": a[:, None], "b": b[:, None], "clk": np.zeros((n, 1), bool)})
    y = (a ^ b).reshape(64, 8)
    z = run.outputs["z"][:, 0].reshape(64, 8)
    assert not z[:, 0].any()  # every lane starts from the initial value 0
    assert np.array_equal(z[:, 1:], y[:, :-1])
    assert run.transitions == 64 * 7


def test_gatesim_rejects_unknown_cells_and_loops():
    data = _toy(False)
    data["modules"]["toy"]["cells"]["x"]["type"] = "$_WEIRD_"
    with pytest.raises(NetlistError, match=r"^the gate simulator does not model cell types \$_WEIRD_"):
        GateSim(load_netlist(data))
    loop = _toy(False)
    loop["modules"]["toy"]["cells"]["x"]["connections"]["B"] = [5]
    with pytest.raises(NetlistError, match=r"^combinational loop in toy"):
        load_netlist(loop).topo_order()


def test_depth_of_toy_netlist():
    assert load_netlist(_toy(False)).depth() == 2
    assert load_netlist(_toy(True)).depth() == 2


def test_streams():
    rng = np.random.default_rng(3)
    act = cnn_activations(rng, 20000)
    assert 0.45 < np.mean(act == 0) < 0.55 and act.min() == 0
    # bf16 round to nearest even: 1.0, a tie below (to even 0x3F80), a tie above (to even 0x3F82)
    assert list(float_to_bf16(np.array([1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8]))) == [0x3F80, 0x3F80, 0x3F82]
    codes = shift_codes(np.array([3.0, -1.5, 0.75, 0.0, -3.0]), 4)
    assert list(shift_weight_value(codes, 4)) == [1.0, -0.5, 0.25, 0.0, -1.0]
    vec, desc = stream_for(get_unit("mac"), get_unit("mac").resolve({"width": 4}), "cnn", 128, 7)
    assert desc.startswith("cnn (ReLU'd") and vec["en"].all() and vec["clr"][0] == 1
    assert (vec["a"] >= 0).all()


def test_energy_proxy_mul_and_stream_dependence(fresh_cache):
    unit = get_unit("mul")
    params = unit.resolve({"width": 4})
    gen = elaborate(unit, params)
    result = synthesize(unit_design(gen), "generic", cache_dir=fresh_cache)
    cnn = unit_energy(gen, result, EnergyOptions(stream="cnn", ops=4096))
    uni = unit_energy(gen, result, EnergyOptions(stream="uniform", ops=4096))
    assert cnn["energy_unit"] == "GE*toggle/op" and cnn["post_synthesis_checked"] == 4096
    assert 0 < cnn["energy_proxy"] < uni["energy_proxy"]  # ReLU zeros and small weights switch less
    assert sum(cnn["energy_by_cell"].values()) == pytest.approx(cnn["energy_proxy"], abs=0.01)
    cached = unit_energy(gen, result, EnergyOptions(stream="cnn", ops=4096))
    assert cached == cnn


def test_energy_proxy_sequential_mac(fresh_cache):
    unit = get_unit("mac")
    params = unit.resolve({"width": 3, "acc_width": 8})
    gen = elaborate(unit, params)
    e = unit_energy(gen, synthesize(unit_design(gen), "generic", cache_dir=fresh_cache), EnergyOptions(ops=1024))
    assert e["post_synthesis_checked"] == 1024 - 64  # the last cycle of each lane is unobservable
    assert e["energy_by_cell"]["$_DFF_P_"] > 0


def test_post_synthesis_check_catches_a_broken_netlist(fresh_cache, seed):
    unit = get_unit("mul")
    params = unit.resolve({"width": 4})
    design = unit_design(elaborate(unit, params))
    result = synthesize(design, "generic", cache_dir=fresh_cache)
    data = json.loads(result.netlist_path.read_text())
    cells = next(iter(data["modules"].values()))["cells"]
    victim = next(c for c in cells.values() if c["type"] == "$_XOR_")
    victim["type"] = "$_XNOR_"  # one inverted gate
    vec, _ = stream_for(unit, params, "uniform", 1024, seed)
    model = lambda v: unit.model(params, v)  # noqa: E731
    intact = simulate_stream(result.netlist_path, list(design.ports), vec, StreamSpec(model=model))  # passes
    assert intact.run.transitions > 0 and intact.checked == 1024
    with pytest.raises(PostSynthesisMismatch, match=r"^post-synthesis check failed for design: the gate netlist "
                                                    r"differs from the golden model on \d+ of 1024 vectors"):
        simulate_stream(load_netlist(data), list(design.ports), vec, StreamSpec(model=model))


def test_liberty_function_parser():
    a, b, c = np.uint64(0b1100), np.uint64(0b1010), np.uint64(0b0001)
    cases = {"(!(A B))": 0b0111, "!((A B)+C)": 0b0110, "(A^B)": 0b0110, "A*B+C'": 0b1110,
             "(!((S A) + (!S B)))": 0b0011, "A&!B|C": 0b0101}
    for text, want in cases.items():
        names, fn = compile_function(text)
        got = int(fn({"A": a, "B": b, "C": c, "S": np.uint64(0b0110)})) & 0xF
        assert got == want, text


def _tiny_lib():
    from test_synth import TINY_LIB
    path = REPO / "build" / "test" / "tiny_energy.lib"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Give the NAND2 output an internal energy of 0.5 per transition.
    path.write_text(TINY_LIB.replace('function : "!(A&B)"; }',
                                     'function : "!(A&B)"; internal_power () { rise_power (t) { values ("0.4, 0.6"); } '
                                     'fall_power (t) { values ("0.5"); } } }'))
    return path


def test_liberty_energy_of_a_mapped_mac(fresh_cache):
    lib_path = _tiny_lib()
    lib = load_liberty(lib_path)
    assert lib.cells["NAND2"].energy["Y"] == pytest.approx(0.5)
    assert lib.cells["DFF"].ff == ("IQ", "IQN", "D", "CLK")
    unit = get_unit("mac")
    params = unit.resolve({"width": 3, "acc_width": 8})
    gen = elaborate(unit, params)
    result = synthesize(unit_design(gen), "generic", liberty=lib_path, cache_dir=fresh_cache)
    e = liberty_energy(gen, result, lib_path, EnergyOptions(ops=1024))
    assert e["post_synthesis_checked_liberty"] == 1024 - 64  # the mapped netlist matches the model too
    assert e["energy_liberty_unit"] == "pJ/op"
    # Clock: 8 flip-flops x C V^2 with C = 0.01 pF, V = 1 (no nom_voltage): 0.08 per cycle.
    assert e["energy_liberty_clock"] == pytest.approx(0.08)
    assert e["energy_liberty"] > e["energy_liberty_clock"]
    from hwgen.synth.netlist import load_netlist
    nl = load_netlist(result.folder / "netlist_liberty.json",
                      output_pins={n: set(c.outputs) for n, c in lib.cells.items()}, sequential_types={"DFF"})
    per_net, clock = net_energies(lib, nl)
    assert clock == pytest.approx(0.08) and per_net.max() > 0
