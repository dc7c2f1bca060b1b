# amaranth: UnusedElaboratable=no
"""`drum` / `drum_mac` (units.md §8): the golden model against a plain-int DRUM written here, the RTL against
the model (Verilator, exhaustive at 8 bits for every k, seeded samples elsewhere), the MAC, `hwgen error`."""

import numpy as np
import pytest
from approx_bundle import bundle
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


def drum_ref(a: int, b: int, k: int) -> int:
    """DRUM-k of positive ints, from the definition."""
    def seg(x):
        lead = x.bit_length() - 1
        if lead < k:
            return x, 0
        s = lead - k + 1
        return (x >> s) | 1, s
    (sa, ea), (sb, eb) = seg(a), seg(b)
    return (sa * sb) << (ea + eb)


def _model(params, a, b):
    return get_unit("drum").model(get_unit("drum").resolve(params), {"a": np.array(a), "b": np.array(b)})["p"]


def test_spot_values():
    assert _model({"k": 4}, [255], [255]).tolist() == [57600]
    assert _model({"k": 6}, [100], [100]).tolist() == [10404]
    assert drum_ref(255, 255, 4) == 57600 and drum_ref(100, 100, 6) == 10404


@pytest.mark.parametrize("k", range(2, 9))
def test_model_equals_plain_int_reference_all_8bit_pairs(k):
    a, b = np.divmod(np.arange(1 << 16), 256)
    want = [drum_ref(x, y, k) if x and y else 0 for x, y in zip(a.tolist(), b.tolist())]
    assert _model({"k": k}, a, b).tolist() == want


def test_k_equal_width_is_exact():
    for n in (2, 5, 8):
        a, b = np.divmod(np.arange(1 << (2 * n)), 1 << n)
        assert _model({"width": n, "k": n}, a, b).tolist() == (a * b).tolist()


@pytest.mark.parametrize("k", [2, 3, 6])
def test_sign_magnitude_saturates_at_the_port(k):
    a, b = np.divmod(np.arange(1 << 16), 256)
    a, b = a - 128, b - 128
    want = [signed_ref(lambda x, y: drum_ref(x, y, k), x, y, 8, "sign_magnitude") for x, y in zip(a.tolist(), b.tolist())]
    got = _model({"k": k, "signedness": "sign_magnitude"}, a, b).tolist()
    assert got == want
    # k = 2 rounds 128 up to 3 * 2^6: (-128)^2 becomes 9 * 2^12 = 36864, beyond 32767.
    assert (max(got) == 32767) == (k == 2)


@pytest.mark.parametrize("width", [13, 16, 32])
def test_model_wide_widths_against_plain_ints(width, seed):
    rng = np.random.default_rng(seed)
    top = 1 << width
    a = [int(v) for v in rng.integers(0, top, 3000, dtype=np.uint64)] + [top - 1, 1 << (width - 1), 0]
    b = [int(v) for v in rng.integers(0, top, 3000, dtype=np.uint64)] + [top - 1, top - 1, 5]
    p = get_unit("drum").resolve({"width": width})
    got = get_unit("drum").model(p, {"a": np.array(a, dtype=object if width > 31 else np.int64),
                                    "b": np.array(b, dtype=object if width > 31 else np.int64)})["p"]
    assert [int(v) for v in got] == [drum_ref(x, y, p["k"]) if x and y else 0 for x, y in zip(a, b)]


@pytest.mark.parametrize("params", [{"k": 6}, {"k": 4}, {"k": 3, "signedness": "sign_magnitude"}])
def test_error_figures_pinned_against_plain_ints(params):
    k, mode = params["k"], params.get("signedness", "unsigned")
    want = plain_metrics(lambda x, y: signed_ref(lambda u, v: drum_ref(u, v, k), x, y, 8, mode), 8,
                         mode != "unsigned")
    assert_error_report(characterise(get_unit("drum"), params), want)


def test_bad_parameters():
    with pytest.raises(ParamError, match=r"Parameter 'k' of unit 'drum' must be an integer in 2\.\.8, not 9"):
        get_unit("drum").resolve({"k": 9})
    with pytest.raises(ParamError, match=r"signedness"):
        get_unit("drum").resolve({"signedness": "twos_complement"})


@needs_verilator
def test_rtl_width8_every_k_exhaustive(seed, build_root):
    configs = [{"k": k} for k in range(2, 9)] + [{"signedness": "sign_magnitude"},
                                                 {"k": 2, "signedness": "sign_magnitude"},
                                                 {"signedness": "ones_complement"},
                                                 {"k": 2, "signedness": "ones_complement"}]
    check_verify(verify(bundle("drum", "drum_b8_all_k", 8, configs), vectors="exhaustive", seed=seed,
                        build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.parametrize("width", [5, 16, pytest.param(32, marks=pytest.mark.slow)])
def test_rtl_other_widths_sampled(width, seed, build_root):
    ks = sorted({2, 3, min(6, width), width - 1, width})
    configs = [{"k": k, "signedness": s} for k, s in zip(ks, ("unsigned", "sign_magnitude") * 3)]
    check_verify(verify(bundle("drum", f"drum_b{width}_mixed", width, configs), vectors=10_000, seed=seed,
                        build_root=build_root), 10_000 if width > 8 else 1 << (2 * width))


@needs_verilator
def test_rtl_registered_unit_pipelined(seed, build_root):
    params = {"width": 8, "k": 5, "signedness": "sign_magnitude", "pipeline": 2}
    check_verify(verify(get_unit("drum"), params, vectors="exhaustive", seed=seed, build_root=build_root), 1 << 16)


@needs_verilator
def test_mac_random_steps(seed, build_root):
    # k = 2 sign-magnitude: the accumulated term is the true product even where the port saturates.
    params = {"width": 8, "k": 2, "signedness": "sign_magnitude", "acc_width": 18, "pipeline": 1}
    check_verify(verify(get_unit("drum_mac"), params, vectors=30_000, seed=seed, build_root=build_root), 30_000)


def test_mac_model_accumulates_the_true_product():
    p = get_unit("drum_mac").resolve({"k": 2, "signedness": "sign_magnitude", "acc_width": 24})
    vec = {"a": np.array([-128, -128]), "b": np.array([-128, 3]), "en": np.array([1, 1]), "clr": np.array([1, 0])}
    assert get_unit("drum_mac").model(p, vec)["acc"].tolist() == [36864, 36864 - drum_ref(128, 3, 2)]
