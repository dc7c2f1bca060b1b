"""`bf16_mul` and `bf16_mac`: bfloat16 multipliers (exact, Mitchell, Mitch-w) and fp32-accumulating MACs.

The formats are generic (``exp_bits``/``man_bits``, bfloat16 by default) so that tiny formats can be
checked exhaustively. ``out_format=fp32`` means the wide format (``exp_bits`` exponent bits,
``wide_man_bits`` mantissa bits: fp32 for the defaults), which holds every product exactly;
``out_format=bf16`` means the operand format, rounded to nearest even. The MAC accumulates in the wide
format. Semantics and the special-value rules: docs/bf16.md and units.md §2.
"""

from __future__ import annotations

import numpy as np

from hwgen.metrics import ErrorSpec
from hwgen.params import Param
from hwgen.unit import Stimulus, Unit
from hwgen.units.bf16 import stimuli as stim
from hwgen.units.bf16.model.add import float_mac
from hwgen.units.bf16.model.fmt import Format, to_float
from hwgen.units.bf16.model.mul import MULTIPLIERS, float_mul
from hwgen.units.bf16.streams import MAC_STREAMS, MUL_STREAMS

MULTIPLIER = Param("multiplier", "choice", "exact",
                   "mantissa product: exact, or mitchw (Mitch-w: log-domain add of fractions truncated to w-1 bits)",
                   choices=MULTIPLIERS, abbr="x")
EXP_BITS = Param("exp_bits", "int", 8, "exponent bits of the operands and of the wide format (8: bfloat16, fp32)",
                 min=2, max=8, abbr="e")
MAN_BITS = Param("man_bits", "int", 7, "stored mantissa bits of the operands (7: bfloat16)", min=1, max=11, abbr="m")
W = Param("w", "int", lambda p: min(6, p["man_bits"] + 1),
          "Mitch-w: significant bits kept per operand (man_bits+1 = plain Mitchell); ignored by exact",
          min=2, max_from=lambda p: p["man_bits"] + 1, abbr="w")
WIDE_MAN_BITS = Param("wide_man_bits", "int", 23,
                      "mantissa bits of the wide format (23: fp32); at least 2*man_bits+1 so products are exact",
                      min_from=lambda p: 2 * p["man_bits"] + 1, max=23, abbr="wm")
OUT_FORMAT = Param("out_format", "choice", "fp32",
                   "product format: fp32 = the wide format (exact product), bf16 = the operand format (RNE)",
                   choices=("fp32", "bf16"), abbr="o")
FTZ = Param("ftz", "bool", True,
            "flush to zero: subnormal operands read as zero, results below the smallest normal become zero",
            abbr="ftz")
PIPELINE = Param("pipeline", "int", 0, "register stages (mul: after the raw product, then after rounding; "
                 "mac: delaying the product with en/clr)", min=0, max=8, abbr="p")


def operand_format(p) -> Format:
    return Format(p["exp_bits"], p["man_bits"])


def wide_format(p) -> Format:
    return Format(p["exp_bits"], p["wide_man_bits"])


def output_format(p) -> Format:
    return wide_format(p) if p["out_format"] == "fp32" else operand_format(p)


# --- bf16_mul -------------------------------------------------------------------------------------

def _mul_build(p):
    from hwgen.units.bf16.gateware import (  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
        FloatFormat,
        FloatMul,
    )
    out = output_format(p)
    return FloatMul(FloatFormat(p["exp_bits"], p["man_bits"]), FloatFormat(out.exp_bits, out.man_bits),
                    p["multiplier"], p["w"], p["ftz"], p["pipeline"])


def _mul_model(p, vec):
    return {"p": float_mul(operand_format(p), output_format(p), np.asarray(vec["a"], dtype=np.int64),
                           np.asarray(vec["b"], dtype=np.int64), p["multiplier"], p["w"], p["ftz"])}


# Error characterisation. Relative error depends only on the two mantissas as long as the product is
# normal and finite, so the exhaustive set is every mantissa pair of operands in [1, 2): for bfloat16
# the 2^14 pairs behind the units.md §2 figures. Sampling: uniform draws from the same set, or
# log-uniform operands (random signs, exponents within bias/2 of the bias) for scale-dependent figures.

def _pair_index(p, idx):
    fmt = operand_format(p)
    m = fmt.man_bits
    one = np.int64(fmt.bias) << m
    return {"a": one | (idx >> m), "b": one | (idx & ((1 << m) - 1))}


def _error_sample(p, distribution, rng, n):
    fmt = operand_format(p)
    if distribution == "uniform":
        return _pair_index(p, rng.integers(0, 1 << (2 * fmt.man_bits), n, dtype=np.int64))
    spread = fmt.bias // 2
    out = {}
    for k in ("a", "b"):
        field = fmt.bias + rng.integers(-spread, spread + 1, n)
        man = rng.integers(0, 1 << fmt.man_bits, n, dtype=np.int64)
        out[k] = (rng.integers(0, 2, n, dtype=np.int64) << (fmt.width - 1)) | (field << fmt.man_bits) | man
    return out


MUL_ERROR = ErrorSpec(
    output="p",
    ideal=lambda p, vec: to_float(operand_format(p), vec["a"]) * to_float(operand_format(p), vec["b"]),
    space=lambda p: 1 << (2 * p["man_bits"]),
    enumerate=lambda p, lo, hi: _pair_index(p, np.arange(lo, hi, dtype=np.int64)),
    sample=_error_sample,
    value=lambda p, out: to_float(output_format(p), out),
)

def _is_signed(p) -> bool:
    return True  # float operands carry a sign bit


_TINY = ({"exp_bits": 4, "man_bits": 3, "wide_man_bits": 7}, {"exp_bits": 5, "man_bits": 2, "wide_man_bits": 5},
         {"exp_bits": 3, "man_bits": 2, "wide_man_bits": 6})

MUL = Unit(
    name="bf16_mul",
    report_group="bf16",
    summary="bfloat16 multiplier (exact, Mitchell, Mitch-w) with an fp32 (exact) or bf16 (RNE) product",
    params=(MULTIPLIER, EXP_BITS, MAN_BITS, W, WIDE_MAN_BITS, OUT_FORMAT, FTZ, PIPELINE),
    build=_mul_build,
    model=_mul_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(lambda p: stim.directed_pairs(operand_format(p)),
                      lambda p, rng, n: stim.random_pairs(operand_format(p), rng, n),
                      lambda p: stim.exhaustive_pairs(operand_format(p))),
    sweep=({}, {"out_format": "bf16"}, {"multiplier": "mitchw", "w": 6}, {"multiplier": "mitchw", "w": 8},
           {"multiplier": "mitchw", "w": 6, "out_format": "bf16", "pipeline": 2},
           {"ftz": False}, {"ftz": False, "out_format": "bf16", "pipeline": 1},
           {"multiplier": "mitchw", "w": 8, "ftz": False, "out_format": "bf16"},
           *_TINY, {**_TINY[0], "out_format": "bf16", "ftz": False},
           {**_TINY[1], "multiplier": "mitchw", "w": 3, "out_format": "bf16"},
           {**_TINY[2], "multiplier": "mitchw", "w": 2, "ftz": False}),
    demo=({}, {"multiplier": "mitchw", "w": 6}, {"multiplier": "mitchw", "w": 6, "out_format": "bf16"}),
    error=MUL_ERROR,
    is_signed=_is_signed,
    streams=MUL_STREAMS,
)


# --- bf16_mac -------------------------------------------------------------------------------------

def _mac_build(p):
    from hwgen.units.bf16.gateware import (  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
        FloatFormat,
        FloatMAC,
    )
    return FloatMAC(FloatFormat(p["exp_bits"], p["man_bits"]), FloatFormat(p["exp_bits"], p["wide_man_bits"]),
                    p["multiplier"], p["w"], p["ftz"], p["pipeline"])


def _mac_model(p, vec):
    return {"acc": float_mac(operand_format(p), wide_format(p), vec["a"], vec["b"], vec["en"], vec["clr"],
                             p["multiplier"], p["w"], p["ftz"])}


MAC = Unit(
    name="bf16_mac",
    report_group="mac",
    summary="bfloat16 multiply-accumulate in fp32, acc <- RNE(acc + a*b) (clr: +0 + a*b) when en",
    params=(MULTIPLIER, EXP_BITS, MAN_BITS, W, WIDE_MAN_BITS, FTZ, PIPELINE),
    build=_mac_build,
    model=_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=Stimulus(lambda p: stim.mac_directed_steps(operand_format(p), p["wide_man_bits"]),
                      lambda p, rng, n: stim.mac_random_steps(operand_format(p), rng, n),
                      lambda p: None),
    sequential=True,
    sweep=({}, {"multiplier": "mitchw", "w": 6}, {"multiplier": "mitchw", "w": 8, "pipeline": 2},
           {"ftz": False}, {"multiplier": "mitchw", "w": 6, "ftz": False, "pipeline": 1},
           *_TINY, {**_TINY[0], "multiplier": "mitchw", "w": 3, "ftz": False}),
    demo=({}, {"multiplier": "mitchw", "w": 6}),
    is_signed=_is_signed,
    streams=MAC_STREAMS,
)

UNITS = (MUL, MAC)
