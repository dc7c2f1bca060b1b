# amaranth: UnusedElaboratable=no
"""`mitchw_ec` / `mitchw_ec_mac` (units.md §8): the correction table (method re-derived here, written into
the manifest), the golden model against a plain-int definition that reads the manifest's table, the RTL against
the model (Verilator, exhaustive at 8 bits), the MAC, `hwgen error`."""

import json

import numpy as np
import pytest
from approx_bundle import bundle, chunks
from approx_checks import (
    assert_error_report,
    check_verify,
    needs_verilator,
    plain_metrics,
    signed_ref,
)

from hwgen.emit import elaborate, generate
from hwgen.metrics import characterise
from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.units.mitchw_ec.table import correction_table
from hwgen.verify import verify

UNIT = get_unit("mitchw_ec")


def manifest_table(params) -> list[list[int]]:
    gen = elaborate(UNIT, UNIT.resolve(params))
    return gen.manifest["correction_table"]["table"]


def ec_ref(a: int, b: int, w: int, q: int, table) -> int:
    """The definition with Python ints: L' = ((k << K) | frac) << q, r = L'a + L'b + C, antilog floored."""
    K, Q = w - 1, w - 1 + q
    seg_bits = len(table).bit_length() - 1

    def log_form(x):
        k = x.bit_length() - 1
        frac = ((x >> (k - K)) if k >= K else (x << (K - k))) & ((1 << K) - 1)
        return (((k << K) | frac) << q), frac >> (K - seg_bits)

    (la, sa), (lb, sb) = log_form(a), log_form(b)
    r = la + lb + table[sa][sb]
    c, f = r >> Q, r & ((1 << Q) - 1)
    return ((1 << Q) + f) << (c - Q) if c >= Q else ((1 << Q) + f) >> (Q - c)


def _bias(c: float, w: int, lo: tuple, size: float, grid: int = 128) -> float:
    """Mean relative error of the continuous antilog over one segment pair, with correction c (re-derived
    from the documented method: midpoint grid, fractions truncated to w - 1 bits in the datapath)."""
    g = (np.arange(grid) + 0.5) / grid * size
    fa, fb = np.meshgrid(lo[0] + g, lo[1] + g, indexing="ij")
    K = w - 1
    s = np.floor(fa * 2 ** K) / 2 ** K + np.floor(fb * 2 ** K) / 2 ** K + c
    approx = np.where(s < 1, 1 + s, 2 * s)
    return float((approx / ((1 + fa) * (1 + fb))).mean() - 1)


@pytest.mark.parametrize("w, q, correction, m", [(8, 2, "constant", 4), (6, 1, "segments", 2),
                                                 (8, 2, "segments", 4), (5, 3, "segments", 8)])
def test_table_entries_zero_the_segment_bias(w, q, correction, m):
    table = correction_table(w, q, correction, m)
    side = 1 if correction == "constant" else m
    assert len(table) == side and all(len(r) == side for r in table)
    step = 2.0 ** -(w - 1 + q)
    for i in range(side):
        for j in range(side):
            c = table[i][j]
            assert c >= 0
            lo = (i / side, j / side)
            # The rounded C sits within half a step of the zero-bias point (or at 0 when even 0 is biased up).
            assert _bias((c + 0.5) * step, w, lo, 1 / side) >= 0
            assert c == 0 or _bias((c - 0.5) * step, w, lo, 1 / side) <= 0


def test_table_is_in_the_manifest_and_deterministic(tmp_path):
    params = {"width": 8, "m": 8, "q": 3}
    _v, mpath = generate(UNIT, params, tmp_path)
    data = json.loads(mpath.read_text())
    assert data["correction_table"]["table"] == [list(r) for r in correction_table(8, 3, "segments", 8)]
    assert "bisection" in data["correction_table"]["method"]
    first = mpath.read_bytes()
    generate(UNIT, params, tmp_path)
    assert mpath.read_bytes() == first


@pytest.mark.parametrize("params", [{}, {"correction": "constant"}, {"m": 2, "q": 1}, {"m": 8, "q": 4},
                                    {"w": 4, "m": 8, "q": 8}, {"w": 2, "m": 2, "q": 1}, {"w": 6, "m": 4, "q": 2}])
def test_model_equals_plain_int_reference_all_8bit_pairs(params):
    p = UNIT.resolve(params)
    table = manifest_table(params)
    a, b = np.divmod(np.arange(1 << 16), 256)
    want = [min(ec_ref(x, y, p["w"], p["q"], table), 65535) if x and y else 0 for x, y in zip(a.tolist(), b.tolist())]
    got = UNIT.model(p, {"a": a, "b": b})["p"].tolist()
    assert got == want


def test_unsigned_port_saturates_where_the_correction_carries_twice():
    p = UNIT.resolve({})
    table = manifest_table({})
    assert ec_ref(255, 255, 8, 2, table) == 65536  # the definition's value: 2^16, one past the port
    assert UNIT.model(p, {"a": np.array([255]), "b": np.array([255])})["p"].tolist() == [65535]
    mac = get_unit("mitchw_ec_mac")
    vec = {"a": np.array([255]), "b": np.array([255]), "en": np.array([1]), "clr": np.array([1])}
    assert mac.model(mac.resolve({}), vec)["acc"].tolist() == [65536]  # the MAC adds the true product


def test_sign_magnitude_against_plain_ints():
    p = UNIT.resolve({"signedness": "sign_magnitude"})
    table = manifest_table({})
    a, b = np.divmod(np.arange(1 << 16), 256)
    a, b = a - 128, b - 128
    want = [signed_ref(lambda x, y: ec_ref(x, y, 8, 2, table), x, y, 8, "sign_magnitude")
            for x, y in zip(a.tolist(), b.tolist())]
    assert UNIT.model(p, {"a": a, "b": b})["p"].tolist() == want


@pytest.mark.parametrize("width", [13, 32])
def test_model_wide_widths_against_plain_ints(width, seed):
    rng = np.random.default_rng(seed)
    top = 1 << width
    a = [int(v) for v in rng.integers(1, top, 2000, dtype=np.uint64)] + [top - 1, 1 << (width - 1)]
    b = [int(v) for v in rng.integers(1, top, 2000, dtype=np.uint64)] + [top - 1, top - 1]
    dt = object if width > 31 else np.int64
    p = UNIT.resolve({"width": width, "m": 8})
    table = manifest_table({"width": width, "m": 8})
    got = UNIT.model(p, {"a": np.array(a, dtype=dt), "b": np.array(b, dtype=dt)})["p"]
    want = [min(ec_ref(x, y, p["w"], p["q"], table), top * top - 1) for x, y in zip(a, b)]
    assert [int(v) for v in got] == want


@pytest.mark.parametrize("params", [{}, {"correction": "constant", "w": 6}, {"m": 8, "signedness": "sign_magnitude"}])
def test_error_figures_pinned_against_plain_ints(params):
    p = UNIT.resolve(params)
    table = manifest_table(params)
    want = plain_metrics(lambda x, y: signed_ref(lambda u, v: ec_ref(u, v, p["w"], p["q"], table), x, y, 8,
                                                 p["signedness"]), 8, p["signedness"] != "unsigned")
    assert_error_report(characterise(UNIT, params), want)


def test_bad_parameters():
    with pytest.raises(ParamError, match=r"^Parameter 'm' of unit 'mitchw_ec' must satisfy log2\(m\) <= w - 1 = 2, not 8$"):
        UNIT.resolve({"w": 3, "m": 8})
    with pytest.raises(ParamError, match=r"^Parameter 'm' of unit 'mitchw_ec' must be one of 2, 4, 8, not 3$"):
        UNIT.resolve({"m": 3})
    with pytest.raises(ParamError, match=r"Parameter 'q' of unit 'mitchw_ec' must be an integer in 1\.\.8, not 9"):
        UNIT.resolve({"q": 9})
    assert UNIT.resolve({"width": 2})["m"] == 2  # the default m follows log2(m) <= w - 1


ALL_8BIT = [{"w": w, "q": q, "correction": c, "m": m} for w in (3, 4, 5, 6, 7, 8) for q in range(1, 9)
            for c, m in (("constant", 2), ("segments", 2), ("segments", 4), ("segments", 8))
            if m.bit_length() - 1 <= w - 1]
DEFAULT_8BIT = [{"w": w, "q": q, "correction": c, "m": m} for w, q, c, m in (
    (8, 2, "constant", 2), (8, 8, "constant", 2), (8, 1, "segments", 2), (8, 2, "segments", 4),
    (8, 3, "segments", 8), (8, 8, "segments", 8), (6, 2, "segments", 4), (6, 1, "segments", 8),
    (4, 5, "segments", 8), (3, 1, "segments", 4), (2, 4, "segments", 2), (5, 2, "constant", 2))]


@needs_verilator
def test_rtl_width8_representative_configs_exhaustive(seed, build_root):
    """12 configurations over correction x m x q x w; the complete sweep (all q, w 3..8) is slow below."""
    check_verify(verify(bundle("mitchw_ec", "mitchw_ec_b8_default", 8, DEFAULT_8BIT), vectors="exhaustive",
                        seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(chunks(ALL_8BIT))))
def test_rtl_width8_complete_sweep_exhaustive(i, seed, build_root):
    check_verify(verify(bundle("mitchw_ec", f"mitchw_ec_b8_all{i}", 8, chunks(ALL_8BIT)[i]), vectors="exhaustive",
                        seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.parametrize("width", [5, 16, pytest.param(32, marks=pytest.mark.slow)])
def test_rtl_other_widths_sampled(width, seed, build_root):
    configs = [{"w": w, "q": q, "correction": c, "m": m, "signedness": s}
               for (w, q, c, m), s in zip(((min(8, width), 2, "segments", 4), (min(8, width), 3, "segments", 8),
                                           (width, 1, "constant", 2), (min(6, width), 8, "segments", 2)),
                                          ("unsigned", "sign_magnitude") * 2)]
    check_verify(verify(bundle("mitchw_ec", f"mitchw_ec_b{width}_mixed", width, configs), vectors=10_000, seed=seed,
                        build_root=build_root), 10_000 if width > 8 else 1 << (2 * width))


@needs_verilator
def test_rtl_registered_unit_sign_magnitude_pipelined(seed, build_root):
    params = {"width": 8, "signedness": "sign_magnitude", "pipeline": 2}
    check_verify(verify(UNIT, params, vectors="exhaustive", seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
def test_mac_random_steps(seed, build_root):
    for params in ({"width": 8, "m": 8, "signedness": "sign_magnitude", "acc_width": 18, "pipeline": 1},
                   {"width": 8, "acc_width": 17}):
        check_verify(verify(get_unit("mitchw_ec_mac"), params, vectors=20_000, seed=seed, build_root=build_root),
                     20_000)
