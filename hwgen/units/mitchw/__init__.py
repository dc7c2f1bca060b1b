"""`mitchw` and `mitchw_mac`: Mitch-w logarithmic multiplier (units.md §1) and its exact-accumulation MAC.

The multiplier registers an :class:`~hwgen.metrics.ErrorSpec` (ideal = the exact product), so
``hwgen error mitchw`` characterises it: exhaustively up to 2^24 operand pairs, sampled above.
"""

import numpy as np

from hwgen.metrics import ErrorSpec
from hwgen.numeric.intops import as_ints
from hwgen.numeric.stimuli import corner_ints, int_bounds
from hwgen.params import Param
from hwgen.unit import FormalReference, Unit
from hwgen.units._approx_common import mac_check, mac_stimulus, operand_stimulus
from hwgen.units.common_params import ACC_WIDTH, PIPELINE
from hwgen.units.intmul.streams import mac_streams, mul_streams
from hwgen.units.mitchw import mac_reference, reference
from hwgen.units.mitchw.model import SIGNEDNESS, mitchw_mac_model, mitchw_model

__all__ = ["MITCHW", "MITCHW_MAC", "UNITS"]

WIDTH = Param("width", "int", 8, "operand width N in bits (product: 2N bits)", min=2, max=32, abbr="w")
W = Param("w", "int", lambda p: min(6, p["width"]),
          "bits kept per operand, leading one included (default min(6, width); w = width is Mitchell)",
          min=2, max_from=lambda p: p["width"], abbr="k")
SIGNEDNESS_P = Param("signedness", "choice", "unsigned",
                     "operand handling: unsigned, or two's complement ports fed as ones' complement "
                     "(the papers' cheap choice) or sign-magnitude (exact |x| and negation)",
                     choices=SIGNEDNESS, abbr="s")
UNBIASED = Param("unbiased", "bool", False,
                 "force the last kept fraction bit to 1 where truncation drops bits", abbr="u")


def _signed(p) -> bool:
    return p["signedness"] != "unsigned"


def _build(p):
    from hwgen.units.mitchw.gateware import (
        MitchW,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return MitchW(p["width"], p["w"], p["signedness"], p["unbiased"], p["pipeline"])


def _build_mac(p):
    from hwgen.units.mitchw.gateware import (
        MitchWMAC,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return MitchWMAC(p["width"], p["w"], p["signedness"], p["unbiased"], p["acc_width"], p["pipeline"])


def _array(values, n) -> np.ndarray:
    return np.asarray(as_ints(np.array(sorted(set(values)), dtype=object), n + 1)).astype(np.int64)


#: Above this width the directed set keeps every pattern only at selected leading-one positions, so its
#: cross product stays near 10^5 pairs (all positions at 32 bits would be over 3 * 10^5).
DIRECTED_ALL_POSITIONS = 16


def directed_operands(p) -> np.ndarray:
    """Corner operands: zero, one, -1 and the most negative value, powers of two and their neighbours,
    all-ones fractions (every kept bit set, with and without dropped bits below), the worst case
    f = 0.5 (0b11 followed by zeros), and the edge k = w - 1 / k = w where truncation starts."""
    n, w = p["width"], p["w"]
    lo, hi = int_bounds(n, _signed(p))
    vals = {0, 1, -1, 2, 3, lo, lo + 1, hi, hi - 1}
    if n <= DIRECTED_ALL_POSITIONS:
        vals.update(corner_ints(n, _signed(p)).tolist())
        positions = range(n)
    else:
        positions = sorted({0, 1, 2, 3, n // 2 - 1, n // 2, n - 3, n - 2, n - 1}
                           | {k for k in range(w - 3, w + 3) if 0 <= k < n})
    for k in positions:
        for v in ((1 << k), (1 << k) - 1, (1 << k) + 1, (1 << (k + 1)) - 1, 3 << k >> 1 if k else 1,
                  ((1 << w) - 1) << k, ((1 << (w + 1)) - 1) << k, (((1 << w) - 1) << k) | ((1 << k) - 1),
                  (1 << k) | 1):
            vals.update((v, -v))
    return _array([v for v in vals if lo <= v <= hi], n)


# -- error characterisation -----------------------------------------------------------------------------

def _ideal(p, vec):
    n = p["width"]
    a, b = as_ints(vec["a"], 2 * n + 1), as_ints(vec["b"], 2 * n + 1)
    return a * b


def _space(p):
    return 1 << (2 * p["width"])


def _enumerate(p, lo, hi):
    n = p["width"]
    i = np.arange(lo, hi, dtype=np.int64)
    a, b = i >> n, i & ((1 << n) - 1)
    if _signed(p):
        a, b = (np.where(x >= 1 << (n - 1), x - (1 << n), x) for x in (a, b))
    return {"a": a, "b": b}


def _sample_operand(p, distribution, rng, count):
    n = p["width"]
    if distribution == "uniform":
        lo, hi = int_bounds(n, _signed(p))
        return rng.integers(lo, hi + 1, size=count, dtype=np.int64)
    # log-uniform magnitude over [1, 2^bits), with a uniform random sign in the signed modes
    bits = n - 1 if _signed(p) else n
    mag = np.floor(np.exp2(rng.random(count) * bits)).astype(np.int64)
    mag = np.clip(mag, 1, (1 << bits) - 1)
    if _signed(p):
        mag = np.where(rng.random(count) < 0.5, -mag, mag)
    return mag


def _sample(p, distribution, rng, count):
    return {"a": _sample_operand(p, distribution, rng, count), "b": _sample_operand(p, distribution, rng, count)}


ERROR = ErrorSpec(output="p", ideal=_ideal, space=_space, enumerate=_enumerate, sample=_sample)


MITCHW = Unit(
    name="mitchw",
    report_group="mul",
    summary="Mitch-w logarithmic multiplier: Mitchell's log product of operands truncated to w bits",
    params=(WIDTH, W, SIGNEDNESS_P, UNBIASED, PIPELINE),
    build=_build,
    model=mitchw_model,
    latency=lambda p: p["pipeline"],
    stimulus=operand_stimulus(directed_operands),
    error=ERROR,
    is_signed=_signed,
    streams=mul_streams(_signed),
    reference=FormalReference(reference.reference),
    sweep=({"width": 8, "w": 8}, {"width": 8, "w": 6}, {"width": 8, "w": 4, "unbiased": True},
           {"width": 8, "w": 6, "signedness": "ones_complement"},
           {"width": 8, "w": 6, "signedness": "sign_magnitude", "unbiased": True},
           {"width": 12, "w": 5, "signedness": "ones_complement", "pipeline": 2},
           {"width": 16, "w": 6}, {"width": 16, "w": 6, "signedness": "sign_magnitude"},
           {"width": 32, "w": 8, "signedness": "ones_complement", "unbiased": True, "pipeline": 1}),
    demo=({"width": 8, "w": 6}, {"width": 16, "w": 6}),
)


MITCHW_MAC = Unit(
    name="mitchw_mac",
    report_group="mac",
    summary="multiply-accumulate with Mitch-w products and exact accumulation, "
            "acc <- (clr ? 0 : acc) + P(a, b) when en",
    params=(WIDTH, W, SIGNEDNESS_P, UNBIASED, ACC_WIDTH, PIPELINE),
    check=mac_check("mitchw_mac"),
    build=_build_mac,
    model=mitchw_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=mac_stimulus(),
    sequential=True,
    is_signed=_signed,
    streams=mac_streams(_signed),
    reference=FormalReference(mac_reference.reference, mac_reference.QUICK),
    sweep=({"width": 8, "w": 6}, {"width": 8, "w": 6, "signedness": "ones_complement"},
           {"width": 6, "w": 3, "signedness": "sign_magnitude", "acc_width": 12, "pipeline": 1},
           {"width": 16, "w": 6, "signedness": "ones_complement", "unbiased": True},
           {"width": 32, "w": 8, "signedness": "sign_magnitude", "pipeline": 2}),
    demo=({"width": 8, "w": 6, "signedness": "ones_complement"},),
)

UNITS = (MITCHW, MITCHW_MAC)
