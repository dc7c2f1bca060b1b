"""Declarations shared by the unsigned-datapath multiplier families (`drum`, `ilm`, `mitchw_ec`; units.md §8):
the common parameters, stimulus builders, the MAC check and the energy-proxy streams.

Each family's folder holds its own definitions (model, gateware, stimuli, reference, streams); this module
only removes repetition between their declarations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hwgen.numeric.intops import as_ints
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
from hwgen.unit import Stimulus
from hwgen.units.common_params import ACC_WIDTH, PIPELINE

__all__ = [
    "ACC_WIDTH",
    "PIPELINE",
    "SIGNEDNESS_P",
    "WIDTH",
    "directed_operands",
    "is_signed",
    "mac_check",
    "mac_stimulus",
    "mul_stimulus",
    "operand_stimulus",
]

WIDTH = Param("width", "int", 8, "operand width N in bits (product: 2N bits)", min=2, max=32, abbr="w")
SIGNEDNESS_P = Param("signedness", "choice", "unsigned",
                     "operand handling: unsigned; or two's complement ports fed as ~x = |x| - 1 with the result "
                     "bit-inverted (ones_complement, as Mitch-w's); or fed as exact magnitudes with the result "
                     "negated exactly (sign_magnitude; a product beyond the 2N-bit signed port saturates there)",
                     choices=("unsigned", "ones_complement", "sign_magnitude"), abbr="s")


def is_signed(p) -> bool:
    return p["signedness"] != "unsigned"


def directed_operands(p, kept: int) -> np.ndarray:
    """Corner operands: zero, +-1, the extremes, powers of two and neighbours, all-ones runs of ``kept``
    bits (the family's segment length) at every position, with and without bits below, and the
    edge where the segment starts dropping bits."""
    n = p["width"]
    lo, hi = int_bounds(n, is_signed(p))
    vals = {0, 1, -1, 2, 3, lo, lo + 1, hi, hi - 1}
    if n <= 16:
        vals.update(corner_ints(n, is_signed(p)).tolist())
        positions = range(n)
    else:
        positions = sorted({0, 1, 2, 3, n // 2 - 1, n // 2, n - 3, n - 2, n - 1}
                           | {k for k in range(kept - 3, kept + 3) if 0 <= k < n})
    for k in positions:
        for v in ((1 << k), (1 << k) - 1, (1 << k) + 1, (1 << (k + 1)) - 1, 3 << k >> 1 if k else 1,
                  ((1 << kept) - 1) << k, ((1 << (kept + 1)) - 1) << k, (((1 << kept) - 1) << k) | ((1 << k) - 1),
                  (1 << k) | 1, (5 << k) >> 2 if k >= 2 else 1):
            vals.update((v, -v))
    vals = sorted(v for v in vals if lo <= v <= hi)
    return np.asarray(as_ints(np.array(vals, dtype=object), n + 1)).astype(np.int64)


def operand_stimulus(directed_ops: Callable[[dict], np.ndarray]) -> Stimulus:
    """Stimulus of a two-operand multiplier: every pair of the corner operands ``directed_ops(p)``, seeded
    uniform operands, and the whole grid where it is small enough."""
    def directed(p):
        ops = directed_ops(p)
        a, b = cross(ops, ops)
        return {"a": a, "b": b}

    def random(p, rng, n):
        return {"a": random_ints(rng, n, p["width"], is_signed(p)), "b": random_ints(rng, n, p["width"], is_signed(p))}

    def exhaustive(p):
        grid = exhaustive_grid(p["width"], is_signed(p), p["width"], is_signed(p))
        return None if grid is None else {"a": grid[0], "b": grid[1]}

    return Stimulus(directed, random, exhaustive)


def mul_stimulus(kept: Callable[[dict], int]) -> Stimulus:
    """:func:`operand_stimulus` over :func:`directed_operands` with the family's segment length."""
    return operand_stimulus(lambda p: directed_operands(p, kept(p)))


def mac_stimulus() -> Stimulus:
    def directed(p):
        lo, hi = int_bounds(p["width"], is_signed(p))
        return mac_directed(hi, hi, lo, lo if is_signed(p) else hi, 8, p["width"])

    def random(p, rng, n):
        return mac_sequence(rng, n, random_ints(rng, n, p["width"], is_signed(p)),
                            random_ints(rng, n, p["width"], is_signed(p)))

    return Stimulus(directed, random, lambda p: None)


def mac_check(unit: str, extra: Callable[[dict], None] | None = None) -> Callable[[dict], None]:
    def check(p):
        if extra:
            extra(p)
        if p["acc_width"] < 2 * p["width"]:
            raise ParamError(f"Parameter 'acc_width' of unit {unit!r} must be at least 2*width = "
                             f"{2 * p['width']} to hold one product, not {p['acc_width']}")
    return check
