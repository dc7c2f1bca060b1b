"""What `hwgen compare` puts side by side: rows by group, at a comparable operand width.

Rows name a registered unit and parameters, or a hand-written baseline (Yosys' own ``a*b``). A row
whose unit is not registered (yet) or whose parameters do not resolve is listed in the report with the
reason instead of a figure: the catalog can name units before they exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Entry", "catalog", "GROUPS", "PLOT_GROUPS", "NO_ERROR_GROUPS", "PER_OUTPUT_GROUPS", "HEADLINE",
           "HEADLINE_MULTIPLIERS"]

GROUPS = {
    "mul": "Integer multipliers",
    "mac": "Multiply-accumulate units (error: that of the product)",
    "bf16": "bfloat16 multipliers and MACs",
    "requant": "Requantizers (wide accumulator to 8 bits)",
    "conv": "3x3 convolution tiles (area and energy per output pixel)",
    "extra": "External designs (--extra)",
    "other": "Other registered units (their demo configurations)",
}

#: Groups whose rows have no product error to report (requantizers, tiles measured for cost only).
NO_ERROR_GROUPS = ("conv", "requant")
#: Groups whose rows also get figures per output pixel (the unit's ``outputs_per_instance``).
PER_OUTPUT_GROUPS = ("conv",)

#: Groups whose rows share an error scale and a cost scale, one plot panel each.
PLOT_GROUPS = (("mul", "integer multipliers"), ("mac", "MACs (product error)"), ("bf16", "bfloat16"),
               ("extra", "external designs"))

#: The seed paper's claim (a Mitch-w6 MAC saves up to 80% energy against a bfloat16 MAC): the reference
#: row and the rows the report sets beside it, by label. The first is the claim's pair.
HEADLINE = ("bf16_mac (exact)", ("mitchw_mac w6 (ones' complement)", "mitchw_mac w6 (sign-magnitude)",
                                 "bf16_mac Mitch-w6"))
#: The multiplier rows inside the headline pair's MACs (the Mitch-w6 MAC's product, the bf16 MAC's product):
#: the report splits each MAC's energy into its multiplier and the rest (accumulator, registers, clock).
HEADLINE_MULTIPLIERS = ("mitchw w6 ones' complement", "bf16_mul exact (fp32 product)")


@dataclass(frozen=True)
class Entry:
    group: str
    label: str
    unit: str | None  # registered unit; None for the hand-written baseline
    params: dict = field(default_factory=dict)
    exact: bool = False  # error metrics are zero by construction
    error_from: tuple[str, dict] | None = None  # error of another unit (a MAC's multiplier)
    baseline: str | None = None  # "yosys_mul" for Yosys' own a*b
    note: str = ""

    def key(self) -> tuple:
        return (self.group, self.label)


def _mitch(n: int, w: int, signedness: str = "unsigned", unbiased: bool = False) -> dict:
    return {"width": n, "w": w, "signedness": signedness, "unbiased": unbiased}


def catalog(width: int = 8) -> list[Entry]:
    """The default comparison at operand width ``width`` (integer multipliers and MACs; bf16 is always
    bfloat16, requantizers take 32-bit accumulators to 8 bits, tiles have 8-bit pixels)."""
    n = width
    rows: list[Entry] = [
        Entry("mul", f"Yosys a*b, {n}-bit unsigned", None, {"width": n, "signed": False}, exact=True,
              baseline="yosys_mul", note="behavioural a*b, synth/yosys_mul.v"),
        Entry("mul", f"mul {n}-bit unsigned", "mul", {"width": n}, exact=True),
        Entry("mul", f"Yosys a*b, {n}-bit signed", None, {"width": n, "signed": True}, exact=True,
              baseline="yosys_mul", note="behavioural a*b, synth/yosys_mul.v"),
        Entry("mul", f"mul {n}-bit signed", "mul", {"width": n, "signed": True}, exact=True),
        Entry("mul", f"Mitchell {n}-bit (w={n})", "mitchw", _mitch(n, n), note="w = width: plain Mitchell"),
    ]
    for w in (8, 6, 4, 3):
        if w < n:
            rows.append(Entry("mul", f"mitchw w{w} unsigned", "mitchw", _mitch(n, w)))
    rows += [
        Entry("mul", "mitchw w6 unbiased", "mitchw", _mitch(n, min(6, n), unbiased=True)),
        Entry("mul", "mitchw w6 ones' complement", "mitchw", _mitch(n, min(6, n), "ones_complement")),
        Entry("mul", "mitchw w6 sign-magnitude", "mitchw", _mitch(n, min(6, n), "sign_magnitude")),
        Entry("mul", "shift_mul 4-bit code", "shift_mul", {"width": n, "code_bits": 4},
              note="weights restricted to +-2^-j (exponential discretization)"),
        Entry("mul", "shift_mul 4-bit code, signed", "shift_mul", {"width": n, "signed": True, "code_bits": 4}),
    ]
    oc = _mitch(n, min(6, n), "ones_complement")
    rows += [
        Entry("mac", f"mac {n}-bit signed", "mac", {"width": n, "signed": True}, exact=True),
        Entry("mac", "mitchw_mac w6 (ones' complement)", "mitchw_mac", oc, error_from=("mitchw", oc)),
        Entry("mac", "mitchw_mac w6 (sign-magnitude)", "mitchw_mac", _mitch(n, min(6, n), "sign_magnitude"),
              error_from=("mitchw", _mitch(n, min(6, n), "sign_magnitude"))),
        Entry("mac", "shift_mac 4-bit code", "shift_mac", {"width": n, "signed": True, "code_bits": 4},
              error_from=("shift_mul", {"width": n, "signed": True, "code_bits": 4})),
        Entry("mac", "bf16_mac (exact)", "bf16_mac", {}, error_from=("bf16_mul", {})),
        Entry("mac", "bf16_mac Mitchell", "bf16_mac", {"multiplier": "mitchw", "w": 8},
              error_from=("bf16_mul", {"multiplier": "mitchw", "w": 8})),
        Entry("mac", "bf16_mac Mitch-w6", "bf16_mac", {"multiplier": "mitchw", "w": 6},
              error_from=("bf16_mul", {"multiplier": "mitchw", "w": 6})),
        Entry("bf16", "bf16_mul exact (fp32 product)", "bf16_mul", {}),
        Entry("bf16", "bf16_mul exact (bf16 RNE product)", "bf16_mul", {"out_format": "bf16"}),
        Entry("bf16", "bf16_mul Mitchell", "bf16_mul", {"multiplier": "mitchw", "w": 8}),
        Entry("bf16", "bf16_mul Mitch-w6", "bf16_mul", {"multiplier": "mitchw", "w": 6}),
        Entry("bf16", "bf16_mul Mitch-w6 (bf16 product)", "bf16_mul",
              {"multiplier": "mitchw", "w": 6, "out_format": "bf16"}),
        Entry("requant", "requant: shift (half_up)", "requant",
              {"in_width": 32, "out_width": 8, "shift": 12, "rounding": "half_up"}),
        Entry("requant", "requant: shift + bias + ReLU", "requant",
              {"in_width": 32, "out_width": 8, "shift": 12, "rounding": "half_up", "relu": True,
               "bias_width": 32}),
        Entry("requant", "requant_mul: 16-bit scale x, shift", "requant_mul",
              {"in_width": 32, "out_width": 8, "mult_bits": 16, "rounding": "half_up"},
              note="fixed-point multiplier baseline (scale register input m)"),
        # Tiles stay at 8-bit pixels whatever --width says: a 16-bit direct tile is 36 16x16 multipliers.
        Entry("conv", "conv_direct 2x2 (multiplications)", "conv_direct", {"d_width": 8, "tile": 2}, exact=True),
        Entry("conv", "adder_direct 2x2 (AdderNet, direct)", "adder_direct", {"d_width": 8, "tile": 2}, exact=True),
        Entry("conv", "wino_adder F(2x2,3x3) standard", "wino_adder", {"d_width": 8, "tile": 2}),
        Entry("conv", "wino_adder F(2x2,3x3) balanced", "wino_adder",
              {"d_width": 8, "tile": 2, "matrices": "balanced"}),
    ]
    return rows


# -- the Pareto report (hwgen pareto): every multiplier family over its own parameters --------------------

def pareto_grid(width: int = 8) -> list[tuple[str, str, dict]]:
    """``(design label, unit, params)`` of every unsigned ``width``-bit multiplier configuration that
    ``hwgen pareto`` puts on the cost-vs-error plane (units not registered are left out by the caller)."""
    n = width
    ks = range(3, min(n, 10) + 1)
    rows: list[tuple[str, str, dict]] = [(f"mul {n}-bit (exact)", "mul", {"width": n})]
    for w in range(3, min(n, 8) + 1):
        rows.append((f"mitchw w{w}", "mitchw", _mitch(n, w)))
        if w < n:
            rows.append((f"mitchw w{w} unbiased", "mitchw", _mitch(n, w, unbiased=True)))
    rows += [(f"drum k{k}", "drum", {"width": n, "k": k}) for k in ks if k < n]
    for it in (1, 2, 3, 4):
        rows.append((f"ilm n{it}", "ilm", {"width": n, "iterations": it}))
        for w in (4, 6, 8):
            if w < n:
                rows.append((f"ilm n{it} w{w}", "ilm", {"width": n, "iterations": it, "w": w}))
    for w in sorted({min(n, 6), min(n, 8)}):
        for q in (1, 2, 3):
            rows.append((f"mitchw_ec w{w} q{q} constant", "mitchw_ec",
                         {"width": n, "w": w, "q": q, "correction": "constant"}))
            for m in (2, 4, 8):
                if (m.bit_length() - 1) <= w - 1:
                    rows.append((f"mitchw_ec w{w} q{q} m{m}", "mitchw_ec",
                                 {"width": n, "w": w, "q": q, "correction": "segments", "m": m}))
    return rows


#: Units of the Pareto grid that are exact by construction (no error spec: their metrics are zero).
PARETO_EXACT = ("mul",)

#: MRE bands (fractions) the Pareto report checks for hwgen designs on the front.
PARETO_BANDS = ((0.005, 0.01), (0.01, 0.02), (0.02, 0.04), (0.04, 0.10))
