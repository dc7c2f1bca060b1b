"""Golden models of the Mitch-w logarithmic multiplier and MAC (units.md §1).

Mitchell (1962) writes x = 2^k (1 + f) and approximates log2 x by k + f; Mitch-w (Kim et al.) keeps only
``w`` significant bits of each operand: the leading one and the ``K = w - 1`` fraction bits right below it,
plainly truncated. For N-bit unsigned operands and a 2N-bit product::

    P = 0                                   if a == 0 or b == 0 (exact zero detection)
    L(x) = (k << K) | frac(x)               k = index of the leading one
    r = L(a) + L(b); c = r >> K; m = r mod 2^K
    P = floor((2^K + m) * 2^(c - K))        bits below 2^0 are dropped

``unbiased`` forces the last kept fraction bit to 1 for operands whose truncation drops bit positions
(k > K). Signed modes (two's complement operands and product): ``ones_complement`` feeds a negative x as
~x (= |x| - 1), treats the resulting 0 (x = -1) as 1 and bit-inverts the result when exactly one operand
is negative; ``sign_magnitude`` feeds |x| and negates the result exactly.

Pure numpy on integer values, independent of the gateware. Internally unsigned magnitudes are uint64
(every product of two 32-bit operands fits); outputs beyond 62 bits are object arrays of Python ints.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.intops import as_ints, wrap

__all__ = ["SIGNEDNESS", "leading_one_index", "mitchw_magnitude", "mitchw_model", "mitchw_mac_model",
           "accumulate", "mitchw_true_product", "saturate"]

SIGNEDNESS = ("unsigned", "ones_complement", "sign_magnitude")


def leading_one_index(x: np.ndarray) -> np.ndarray:
    """floor(log2 x) of positive integers below 2^53 (exact: frexp of an exactly representable value)."""
    return (np.frexp(np.asarray(x, dtype=np.uint64).astype(np.float64))[1] - 1).astype(np.int64)


def mitchw_magnitude(x: np.ndarray, y: np.ndarray, w: int, unbiased: bool = False) -> np.ndarray:
    """Mitch-w product of positive integer arrays ``x``, ``y`` (below 2^32), as uint64.

    No zero handling here: callers detect zero operands themselves.
    """
    x = np.asarray(x, dtype=np.uint64)
    y = np.asarray(y, dtype=np.uint64)
    K = w - 1
    mask = np.uint64((1 << K) - 1)

    def log_form(v):
        k = leading_one_index(v)
        # The K bits right below the leading one: shift right if v has more, left (zero-pad) if fewer.
        down = np.maximum(k - K, 0).astype(np.uint64)
        up = np.maximum(K - k, 0).astype(np.uint64)
        frac = ((v >> down) << up) & mask
        if unbiased and K > 0:
            # Truncation drops positions: the forced 1 stands in for the expected value of what is lost.
            frac = np.where(k > K, frac | np.uint64(1), frac)
        return (k.astype(np.uint64) << np.uint64(K)) | frac

    r = log_form(x) + log_form(y)
    c = (r >> np.uint64(K)).astype(np.int64)
    m = r & mask
    mant = (np.uint64(1) << np.uint64(K)) + m
    left = np.maximum(c - K, 0).astype(np.uint64)
    right = np.maximum(K - c, 0).astype(np.uint64)
    return (mant << left) >> right


def _out(values: np.ndarray, bits: int) -> np.ndarray:
    """int64 when the product fits in 62 bits, else an object array of Python ints."""
    if bits <= 62:
        return values.astype(np.int64)
    return np.array([int(v) for v in values.reshape(-1)], dtype=object).reshape(values.shape)


def mitchw_true_product(params, vec) -> np.ndarray:
    """The approximate product before it meets the output port, in 2N + 1 bits (no wrap, no saturation).

    Only ``sign_magnitude`` can exceed the 2N-bit signed port: (-2^(N-1))^2 at w = 2 with ``unbiased``
    gives +2^(2N-1). The MAC accumulates this value; the multiplier port saturates it
    (:func:`mitchw_model`). int64 up to N = 30 (2N + 1 <= 62 bits), Python ints above.
    """
    n, w, mode, unbiased = params["width"], params["w"], params["signedness"], params["unbiased"]
    a = np.asarray(as_ints(vec["a"], n + 1)).astype(np.int64)
    b = np.asarray(as_ints(vec["b"], n + 1)).astype(np.int64)
    zero = (a == 0) | (b == 0)
    if mode == "unsigned":
        mag = mitchw_magnitude(np.where(zero, 1, a), np.where(zero, 1, b), w, unbiased)
        return _out(np.where(zero, np.uint64(0), mag), 2 * n)
    neg = (a < 0) != (b < 0)
    if mode == "ones_complement":
        # ~x = |x| - 1 for negative x; the 0 that x = -1 becomes enters as 1.
        da = np.where(a < 0, np.maximum(~a, 1), np.maximum(a, 1))
        db = np.where(b < 0, np.maximum(~b, 1), np.maximum(b, 1))
        mag = mitchw_magnitude(da, db, w, unbiased).astype(np.int64)  # < 2^(2N-2): fits any N <= 32
        return _out(np.where(zero, 0, np.where(neg, ~mag, mag)), 2 * n)
    if mode != "sign_magnitude":
        raise ValueError(f"signedness must be one of {', '.join(SIGNEDNESS)}, not {mode!r}")
    mag = mitchw_magnitude(np.maximum(np.abs(a), 1), np.maximum(np.abs(b), 1), w, unbiased)
    mag = np.where(zero, np.uint64(0), mag)
    if 2 * n + 1 <= 62:
        m = mag.astype(np.int64)
        return np.where(neg, -m, m)
    # |P| <= 2^(2N-1) = 2^63 at N = 32: beyond int64, so Python ints.
    flat = [-int(v) if s else int(v) for v, s in zip(mag.reshape(-1), neg.reshape(-1))]
    return np.array(flat, dtype=object).reshape(mag.shape)


def saturate(values: np.ndarray, bits: int) -> np.ndarray:
    """Clamp signed ``values`` into the ``bits``-bit two's complement range."""
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if values.dtype == object:
        return np.array([min(max(int(v), lo), hi) for v in values.reshape(-1)], dtype=object).reshape(values.shape)
    return np.clip(values, lo, hi)


def mitchw_model(params, vec):
    """``{'p': P}`` for operands ``vec['a']``, ``vec['b']`` (signed values in the signed modes).

    In ``sign_magnitude`` the one product beyond the 2N-bit signed port, +2^(2N-1), saturates to
    2^(2N-1) - 1 (a wrap would flip its sign); every other product is exact at the port.
    """
    n = params["width"]
    p = mitchw_true_product(params, vec)
    if params["signedness"] == "sign_magnitude":
        p = saturate(p, 2 * n)
    return {"p": _out(np.asarray(p), 2 * n)}


def accumulate(terms: np.ndarray, en: np.ndarray, clr: np.ndarray, acc_width: int, is_signed: bool):
    """Accumulator after each step of the MAC protocol: on ``en``, ``acc <- (clr ? 0 : acc) + term``,
    wrapping at ``acc_width`` bits.

    Vectorised: wrapping is arithmetic modulo 2^acc_width, so a cumulative sum modulo 2^64 (uint64 wraps)
    minus the cumulative sum just before the last effective clear is exact for ``acc_width <= 64``; wider
    accumulators use Python ints.
    """
    terms = np.asarray(terms)
    n = len(terms)
    en = np.asarray(en).astype(bool)
    clr = np.asarray(clr).astype(bool) & en
    last_reset = np.maximum.accumulate(np.where(clr, np.arange(n), -1))
    if acc_width <= 64:
        if terms.dtype == object:
            t = np.array([int(v) % (1 << 64) for v in terms], dtype=np.uint64)
        else:
            t = terms.astype(np.int64).view(np.uint64)
        t = np.where(en, t, np.uint64(0))
    else:
        t = np.array([int(v) if e else 0 for v, e in zip(terms, en)], dtype=object)
    cs = np.cumsum(t, dtype=t.dtype)
    before = np.concatenate([np.zeros(1, dtype=cs.dtype), cs[:-1]])
    base = np.where(last_reset >= 0, before[np.maximum(last_reset, 0)], 0).astype(cs.dtype)
    acc = cs - base
    if acc_width <= 62:
        acc = (acc & np.uint64((1 << acc_width) - 1)).astype(np.int64)
        return wrap(acc, acc_width, is_signed)
    return wrap(np.array([int(v) for v in acc], dtype=object), acc_width, is_signed)


def mitchw_mac_model(params, vec):
    """Accumulator value after each clock step of a MAC with Mitch-w products and exact accumulation.

    The MAC adds the true (2N + 1)-bit product, not the multiplier port's saturated value."""
    p = mitchw_true_product(params, {"a": vec["a"], "b": vec["b"]})
    return {"acc": accumulate(p, vec["en"], vec["clr"], params["acc_width"],
                              params["signedness"] != "unsigned")}
