"""`ilm` and `ilm_mac`: ILM-n, the iterative logarithmic multiplier (Babic, Avramovic, Bulic 2011;
units.md §8), and its exact-accumulation MAC.

Files: model.py (numpy golden model), gateware.py (Amaranth), stimuli.py, reference.py (behavioural
Verilog for `hwgen prove`), streams.py (energy-proxy operand streams).
"""

from hwgen.params import Param, ParamError
from hwgen.unit import FormalReference, Unit
from hwgen.units._approx_common import ACC_WIDTH, PIPELINE, SIGNEDNESS_P, WIDTH, is_signed, mac_check
from hwgen.units.ilm import reference
from hwgen.units.ilm.model import ilm_mac_model, ilm_model
from hwgen.units.ilm.stimuli import MAC_STIMULUS, STIMULUS
from hwgen.units.intmul.streams import mac_streams, mul_streams
from hwgen.units.mitchw import ERROR

__all__ = ["ILM", "ILM_MAC", "UNITS"]

ITERATIONS = Param("iterations", "int", 2, "iterations n: basic products summed over the residuals",
                   min=1, max=4, abbr="n")
W = Param("w", "int", 0, "bits kept per operand from the leading one down before multiplying "
          "(0 = no truncation, else 2..width)", min=0, max_from=lambda p: p["width"], abbr="t")


def _check(p):
    if p["w"] == 1:
        raise ParamError(f"Parameter 'w' of unit 'ilm' must be 0 (no truncation) or an integer in "
                         f"2..{p['width']}, not 1")


def _build(p):
    from hwgen.units.ilm.gateware import ILM
    return ILM(p["width"], p["iterations"], p["w"], p["signedness"], p["pipeline"])


def _build_mac(p):
    from hwgen.units.ilm.gateware import ILMMAC
    return ILMMAC(p["width"], p["iterations"], p["w"], p["signedness"], p["acc_width"], p["pipeline"])


ILM = Unit(
    name="ilm",
    report_group="mul",
    summary="iterative logarithmic multiplier ILM-n: Mitchell's product plus n - 1 corrections of the "
            "dropped residual product",
    params=(WIDTH, ITERATIONS, W, SIGNEDNESS_P, PIPELINE),
    check=_check,
    build=_build,
    model=ilm_model,
    latency=lambda p: p["pipeline"],
    stimulus=STIMULUS,
    error=ERROR,
    is_signed=is_signed,
    streams=mul_streams(is_signed),
    reference=FormalReference(reference.reference, reference.QUICK),
    sweep=({"width": 8, "iterations": 1}, {"width": 8, "iterations": 2}, {"width": 8, "iterations": 2, "w": 6},
           {"width": 8, "iterations": 3}, {"width": 8, "iterations": 2, "signedness": "sign_magnitude"},
           {"width": 16, "iterations": 2}, {"width": 16, "iterations": 2, "w": 8},
           {"width": 32, "iterations": 2, "w": 10, "signedness": "sign_magnitude", "pipeline": 1}),
    demo=({"width": 8, "iterations": 2}, {"width": 16, "iterations": 2}),
)

ILM_MAC = Unit(
    name="ilm_mac",
    report_group="mac",
    summary="multiply-accumulate with ILM-n products and exact accumulation, "
            "acc <- (clr ? 0 : acc) + P(a, b) when en",
    params=(WIDTH, ITERATIONS, W, SIGNEDNESS_P, ACC_WIDTH, PIPELINE),
    check=mac_check("ilm_mac", _check),
    build=_build_mac,
    model=ilm_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=MAC_STIMULUS,
    sequential=True,
    is_signed=is_signed,
    streams=mac_streams(is_signed),
    reference=FormalReference(reference.reference_mac, reference.MAC_QUICK),
    sweep=({"width": 8, "iterations": 2}, {"width": 8, "iterations": 1, "signedness": "sign_magnitude",
                                          "acc_width": 18},
           {"width": 16, "iterations": 2, "w": 8, "signedness": "sign_magnitude", "pipeline": 2}),
    demo=({"width": 8, "iterations": 2},),
)

UNITS = (ILM, ILM_MAC)
