"""Golden model of ILM-n, the iterative logarithmic multiplier (Babic, Avramovic, Bulic 2011; units.md §8).

For x > 0, k = index of its leading one and r = x - 2^k. basic(a, b) = 2^(ka+kb) + r_a 2^kb + r_b 2^ka
(Mitchell's product with the error term r_a r_b dropped); ILM_n(a, b) = basic(a, b) + ILM_(n-1)(r_a, r_b),
ILM_0 = 0, and a zero operand ends the recursion. Optional truncation ``w`` (0 = none): each operand first
keeps only its w bits from the leading one down. Pure numpy, independent of the gateware.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.approx import leading_one_index, port_product, signed_products
from hwgen.units.mitchw.model import accumulate

__all__ = ["ilm_mac_model", "ilm_magnitude", "ilm_model", "truncate"]


def truncate(x: np.ndarray, w: int) -> np.ndarray:
    """``x`` (> 0) with the bits below its top ``w`` significant bits cleared (``w = 0``: unchanged)."""
    x = np.asarray(x, dtype=np.uint64)
    if w == 0:
        return x
    drop = np.maximum(leading_one_index(np.maximum(x, 1)) - w + 1, 0).astype(np.uint64)
    return (x >> drop) << drop


def ilm_magnitude(x: np.ndarray, y: np.ndarray, iterations: int, w: int = 0) -> np.ndarray:
    """ILM product of positive integer arrays below 2^32, as uint64."""
    a, b = truncate(x, w), truncate(y, w)
    total = np.zeros(a.shape, dtype=np.uint64)
    for _ in range(iterations):
        live = (a != 0) & (b != 0)
        ka = leading_one_index(np.maximum(a, 1)).astype(np.uint64)
        kb = leading_one_index(np.maximum(b, 1)).astype(np.uint64)
        ra, rb = a - (np.uint64(1) << ka), b - (np.uint64(1) << kb)
        basic = (np.uint64(1) << (ka + kb)) + (ra << kb) + (rb << ka)
        total += np.where(live, basic, np.uint64(0))
        a, b = np.where(live, ra, 0).astype(np.uint64), np.where(live, rb, 0).astype(np.uint64)
    return total


def _true(params, vec):
    return signed_products(params, vec, lambda x, y: ilm_magnitude(x, y, params["iterations"], params["w"]))


def ilm_model(params, vec):
    """``{'p': P}`` (ILM never exceeds the exact product, so the signed port never saturates)."""
    return {"p": port_product(params, _true(params, vec))}


def ilm_mac_model(params, vec):
    """Accumulator after each step of a MAC with ILM products and exact accumulation."""
    return {"acc": accumulate(_true(params, vec), vec["en"], vec["clr"], params["acc_width"],
                              params["signedness"] != "unsigned")}
