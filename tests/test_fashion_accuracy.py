"""The Fashion-MNIST accuracy study: the IDX loader, the committed network, the fast bit-exact paths
(per-layer product tables, fp32-speed bf16 accumulation) against the golden-model paths, the CLI.

Tests that need the data set skip, with the reason, when Debian's dataset-fashion-mnist is absent."""

import contextlib
import gzip
import io
import json

import numpy as np
import pytest

from hwgen.accuracy import fashion_nn as fnn
from hwgen.accuracy.fashion_data import DEFAULT_DIR, DataMissing, load_fashion, read_idx
from hwgen.accuracy.fastmac import LayerMAC
from hwgen.accuracy.products import ProductStats, UnitProduct, int_matmul, unit_available
from hwgen.accuracy.variants import catalogue
from hwgen.cli import main

try:
    load_fashion()
    NO_DATA = None
except DataMissing as e:
    NO_DATA = str(e)
needs_data = pytest.mark.skipif(NO_DATA is not None, reason=NO_DATA or "")
needs_weights = pytest.mark.skipif(not fnn.weights_path("cnn").exists(), reason="fashion_cnn.npz not trained")


def by_name():
    return {v.name: v for v in catalogue()}


def _idx_bytes(a: np.ndarray) -> bytes:
    head = bytes([0, 0, 0x08, a.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in a.shape)
    return head + a.astype(np.uint8).tobytes()


def test_idx_reader_reads_plain_and_gzip_and_rejects_garbage(tmp_path, seed):
    a = np.random.default_rng(seed).integers(0, 256, (3, 28, 28))
    (tmp_path / "x").write_bytes(_idx_bytes(a))
    (tmp_path / "x.gz").write_bytes(gzip.compress(_idx_bytes(a)))
    np.testing.assert_array_equal(read_idx(tmp_path / "x"), a)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.gz"), a)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(DataMissing, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(_idx_bytes(a)[:-5])
    with pytest.raises(DataMissing, match="the header promises"):
        read_idx(tmp_path / "short")


def test_a_small_data_dir_loads(tmp_path, seed):
    rng = np.random.default_rng(seed)
    for stem, arr in (("train-images-idx3-ubyte", rng.integers(0, 256, (5, 28, 28))),
                      ("train-labels-idx1-ubyte", rng.integers(0, 10, 5)),
                      ("t10k-images-idx3-ubyte", rng.integers(0, 256, (4, 28, 28))),
                      ("t10k-labels-idx1-ubyte", rng.integers(0, 10, 4))):
        (tmp_path / (stem + ".gz")).write_bytes(gzip.compress(_idx_bytes(arr)))
    d = load_fashion(tmp_path)
    assert d.x_train.shape == (5, 1, 28, 28) and d.x_test.shape == (4, 1, 28, 28) and d.y_test.shape == (4,)


def test_missing_data_is_exit_1_with_the_install_hint(tmp_path, capsys):
    assert main(["accuracy", "--dataset", "fashion-mnist", "--data-dir", str(tmp_path / "none"), "--quick"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt-get install dataset-fashion-mnist" in err[0] and "--data-dir" in err[0]


def test_run_size_options_are_validated(capsys):
    assert main(["accuracy", "--dataset", "fashion-mnist", "--quick", "--full"]) == 2
    assert "--quick and --full" in capsys.readouterr().err
    assert main(["accuracy", "--full"]) == 2
    assert capsys.readouterr().err.startswith("hwgen: error: --full: only with --dataset fashion-mnist")


@pytest.mark.parametrize("mode, levels, mag", [("sign_magnitude", 128, False), ("unsigned", 256, True)])
def test_layer_tables_equal_the_model_accumulation(seed, mode, levels, mag):
    rng = np.random.default_rng(seed)
    b_range = (0, 255) if mag else (-127, 127)
    prod = UnitProduct("mitchw", {"width": 8, "w": 5, "signedness": mode}, (0, levels - 1), b_range)
    vals = rng.integers(-127, 128, (16, 72))
    ops, sign = (np.abs(vals), np.where(vals < 0, -1, 1)) if mag else (vals, None)
    a = rng.integers(0, levels, (300, 72)) * (rng.random((300, 72)) < 0.5)
    s_ref, s_fast = ProductStats(), ProductStats()
    want = int_matmul(a, ops, prod, sign, s_ref, vals)
    mac = LayerMAC(prod, ops, sign, vals, levels)
    assert not mac.exact
    np.testing.assert_array_equal(mac(a, s_fast), want)
    assert s_fast.n == s_ref.n > 0
    assert s_fast.bias == pytest.approx(s_ref.bias, rel=1e-9) and s_fast.mre == pytest.approx(s_ref.mre, rel=1e-9)
    with pytest.raises(ValueError, match="Activation codes must lie in"):
        mac(np.full((1, 72), levels))


def test_an_exact_unit_becomes_an_integer_matrix_product(seed):
    rng = np.random.default_rng(seed)
    prod = UnitProduct("mul", {"width": 8, "signed": True}, (0, 127), (-127, 127))
    vals = rng.integers(-127, 128, (10, 784))
    mac = LayerMAC(prod, vals, None, vals, 128)
    assert mac.exact and mac.table is None  # the model itself said its products are exact
    a = rng.integers(0, 128, (50, 784))
    np.testing.assert_array_equal(mac(a), a @ vals.T)


@pytest.mark.skipif(not unit_available("bf16_mac"), reason="unit bf16_mac is not registered")
@pytest.mark.parametrize("multiplier", ["exact", "mitchw"])
def test_fast_bf16_accumulation_equals_the_mac_model(seed, multiplier):
    from hwgen.accuracy.bf16 import Bf16Mac, to_bf16
    from hwgen.accuracy.bf16_fast import FastBf16Layer
    rng = np.random.default_rng(seed)
    mac = Bf16Mac(multiplier, 6 if multiplier == "mitchw" else None)
    w = to_bf16(rng.normal(0, 0.3, (4, 30)).astype(np.float32))
    w[1] = w[0] ^ 0x8000  # an output whose products cancel exactly: signed zeros
    if multiplier == "mitchw":
        w[3, :3] = to_bf16(np.float32([1e-36, -1e-36, 3e-37]))  # tiny products: every partial sum checked
    layer = FastBf16Layer(mac, w)
    for _ in range(2):  # the second batch reuses and grows the product table
        a = to_bf16(np.maximum(rng.normal(0, 1, (12, 30)), 0).astype(np.float32))
        np.testing.assert_array_equal(layer(a), mac.matmul(a, w))
        for i in range(2):  # and the registered bf16_mac model itself, step by step
            steps = {"a": a[i], "b": w[2], "en": np.ones(30, dtype=np.int64),
                     "clr": np.r_[1, np.zeros(29, dtype=np.int64)]}
            assert layer(a[i:i + 1])[0, 2] == mac.mac_unit.model(mac.mac_params, steps)["acc"][-1]


def test_paired_interval():
    from hwgen.accuracy.fashion_study import paired_ci
    ref = np.array([1, 1, 1, 1, 0, 0, 1, 1, 1, 1] * 10, dtype=bool)
    got = ref.copy()
    got[:10] = False  # 8 of them were right: delta -0.08
    lo, hi = paired_ci(got, ref)
    d = got.astype(float) - ref
    half = 1.959963984540054 * d.std(ddof=1) / 10
    assert lo == pytest.approx(-0.08 - half, abs=1e-5) and hi == pytest.approx(-0.08 + half, abs=1e-5)
    assert paired_ci(ref, ref) == (0.0, 0.0)


@needs_data
@needs_weights
def test_committed_cnn_records_89_percent_and_holds_it_on_1000_images():
    d = load_fashion()
    net = fnn.load_fnet("cnn")
    assert net.meta["test_top1"] >= 0.89 and net.meta["seed"] == 1
    assert float((fnn.forward(net, d.x_test[:1000]).argmax(1) == d.y_test[:1000]).mean()) >= 0.89


@pytest.mark.slow
@needs_data
@needs_weights
def test_committed_cnn_reaches_89_percent():
    d = load_fashion()
    net = fnn.load_fnet("cnn")
    top1 = float((fnn.forward(net, d.x_test).argmax(1) == d.y_test).mean())
    assert top1 >= 0.89
    assert abs(top1 - net.meta["test_top1"]) < 0.002  # what the training script measured


@needs_data
@needs_weights
def test_int8_network_equals_plain_numpy_reference():
    from hwgen.accuracy.fashion_engine import FIntNet, input_codes
    from hwgen.accuracy.quant import requant_reference
    d = load_fashion()
    inet = FIntNet(fnn.load_fnet("cnn"), by_name()["int8"].scheme(), d.x_train[:500])  # any calibration
    x = d.x_test[:20]

    def conv(h, w):
        n, c, hh, ww = h.shape
        w = w.reshape(len(w), c, 3, 3)
        hp = np.pad(h, ((0, 0), (0, 0), (1, 1), (1, 1)))
        out = np.zeros((n, len(w), hh, ww), dtype=np.int64)
        for ky in range(3):
            for kx in range(3):
                out += np.einsum("nchw,oc->nohw", hp[:, :, ky:ky + hh, kx:kx + ww], w[:, :, ky, kx])
        return out

    def rq(acc, layer, shift):
        b = layer.bias.reshape((-1,) + (1,) * (acc.ndim - 2))
        return requant_reference(acc + b, 0, shift, 7, True)

    def pool(h):
        n, c, hh, ww = h.shape
        return h.reshape(n, c, hh // 2, 2, ww // 2, 2).max(axis=(3, 5))

    h = pool(rq(conv(input_codes(x, 7)[0], inet.l1.q.values), inet.l1, inet.shift1))
    h = pool(rq(conv(h, inet.l2.q.values), inet.l2, inet.shift2)).reshape(len(x), -1)
    h = requant_reference(h @ inet.l3.q.values.T + inet.l3.bias, 0, inet.shift3, 7, True)
    want = h @ inet.l4.q.values.T + inet.l4.bias
    got = inet.logits(x)
    assert inet.requant_label == "unit:requant" and all(lay.mac is not None for lay in inet.layers.values())
    np.testing.assert_array_equal(got, want)


@needs_data
@needs_weights
@pytest.mark.parametrize("kind, conv2", [("adder", "direct"), ("wino_standard", "standard")])
def test_adder_networks_track_their_fp32_run(kind, conv2):
    from hwgen.accuracy.fashion_adder import FIntAdderNet
    if not fnn.weights_path(kind).exists():
        pytest.skip(f"fashion_{kind}.npz not trained")
    d = load_fashion()
    net = fnn.load_fnet(kind)
    x = d.x_test[:40]
    ref = fnn.forward(net, x)
    got = FIntAdderNet(net, conv2, d.x_train[:500]).logits_float(x)
    assert np.mean(got.argmax(1) == ref.argmax(1)) >= 0.9
    assert np.abs(got - ref).max() <= 0.25 * np.abs(ref).max()


@needs_data
@needs_weights
def test_cli_records_state_images_and_intervals():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["accuracy", "--dataset", "fashion-mnist", "--quick", "--jobs", "1", "--variants", "fp32",
                     "mitchw6_8_sm", "--json"]) == 0
    fp32, mw = json.loads(out.getvalue())
    for r in (fp32, mw):
        assert r["status"] == "ok" and r["dataset"] == "fashion-mnist" and r["images"] == 1000
        assert r["image_set"] == "first 1000 test images"
        lo, hi = r["ci95_delta"]
        assert lo <= r["delta_vs_fp32"] <= hi
    assert fp32["ci95_delta"] == [0.0, 0.0] and fp32["top1"] >= 0.85
    assert mw["product_bias"] < 0 and set(mw["layer_scale"]) == {"conv1", "conv2", "fc1", "fc2"}
    assert all(0.8 < s["slope"] < 1.0 for s in mw["layer_scale"].values())  # Mitch-w scales down
    assert mw["bn_images"] == "first 500 training images" and 0 <= mw["top1_bn_recomputed"] <= 1


def test_key_set_takes_marked_catalogue_variants():
    from hwgen.accuracy.fashion_study import KEY, key_set
    from hwgen.accuracy.variants import Variant
    cat = catalogue()
    assert [v.name for v in key_set(cat)] == [v.name for v in cat if v.name in KEY or v.info.get("key")]
    # the unsigned-datapath families join at their defaults, 8-bit sign-magnitude
    assert {"drum6_8_sm", "ilm2_8_sm", "mitchw_ec8_8_sm"} <= {v.name for v in key_set(cat)}
    assert set(KEY) <= {v.name for v in cat}
    extra = Variant("newfamily_default", "mitchw", info={"operand_width": 8, "key": True})
    assert key_set(cat + [extra])[-1] is extra


def test_default_data_dir_is_the_debian_one():
    assert str(DEFAULT_DIR) == "/usr/share/datasets/fashion-mnist"


def test_transposed_im2col_is_the_transpose(seed):
    from hwgen.accuracy import nn
    from hwgen.accuracy.fastmac import im2col_t
    x = np.random.default_rng(seed).integers(0, 128, (3, 4, 6, 6)).astype(np.uint8)
    np.testing.assert_array_equal(im2col_t(x), nn.im2col(x).reshape(-1, 36).T)


@pytest.mark.parametrize("conv2", ["direct", "standard", "balanced"])
def test_fast_adder_layer_equals_the_unit_model_path(seed, conv2):
    """The per-layer term tables of adder_fast against one unit-model call per (image, tile, channel,
    output) (FIntAdderNet.conv2_acc), on random codes including the extremes and all-zero windows."""
    from types import SimpleNamespace

    from hwgen.accuracy.adder import U_FRAC
    from hwgen.accuracy.adder_fast import FastAdderConv2
    from hwgen.accuracy.fashion_adder import FIntAdderNet
    from hwgen.numeric.winograd_matrices import filter_transform, preset
    from hwgen.registry import get_unit
    rng = np.random.default_rng(seed)
    w2 = rng.integers(-127, 128, (fnn.C2, 3, 3, 3))
    w2[0, 0] = 127
    w2[1, 1] = -127
    h = rng.integers(0, 128, (2, 3, 6, 6))
    h[0, 0] = 0
    h[1, 1, :2] = 127
    if conv2 == "direct":
        unit = get_unit("adder_direct")
        params = unit.resolve({"d_width": 8, "w_width": 8, "tile": 2})
        u = None
    else:
        unit = get_unit("wino_adder")
        params = unit.resolve({"d_width": 8, "u_width": 12, "u_frac": U_FRAC, "matrices": conv2, "tile": 2})
        u = filter_transform(w2, preset(conv2, 2), U_FRAC).astype(np.int64)
    model_path = FIntAdderNet.conv2_acc(SimpleNamespace(mode=conv2, unit=unit, params=params, w2=w2, u=u), h)
    fast = FastAdderConv2(unit, params, w2 if u is None else None, u, 128)
    got = fast(h)
    assert got.shape == model_path.shape == (2, fnn.C2, 6, 6)
    assert np.any(model_path != 0)
    np.testing.assert_array_equal(got, model_path)
    with pytest.raises(ValueError, match="Activation codes"):
        fast(h + 1)
