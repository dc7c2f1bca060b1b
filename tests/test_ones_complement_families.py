# amaranth: UnusedElaboratable=no
"""`signedness=ones_complement` of drum, ilm and mitchw_ec (units.md §1's mode, as Mitch-w has it): a negative
x enters as ~x = |x| - 1 (-1 as 1), the product is bit-inverted when exactly one operand is negative, and
+0 gives 0. The golden models against plain ints written in the tests of each family, the RTL against the
models (exhaustive at 8 bits), the MAC, the error figures and the port range."""

import numpy as np
import pytest
from approx_bundle import bundle
from approx_checks import assert_error_report, check_verify, needs_verilator, plain_metrics, signed_ref
from test_drum import drum_ref
from test_ilm import ilm_ref
from test_mitchw_ec import ec_ref

from hwgen.metrics import characterise
from hwgen.registry import get_unit
from hwgen.units.mitchw_ec.table import correction_table
from hwgen.verify import verify

OC = "ones_complement"
A, B = (v - 128 for v in np.divmod(np.arange(1 << 16), 256))


def _refs():
    table = correction_table(8, 2, "segments", 4)  # the defaults: w = 8, q = 2, m = 4
    return {"drum": lambda x, y: drum_ref(x, y, 6), "ilm": lambda x, y: ilm_ref(x, y, 2),
            "mitchw_ec": lambda x, y: ec_ref(x, y, 8, 2, table)}


def _model(name, params, a, b):
    unit = get_unit(name)
    return unit.model(unit.resolve(params), {"a": np.asarray(a), "b": np.asarray(b)})["p"]


@pytest.mark.parametrize("name", ["drum", "ilm", "mitchw_ec"])
def test_model_equals_plain_ints_on_every_8bit_pair(name):
    ref = _refs()[name]
    want = [signed_ref(ref, x, y, 8, OC) for x, y in zip(A.tolist(), B.tolist())]
    got = _model(name, {"signedness": OC}, A, B).tolist()
    assert got == want
    # Operands stay below 2^(N-1): nothing reaches the port's limits, so no saturation is needed.
    assert -(1 << 15) < min(got) and max(got) < (1 << 15) - 1


def test_spot_values():
    # DRUM-6: ~(-100) = 99 -> segment 49 << 1, 100 -> 51 << 1; 49 * 51 << 2 = 9996, inverted: -9997.
    assert _model("drum", {"signedness": OC}, [-1, -1, 3, -100, 0, -128], [-1, 5, -1, 100, -7, -128]).tolist() == \
        [1, -6, -4, -9997, 0, drum_ref(127, 127, 6)]
    assert _model("ilm", {"signedness": OC}, [-1, 0], [-1, -1]).tolist() == [1, 0]


@pytest.mark.parametrize("name, params", [("drum", {"k": 4}), ("ilm", {"iterations": 1}), ("mitchw_ec", {})])
def test_error_figures_pinned_against_plain_ints(name, params):
    refs = {"drum": lambda x, y: drum_ref(x, y, 4), "ilm": lambda x, y: ilm_ref(x, y, 1),
            "mitchw_ec": _refs()["mitchw_ec"]}
    want = plain_metrics(lambda x, y: signed_ref(refs[name], x, y, 8, OC), 8, True)
    assert_error_report(characterise(get_unit(name), {**params, "signedness": OC}), want)


@needs_verilator
@pytest.mark.parametrize("name, configs", [
    ("ilm", [{"signedness": OC}, {"iterations": 1, "w": 4, "signedness": OC}, {"iterations": 4, "signedness": OC}]),
    ("mitchw_ec", [{"signedness": OC}, {"w": 6, "q": 2, "m": 4, "signedness": OC},
                   {"correction": "constant", "w": 5, "signedness": OC}]),
])
def test_rtl_width8_exhaustive(name, configs, seed, build_root):
    # (drum's ones'-complement configurations are in its own exhaustive bundle, tests/test_drum.py)
    check_verify(verify(bundle(name, f"{name}_b8_oc", 8, configs), vectors="exhaustive", seed=seed,
                        build_root=build_root), 1 << 16)


@needs_verilator
@pytest.mark.slow  # the MAC frame is shared; the default suite proves drum_mac in this mode (test_prove.py)
def test_mac_random_steps(seed, build_root):
    params = {"width": 8, "signedness": OC, "acc_width": 20, "pipeline": 1}
    check_verify(verify(get_unit("mitchw_ec_mac"), params, vectors=20_000, seed=seed, build_root=build_root), 20_000)


def test_mac_model_accumulates_the_inverted_products():
    unit = get_unit("drum_mac")
    p = unit.resolve({"signedness": OC, "acc_width": 20})
    vec = {"a": np.array([-1, 5, 0]), "b": np.array([5, 5, -9]), "en": np.array([1, 1, 1]), "clr": np.array([1, 0, 0])}
    assert unit.model(p, vec)["acc"].tolist() == [-6, -6 + 25, -6 + 25]
