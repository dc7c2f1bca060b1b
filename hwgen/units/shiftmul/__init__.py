"""`shift_mul` and `shift_mac`: activations times base-1/2 exponential weight codes (units.md §3).

Weight code ``b`` of ``code_bits`` n bits: sign in the MSB, exponent index j in the low n-1 bits,
weight ``(-1)^sign * 2^-j`` for ``j <= emax = 2^(n-1) - 2``, the all-ones index is the weight 0 (its
sign bit is ignored). ``p = +-(a << (emax - j))``: the exact product with ``emax`` fraction bits, signed,
``width + emax + 1`` bits. `shift_mac` follows the MAC protocol of `mac` over these products.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.stimuli import (
    corner_ints,
    cross,
    exhaustive_grid,
    int_bounds,
    mac_directed,
    mac_sequence,
    random_ints,
)
from hwgen.params import Param, ParamError
from hwgen.unit import FormalReference, Stimulus, Unit
from hwgen.units.common_params import ACC_HEADROOM, PIPELINE
from hwgen.units.shiftmul import mac_reference, reference
from hwgen.units.shiftmul.model import shift_emax, shift_mac_model, shift_mul_model
from hwgen.units.shiftmul.streams import MAC_STREAMS, MUL_STREAMS

__all__ = ["SHIFT_MUL", "SHIFT_MAC", "UNITS", "product_width"]

WIDTH = Param("width", "int", 8, "bits of the activation a", min=2, max=64, abbr="w")
SIGNED = Param("signed", "bool", False, "two's complement activation (the product is always signed)", abbr="s")
CODE_BITS = Param("code_bits", "int", 4, "bits of the weight code: sign + (code_bits-1)-bit exponent index",
                  min=2, max=6, abbr="n")
ACC_WIDTH = Param("acc_width", "int", lambda p: product_width(p) + ACC_HEADROOM,
                  "signed accumulator bits (default: product width + 16, room for 2^16 maximal products)",
                  min=2, max=160, abbr="acc")


def product_width(p) -> int:
    """Bits of the signed product ``p``: width + 1 (negation) + emax (fraction bits)."""
    return p["width"] + 1 + shift_emax(p["code_bits"])


def _is_signed(p) -> bool:
    return bool(p["signed"])


def _check_mac(p):
    if p["acc_width"] < product_width(p):
        raise ParamError(f"Parameter 'acc_width' of unit 'shift_mac' must be at least the product width "
                         f"width+1+emax = {product_width(p)} to hold one product, not {p['acc_width']}")


def _all_codes(p) -> np.ndarray:
    return np.arange(1 << p["code_bits"], dtype=np.int64)


def _random_codes(rng, n, code_bits) -> np.ndarray:
    """Uniform codes; one in eight is forced to a zero code (either sign), the special case."""
    b = rng.integers(0, 1 << code_bits, size=n, dtype=np.int64)
    zero = ((1 << (code_bits - 1)) - 1) | (rng.integers(0, 2, size=n, dtype=np.int64) << (code_bits - 1))
    return np.where(rng.random(n) < 0.125, zero, b)


# --- shift_mul ----------------------------------------------------------------------------------------

def _build_mul(p):
    from hwgen.units.shiftmul.gateware import (
        ShiftMultiplier,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return ShiftMultiplier(p["width"], p["signed"], p["code_bits"], p["pipeline"])


def _directed_mul(p):
    a, b = cross(corner_ints(p["width"], p["signed"]), _all_codes(p))
    return {"a": a, "b": b}


def _random_mul(p, rng, n):
    return {"a": random_ints(rng, n, p["width"], p["signed"]), "b": _random_codes(rng, n, p["code_bits"])}


def _exhaustive_mul(p):
    grid = exhaustive_grid(p["width"], p["signed"], p["code_bits"], False)
    return None if grid is None else {"a": grid[0], "b": grid[1]}


SHIFT_MUL = Unit(
    name="shift_mul",
    report_group="mul",
    summary="shift multiplier for base-1/2 weight codes, p = +-(a << (emax - j)), 0 for the zero code",
    params=(WIDTH, SIGNED, CODE_BITS, PIPELINE),
    build=_build_mul,
    model=shift_mul_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(_directed_mul, _random_mul, _exhaustive_mul),
    sweep=({"width": 8, "code_bits": 4}, {"width": 8, "signed": True, "code_bits": 4},
           {"width": 2, "code_bits": 2}, {"width": 3, "signed": True, "code_bits": 5, "pipeline": 2},
           {"width": 16, "signed": True, "code_bits": 3, "pipeline": 1}, {"width": 8, "code_bits": 6},
           {"width": 64, "signed": True, "code_bits": 6}),
    is_signed=_is_signed,
    streams=MUL_STREAMS,
    reference=FormalReference(reference.reference),
    demo=({"width": 8, "code_bits": 4}, {"width": 8, "signed": True, "code_bits": 4}),
)


# --- shift_mac ----------------------------------------------------------------------------------------

def _build_mac(p):
    from hwgen.units.shiftmul.gateware import (
        ShiftMAC,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return ShiftMAC(p["width"], p["signed"], p["code_bits"], p["acc_width"], p["pipeline"])


def _directed_mac(p):
    n = p["code_bits"]
    lo, hi = int_bounds(p["width"], p["signed"])
    plus_one, minus_one = 0, 1 << (n - 1)  # j = 0: the largest weights, +1 and -1
    seq = mac_directed(hi, plus_one, lo, minus_one if p["signed"] else plus_one, 8, p["width"])
    # mac_directed also feeds an activation value as a code on a disabled step: keep it a valid code.
    seq["b"] = seq["b"] & ((1 << n) - 1)
    # Then every code once with the largest activation, accumulating, and the zero codes after a clear.
    codes = _all_codes(p)
    k = len(codes)
    tail = {"a": np.full(k, hi, dtype=seq["a"].dtype), "b": codes,
            "en": np.ones(k, dtype=np.int64), "clr": (np.arange(k) == 0).astype(np.int64)}
    return {key: np.concatenate([seq[key], tail[key].astype(seq[key].dtype)]) for key in seq}


def _random_mac(p, rng, n):
    a = random_ints(rng, n, p["width"], p["signed"])
    return mac_sequence(rng, n, a, _random_codes(rng, n, p["code_bits"]))


SHIFT_MAC = Unit(
    name="shift_mac",
    report_group="mac",
    summary="shift MAC for base-1/2 weight codes, acc <- (clr ? 0 : acc) + shift_mul(a, b) when en",
    params=(WIDTH, SIGNED, CODE_BITS, ACC_WIDTH, PIPELINE),
    check=_check_mac,
    build=_build_mac,
    model=shift_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=Stimulus(_directed_mac, _random_mac, lambda p: None),
    sequential=True,
    sweep=({"width": 8, "code_bits": 4}, {"width": 8, "signed": True, "code_bits": 4},
           {"width": 4, "code_bits": 3, "acc_width": 8}, {"width": 5, "signed": True, "code_bits": 4,
                                                          "acc_width": 12, "pipeline": 2},
           {"width": 16, "signed": True, "code_bits": 5, "pipeline": 1},
           {"width": 32, "signed": True, "code_bits": 6}),
    is_signed=_is_signed,
    streams=MAC_STREAMS,
    reference=FormalReference(mac_reference.reference),
    demo=({"width": 8, "signed": True, "code_bits": 4},),
)

UNITS = (SHIFT_MUL, SHIFT_MAC)
