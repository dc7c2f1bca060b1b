"""Golden model of the error-compensated Mitch-w multiplier (units.md §8), reading its correction table
as data (see :mod:`.table`; the same table is written into the manifest).

With K = w - 1 and Q = K + q: L'(x) = ((k << K) | frac(x)) << q (frac: the K bits right below the leading
one, plainly truncated, zero-padded below); the segment of x is the top log2(m) bits of frac(x) (one segment
for ``correction = constant``); r = L'(a) + L'(b) + C[seg_a][seg_b]; c = r >> Q; f = r mod 2^Q;
P = floor((2^Q + f) 2^(c - Q)). A zero operand gives 0. Pure numpy, independent of the gateware.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hwgen.numeric.approx import leading_one_index, port_product, signed_products
from hwgen.units.mitchw.model import accumulate
from hwgen.units.mitchw_ec.table import segment_bits, table_for

__all__ = ["mitchw_ec_mac_model", "mitchw_ec_magnitude", "mitchw_ec_model"]


def mitchw_ec_magnitude(x: np.ndarray, y: np.ndarray, w: int, q: int, seg_bits: int,
                        table: Sequence[Sequence[int]]) -> np.ndarray:
    """Product of positive integer arrays below 2^32, as uint64, with corrections ``table``
    (2^seg_bits x 2^seg_bits non-negative integers in units of 2^-(w - 1 + q))."""
    K, Q = w - 1, w - 1 + q
    mask = np.uint64((1 << K) - 1)
    tab = np.asarray(table, dtype=np.uint64)

    def log_form(v):
        v = np.asarray(v, dtype=np.uint64)
        k = leading_one_index(v)
        down = np.maximum(k - K, 0).astype(np.uint64)
        up = np.maximum(K - k, 0).astype(np.uint64)
        frac = ((v >> down) << up) & mask
        seg = (frac >> np.uint64(K - seg_bits)).astype(np.int64)
        return ((k.astype(np.uint64) << np.uint64(K)) | frac) << np.uint64(q), seg

    (la, sa), (lb, sb) = log_form(x), log_form(y)
    r = la + lb + tab[sa, sb]
    c = (r >> np.uint64(Q)).astype(np.int64)
    mant = (np.uint64(1) << np.uint64(Q)) + (r & np.uint64((1 << Q) - 1))
    left = np.maximum(c - Q, 0).astype(np.uint64)
    right = np.maximum(Q - c, 0).astype(np.uint64)
    return (mant << left) >> right


def _true(params, vec):
    table = table_for(params)
    bits = segment_bits(params["correction"], params["m"])
    return signed_products(params, vec, lambda x, y: mitchw_ec_magnitude(x, y, params["w"], params["q"],
                                                                         bits, table))


def mitchw_ec_model(params, vec):
    """``{'p': P}`` (a signed product always fits the 2N-bit port here; it would saturate there)."""
    return {"p": port_product(params, _true(params, vec))}


def mitchw_ec_mac_model(params, vec):
    """Accumulator after each step of a MAC with these products and exact accumulation."""
    return {"acc": accumulate(_true(params, vec), vec["en"], vec["clr"], params["acc_width"],
                              params["signedness"] != "unsigned")}
