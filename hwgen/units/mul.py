"""`mul`: the exact integer multiplier baseline."""

from ..models.intmul import mul_model
from ..params import Param
from ..registry import Stimulus, Unit, register
from ..stimuli import corner_ints, cross, exhaustive_grid, random_ints

WIDTH = Param("width", "int", 8, "operand width in bits", min=2, max=64, abbr="w")
SIGNED = Param("signed", "bool", False, "two's complement operands and product", abbr="s")
PIPELINE = Param("pipeline", "int", 0, "register stages after the product", min=0, max=8, abbr="p")


def _build(p):
    from ..gateware.intmul import IntMultiplier
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


UNIT = register(Unit(
    name="mul",
    summary="exact integer multiplier, p = a * b",
    params=(WIDTH, SIGNED, PIPELINE),
    build=_build,
    model=mul_model,
    latency=lambda p: p["pipeline"],
    stimulus=Stimulus(_directed, _random, _exhaustive),
    sweep=({"width": 8}, {"width": 8, "signed": True}, {"width": 3, "signed": True, "pipeline": 2},
           {"width": 13}, {"width": 16, "signed": True, "pipeline": 1}, {"width": 32}, {"width": 64, "signed": True}),
    demo=({"width": 8}, {"width": 16}),
))
