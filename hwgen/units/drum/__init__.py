"""`drum` and `drum_mac`: DRUM-k, the dynamic range unbiased multiplier (Hashemi, Bahar, Reda, ICCAD 2015;
units.md §8), and its exact-accumulation MAC.

Files: model.py (numpy golden model), gateware.py (Amaranth), stimuli.py, reference.py (behavioural
Verilog for `hwgen prove`), streams.py (energy-proxy operand streams).
"""

from hwgen.params import Param
from hwgen.unit import FormalReference, Unit
from hwgen.units._approx_common import ACC_WIDTH, PIPELINE, SIGNEDNESS_P, WIDTH, is_signed, mac_check
from hwgen.units.drum import reference
from hwgen.units.drum.model import drum_mac_model, drum_model
from hwgen.units.drum.stimuli import MAC_STIMULUS, STIMULUS
from hwgen.units.intmul.streams import mac_streams, mul_streams
from hwgen.units.mitchw import ERROR

__all__ = ["DRUM", "DRUM_MAC", "UNITS"]

K = Param("k", "int", lambda p: min(6, p["width"]),
          "segment bits kept per operand from the leading one down, the last forced to 1 "
          "(default min(6, width); k = width is exact)", min=2, max_from=lambda p: p["width"], abbr="k")


def _build(p):
    from hwgen.units.drum.gateware import Drum
    return Drum(p["width"], p["k"], p["signedness"], p["pipeline"])


def _build_mac(p):
    from hwgen.units.drum.gateware import DrumMAC
    return DrumMAC(p["width"], p["k"], p["signedness"], p["acc_width"], p["pipeline"])


DRUM = Unit(
    name="drum",
    report_group="mul",
    summary="DRUM-k multiplier: exact k x k product of the operands' k-bit segments (last bit forced "
            "to 1), shifted back",
    params=(WIDTH, K, SIGNEDNESS_P, PIPELINE),
    build=_build,
    model=drum_model,
    latency=lambda p: p["pipeline"],
    stimulus=STIMULUS,
    error=ERROR,
    is_signed=is_signed,
    streams=mul_streams(is_signed),
    reference=FormalReference(reference.reference, reference.QUICK),
    sweep=({"width": 8, "k": 4}, {"width": 8, "k": 5}, {"width": 8, "k": 6},
           {"width": 8, "k": 6, "signedness": "sign_magnitude"}, {"width": 16, "k": 6},
           {"width": 16, "k": 8}, {"width": 32, "k": 8, "signedness": "sign_magnitude", "pipeline": 1}),
    demo=({"width": 8, "k": 6}, {"width": 16, "k": 6}),
)

DRUM_MAC = Unit(
    name="drum_mac",
    report_group="mac",
    summary="multiply-accumulate with DRUM-k products and exact accumulation, "
            "acc <- (clr ? 0 : acc) + P(a, b) when en",
    params=(WIDTH, K, SIGNEDNESS_P, ACC_WIDTH, PIPELINE),
    check=mac_check("drum_mac"),
    build=_build_mac,
    model=drum_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=MAC_STIMULUS,
    sequential=True,
    is_signed=is_signed,
    streams=mac_streams(is_signed),
    reference=FormalReference(reference.reference_mac, reference.MAC_QUICK),
    sweep=({"width": 8, "k": 6}, {"width": 8, "k": 2, "signedness": "sign_magnitude", "acc_width": 18},
           {"width": 16, "k": 6, "signedness": "sign_magnitude", "pipeline": 2}),
    demo=({"width": 8, "k": 6},),
)

UNITS = (DRUM, DRUM_MAC)
