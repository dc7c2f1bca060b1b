"""`requant` and `requant_mul`: bring a wide signed accumulator back to ``out_width`` bits (units.md §3).

`requant` (dataflow-based joint quantization, Geng et al.): the scale is a power of two, so the whole
requantization is an optional bias add, a rounding right shift and a saturation: no multiplier.
`requant_mul` is the comparison baseline of integer-only inference (Jacob et al.): the same datapath
with a multiplication by an unsigned ``mult_bits``-bit fixed-point multiplier before the shift.

Decisions (see docs/quantizers.md): ``out_width <= in_width`` (a requantizer narrows; a wider output
would only sign-extend); a signed output has at least 2 bits, a ReLU output at least 1; the bias is
added exactly (the sum is one bit wider than the wider operand), before the multiplier in the baseline,
as the folded batch-norm bias sits in the accumulator's scale.
"""

from __future__ import annotations

import numpy as np

from hwgen.metrics import ErrorSpec
from hwgen.numeric.intops import as_ints, wrap
from hwgen.numeric.stimuli import corner_ints, cross, int_bounds, random_ints
from hwgen.params import Param, ParamError
from hwgen.unit import EXHAUSTIVE_LIMIT, FormalReference, Stimulus, Unit
from hwgen.units.requant import mul_reference, reference
from hwgen.units.requant.model import ROUNDING_MODES, output_range, requant_model, requant_mul_model
from hwgen.units.requant.streams import STREAMS

__all__ = ["REQUANT", "REQUANT_MUL"]

IN_WIDTH = Param("in_width", "int", 16, "bits of the signed accumulator input x", min=2, max=64, abbr="i")
OUT_WIDTH = Param("out_width", "int", lambda p: min(8, p["in_width"]),
                  "bits of the output y (unsigned with relu, else signed); at most in_width",
                  min=1, max_from=lambda p: p["in_width"], abbr="o")
ROUNDING = Param("rounding", "choice", "half_up", "rounding of the right shift: floor, or to nearest with "
                 "ties up, to even, or away from zero", choices=ROUNDING_MODES, abbr="r")
RELU = Param("relu", "bool", False, "fused ReLU: unsigned output clamped to [0, 2^out_width-1]", abbr="relu")
BIAS_WIDTH = Param("bias_width", "int", 0, "bits of a signed bias input added before the shift (0: no bias "
                   "port)", min=0, max=64, abbr="b")

PIPELINE = Param("pipeline", "int", 0, "register stages: the first after the rounding shift, the rest after "
                 "the saturator", min=0, max=8, abbr="p")
MUL_PIPELINE = Param("pipeline", "int", 0, "register stages: after the product, after the rounding shift, "
                     "then after the saturator", min=0, max=8, abbr="p")

SHIFT = Param("shift", "int", lambda p: p["in_width"] - p["out_width"],
              "right shift (the scale is 2^-shift); default in_width - out_width",
              min=0, max_from=lambda p: p["in_width"], abbr="sh")
MULT_BITS = Param("mult_bits", "int", 16, "bits of the unsigned fixed-point multiplier M", min=1, max=32,
                  abbr="mb")
MULTIPLIER = Param("multiplier", "int", 0, "constant multiplier M in 1..2^mult_bits-1, or 0 for an input "
                   "port m (a per-layer scale register)", min=0,
                   max_from=lambda p: (1 << p["mult_bits"]) - 1, abbr="m")
MUL_SHIFT = Param("shift", "int", lambda p: p["in_width"] - p["out_width"] + p["mult_bits"],
                  "right shift after the product (the scale is M * 2^-shift); default "
                  "in_width - out_width + mult_bits", min=0,
                  max_from=lambda p: p["in_width"] + p["mult_bits"], abbr="sh")


def _check(unit: str):
    def check(p):
        if not p["relu"] and p["out_width"] < 2:
            raise ParamError(f"Parameter 'out_width' of unit {unit!r} must be at least 2 for a signed output "
                             f"(relu=false), not {p['out_width']}")
    return check


# --- stimulus ---------------------------------------------------------------------------------------

def _gain(p) -> int:
    """Largest multiplier the datapath applies before the shift (1 for `requant`)."""
    return 1 if "mult_bits" not in p else (p["multiplier"] or (1 << p["mult_bits"]) - 1)


def _targets(p) -> np.ndarray:
    """Values of the pre-shift sum v that matter: ties (both signs) and their neighbours, small values,
    and the saturation thresholds of the output, on both sides."""
    s = p["shift"]
    lo, hi = output_range(p["out_width"], p["relu"])
    ks = list(range(-6, 6)) + [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1]
    half = (1 << (s - 1)) if s else 0
    return np.array(sorted({k * (1 << s) + half + d for k in ks for d in (-1, 0, 1)}), dtype=object)


def _in_range(v, width) -> np.ndarray:
    lo, hi = int_bounds(width, True)
    return (v >= lo) & (v <= hi)


def _directed(p):
    iw, bw = p["in_width"], p["bias_width"]
    xs = [int(v) for v in corner_ints(iw, True)]
    gain = _gain(p)
    # x such that x * gain lands on a target: exact only when gain == 1 or the target divides.
    xs += [int(t) // gain for t in _targets(p)]
    xs = np.array(sorted(set(xs)), dtype=object)
    xs = xs[_in_range(xs, iw)]
    vec = {"x": xs}
    if bw:
        bias_c = np.array([int(v) for v in corner_ints(bw, True)], dtype=object)
        few = bias_c[np.linspace(0, len(bias_c) - 1, min(len(bias_c), 9)).astype(int)]
        x1, b1 = cross(xs, few)
        # ties reached through the bias: x + bias == target
        x2, b2 = cross(np.array([int(t) // gain for t in _targets(p)], dtype=object), few)
        x2 = x2 - b2
        keep = _in_range(x2, iw)
        vec = {"x": np.concatenate([x1, x2[keep]]), "bias": np.concatenate([b1, b2[keep]])}
    if "mult_bits" in p and p["multiplier"] == 0:
        mb = p["mult_bits"]
        ms = np.array(sorted({1, 2, 3, (1 << mb) - 1, 1 << (mb - 1), (1 << (mb - 1)) + 1,
                              int("10" * mb, 2) & ((1 << mb) - 1)} - {0}), dtype=object)
        n = len(vec["x"])
        idx, mi = cross(np.arange(n), np.arange(len(ms)))
        vec = {k: v[idx] for k, v in vec.items()}
        vec["m"] = ms[mi]
    return {k: _ints(v, max(iw, bw, p.get("mult_bits", 1))) for k, v in vec.items()}


def _ints(v, width):
    return np.array([int(t) for t in v], dtype=np.int64 if width <= 62 else object)


def _random(p, rng, n):
    iw, bw, s = p["in_width"], p["bias_width"], p["shift"]
    x = random_ints(rng, n, iw, True)
    vec = {"x": x}
    if bw:
        vec["bias"] = random_ints(rng, n, bw, True)
    if "mult_bits" in p and p["multiplier"] == 0:
        vec["m"] = random_ints(rng, n, p["mult_bits"], False)
    if s and _gain(p) == 1:
        # A quarter of the vectors hit a tie exactly: x's low bits are replaced (which keeps x in range)
        # so that the low `shift` bits of x + bias are 100..0.
        # Wrapping to in_width bits keeps x + bias mod 2^shift (shift <= in_width).
        tie = rng.random(n) < 0.25
        wide = max(iw, bw) > 62 or s > 61
        xw = as_ints(x, 64 if wide else 62)
        bias = as_ints(vec["bias"], 64 if wide else 62) if bw else 0
        mask = (1 << s) - 1
        forced = wrap(((xw >> s) << s) | (((1 << (s - 1)) - bias) & mask), iw, True)
        vec["x"] = np.where(tie, forced, xw).astype(x.dtype)
    return vec


def _exhaustive(p):
    iw, bw = p["in_width"], p["bias_width"]
    mb = p["mult_bits"] if "mult_bits" in p and p["multiplier"] == 0 else 0
    if (1 << (iw + bw + mb)) > EXHAUSTIVE_LIMIT:
        return None
    lo, hi = int_bounds(iw, True)
    vec = {"x": np.arange(lo, hi + 1, dtype=np.int64)}
    if bw:
        blo, bhi = int_bounds(bw, True)
        vec["x"], vec["bias"] = cross(vec["x"], np.arange(blo, bhi + 1, dtype=np.int64))
    if mb:
        n = len(vec["x"])
        idx, m = cross(np.arange(n), np.arange(0, 1 << mb, dtype=np.int64))
        vec = {k: v[idx] for k, v in vec.items()}
        vec["m"] = m
    return vec


# --- error against exact scaling (hwgen error) ------------------------------------------------------------

def _fields(p) -> list[tuple[str, int, bool]]:
    """Input ports in the order of the exhaustive enumeration (first field most significant)."""
    f = [("x", p["in_width"], True)]
    if p["bias_width"]:
        f.append(("bias", p["bias_width"], True))
    if "mult_bits" in p and p["multiplier"] == 0:
        f.append(("m", p["mult_bits"], False))
    return f


def _ideal(p, vec):
    """The exact real result (x + bias) * M / 2^shift, with the ReLU applied but no saturation: an output
    that saturates counts as error, so a badly chosen shift shows up."""
    v = np.asarray(vec["x"], dtype=object) + (np.asarray(vec["bias"], dtype=object) if "bias" in vec else 0)
    if "mult_bits" in p:
        v = v * (np.asarray(vec["m"], dtype=object) if p["multiplier"] == 0 else p["multiplier"])
    exact = np.array([int(t) / (1 << p["shift"]) for t in v], dtype=np.float64)  # correctly rounded
    return np.maximum(exact, 0.0) if p["relu"] else exact


def _space(p) -> int:
    return 1 << sum(w for _, w, _ in _fields(p))


def _enumerate(p, lo, hi):
    i = np.arange(lo, hi, dtype=np.int64)
    out, pos = {}, 0
    for name, width, is_signed in reversed(_fields(p)):
        u = (i >> pos) & ((1 << width) - 1)
        out[name] = u - (1 << (width - 1)) if is_signed else u  # lo..hi, the order of _exhaustive
        pos += width
    return out


def _sample(p, distribution, rng, n):
    out = {}
    for name, width, is_signed in _fields(p):
        if distribution == "uniform":
            out[name] = random_ints(rng, n, width, is_signed) if width > 62 else \
                rng.integers(*int_bounds(width, is_signed), endpoint=True, size=n, dtype=np.int64)
            continue
        # log-uniform magnitude in [1, 2^bits), uniform sign for signed ports
        bits = width - 1 if is_signed else width
        mag = [int(2.0 ** e) for e in rng.uniform(0, bits, size=n)]
        sign = rng.integers(0, 2, size=n) if is_signed else np.zeros(n, dtype=np.int64)
        vals = [min(m, (1 << bits) - 1) * (-1 if s else 1) for m, s in zip(mag, sign)]
        out[name] = np.array(vals, dtype=np.int64 if width <= 62 else object)
    return out


ERROR = ErrorSpec(output="y", ideal=_ideal, space=_space, enumerate=_enumerate, sample=_sample)


# --- registration ------------------------------------------------------------------------------------

def _is_signed(p) -> bool:
    return True  # the accumulator input x is two's complement


def _build(p):
    from hwgen.units.requant.gateware import (
        Requantizer,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return Requantizer(p["in_width"], p["out_width"], p["shift"], p["rounding"], p["relu"],
                       p["bias_width"], p["pipeline"])


def _build_mul(p):
    from hwgen.units.requant.gateware import (
        MulRequantizer,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return MulRequantizer(p["in_width"], p["out_width"], p["mult_bits"], p["multiplier"], p["shift"],
                          p["rounding"], p["relu"], p["bias_width"], p["pipeline"])


REQUANT = Unit(
    name="requant",
    report_group="requant",
    summary="power-of-two requantizer, y = clip(round((x + bias) / 2^shift)) with optional fused ReLU",
    params=(IN_WIDTH, OUT_WIDTH, SHIFT, ROUNDING, RELU, BIAS_WIDTH, PIPELINE),
    check=_check("requant"),
    build=_build,
    model=requant_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(_directed, _random, _exhaustive),
    error=ERROR,
    is_signed=_is_signed,
    streams=STREAMS,
    reference=FormalReference(reference.reference),
    sweep=({"in_width": 12, "out_width": 8, "shift": 4, "rounding": "half_even"},
           {"in_width": 12, "out_width": 8, "shift": 4, "rounding": "floor", "relu": True},
           {"in_width": 16, "out_width": 8, "shift": 16, "rounding": "half_away"},
           {"in_width": 8, "out_width": 4, "shift": 0, "rounding": "half_up", "relu": True},
           {"in_width": 10, "out_width": 6, "shift": 3, "rounding": "half_even", "bias_width": 8,
            "pipeline": 2},
           {"in_width": 32, "out_width": 8, "shift": 12, "bias_width": 32, "relu": True, "pipeline": 1},
           {"in_width": 64, "out_width": 16, "shift": 40, "rounding": "half_away", "bias_width": 64}),
    demo=({"in_width": 32, "out_width": 8, "shift": 12, "rounding": "half_up"},
          {"in_width": 32, "out_width": 8, "shift": 12, "rounding": "half_up", "relu": True,
           "bias_width": 32}),
)

REQUANT_MUL = Unit(
    name="requant_mul",
    report_group="requant",
    summary="multiplier-based requantizer baseline, y = clip(round((x + bias) * M / 2^shift))",
    params=(IN_WIDTH, OUT_WIDTH, MULT_BITS, MULTIPLIER, MUL_SHIFT, ROUNDING, RELU, BIAS_WIDTH, MUL_PIPELINE),
    check=_check("requant_mul"),
    build=_build_mul,
    model=requant_mul_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(_directed, _random, _exhaustive),
    error=ERROR,
    is_signed=_is_signed,
    streams=STREAMS,
    reference=FormalReference(mul_reference.reference, mul_reference.QUICK),
    sweep=({"in_width": 12, "out_width": 8, "mult_bits": 8},
           {"in_width": 12, "out_width": 8, "mult_bits": 8, "multiplier": 181, "rounding": "half_even"},
           {"in_width": 8, "out_width": 4, "mult_bits": 4, "relu": True, "bias_width": 4, "shift": 0},
           {"in_width": 16, "out_width": 8, "mult_bits": 4, "rounding": "half_away", "pipeline": 2},
           {"in_width": 32, "out_width": 8, "mult_bits": 32, "bias_width": 32, "relu": True, "pipeline": 1},
           {"in_width": 64, "out_width": 16, "mult_bits": 32, "multiplier": 0x9E3779B9, "shift": 90}),
    demo=({"in_width": 32, "out_width": 8, "mult_bits": 32, "rounding": "half_up"},
          {"in_width": 32, "out_width": 8, "mult_bits": 16, "rounding": "half_up"}),
)

UNITS = (REQUANT, REQUANT_MUL)
