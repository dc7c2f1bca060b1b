"""Exact baselines: golden models against Python integer math, components under amaranth.sim."""

import numpy as np
import pytest
from amaranth.sim import Simulator

from hwgen.registry import get_unit
from hwgen.units.intmul.gateware import IntMAC, IntMultiplier
from hwgen.units.intmul.model import mac_model, mul_model

MUL, MAC = get_unit("mul"), get_unit("mac")


@pytest.mark.parametrize("cfg", MUL.sweep, ids=str)
def test_mul_model_is_python_multiplication(cfg, seed):
    p = MUL.resolve(cfg)
    vec = MUL.stimulus.random(p, np.random.default_rng(seed), 2000)
    d = MUL.stimulus.directed(p)
    for v in (vec, d):
        got = mul_model(p, v)["p"]
        want = [int(a) * int(b) for a, b in zip(v["a"], v["b"])]
        assert [int(x) for x in got] == want


def _mac_reference(p, v):
    acc, out = 0, []
    mod = 1 << p["acc_width"]
    for a, b, en, clr in zip(v["a"], v["b"], v["en"], v["clr"]):
        if en:
            acc = ((0 if clr else acc) + int(a) * int(b)) % mod
        out.append(acc - mod if p["signed"] and acc >= mod // 2 else acc)
    return out


@pytest.mark.parametrize("cfg", MAC.sweep, ids=str)
def test_mac_model_matches_step_by_step_reference(cfg, seed):
    p = MAC.resolve(cfg)
    for v in (MAC.stimulus.random(p, np.random.default_rng(seed), 3000), MAC.stimulus.directed(p)):
        assert [int(x) for x in mac_model(p, v)["acc"]] == _mac_reference(p, v)


def test_mac_directed_wraps_and_holds():
    p = MAC.resolve({"width": 4, "acc_width": 8})
    v = MAC.stimulus.directed(p)
    ref = _mac_reference(p, v)
    assert any(b < a for a, b in zip(ref, ref[1:])), "directed MAC stimulus must wrap a narrow accumulator"


def _run_amaranth(dut, testbench, clocked):
    sim = Simulator(dut)
    if clocked:
        sim.add_clock(1e-6)
    sim.add_testbench(testbench)
    sim.run()


@pytest.mark.parametrize("is_signed, pipeline", [(False, 0), (True, 2)])
def test_mul_component_amaranth_sim(is_signed, pipeline):
    dut = IntMultiplier(5, is_signed, pipeline)
    p = MUL.resolve({"width": 5, "signed": is_signed, "pipeline": pipeline})
    v = MUL.stimulus.directed(p)
    want = mul_model(p, v)["p"]
    got = []

    async def tb(ctx):
        for a, b in zip(v["a"][:60], v["b"][:60]):
            ctx.set(dut.a, int(a))
            ctx.set(dut.b, int(b))
            for _ in range(pipeline):
                await ctx.tick()
            got.append(ctx.get(dut.p))

    _run_amaranth(dut, tb, pipeline > 0)
    assert got == [int(x) for x in want[:60]]


def test_mac_component_amaranth_sim(seed):
    p = MAC.resolve({"width": 4, "signed": True, "acc_width": 9, "pipeline": 1})
    dut = IntMAC(4, True, 9, 1)
    v = MAC.stimulus.random(p, np.random.default_rng(seed), 80)
    want = [int(x) for x in mac_model(p, v)["acc"]]
    got = []

    async def tb(ctx):
        for i in range(len(want) + 2):
            if i < len(want):
                for k in ("a", "b", "en", "clr"):
                    ctx.set(getattr(dut, k), int(v[k][i]))
            else:
                ctx.set(dut.en, 0)
            await ctx.tick()
            if i >= 1:  # latency 2: after edge i we see step i-1
                got.append(ctx.get(dut.acc))

    _run_amaranth(dut, tb, True)
    assert got[:len(want)] == want
