"""`mul` and `mac`: the exact integer multiplier and multiply-accumulate baselines, and the MAC protocol
every MAC follows.

Protocol: ports ``a``, ``b``, ``en``, ``clr`` in, ``acc`` out. On a clock edge with ``en`` high,
``acc <- (clr ? 0 : acc) + a*b`` wrapping at ``acc_width``; with ``en`` low ``acc`` holds.
"""

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
from hwgen.units.common_params import ACC_WIDTH, PIPELINE
from hwgen.units.intmul import mac_reference, reference
from hwgen.units.intmul.model import mac_model, mul_model
from hwgen.units.intmul.streams import mac_streams, mul_streams

__all__ = ["MUL", "MAC", "UNITS"]

WIDTH = Param("width", "int", 8, "operand width in bits", min=2, max=64, abbr="w")
SIGNED = Param("signed", "bool", False, "two's complement operands and product", abbr="s")


def _is_signed(p) -> bool:
    return bool(p["signed"])


def _build(p):
    from hwgen.units.intmul.gateware import (
        IntMultiplier,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return IntMultiplier(p["width"], p["signed"], p["pipeline"])


def _directed(p):
    c = corner_ints(p["width"], p["signed"])
    a, b = cross(c, c)
    return {"a": a, "b": b}


def _random(p, rng, n):
    return {"a": random_ints(rng, n, p["width"], p["signed"]),
            "b": random_ints(rng, n, p["width"], p["signed"])}


def _exhaustive(p):
    grid = exhaustive_grid(p["width"], p["signed"], p["width"], p["signed"])
    return None if grid is None else {"a": grid[0], "b": grid[1]}


MUL = Unit(
    name="mul",
    report_group="mul",
    summary="exact integer multiplier, p = a * b",
    params=(WIDTH, SIGNED, PIPELINE),
    build=_build,
    model=mul_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(_directed, _random, _exhaustive),
    is_signed=_is_signed,
    streams=mul_streams(_is_signed),
    reference=FormalReference(reference.reference, reference.QUICK),
    sweep=({"width": 8}, {"width": 8, "signed": True}, {"width": 3, "signed": True, "pipeline": 2},
           {"width": 13}, {"width": 16, "signed": True, "pipeline": 1}, {"width": 32}, {"width": 64, "signed": True}),
    demo=({"width": 8}, {"width": 16}),
)


def _check_mac(p):
    if p["acc_width"] < 2 * p["width"]:
        raise ParamError(f"Parameter 'acc_width' of unit 'mac' must be at least 2*width = {2 * p['width']} "
                         f"to hold one product, not {p['acc_width']}")


def _build_mac(p):
    from hwgen.units.intmul.gateware import (
        IntMAC,  # lazy: gateware (Amaranth) loads only when a design is built (keeps `hwgen --help` fast)
    )
    return IntMAC(p["width"], p["signed"], p["acc_width"], p["pipeline"])


def _mac_directed(p):
    lo, hi = int_bounds(p["width"], p["signed"])
    return mac_directed(hi, hi, lo, lo if p["signed"] else hi, 8, p["width"])


def _mac_random(p, rng, n):
    a = random_ints(rng, n, p["width"], p["signed"])
    b = random_ints(rng, n, p["width"], p["signed"])
    return mac_sequence(rng, n, a, b)


MAC = Unit(
    name="mac",
    report_group="mac",
    summary="exact integer multiply-accumulate, acc <- (clr ? 0 : acc) + a*b when en",
    params=(WIDTH, SIGNED, ACC_WIDTH, PIPELINE),
    check=_check_mac,
    build=_build_mac,
    model=mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=Stimulus(_mac_directed, _mac_random, lambda p: None),
    sequential=True,
    is_signed=_is_signed,
    streams=mac_streams(_is_signed),
    reference=FormalReference(mac_reference.reference, mac_reference.QUICK),
    sweep=({"width": 8}, {"width": 8, "signed": True}, {"width": 4, "acc_width": 8},
           {"width": 5, "signed": True, "acc_width": 10, "pipeline": 2}, {"width": 16, "signed": True},
           {"width": 32, "signed": True, "pipeline": 1}),
    demo=({"width": 8, "signed": True},),
)

UNITS = (MUL, MAC)
