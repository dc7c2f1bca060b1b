# amaranth: UnusedElaboratable=no
"""`shift_mul` and `shift_mac`: models against exact rational arithmetic, RTL against the models on
Verilator (exhaustive for 8-bit activations x every code; random MAC sequences), argument checks."""

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from amaranth.sim import Simulator

from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units.shiftmul.gateware import ShiftMAC, ShiftMultiplier
from hwgen.units.shiftmul.model import shift_emax, shift_mac_model, shift_mul_model, shift_weight_value
from hwgen.verify import verify

SHIFT_MUL, SHIFT_MAC = get_unit("shift_mul"), get_unit("shift_mac")


def _weight(code: int, n: int) -> Fraction:
    """The code layout written out: sign bit n-1, index j below; all-ones index = 0."""
    sign, j = code >> (n - 1), code & ((1 << (n - 1)) - 1)
    if j == (1 << (n - 1)) - 1:
        return Fraction(0)
    return Fraction((-1) ** sign, 1 << j)


@pytest.mark.parametrize("is_signed", [False, True])
@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_model_exhaustive_8bit_against_fractions(n, is_signed):
    p = SHIFT_MUL.resolve({"width": 8, "signed": is_signed, "code_bits": n})
    vec = SHIFT_MUL.stimulus.exhaustive(p)
    assert len(vec["a"]) == 256 << n
    got = shift_mul_model(p, vec)["p"]
    scale = 1 << shift_emax(n)
    want = [int(int(a) * _weight(int(b), n) * scale) for a, b in zip(vec["a"], vec["b"])]
    assert got.tolist() == want
    lim = 1 << (8 + shift_emax(n))  # the product fits width + 1 + emax signed bits
    assert got.min() >= -lim and got.max() < lim


def test_hand_computed_products():
    p = SHIFT_MUL.resolve({"width": 8, "signed": True, "code_bits": 4})  # emax = 6
    vec = {"a": np.array([3, 3, 3, -128, -128, 5, 5, 100], dtype=np.int64),
           "b": np.array([0, 6, 8, 0, 8, 7, 15, 2], dtype=np.int64)}
    # 3*1*64, 3*2^-6*64, -3*64, -128*64, +128*64, zero code, zero code with sign, 100*2^-2*64
    assert shift_mul_model(p, vec)["p"].tolist() == [192, 3, -192, -8192, 8192, 0, 0, 1600]
    assert shift_weight_value(vec["b"], 4).tolist() == [1, 2 ** -6, -1, 1, -1, 0, 0, 0.25]


def test_model_wide_activation(seed):
    p = SHIFT_MUL.resolve({"width": 64, "signed": True, "code_bits": 6})
    vec = SHIFT_MUL.stimulus.random(p, np.random.default_rng(seed), 3000)
    got = shift_mul_model(p, vec)["p"]
    scale = 1 << shift_emax(6)
    assert [int(v) for v in got] == [int(int(a) * _weight(int(b), 6) * scale)
                                     for a, b in zip(vec["a"], vec["b"])]


def _mac_reference(p, v):
    acc, out, mod = 0, [], 1 << p["acc_width"]
    scale = 1 << shift_emax(p["code_bits"])
    for a, b, en, clr in zip(v["a"], v["b"], v["en"], v["clr"]):
        if en:
            acc = ((0 if clr else acc) + int(int(a) * _weight(int(b), p["code_bits"]) * scale)) % mod
        out.append(acc - mod if acc >= mod // 2 else acc)
    return out


@pytest.mark.parametrize("cfg", SHIFT_MAC.sweep, ids=str)
def test_mac_model_step_by_step(cfg, seed):
    p = SHIFT_MAC.resolve(cfg)
    for v in (SHIFT_MAC.stimulus.random(p, np.random.default_rng(seed), 2000), SHIFT_MAC.stimulus.directed(p)):
        assert [int(x) for x in shift_mac_model(p, v)["acc"]] == _mac_reference(p, v)


def test_mac_directed_wraps_narrow_accumulator():
    p = SHIFT_MAC.resolve({"width": 4, "code_bits": 3, "acc_width": 8})
    ref = _mac_reference(p, SHIFT_MAC.stimulus.directed(p))
    assert any(b < a for a, b in zip(ref, ref[1:]))


# --- RTL ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cfg", [{"width": 8, "code_bits": 4}, {"width": 8, "signed": True, "code_bits": 4},
                                 {"width": 8, "signed": True, "code_bits": 2},
                                 {"width": 8, "code_bits": 6, "pipeline": 1}], ids=str)
def test_shift_mul_exhaustive(cfg, build_root):
    r = verify(SHIFT_MUL, cfg, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.exhaustive and r.vectors == 256 << cfg["code_bits"] and r.mismatches == 0, r.examples


def test_shift_mul_wide_random(build_root, seed):
    r = verify(SHIFT_MUL, {"width": 40, "signed": True, "code_bits": 6, "pipeline": 2}, vectors=20_000,
               seed=seed, build_root=build_root)
    assert r.vectors > 20_000 and r.mismatches == 0, r.examples


@pytest.mark.parametrize("cfg", [{"width": 8, "signed": True, "code_bits": 4},
                                 {"width": 4, "code_bits": 3, "acc_width": 8, "pipeline": 2}], ids=str)
def test_shift_mac_random_sequences(cfg, build_root, seed):
    r = verify(SHIFT_MAC, cfg, vectors=30_000, seed=seed, build_root=build_root)
    assert r.vectors > 30_000 and r.mismatches == 0, r.examples


@pytest.mark.slow  # the per-vector path of a pipelined MAC is in the default suite (test_verify.py)
def test_shift_mac_per_vector_path(build_root, seed):
    r = verify(SHIFT_MAC, {"width": 8, "signed": True, "code_bits": 4, "pipeline": 1}, vectors=2000,
               seed=seed, path="vector", build_root=build_root)
    assert r.vectors > 2000 and r.mismatches == 0, r.examples


def test_a_wrong_zero_code_is_caught(build_root):
    """The check can fail: a model that lets the negative zero code through as -a << 0."""
    def wrong(p, v):
        out = shift_mul_model(p, v)["p"].copy()
        out[(np.asarray(v["b"]) == 15) & (np.asarray(v["a"]) != 0)] = -1
        return {"p": out}
    r = verify(dataclasses.replace(SHIFT_MUL, model=wrong), {"width": 8, "code_bits": 4},
               vectors="exhaustive", seed=0, build_root=build_root)
    assert r.vectors == 4096 and r.mismatches == 255


def test_shift_multiplier_amaranth_sim():
    dut = ShiftMultiplier(4, True, 3)
    p = SHIFT_MUL.resolve({"width": 4, "signed": True, "code_bits": 3})
    vec = SHIFT_MUL.stimulus.exhaustive(p)
    got = []

    async def tb(ctx):
        for a, b in zip(vec["a"], vec["b"]):
            ctx.set(dut.a, int(a))
            ctx.set(dut.b, int(b))
            got.append(ctx.get(dut.p))

    sim = Simulator(dut)
    sim.add_testbench(tb)
    sim.run()
    assert got == shift_mul_model(p, vec)["p"].tolist()


@pytest.mark.parametrize("make, error, message", [
    (lambda: ShiftMultiplier(8, False, 7), ValueError, r"^Code bits must be an integer in 2\.\.6, not 7$"),
    (lambda: ShiftMultiplier(1, False, 4), ValueError, r"^Width must be an integer >= 2, not 1$"),
    (lambda: ShiftMultiplier(8, False, "4"), TypeError, r"^Code bits must be an integer, not '4'$"),
    (lambda: ShiftMAC(8, True, 4, 14), ValueError, r"^Accumulator width must be an integer >= 15, not 14$"),
], ids=range(4))
def test_component_arguments_checked(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("unit, given, message", [
    ("shift_mac", {"width": 8, "code_bits": 4, "acc_width": 14},
     r"^Parameter 'acc_width' of unit 'shift_mac' must be at least the product width width\+1\+emax = 15 "
     r"to hold one product, not 14$"),
    ("shift_mul", {"code_bits": 7}, r"^Parameter 'code_bits' of unit 'shift_mul' must be an integer in "
                                    r"2\.\.6, not 7$"),
], ids=range(2))
def test_bad_parameters(unit, given, message):
    with pytest.raises(ParamError, match=message):
        get_unit(unit).resolve(given)


def test_product_port_width():
    dut = ShiftMultiplier(8, False, 4)
    assert dut.p.shape().signed and dut.p.shape().width == 8 + 1 + 6 and dut.emax == 6
    assert SHIFT_MAC.resolve({"width": 8, "code_bits": 4})["acc_width"] == 15 + 16
