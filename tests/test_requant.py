# amaranth: UnusedElaboratable=no
"""`requant` and `requant_mul` RTL: generated Verilog against the golden model on Verilator (bulk path),
the shared rounding/saturation blocks under amaranth.sim, and the components' own argument checks."""

import dataclasses
import itertools

import numpy as np
import pytest
from amaranth.hdl import Module, Signal, signed
from amaranth.sim import Simulator

from hwgen.gateware.rounding import ROUNDING_MODES, RoundingShifter, Saturator
from hwgen.registry import get_unit
from hwgen.units.requant.gateware import MulRequantizer, Requantizer
from hwgen.units.requant.model import output_range, round_shift_model, saturate_model
from hwgen.verify import verify

REQUANT, REQUANT_MUL = get_unit("requant"), get_unit("requant_mul")


def _ok(r, n=None):
    assert r.vectors > 0 and r.mismatches == 0, r.examples
    if n is not None:
        assert r.vectors == n


# The acceptance set: every rounding mode, with and without ReLU, exhaustive.
@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("mode", ROUNDING_MODES)
def test_requant_12_8_shift4_exhaustive(mode, relu, build_root):
    cfg = {"in_width": 12, "out_width": 8, "shift": 4, "rounding": mode, "relu": relu}
    _ok(verify(REQUANT, cfg, vectors="exhaustive", seed=0, build_root=build_root), 4096)


# 16-bit exhaustive: the shifts 0, 1, middle and in_width, each mode once, ReLU on and off; the full
# cross (32 builds) runs with -m slow, and the models are checked on the full cross in test_requant_model.
_SHIFT_CASES = [(0, "half_even", True), (1, "half_away", False), (8, "floor", True), (16, "half_up", False)]


@pytest.mark.parametrize("shift, mode, relu", _SHIFT_CASES, ids=str)
def test_requant_16_exhaustive(shift, mode, relu, build_root):
    cfg = {"in_width": 16, "out_width": 8, "shift": shift, "rounding": mode, "relu": relu}
    _ok(verify(REQUANT, cfg, vectors="exhaustive", seed=0, build_root=build_root), 65536)


@pytest.mark.slow
@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("mode", ROUNDING_MODES)
@pytest.mark.parametrize("shift", [0, 1, 8, 16])
def test_requant_16_exhaustive_full_cross(shift, mode, relu, build_root):
    cfg = {"in_width": 16, "out_width": 8, "shift": shift, "rounding": mode, "relu": relu}
    _ok(verify(REQUANT, cfg, vectors="exhaustive", seed=0, build_root=build_root), 65536)


@pytest.mark.parametrize("cfg, vectors", [
    ({"in_width": 8, "out_width": 5, "shift": 3, "rounding": "half_even", "bias_width": 6}, "exhaustive"),
    ({"in_width": 10, "out_width": 6, "shift": 3, "rounding": "half_away", "bias_width": 8, "relu": True,
      "pipeline": 2}, 50_000),
    ({"in_width": 64, "out_width": 16, "shift": 40, "rounding": "half_away", "bias_width": 64}, 20_000),
    ({"in_width": 32, "out_width": 32, "shift": 0, "rounding": "half_up", "relu": True, "pipeline": 1}, 20_000),
], ids=str)
def test_requant_bias_pipeline_wide(cfg, vectors, build_root, seed):
    _ok(verify(REQUANT, cfg, vectors=vectors, seed=seed, build_root=build_root))


@pytest.mark.parametrize("cfg, vectors", [
    ({"in_width": 12, "out_width": 8, "mult_bits": 8, "rounding": "half_even"}, "exhaustive"),
    ({"in_width": 12, "out_width": 8, "mult_bits": 8, "multiplier": 181, "shift": 11, "relu": True},
     "exhaustive"),
    ({"in_width": 32, "out_width": 8, "mult_bits": 32, "bias_width": 32, "rounding": "half_away",
      "pipeline": 2}, 30_000),
], ids=str)
def test_requant_mul(cfg, vectors, build_root, seed):
    _ok(verify(REQUANT_MUL, cfg, vectors=vectors, seed=seed, build_root=build_root))


def test_a_wrong_rounding_is_caught(build_root):
    """The check can fail: a model rounding ties up where the RTL rounds them to even."""
    cfg = {"in_width": 8, "out_width": 6, "shift": 2, "rounding": "half_even"}
    wrong = dataclasses.replace(REQUANT, model=lambda p, v: REQUANT.model({**p, "rounding": "half_up"}, v))
    r = verify(wrong, cfg, vectors="exhaustive", seed=0, build_root=build_root)
    # ties x = 4k + 2 with k even differ: x in -128..127 has 32 of them
    assert r.vectors == 256 and r.mismatches == 32


# --- shared blocks under amaranth.sim -----------------------------------------------------------------

def test_rounding_shifters_and_saturators_exhaustive_6bit():
    """Every shift 0..6 and every mode of a 6-bit RoundingShifter, and saturators to 2..6 signed and
    1..6 ReLU bits, in one simulation over all 64 inputs."""
    w = 6
    top = Module()
    x = Signal(signed(w))
    shifters = {}
    for s, mode in itertools.product(range(w + 1), ROUNDING_MODES):
        blk = RoundingShifter(w, s, mode)
        top.submodules[f"rs_{s}_{mode}"] = blk
        top.d.comb += blk.x.eq(x)
        shifters[(s, mode)] = blk
    sats = {}
    for ow, relu in [(b, False) for b in range(2, w + 2)] + [(b, True) for b in range(1, w + 2)]:
        blk = Saturator(w, ow, relu)
        top.submodules[f"sat_{ow}_{int(relu)}"] = blk
        top.d.comb += blk.x.eq(x)
        sats[(ow, relu)] = blk
    got_rs = {k: [] for k in shifters}
    got_sat = {k: [] for k in sats}
    xs = list(range(-(1 << (w - 1)), 1 << (w - 1)))

    async def tb(ctx):
        for v in xs:
            ctx.set(x, v)
            for k, blk in shifters.items():
                got_rs[k].append(ctx.get(blk.y))
            for k, blk in sats.items():
                got_sat[k].append(ctx.get(blk.y))

    sim = Simulator(top)
    sim.add_testbench(tb)
    sim.run()
    arr = np.array(xs, dtype=np.int64)
    for (s, mode), got in got_rs.items():
        assert got == round_shift_model(arr, s, mode).tolist(), (s, mode)
    for (ow, relu), got in got_sat.items():
        assert got == saturate_model(arr, *output_range(ow, relu)).tolist(), (ow, relu)


@pytest.mark.parametrize("make, error, message", [
    (lambda: RoundingShifter(8, 9, "floor"), ValueError, r"^Shift must be an integer in 0\.\.8, not 9$"),
    (lambda: RoundingShifter(8, 2, "even"), ValueError,
     r"^Rounding must be one of floor, half_up, half_even, half_away, not 'even'$"),
    (lambda: RoundingShifter(8.0, 2, "floor"), TypeError, r"^Width must be an integer, not 8\.0$"),
    (lambda: Saturator(8, 1, False), ValueError, r"^Output width must be an integer >= 2, not 1$"),
    (lambda: Requantizer(8, 9, 2, "floor", False), ValueError,
     r"^Output width must be an integer in 2\.\.8, not 9$"),
    (lambda: Requantizer(8, 4, -1, "floor", False), ValueError, r"^Shift must be an integer in 0\.\.8, not -1$"),
    (lambda: Requantizer(8, 4, 2, "floor", False, bias_width=True), TypeError,
     r"^Bias width must be an integer, not True$"),
    (lambda: MulRequantizer(8, 4, 4, 16, 2, "floor", False), ValueError,
     r"^Multiplier must be an integer in 0\.\.15, not 16$"),
    (lambda: MulRequantizer(8, 4, 4, 3, 13, "floor", False), ValueError,
     r"^Shift must be an integer in 0\.\.12, not 13$"),
], ids=range(9))
def test_component_arguments_checked(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_port_sets():
    assert set(Requantizer(8, 4, 2, "floor", True).signature.members) == {"x", "y"}
    assert set(Requantizer(8, 4, 2, "floor", True, 5).signature.members) == {"x", "bias", "y"}
    assert set(MulRequantizer(8, 4, 4, 0, 2, "floor", False).signature.members) == {"x", "m", "y"}
    assert set(MulRequantizer(8, 4, 4, 9, 2, "floor", False, 3).signature.members) == {"x", "bias", "y"}
    assert not Requantizer(8, 4, 2, "floor", True).y.shape().signed
    assert Requantizer(8, 4, 2, "floor", False).y.shape().signed
