"""Checks shared by tests/test_drum.py, test_ilm.py and test_mitchw_ec.py: plain-Python-int error metrics
(units.md §5) to pin `hwgen error` against, and the signed-mode / saturation wrapper of a plain-int
magnitude reference."""

from __future__ import annotations

import pytest

from hwgen.toolchain import simulator_available

needs_verilator = pytest.mark.skipif(simulator_available("verilator") is not None,
                                     reason=str(simulator_available("verilator")))


def signed_ref(mag_ref, a: int, b: int, n: int, signedness: str, saturate: bool = True) -> int:
    """A product through ``mag_ref``, saturated at the 2N-bit port: on |a|, |b| with the exact sign
    (sign_magnitude), or on ~x for a negative x (-1 as 1) with the result bit-inverted when exactly one
    operand is negative (ones_complement, units.md §1)."""
    if a == 0 or b == 0:
        return 0
    if signedness == "ones_complement":
        def operand(x):
            return x if x >= 0 else max(-x - 1, 1)
        p = mag_ref(operand(a), operand(b))
        p = -p - 1 if (a < 0) != (b < 0) else p
    else:
        p = mag_ref(abs(a), abs(b))
        if signedness == "unsigned":
            return min(p, (1 << (2 * n)) - 1) if saturate else p
        p = -p if (a < 0) != (b < 0) else p
    return max(-(1 << (2 * n - 1)), min(p, (1 << (2 * n - 1)) - 1)) if saturate else p


def plain_metrics(ref, n: int, signed: bool = False) -> dict:
    """§5 metrics of ``ref(a, b)`` against a * b over every N-bit pair, in plain Python ints/floats."""
    lo, hi = (-(1 << (n - 1)), 1 << (n - 1)) if signed else (0, 1 << n)
    count = nonzero = n_rel = 0
    sum_abs = sum_sq = sum_rel = sum_abs_rel = 0.0
    wce = wcre = 0.0
    for a in range(lo, hi):
        for b in range(lo, hi):
            e = a * b
            ed = ref(a, b) - e
            count += 1
            sum_abs += abs(ed)
            sum_sq += ed * ed
            wce = max(wce, abs(ed))
            nonzero += ed != 0
            if e:
                re = ed / e
                n_rel += 1
                sum_rel += re
                sum_abs_rel += abs(re)
                wcre = max(wcre, abs(re))
    return {"mae": sum_abs / count, "wce": wce, "mse": sum_sq / count, "ep": nonzero / count,
            "mre": sum_abs_rel / n_rel, "bias": sum_rel / n_rel, "wcre": wcre, "vectors": count}


def assert_error_report(report, expected: dict) -> None:
    assert report.exhaustive and report.vectors == expected["vectors"]
    for key in ("mae", "wce", "mse", "ep", "mre", "bias", "wcre"):
        assert getattr(report, key) == pytest.approx(expected[key], rel=1e-9, abs=1e-12), key


def check_verify(r, at_least: int) -> None:
    assert r.vectors >= at_least and r.mismatches == 0, r.examples
