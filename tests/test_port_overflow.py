# amaranth: UnusedElaboratable=no
"""Issue 14 item 3: no product may overflow its output port and come out with the wrong sign.

Mitch-w sign-magnitude at w = 2 with ``unbiased`` gives P(-2^(N-1), -2^(N-1)) = +2^(2N-1), one beyond the
2N-bit signed port. The port saturates it to 2^(2N-1) - 1 (model, gateware and prove reference); the MAC
adds the true product. The last test looks for the same class of fault in every registered unit: every
model output on the directed vectors of small configurations must fit its port.
"""

import numpy as np
import pytest
from amaranth.sim import Simulator

from hwgen.emit import elaborate
from hwgen.registry import all_units, get_unit
from hwgen.units.mitchw.gateware import MitchW, MitchWMAC
from hwgen.units.mitchw.model import mitchw_mac_model, mitchw_model

SM2 = {"w": 2, "signedness": "sign_magnitude", "unbiased": True}


def _sim(dut, steps, outputs, clocked=False):
    got = []

    async def bench(ctx):
        for vec in steps:
            for k, v in vec.items():
                ctx.set(getattr(dut, k), v)
            if clocked:
                await ctx.tick()
            got.append(tuple(ctx.get(getattr(dut, o)) for o in outputs))

    sim = Simulator(dut)
    if clocked:
        sim.add_clock(1e-6)
    sim.add_testbench(bench)
    sim.run()
    return got


@pytest.mark.parametrize("n", [4, 8, 16, 31, 32])
def test_model_saturates_the_largest_product(n):
    lo = -(1 << (n - 1))
    p = mitchw_model({"width": n, **SM2}, {"a": np.array([lo, lo]), "b": np.array([lo, -lo - 1])})["p"]
    assert int(p[0]) == (1 << (2 * n - 1)) - 1  # saturated, not -2^(2N-1)
    assert int(p[1]) < 0  # a negative product keeps its sign


def test_gateware_equals_model_exhaustively_at_4_bits():
    n = 4
    vals = list(range(-(1 << (n - 1)), 1 << (n - 1)))
    pairs = [(a, b) for a in vals for b in vals]
    got = [g[0] for g in _sim(MitchW(n, 2, "sign_magnitude", True), [{"a": a, "b": b} for a, b in pairs], ["p"])]
    want = mitchw_model({"width": n, **SM2}, {"a": np.array([a for a, _ in pairs]),
                                              "b": np.array([b for _, b in pairs])})["p"].tolist()
    assert got == want
    assert got[0] == 127  # (-8) * (-8): saturated at the port


def test_mac_accumulates_the_true_product():
    n, acc_width = 4, 12
    steps = [(-8, -8, 1, 1), (-8, -8, 1, 0), (3, -5, 1, 0), (-8, -8, 1, 1)]
    vec = {k: np.array([s[i] for s in steps]) for i, k in enumerate(("a", "b", "en", "clr"))}
    want = mitchw_mac_model({"width": n, **SM2, "acc_width": acc_width}, vec)["acc"].tolist()
    assert want[:2] == [128, 256] and want[3] == 128
    dut = MitchWMAC(n, 2, "sign_magnitude", True, acc_width)
    got = [g[0] for g in _sim(dut, [{"a": a, "b": b, "en": e, "clr": c} for a, b, e, c in steps], ["acc"],
                              clocked=True)]
    assert got == want


def test_mac_with_a_2n_bit_accumulator_wraps_the_true_product():
    # acc_width = 2N: +2^(2N-1) wraps in the accumulator exactly as a 2N-bit adder would.
    vec = {"a": np.array([-8]), "b": np.array([-8]), "en": np.array([1]), "clr": np.array([1])}
    assert mitchw_mac_model({"width": 4, **SM2, "acc_width": 8}, vec)["acc"].tolist() == [-128]


def _fits(values, port) -> bool:
    lo, hi = ((-(1 << (port.elem_width - 1)), (1 << (port.elem_width - 1)) - 1) if port.signed
              else (0, (1 << port.elem_width) - 1))
    flat = np.asarray(values, dtype=object).reshape(-1)
    return all(lo <= int(v) <= hi for v in flat)


def _small_configs(unit):
    """The smallest width allowed, every choice/boolean value of the other parameters at their defaults."""
    base = {}
    for p in unit.params:
        if p.kind == "int" and p.name in ("width", "d_width", "w_width") and p.min is not None:
            base[p.name] = max(p.min, 4)
    configs = [base]
    for p in unit.params:
        if p.kind == "bool":
            configs += [{**c, p.name: v} for c in configs for v in (False, True)]
        elif p.kind == "choice":
            configs += [{**c, p.name: v} for c in configs for v in p.choices]
    if unit.name == "mitchw" or unit.name == "mitchw_mac":
        configs += [{**c, "w": 2} for c in configs]
    seen, out = set(), []
    for c in configs:
        try:
            r = unit.resolve(c)
        except ValueError:
            continue
        key = tuple(sorted(r.items()))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out[:24]


@pytest.mark.parametrize("name", [u.name for u in all_units() if not u.sequential])
def test_every_output_fits_its_port(name):
    unit = get_unit(name)
    checked = 0
    for params in _small_configs(unit):
        ports = {p.name: p for p in elaborate(unit, params).ports if p.direction == "out"}
        vec = unit.stimulus.directed(params)
        for port_name, values in unit.model(params, vec).items():
            assert _fits(values, ports[port_name]), (name, params, port_name)
            checked += 1
    assert checked > 0
