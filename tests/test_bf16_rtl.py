# amaranth: UnusedElaboratable=no
"""Float gateware (hwgen.units.bf16.gateware) against the golden models: Verilator, amaranth.sim, parameter checks.

Default runs: the bf16 configurations of the issue's definition of done (directed TestFloat-style set
plus 10^5 seeded random vectors each), tiny formats exhaustively (one build per variant kind), and MAC
sequences. The full matrix (every tiny format x variant, 10^6 bf16 vectors) is marked slow.
"""

import re

import pytest
from amaranth.sim import Simulator

from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units.bf16.gateware import FloatFormat, FloatMAC, FloatMul
from hwgen.units.bf16.gateware.mulcore import MitchellMulCore
from hwgen.verify import verify

MUL, MAC = get_unit("bf16_mul"), get_unit("bf16_mac")
TINY = {"e4m3": {"exp_bits": 4, "man_bits": 3, "wide_man_bits": 7},
        "e5m2": {"exp_bits": 5, "man_bits": 2, "wide_man_bits": 5},
        "e3m2": {"exp_bits": 3, "man_bits": 2, "wide_man_bits": 6}}


def _ok(r, at_least):
    assert r.mismatches == 0, r.examples
    assert r.vectors >= at_least


@pytest.mark.parametrize("cfg", [
    {"multiplier": "exact"},
    {"multiplier": "mitchw", "w": 6, "out_format": "bf16"},
    {"multiplier": "mitchw", "w": 8, "pipeline": 2},
    {"multiplier": "exact", "out_format": "bf16", "ftz": False, "pipeline": 1},
], ids=str)
def test_bf16_mul_verilator(cfg, seed, build_root):
    r = verify(MUL, cfg, vectors=100_000, seed=seed, build_root=build_root)
    _ok(r, 100_000 + len(MUL.stimulus.directed(MUL.resolve(cfg))["a"]))


@pytest.mark.parametrize("name, cfg", [
    ("e4m3", {"out_format": "bf16", "ftz": False}),
    ("e5m2", {"multiplier": "mitchw", "w": 3}),
    ("e3m2", {"multiplier": "mitchw", "w": 2, "out_format": "bf16", "ftz": False}),
])
def test_tiny_mul_exhaustive(name, cfg, seed, build_root):
    cfg = {**TINY[name], **cfg}
    r = verify(MUL, cfg, vectors="exhaustive", seed=seed, build_root=build_root)
    assert r.exhaustive
    _ok(r, 1 << (2 * (1 + cfg["exp_bits"] + cfg["man_bits"])))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TINY))
@pytest.mark.parametrize("out_format", ["fp32", "bf16"])
@pytest.mark.parametrize("ftz", [True, False])
@pytest.mark.parametrize("variant", ["exact", "mitchw2", "mitchw_full"])
def test_tiny_mul_exhaustive_every_variant(name, out_format, ftz, variant, seed, build_root):
    cfg = {**TINY[name], "out_format": out_format, "ftz": ftz}
    if variant != "exact":
        cfg.update(multiplier="mitchw", w=2 if variant == "mitchw2" else cfg["man_bits"] + 1)
    r = verify(MUL, cfg, vectors="exhaustive", seed=seed, build_root=build_root)
    _ok(r, 1 << (2 * (1 + cfg["exp_bits"] + cfg["man_bits"])))


@pytest.mark.slow
@pytest.mark.parametrize("cfg", [{}, {"out_format": "bf16"}, {"multiplier": "mitchw", "w": 6},
                                 {"multiplier": "mitchw", "w": 6, "out_format": "bf16"},
                                 {"multiplier": "mitchw", "w": 8}, {"multiplier": "mitchw", "w": 8, "out_format": "bf16"},
                                 {"ftz": False}, {"ftz": False, "out_format": "bf16", "multiplier": "mitchw", "w": 6}],
                         ids=str)
def test_bf16_mul_million_vectors(cfg, seed, build_root):
    r = verify(MUL, cfg, vectors=1_000_000, seed=seed, build_root=build_root)
    _ok(r, 1_000_000)


@pytest.mark.parametrize("cfg", [
    {"multiplier": "exact"},
    {"multiplier": "mitchw", "w": 6, "ftz": False, "pipeline": 1},
    {**TINY["e4m3"], "multiplier": "mitchw", "w": 3, "ftz": False},
], ids=str)
def test_bf16_mac_verilator(cfg, seed, build_root):
    r = verify(MAC, cfg, vectors=30_000, seed=seed, build_root=build_root)
    _ok(r, 30_000)


@pytest.mark.slow
@pytest.mark.parametrize("cfg", [{}, {"multiplier": "mitchw", "w": 6}, {"multiplier": "mitchw", "w": 8, "pipeline": 2},
                                 {"ftz": False}, {**TINY["e5m2"], "ftz": False}, {**TINY["e3m2"]}], ids=str)
def test_bf16_mac_million_steps(cfg, seed, build_root):
    r = verify(MAC, cfg, vectors=1_000_000, seed=seed, build_root=build_root)
    _ok(r, 1_000_000)


def test_mac_amaranth_sim_directed():
    """The MAC protocol cycle by cycle (latency pipeline + 1), on the directed sequence."""
    p = MAC.resolve({**TINY["e4m3"], "pipeline": 1})
    v = MAC.stimulus.directed(p)
    want = MAC.model(p, v)["acc"].tolist()
    dut = MAC.build(p)
    got = []

    async def tb(ctx):
        for i in range(len(want) + 2):
            if i < len(want):
                for k in ("a", "b", "en", "clr"):
                    ctx.set(getattr(dut, k), int(v[k][i]))
            else:
                ctx.set(dut.en, 0)
            await ctx.tick()
            if i >= 1:
                got.append(ctx.get(dut.acc))

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(tb)
    sim.run()
    assert got[:len(want)] == want


# --- parameter and constructor checks -------------------------------------------------------------

@pytest.mark.parametrize("unit, given, message", [
    ("bf16_mul", {"w": 9}, r"^Parameter 'w' of unit 'bf16_mul' must be an integer in 2\.\.8, not 9$"),
    ("bf16_mul", {"man_bits": 3, "w": 5}, r"^Parameter 'w' of unit 'bf16_mul' must be an integer in 2\.\.4, not 5$"),
    ("bf16_mul", {"wide_man_bits": 14},
     r"^Parameter 'wide_man_bits' of unit 'bf16_mul' must be an integer in 15\.\.23, not 14$"),
    ("bf16_mul", {"out_format": "fp16"},
     r"^Parameter 'out_format' of unit 'bf16_mul' must be one of 'fp32', 'bf16', not 'fp16'$"),
    ("bf16_mac", {"multiplier": "mitchell"},
     r"^Parameter 'multiplier' of unit 'bf16_mac' must be one of 'exact', 'mitchw', not 'mitchell'$"),
    ("bf16_mac", {"out_format": "bf16"}, r"^Unit 'bf16_mac' has no parameter 'out_format'; its parameters are: "),
])
def test_parameter_errors(unit, given, message):
    with pytest.raises(ParamError, match=message):
        get_unit(unit).resolve(given)


BF16, FP32 = FloatFormat(8, 7), FloatFormat(8, 23)


@pytest.mark.parametrize("make, exc, message", [
    (lambda: FloatFormat(1, 7), ValueError, r"^Exponent bits must be an integer in 2\.\.11, not 1$"),
    (lambda: FloatFormat(8, 7.0), TypeError, r"^Mantissa bits must be an integer, not 7\.0$"),
    (lambda: MitchellMulCore(BF16, True, 9), ValueError, r"^Mitch-w width must be an integer in 2\.\.8, not 9$"),
    (lambda: FloatMul(BF16, FP32, "mitchell", 6, True), ValueError,
     r"^Multiplier must be 'exact' or 'mitchw', not 'mitchell'$"),
    (lambda: FloatMul(BF16, FloatFormat(5, 10), "exact", 6, True), ValueError,
     r"^Output format must have the operands' 8 exponent bits, not 5$"),
    (lambda: FloatMul(BF16, FP32, "exact", 6, 1), TypeError, r"^Flush-to-zero must be a bool, not 1$"),
    (lambda: FloatMul(BF16, FP32, "exact", 6, True, -1), ValueError, r"^Pipeline must be an integer >= 0, not -1$"),
    (lambda: FloatMAC(BF16, FloatFormat(8, 14), "exact", 6, True), ValueError,
     r"^Accumulator mantissa bits must be at least 2\*7\+1 = 15 to hold a product exactly, not 14$"),
])
def test_constructor_errors(make, exc, message):
    with pytest.raises(exc, match=message):
        make()


def test_module_names_encode_every_parameter():
    p = MUL.resolve({"multiplier": "mitchw", "w": 6, "out_format": "bf16"})
    assert MUL.module_name(p) == "bf16_mul_xmitchw_e8_m7_w6_wm23_obf16_ftz1_p0"
    assert re.fullmatch(r"bf16_mac_xexact_e8_m7_w6_wm23_ftz1_p0", MAC.module_name(MAC.resolve({})))
