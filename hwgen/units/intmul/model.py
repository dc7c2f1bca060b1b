"""Golden models of the exact integer multiplier and MAC."""

from __future__ import annotations

import numpy as np

from hwgen.numeric.intops import as_ints, wrap

__all__ = ["mul_model", "mac_model"]


def mul_model(params, vec):
    w = params["width"]
    a, b = as_ints(vec["a"], 2 * w + 1), as_ints(vec["b"], 2 * w + 1)
    return {"p": a * b}


def mac_model(params, vec):
    """Accumulator value after each clock step (what ``acc`` shows ``latency`` edges later).

    Vectorised: with ``en`` masking the products and a reset at every step with ``en & clr``, the
    accumulator is a cumulative sum minus the cumulative sum just before the last reset.
    """
    w, acc_w, signed = params["width"], params["acc_width"], params["signed"]
    n = len(vec["a"])
    bits = 2 * w + 2 + max(n, 1).bit_length()  # the unwrapped sum never needs more
    a, b = as_ints(vec["a"], bits), as_ints(vec["b"], bits)
    en = np.asarray(vec["en"]).astype(bool)
    clr = np.asarray(vec["clr"]).astype(bool) & en
    terms = np.where(en, a * b, 0).astype(a.dtype)
    cs = np.cumsum(terms)
    before = np.concatenate([np.zeros(1, dtype=cs.dtype), cs[:-1]])  # sum before step i
    last_reset = np.maximum.accumulate(np.where(clr, np.arange(n), -1))
    base = np.where(last_reset >= 0, before[np.maximum(last_reset, 0)], 0).astype(cs.dtype)
    return {"acc": wrap(cs - base, acc_w, signed)}
