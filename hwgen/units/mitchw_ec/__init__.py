"""`mitchw_ec` and `mitchw_ec_mac`: error-compensated Mitch-w (units.md §8) and its exact-accumulation MAC.

Mitch-w's log-domain sum with the fractions extended by ``q`` bits and a non-negative correction added
before the carry is split off: one constant, or an m x m table indexed by the top log2(m) bits of both
fractions. The corrections are data computed by :mod:`.table` (a documented, deterministic numerical
method); they go into the manifest (``correction_table``), the golden model reads them as data, and the
gateware receives them as a constructor argument.

Files: model.py, gateware.py, table.py, stimuli.py, reference.py, streams.py.
"""

from hwgen.params import Param, ParamError
from hwgen.unit import FormalReference, Unit
from hwgen.units._approx_common import ACC_WIDTH, PIPELINE, SIGNEDNESS_P, WIDTH, is_signed, mac_check
from hwgen.units.intmul.streams import mac_streams, mul_streams
from hwgen.units.mitchw import ERROR
from hwgen.units.mitchw_ec import reference
from hwgen.units.mitchw_ec.model import mitchw_ec_mac_model, mitchw_ec_model
from hwgen.units.mitchw_ec.stimuli import MAC_STIMULUS, STIMULUS
from hwgen.units.mitchw_ec.table import BISECTIONS, GRID, table_for

__all__ = ["MITCHW_EC", "MITCHW_EC_MAC", "UNITS"]

W = Param("w", "int", lambda p: min(8, p["width"]),
          "bits kept per operand, leading one included (default min(8, width))",
          min=2, max_from=lambda p: p["width"], abbr="k")
Q = Param("q", "int", 2, "extra fraction bits of the log sum that carry the correction", min=1, max=8, abbr="q")
CORRECTION = Param("correction", "choice", "segments",
                   "one constant correction, or an m x m table by the top log2(m) bits of both fractions",
                   choices=("constant", "segments"), abbr="c")
M = Param("m", "int", lambda p: min(4, 1 << (p["w"] - 1)),
          "segments per fraction for correction=segments: 2, 4 or 8, with log2(m) <= w - 1 "
          "(default 4, or 2 at w = 2)", min=2, max=8, abbr="m")


def _check(p):
    if p["m"] not in (2, 4, 8):
        raise ParamError(f"Parameter 'm' of unit 'mitchw_ec' must be one of 2, 4, 8, not {p['m']}")
    if (p["m"].bit_length() - 1) > p["w"] - 1:
        raise ParamError(f"Parameter 'm' of unit 'mitchw_ec' must satisfy log2(m) <= w - 1 = {p['w'] - 1}, "
                         f"not {p['m']}")


def _manifest_extra(p):
    return {"correction_table": {
        "units": f"2^-{p['w'] - 1 + p['q']} (one step of the log sum's fraction)",
        "index": "[segment of a][segment of b], segment = top log2(m) bits of the (w-1)-bit fraction"
                 if p["correction"] == "segments" else "one constant",
        "method": f"zero mean relative error over a {GRID}x{GRID} midpoint grid of continuous fractions per "
                  f"segment pair (fractions truncated to w-1 bits in the datapath), bisection x{BISECTIONS}, "
                  "rounded to the nearest step (hwgen/units/mitchw_ec/table.py)",
        "table": [list(r) for r in table_for(p)]}}


def _build(p):
    from hwgen.units.mitchw_ec.gateware import MitchWEC
    return MitchWEC(p["width"], p["w"], p["q"], table_for(p), p["signedness"], p["pipeline"])


def _build_mac(p):
    from hwgen.units.mitchw_ec.gateware import MitchWECMAC
    return MitchWECMAC(p["width"], p["w"], p["q"], table_for(p), p["signedness"], p["acc_width"], p["pipeline"])


MITCHW_EC = Unit(
    name="mitchw_ec",
    report_group="mul",
    summary="error-compensated Mitch-w: log sum with q extra fraction bits and a zero-bias correction "
            "(constant or per segment pair)",
    params=(WIDTH, W, Q, CORRECTION, M, SIGNEDNESS_P, PIPELINE),
    check=_check,
    build=_build,
    model=mitchw_ec_model,
    latency=lambda p: p["pipeline"],
    stimulus=STIMULUS,
    error=ERROR,
    is_signed=is_signed,
    streams=mul_streams(is_signed),
    reference=FormalReference(reference.reference, reference.QUICK),
    manifest_extra=_manifest_extra,
    sweep=({"width": 8, "correction": "constant"}, {"width": 8, "m": 2}, {"width": 8, "m": 4},
           {"width": 8, "m": 8}, {"width": 8, "w": 6, "m": 8}, {"width": 8, "signedness": "sign_magnitude"},
           {"width": 16}, {"width": 16, "m": 8},
           {"width": 32, "w": 10, "q": 3, "signedness": "sign_magnitude", "pipeline": 1}),
    demo=({"width": 8}, {"width": 16}),
)

MITCHW_EC_MAC = Unit(
    name="mitchw_ec_mac",
    report_group="mac",
    summary="multiply-accumulate with error-compensated Mitch-w products and exact accumulation, "
            "acc <- (clr ? 0 : acc) + P(a, b) when en",
    params=(WIDTH, W, Q, CORRECTION, M, SIGNEDNESS_P, ACC_WIDTH, PIPELINE),
    check=mac_check("mitchw_ec_mac", _check),
    build=_build_mac,
    model=mitchw_ec_mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=MAC_STIMULUS,
    sequential=True,
    is_signed=is_signed,
    streams=mac_streams(is_signed),
    reference=FormalReference(reference.reference_mac, reference.MAC_QUICK),
    manifest_extra=_manifest_extra,
    sweep=({"width": 8}, {"width": 8, "correction": "constant", "signedness": "sign_magnitude", "acc_width": 18},
           {"width": 16, "m": 8, "signedness": "sign_magnitude", "pipeline": 2}),
    demo=({"width": 8},),
)

UNITS = (MITCHW_EC, MITCHW_EC_MAC)
