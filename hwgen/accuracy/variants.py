"""The variant catalogue: every multiply-accumulate type of the study, the units it needs, and how to
run it.

Naming: ``mitchw{w}_{N}_{mode}`` is Mitch-w with ``w`` kept bits on ``N``-bit operands, ``mode`` one of
``u`` (unsigned multiplier on magnitudes, sign applied by the accumulator), ``oc`` (ones' complement),
``sm`` (sign-magnitude); a ``_ub`` suffix is the unbiased variant. ``exp{n}`` / ``lin{n}`` are n-bit
exponential (base 1/2, shift codes) and linear weight discretizations with 8-bit activations;
``expfit{n}``: n-bit exponential codes with a per-layer fitted base, decoded to int8 (:mod:`.expfit`).
``drum{k}_{N}_{mode}``, ``ilm{n}_{N}_{mode}``, ``mitchw_ec{w}_{N}_{mode}`` (``mode`` ``u`` or ``sm``): the
unsigned-datapath multiplier families (units.md section 8) at their defaults (:data:`NEW_FAMILIES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from hwgen.accuracy.engine import Scheme, WeightQ, pow2_weights
from hwgen.quantize import quantize

__all__ = ["Variant", "catalogue", "MODES", "QUICK", "FASHION_KEY", "ONNX_DEFAULT", "NEW_FAMILIES", "MULTIPLIER_FAMILIES"]

#: Mitch-w signedness modes and their short names.
MODES = {"u": "unsigned", "oc": "ones_complement", "sm": "sign_magnitude"}


@dataclass(frozen=True)
class Variant:
    """One row of the study. ``units``: the unit models it needs (all must be registered).
    ``energy``: the (unit, params) whose synthesized energy proxy stands for its MAC, with ``per``
    equivalent multiply-accumulates per operation of that unit."""

    name: str
    family: str
    model: str = "cnn"
    units: tuple[str, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)
    energy: tuple[str, Mapping[str, Any], int] | None = None
    scheme_args: Mapping[str, Any] | None = None
    doc: str = ""

    def scheme(self) -> Scheme:
        """The integer datapath (multiplicative CNN variants only)."""
        a = dict(self.scheme_args)
        kind = a.pop("weights")
        if kind == "pow2":
            w = pow2_weights(a.pop("weight_bits"), a.get("magnitude", False))
        elif kind == "expfit":
            from hwgen.accuracy.expfit import expfit_weights
            w = expfit_weights(a.pop("bits"))
        else:
            w = _discretized(kind, a.pop("bits"))
        return Scheme(weights=w, **a)


def _discretized(method: str, bits: int):
    """Weights through hwgen.quantize (per-layer scale max|w|): linear codes as signed integers for the
    ``mul`` unit, exponential base-1/2 codes as-is for the ``shift_mul`` unit."""


    def q(w2d):
        r = quantize(w2d, bits, method="linear" if method == "lin" else "exp")
        codes = r.codes.astype(np.int64)
        mag_bits = bits - 1
        idx = codes & ((1 << mag_bits) - 1)
        neg = (codes >> mag_bits) & 1
        if method == "lin":
            values = np.where(neg == 1, -idx, idx)
            return WeightQ(values, values, r.scale / ((1 << mag_bits) - 1))
        emax = (1 << mag_bits) - 2
        mag = np.where(idx > emax, 0, np.left_shift(1, np.maximum(emax - idx, 0)))
        return WeightQ(codes, np.where(neg == 1, -mag, mag), r.scale * 2.0 ** -emax)
    return q


def _mitchw(w: int, n: int, mode: str, unbiased: bool) -> Variant:
    name = f"mitchw{w}_{n}_{mode}" + ("_ub" if unbiased else "")
    sig = MODES[mode]
    params = {"width": n, "w": w, "signedness": sig, "unbiased": unbiased}
    args = dict(_operands(n, mode), unit="mitchw", unit_params=params)
    return Variant(name, "mitchw", units=("mitchw", "requant"), scheme_args=args,
                   info={"operand_width": n, "w": w, "signedness": sig, "unbiased": unbiased},
                   energy=("mitchw_mac", params, 1),
                   doc=f"Mitch-w{w} products on {n}-bit operands ({sig}), exact accumulation")


def _operands(n: int, mode: str) -> dict:
    """Scheme operands of an N-bit multiplier: ``u`` an unsigned multiplier on magnitudes (the sign in the
    accumulator), ``oc``/``sm`` two's complement ports (activations 0..2^(N-1)-1, weights +-(2^(N-1)-1))."""
    if mode == "u":
        return {"act_bits": n, "weights": "pow2", "weight_bits": n + 1, "magnitude": True,
                "b_range": (0, (1 << n) - 1)}
    q = (1 << (n - 1)) - 1
    return {"act_bits": n - 1, "weights": "pow2", "weight_bits": n, "b_range": (-q, q)}


#: The unsigned-datapath families (units.md section 8) at their registered defaults: family ->
#: (name prefix with the defining parameter, the parameters besides width and signedness, one-line doc).
NEW_FAMILIES = {
    "drum": ("drum6", {"k": 6}, "DRUM-6 products (6-bit segments, last bit forced to 1)"),
    "ilm": ("ilm2", {"iterations": 2}, "ILM-2 products (Mitchell plus one residual correction)"),
    "mitchw_ec": ("mitchw_ec8", {"w": 8, "q": 2, "correction": "segments", "m": 4},
                  "error-compensated Mitch-w8 products (q = 2, 4 x 4 segment corrections)"),
}


#: Families of an integer multiplier on quantized operands (a unit's product, exact accumulation): their
#: records carry the per-layer scale figures and the batch-norm re-estimation study.
MULTIPLIER_FAMILIES = ("int", "mitchw", *NEW_FAMILIES)


def _new_family(family: str, n: int, mode: str) -> Variant:
    """``family`` at its default on ``n``-bit operands; ``mode`` ``sm`` (sign-magnitude ports, the key
    variant of the Fashion-MNIST study), ``oc`` (ones' complement ports) or ``u`` (unsigned multiplier on
    magnitudes)."""
    prefix, extra, doc = NEW_FAMILIES[family]
    sig = MODES[mode]
    params = {"width": n, **extra, "signedness": sig}
    args = dict(_operands(n, mode), unit=family, unit_params=params)
    info = {"operand_width": n, **extra, "signedness": sig}
    if mode == "sm" and n == 8:
        info["key"] = True
    return Variant(f"{prefix}_{n}_{mode}", family, units=(family, "requant"), scheme_args=args, info=info,
                   energy=(f"{family}_mac", params, 1), doc=f"{doc} on {n}-bit operands ({sig}), exact accumulation")


def catalogue() -> list[Variant]:
    """Every variant, in report order."""
    v = [Variant("fp32", "float", info={"operand_width": 32}, doc="float32 reference")]
    v.append(Variant("int8", "int", units=("mul", "requant"),
                     scheme_args={"act_bits": 7, "weights": "pow2", "weight_bits": 8, "b_range": (-127, 127),
                                  "unit": "mul", "unit_params": {"width": 8, "signed": True}},
                     info={"operand_width": 8, "signedness": "twos_complement"},
                     energy=("mac", {"width": 8, "signed": True}, 1),
                     doc="exact 8-bit products, exact accumulation, shift requantization"))
    for n in (8, 16):
        for mode in MODES:
            for w in range(3, 9):
                v.append(_mitchw(w, n, mode, False))
    for w in range(3, 9):
        v.append(_mitchw(w, 8, "sm", True))
    for family in NEW_FAMILIES:
        for mode in ("sm", "u", "oc"):
            v.append(_new_family(family, 8, mode))
    v.append(Variant("bf16", "bf16", units=("bf16_mul", "bf16_mac"), info={"operand_width": 16},
                     energy=("bf16_mac", {"multiplier": "exact"}, 1),
                     doc="bf16 operands, exact bf16 products, fp32 accumulation"))
    v.append(Variant("bf16_mitchw6", "bf16", units=("bf16_mul", "bf16_mac"),
                     info={"operand_width": 16, "w": 6},
                     energy=("bf16_mac", {"multiplier": "mitchw", "w": 6}, 1),
                     doc="bf16 operands, Mitch-w6 bf16 products, fp32 accumulation"))
    for method in ("exp", "lin"):
        for n in range(2, 7):
            if method == "exp":
                args = {"unit": "shift_mul", "unit_params": {"width": 8, "signed": True, "code_bits": n},
                        "b_range": (0, (1 << n) - 1)}
                energy = ("shift_mac", {"width": 8, "signed": True, "code_bits": n}, 1)
            else:
                q = (1 << (n - 1)) - 1
                args = {"unit": "mul", "unit_params": {"width": 8, "signed": True}, "b_range": (-q, q)}
                energy = ("mac", {"width": 8, "signed": True}, 1)
            args.update(act_bits=7, weights=method, bits=n)
            v.append(Variant(f"{method}{n}", "weights", units=(args["unit"], "requant"), scheme_args=args,
                             info={"operand_width": 8, "weight_bits": n},
                             energy=energy,
                             doc=f"{n}-bit {'exponential (base 1/2)' if method == 'exp' else 'linear'} "
                                 "weights, 8-bit activations, shift requantization"))
    for n in range(2, 7):  # fitted-base exponential codes, decoded through a level table to int8
        args = {"unit": "mul", "unit_params": {"width": 8, "signed": True}, "b_range": (-127, 127),
                "act_bits": 7, "weights": "expfit", "bits": n}
        v.append(Variant(f"expfit{n}", "weights", units=("mul", "requant"), scheme_args=args,
                         info={"operand_width": 8, "weight_bits": n},
                         energy=("mac", {"width": 8, "signed": True}, 1),
                         doc=f"{n}-bit exponential weights, per-layer fitted base, decoded through a "
                             f"{1 << n}-entry table to int8, exact MAC"))
    adder_units = ("mul", "requant", "requant_mul")
    v.append(Variant("adder_direct", "adder", "adder", adder_units + ("adder_direct",),
                     {"operand_width": 8, "conv2": "direct"}, ("adder_direct", {"d_width": 8, "tile": 2}, 36),
                     doc="AdderNet, conv2 = -sum|x - w| (adder_direct), conv1/fc int8"))
    for m in ("standard", "balanced"):
        v.append(Variant(f"adder_wino_{m}", "adder", f"wino_{m}", adder_units + ("wino_adder",),
                         {"operand_width": 8, "conv2": m},
                         ("wino_adder_array", {"d_width": 8, "tile": 2}, 36),
                         doc=f"Winograd-AdderNet F(2x2,3x3), {m} matrices, trained l2-to-l1 with them"))
    for m in ("standard", "balanced"):
        v.append(Variant(f"adder_wino_{m}_noretrain", "adder", "adder", adder_units + ("wino_adder",),
                         {"operand_width": 8, "conv2": m},
                         doc=f"the direct AdderNet's weights run through Winograd ({m}), no Winograd training"))
    return v


#: Variants of ``--quick`` (the ``make demo`` version).
QUICK = ("fp32", "int8", *(f"mitchw{w}_8_sm" for w in range(3, 9)), "mitchw6_8_oc", "mitchw6_8_u",
         "mitchw6_16_sm", "drum6_8_sm", "ilm2_8_sm", "mitchw_ec8_8_sm",
         "bf16", "bf16_mitchw6", "exp3", "lin3", "exp4", "lin4", "adder_direct",
         "adder_wino_standard", "adder_wino_balanced", "adder_wino_standard_noretrain")

#: The Fashion-MNIST key set (``hwgen accuracy --dataset fashion-mnist``), in report order. New multiplier
#: families join it from the catalogue: any variant whose ``info`` has ``"key": True`` (the family's
#: default configuration) is added after these (``fashion_study.key_set``).
FASHION_KEY = ("fp32", "int8", "mitchw6_8_u", "mitchw6_8_oc", "mitchw6_8_sm", "mitchw6_8_sm_ub", "bf16", "bf16_mitchw6",
               "exp4", "lin4", "adder_direct", "adder_wino_standard")

#: Rows of ``hwgen accuracy --onnx`` when --variants is not given (fp32 and int8 are always there).
ONNX_DEFAULT = ("fp32", "int8", "mitchw6_8_sm", "mitchw6_8_u", "exp4", "lin4", "expfit4")
