"""Golden model of DRUM-k (Hashemi, Bahar, Reda, ICCAD 2015; units.md §8).

For x > 0 with its leading one at k(x): seg(x) = (x, 0) if k(x) < k, else ((x >> s) | 1, s) with
s = k(x) - k + 1 (the k bits from the leading one down, the last one forced to 1, which stands in for the
expected value of the dropped bits). P = (seg_a * seg_b) << (s_a + s_b): an exact k x k product, shifted.
k = N is the exact multiplier. Pure numpy, independent of the gateware.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.approx import leading_one_index, port_product, signed_products
from hwgen.units.mitchw.model import accumulate

__all__ = ["drum_mac_model", "drum_magnitude", "drum_model"]


def drum_magnitude(x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """DRUM-k product of positive integer arrays below 2^32, as uint64."""
    def seg(v):
        v = np.asarray(v, dtype=np.uint64)
        s = np.maximum(leading_one_index(v) - k + 1, 0).astype(np.uint64)
        return np.where(s > 0, (v >> s) | np.uint64(1), v), s

    (sx, ex), (sy, ey) = seg(x), seg(y)
    return (sx * sy) << (ex + ey)


def _true(params, vec):
    return signed_products(params, vec, lambda x, y: drum_magnitude(x, y, params["k"]))


def drum_model(params, vec):
    """``{'p': P}``; in ``sign_magnitude`` a product beyond the 2N-bit signed port saturates there."""
    return {"p": port_product(params, _true(params, vec))}


def drum_mac_model(params, vec):
    """Accumulator after each step; the accumulated term is the true (unsaturated) product."""
    return {"acc": accumulate(_true(params, vec), vec["en"], vec["clr"], params["acc_width"],
                              params["signedness"] != "unsigned")}
