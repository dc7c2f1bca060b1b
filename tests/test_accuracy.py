"""The accuracy study's bit-exact inference: data split, weights, golden-model paths against fp32 and
against plain-numpy integer references, the zero-skipping accumulation, the bf16 MAC vectorisation."""

import numpy as np
import pytest

from hwgen.accuracy import nn
from hwgen.accuracy.data import load
from hwgen.accuracy.engine import IntNet, Scheme, pow2_weights, recompute_bn
from hwgen.accuracy.products import UnitProduct, int_matmul, unit_available
from hwgen.accuracy.quant import requant_reference
from hwgen.accuracy.variants import catalogue

#: A handful of test images (fixed): enough to compare paths, cheap enough for the default suite.
FEW = slice(0, 60)


@pytest.fixture(scope="module")
def digits():
    return load()


@pytest.fixture(scope="module")
def cnn():
    return nn.load_net("cnn")


def by_name():
    return {v.name: v for v in catalogue()}


def test_split_is_fixed_stratified_and_disjoint(digits):
    assert digits.x_train.shape == (1258, 1, 8, 8) and digits.x_test.shape == (539, 1, 8, 8)
    assert digits.x_train.min() == 0 and digits.x_train.max() == 16
    # stratified: every class holds 30 % (rounded) of its images in the test split
    counts = np.bincount(digits.y_test, minlength=10) / (np.bincount(digits.y_test, minlength=10)
                                                           + np.bincount(digits.y_train, minlength=10))
    assert np.all(np.abs(counts - 0.3) < 0.01)
    train = {x.tobytes() for x in digits.x_train}
    assert sum(x.tobytes() in train for x in digits.x_test) <= 2  # the data set has a few duplicate images


@pytest.mark.parametrize("kind, floor", [("cnn", 0.97), ("adder", 0.95), ("wino_standard", 0.95),
                                         ("wino_balanced", 0.90)])
def test_committed_weights_reach_their_recorded_accuracy(digits, kind, floor):
    net = nn.load_net(kind)
    top1 = float((nn.forward(net, digits.x_test).argmax(1) == digits.y_test).mean())
    assert top1 >= floor
    assert abs(top1 - net.meta["test_top1"]) < 0.002  # what the training script measured


def test_load_net_rejects_unknown_kind():
    with pytest.raises(ValueError, match=r"^Model kind must be one of cnn, adder, wino_standard, "
                                         r"wino_balanced, not 'resnet'$"):
        nn.load_net("resnet")


def _reference_int_logits(inet: IntNet, pixels):
    """Plain numpy, no unit model and no im2col: shifted-window sums of exact products, the half_up
    shift requantizer, max pooling, then the fc layer."""
    def conv(x, w):  # x (N, C, H, W), w (O, C*9) as (c, ky, kx)
        n, c, h, wd = x.shape
        w = w.reshape(len(w), c, 3, 3)
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        out = np.zeros((n, len(w), h, wd), dtype=np.int64)
        for ky in range(3):
            for kx in range(3):
                out += np.einsum("nchw,oc->nohw", xp[:, :, ky:ky + h, kx:kx + wd], w[:, :, ky, kx])
        return out

    def rq(acc, layer, shift):
        return requant_reference(acc + layer.bias[:, None, None], 0, shift, inet.scheme.act_bits, True)

    x = pixels.astype(np.int64) << 2  # pixels 0..16 as 7-bit codes
    h = rq(conv(x, inet.l1.q.values), inet.l1, inet.shift1)
    h = h.reshape(len(x), nn.C1, 4, 2, 4, 2).max(axis=(3, 5))
    f = rq(conv(h, inet.l2.q.values), inet.l2, inet.shift2).reshape(len(x), -1)
    return f @ inet.lf.q.values.T + inet.lf.bias


def test_int8_path_equals_plain_numpy_integer_reference(digits, cnn):
    v = by_name()["int8"]
    inet = IntNet(cnn, v.scheme())
    assert inet.requant_label == "unit:requant"  # the requant unit's model did the requantization
    x = digits.x_test[FEW]
    got = inet.logits(x)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, _reference_int_logits(inet, x))


@pytest.mark.parametrize("name, min_agree, max_rel", [("int8", 0.98, 0.05), ("mitchw8_16_sm", 0.95, 0.2),
                                                      ("mitchw6_8_sm", 0.95, 0.2)])
def test_golden_model_inference_tracks_fp32(digits, cnn, name, min_agree, max_rel):
    x = digits.x_test[FEW]
    ref = nn.forward(cnn, x)
    inet = IntNet(cnn, by_name()[name].scheme())
    got = inet.logits_float(x, stats=True)
    assert np.mean(got.argmax(1) == ref.argmax(1)) >= min_agree
    assert np.abs(got - ref).max() <= max_rel * np.abs(ref).max()
    if name.startswith("mitchw"):  # Mitch-w never overestimates: every layer's product bias is negative
        assert all(s.n > 0 and s.bias < 0 for s in inet.stats.values())


def test_unit_product_table_equals_direct_model_calls(seed):
    from hwgen.registry import get_unit
    rng = np.random.default_rng(seed)
    u = get_unit("mitchw")
    params = {"width": 8, "w": 5, "signedness": "ones_complement"}
    prod = UnitProduct("mitchw", params, (0, 127), (-127, 127))
    assert prod.tabulated
    a, b = rng.integers(0, 128, 5000), rng.integers(-127, 128, 5000)
    np.testing.assert_array_equal(prod(a, b), u.model(u.resolve(params), {"a": a, "b": b})["p"])
    with pytest.raises(ValueError, match=r"^Operands of unit 'mitchw' must lie in \(0, 127\) x \(-127, 127\)$"):
        prod(np.array([128]), np.array([0]))


@pytest.mark.parametrize("width", [8, 16])
def test_sparse_accumulation_equals_dense_model_products(seed, width):
    rng = np.random.default_rng(seed)
    q = (1 << (width - 1)) - 1
    prod = UnitProduct("mitchw", {"width": width, "w": 4, "signedness": "sign_magnitude"}, (0, q), (-q, q))
    a = rng.integers(0, q + 1, (40, 30)) * (rng.random((40, 30)) < 0.5)  # half zeros, like ReLU outputs
    a[3] = 0  # a row with nothing to accumulate
    w = rng.integers(-q, q + 1, (7, 30))
    dense = prod(a[:, None, :], w[None]).sum(axis=-1)
    np.testing.assert_array_equal(int_matmul(a, w, prod), dense)
    np.testing.assert_array_equal(int_matmul(a, w, None), a @ w.T)


def test_bn_recomputation_on_the_exact_network_returns_the_trained_statistics(digits, cnn):
    scheme = Scheme(15, pow2_weights(16), (-32767, 32767))  # exact 16-bit products
    new = recompute_bn(cnn, scheme, digits.x_train)
    for bn_new, bn_old in ((new.bn1, cnn.bn1), (new.bn2, cnn.bn2)):
        for k in ("mean", "var"):
            assert np.abs(bn_new[k] - bn_old[k]).max() <= 1e-3 * np.abs(bn_old[k]).max()


@pytest.mark.parametrize("conv2", ["direct", "standard", "balanced"])
def test_adder_paths_track_fp32(digits, conv2):
    from hwgen.accuracy.adder import IntAdderNet
    kind = "adder" if conv2 == "direct" else f"wino_{conv2}"
    net = nn.load_net(kind)
    x = digits.x_test[FEW]
    ref = nn.forward(net, x)
    got = IntAdderNet(net, conv2).logits_float(x)
    assert np.mean(got.argmax(1) == ref.argmax(1)) >= 0.95
    assert np.abs(got - ref).max() <= 0.15 * np.abs(ref).max()


@pytest.mark.skipif(not unit_available("bf16_mac"), reason="unit bf16_mac is not registered")
@pytest.mark.parametrize("multiplier", ["exact", "mitchw"])
def test_vectorised_bf16_mac_equals_the_registered_mac_model(seed, multiplier):
    from hwgen.accuracy.bf16 import Bf16Mac, to_bf16
    rng = np.random.default_rng(seed)
    mac = Bf16Mac(multiplier, 6 if multiplier == "mitchw" else None)
    a = to_bf16(np.maximum(rng.normal(0, 1, (6, 40)), 0).astype(np.float32))  # ReLU'd activations
    w = to_bf16(rng.normal(0, 0.3, (3, 40)).astype(np.float32))
    got = mac.matmul(a, w)
    for i in range(6):
        for o in range(3):
            steps = {"a": a[i], "b": w[o], "en": np.ones(40, dtype=np.int64),
                     "clr": np.r_[1, np.zeros(39, dtype=np.int64)]}
            want = mac.mac_unit.model(mac.mac_params, steps)["acc"][-1]
            assert got[i, o] == want


def test_catalogue_names_every_required_variant():
    names = [v.name for v in catalogue()]
    assert len(names) == len(set(names))
    required = {"fp32", "int8", "bf16", "bf16_mitchw6", "adder_direct", "adder_wino_standard",
                "adder_wino_balanced"}
    required |= {f"mitchw{w}_{n}_{m}" for w in range(3, 9) for n in (8, 16) for m in ("u", "oc", "sm")}
    required |= {f"{m}{n}" for m in ("exp", "lin") for n in range(2, 7)}
    required |= {f"{f}_8_{m}" for f in ("drum6", "ilm2", "mitchw_ec8") for m in ("sm", "u")}
    assert required <= set(names)
    for v in catalogue():
        assert v.family == "float" or v.units, v.name
        if v.energy:
            assert v.energy[0] in {"mac", "mitchw_mac", "shift_mac", "bf16_mac", "adder_direct",
                                   "wino_adder_array", "drum_mac", "ilm_mac", "mitchw_ec_mac"} and v.energy[2] >= 1
