"""`drum` and `drum_mac`: DRUM-k, the dynamic range unbiased multiplier (Hashemi, Bahar, Reda, ICCAD 2015;
units.md §8), and its exact-accumulation MAC.

Files: model.py (numpy golden model), gateware.py (Amaranth), stimuli.py, reference.py (behavioural
Verilog for `hwgen prove`), streams.py (energy-proxy operand streams).
"""

from ...params import Param
from ...registry import Unit, register
from .._approx_common import ACC_WIDTH, PIPELINE, SIGNEDNESS_P, WIDTH, mac_check
from ..mitchw import ERROR
from . import streams  # noqa: F401  (registers the energy streams)
from .model import drum_mac_model, drum_model
from .stimuli import MAC_STIMULUS, STIMULUS

__all__ = ["DRUM", "DRUM_MAC"]

K = Param("k", "int", lambda p: min(6, p["width"]),
          "segment bits kept per operand from the leading one down, the last forced to 1 "
          "(default min(6, width); k = width is exact)", min=2, max_from=lambda p: p["width"], abbr="k")


def _build(p):
    from .gateware import Drum
    return Drum(p["width"], p["k"], p["signedness"], p["pipeline"])


def _build_mac(p):
    from .gateware import DrumMAC
    return DrumMAC(p["width"], p["k"], p["signedness"], p["acc_width"], p["pipeline"])


DRUM = register(Unit(
    name="drum",
    summary="DRUM-k multiplier: exact k x k product of the operands' k-bit segments (last bit forced "
            "to 1), shifted back",
    params=(WIDTH, K, SIGNEDNESS_P, PIPELINE),
    build=_build,
    model=drum_model,
    latency=lambda p: p["pipeline"],
    stimulus=STIMULUS,
    error=ERROR,
    sweep=({"width": 8, "k": 4}, {"width": 8, "k": 5}, {"width": 8, "k": 6},
           {"width": 8, "k": 6, "signedness": "sign_magnitude"}, {"width": 16, "k": 6},
           {"width": 16, "k": 8}, {"width": 32, "k": 8, "signedness": "sign_magnitude", "pipeline": 1}),
    demo=({"width": 8, "k": 6}, {"width": 16, "k": 6}),
))

DRUM_MAC = register(Unit(
    name="drum_mac",
    summary="multiply-accumulate with DRUM-k products and exact accumulation, "
            "acc <- (clr ? 0 : acc) + P(a, b) when en",
    params=(WIDTH, K, SIGNEDNESS_P, ACC_WIDTH, PIPELINE),
    check=mac_check("drum_mac"),
    build=_build_mac,
    model=drum_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=MAC_STIMULUS,
    sequential=True,
    sweep=({"width": 8, "k": 6}, {"width": 8, "k": 2, "signedness": "sign_magnitude", "acc_width": 18},
           {"width": 16, "k": 6, "signedness": "sign_magnitude", "pipeline": 2}),
    demo=({"width": 8, "k": 6},),
))
