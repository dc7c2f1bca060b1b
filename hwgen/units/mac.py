"""`mac`: the exact integer multiply-accumulate baseline, and the MAC protocol every MAC follows.

Protocol: ports ``a``, ``b``, ``en``, ``clr`` in, ``acc`` out. On a clock edge with ``en`` high,
``acc <- (clr ? 0 : acc) + a*b`` wrapping at ``acc_width``; with ``en`` low ``acc`` holds.
"""

from ..models.intmul import mac_model
from ..params import Param, ParamError
from ..registry import Stimulus, Unit, register
from ..stimuli import int_bounds, mac_directed, mac_sequence, random_ints
from .mul import PIPELINE, SIGNED, WIDTH

#: Enough headroom for 2**16 maximal products.
ACC_HEADROOM = 16

ACC_WIDTH = Param("acc_width", "int", lambda p: 2 * p["width"] + ACC_HEADROOM,
                  "accumulator bits (default: 2*width+16, room for 2^16 maximal products)",
                  min=2, max=160, abbr="acc")


def _check(p):
    if p["acc_width"] < 2 * p["width"]:
        raise ParamError(f"Parameter 'acc_width' of unit 'mac' must be at least 2*width = {2 * p['width']} "
                         f"to hold one product, not {p['acc_width']}")


def _build(p):
    from ..gateware.intmul import IntMAC
    return IntMAC(p["width"], p["signed"], p["acc_width"], p["pipeline"])


def _directed(p):
    lo, hi = int_bounds(p["width"], p["signed"])
    return mac_directed(hi, hi, lo, lo if p["signed"] else hi, 8, p["width"])


def _random(p, rng, n):
    a = random_ints(rng, n, p["width"], p["signed"])
    b = random_ints(rng, n, p["width"], p["signed"])
    return mac_sequence(rng, n, a, b)


UNIT = register(Unit(
    name="mac",
    summary="exact integer multiply-accumulate, acc <- (clr ? 0 : acc) + a*b when en",
    params=(WIDTH, SIGNED, ACC_WIDTH, PIPELINE),
    check=_check,
    build=_build,
    model=mac_model,
    latency=lambda p: p["pipeline"] + 1,
    stimulus=Stimulus(_directed, _random, lambda p: None),
    sequential=True,
    sweep=({"width": 8}, {"width": 8, "signed": True}, {"width": 4, "acc_width": 8},
           {"width": 5, "signed": True, "acc_width": 10, "pipeline": 2}, {"width": 16, "signed": True},
           {"width": 32, "signed": True, "pipeline": 1}),
    demo=({"width": 8, "signed": True},),
))
