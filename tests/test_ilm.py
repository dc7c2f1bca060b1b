# amaranth: UnusedElaboratable=no
"""`ilm` / `ilm_mac` (units.md §8): the golden model against a plain-int ILM written here (spot values, the
equality property), the RTL against the model (Verilator, exhaustive at 8 bits for every iteration count x
several truncations, seeded samples elsewhere), the MAC, `hwgen error`."""

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

from hwgen.metrics import characterise
from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.verify import verify


def truncate_ref(x: int, w: int) -> int:
    if w == 0 or x.bit_length() <= w:
        return x
    drop = x.bit_length() - w
    return (x >> drop) << drop


def ilm_ref(a: int, b: int, n: int, w: int = 0) -> int:
    """ILM_n of non-negative ints, recursively from the definition."""
    def ilm(x, y, it):
        if it == 0 or x == 0 or y == 0:
            return 0
        kx, ky = x.bit_length() - 1, y.bit_length() - 1
        rx, ry = x - (1 << kx), y - (1 << ky)
        return (1 << (kx + ky)) + (rx << ky) + (ry << kx) + ilm(rx, ry, it - 1)
    return ilm(truncate_ref(a, w), truncate_ref(b, w), n)


def _model(params, a, b, unit="ilm"):
    u = get_unit(unit)
    return u.model(u.resolve(params), {"a": np.array(a), "b": np.array(b)})["p"]


def test_spot_values():
    assert _model({"iterations": 1}, [255, 100], [255, 100]).tolist() == [48896, 8704]
    assert _model({"iterations": 2}, [255], [255]).tolist() == [61056]
    assert (ilm_ref(255, 255, 1), ilm_ref(100, 100, 1), ilm_ref(255, 255, 2)) == (48896, 8704, 61056)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("w", [0, 2, 5, 8])
def test_model_equals_plain_int_reference_all_8bit_pairs(n, w):
    a, b = np.divmod(np.arange(1 << 16), 256)
    want = [ilm_ref(x, y, n, w) for x, y in zip(a.tolist(), b.tolist())]
    assert _model({"iterations": n, "w": w}, a, b).tolist() == want


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_never_above_exact_and_equal_exactly_when_enough_iterations(n):
    a, b = np.divmod(np.arange(1 << 16), 256)
    p = np.asarray(_model({"iterations": n}, a, b), dtype=np.int64)
    exact = a * b
    assert (p <= exact).all()
    pops = np.minimum([(x).bit_count() for x in a.tolist()], [(y).bit_count() for y in b.tolist()])
    assert ((p == exact) == (n >= pops)).all()


@pytest.mark.parametrize("width", [13, 32])
def test_model_wide_widths_against_plain_ints(width, seed):
    rng = np.random.default_rng(seed)
    top = 1 << width
    a = [int(v) for v in rng.integers(0, top, 2000, dtype=np.uint64)] + [top - 1, 1 << (width - 1)]
    b = [int(v) for v in rng.integers(0, top, 2000, dtype=np.uint64)] + [top - 1, top - 1]
    dt = object if width > 31 else np.int64
    for params in ({"iterations": 2}, {"iterations": 4, "w": 7}):
        p = get_unit("ilm").resolve({"width": width, **params})
        got = get_unit("ilm").model(p, {"a": np.array(a, dtype=dt), "b": np.array(b, dtype=dt)})["p"]
        assert [int(v) for v in got] == [ilm_ref(x, y, p["iterations"], p["w"]) for x, y in zip(a, b)]


@pytest.mark.parametrize("params", [{"iterations": 2}, {"iterations": 1, "w": 4},
                                    {"iterations": 2, "signedness": "sign_magnitude"}])
def test_error_figures_pinned_against_plain_ints(params):
    n, w, mode = params["iterations"], params.get("w", 0), params.get("signedness", "unsigned")
    want = plain_metrics(lambda x, y: signed_ref(lambda u, v: ilm_ref(u, v, n, w), x, y, 8, mode), 8,
                         mode != "unsigned")
    assert_error_report(characterise(get_unit("ilm"), params), want)


def test_bad_parameters():
    with pytest.raises(ParamError, match=r"^Parameter 'w' of unit 'ilm' must be 0 \(no truncation\) or an "
                                         r"integer in 2\.\.8, not 1$"):
        get_unit("ilm").resolve({"w": 1})
    with pytest.raises(ParamError, match=r"Parameter 'iterations' of unit 'ilm' must be an integer in 1\.\.4"):
        get_unit("ilm").resolve({"iterations": 5})


ALL_8BIT = [{"iterations": n, "w": w} for n in range(1, 5) for w in (0, *range(2, 9))]
DEFAULT_8BIT = [{"iterations": n, "w": w} for n in range(1, 5) for w in (0, 3, 6)]


@needs_verilator
def test_rtl_width8_every_iteration_count_exhaustive(seed, build_root):
    """iterations 1..4 x w in {0, 3, 6}; every w in 2..8 is in the slow sweep below."""
    check_verify(verify(bundle("ilm", "ilm_b8_default", 8, DEFAULT_8BIT), vectors="exhaustive", seed=seed,
                        build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(chunks(ALL_8BIT))))
def test_rtl_width8_complete_sweep_exhaustive(i, seed, build_root):
    check_verify(verify(bundle("ilm", f"ilm_b8_all{i}", 8, chunks(ALL_8BIT)[i]), vectors="exhaustive", seed=seed,
                        build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.parametrize("width", [5, 16, pytest.param(32, marks=pytest.mark.slow)])
def test_rtl_other_widths_sampled(width, seed, build_root):
    # Few configurations per wide build: a 32-bit ILM-4 is a large C++ model to compile.
    configs = [{"iterations": 4, "w": 0}, {"iterations": 2, "w": min(4, width), "signedness": "sign_magnitude"}]
    if width <= 16:
        configs += [{"iterations": 1, "w": 0, "signedness": "sign_magnitude"}, {"iterations": 3, "w": width - 1}]
    check_verify(verify(bundle("ilm", f"ilm_b{width}_mixed", width, configs), vectors=10_000, seed=seed,
                        build_root=build_root), 10_000 if width > 8 else 1 << (2 * width))


@needs_verilator
def test_rtl_registered_unit_sign_magnitude_pipelined(seed, build_root):
    params = {"width": 8, "signedness": "sign_magnitude", "pipeline": 2}
    check_verify(verify(get_unit("ilm"), params, vectors="exhaustive", seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
def test_mac_random_steps(seed, build_root):
    params = {"width": 8, "iterations": 2, "w": 5, "signedness": "sign_magnitude", "acc_width": 18, "pipeline": 1}
    check_verify(verify(get_unit("ilm_mac"), params, vectors=30_000, seed=seed, build_root=build_root), 30_000)
