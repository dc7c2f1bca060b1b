"""`hwgen accuracy --onnx`: a small CNN built with onnx.helper runs through the numpy interpreter as
onnxruntime runs it (fp32), then through the units' golden models; bad files are one-line exit 2."""

import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from hwgen.accuracy.onnx_graph import load_graph  # noqa: E402
from hwgen.accuracy.onnx_study import fp32_logits  # noqa: E402
from hwgen.cli import main  # noqa: E402

SEED = 1717


def _init(name, arr):
    return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)


def build_cnn(path, extra_node=None):
    """input 1x12x12 -> Conv 3x3 (6) -> BN -> Relu -> MaxPool 2 -> [Conv 3x3 pad 1 | Conv 1x1 stride 1] -> Add
    -> Clip(0, 6) -> Concat with a grouped 3x3 conv -> AveragePool 2 -> Flatten -> Gemm (transB) -> Relu ->
    Reshape -> MatMul -> logits (10). Seeded random weights."""
    rng = np.random.default_rng(SEED)
    inits = [
        _init("w1", rng.normal(0, 0.5, (6, 1, 3, 3))), _init("b1", rng.normal(0, 0.1, 6)),
        _init("bn_s", rng.uniform(0.5, 1.5, 6)), _init("bn_b", rng.normal(0, 0.1, 6)),
        _init("bn_m", rng.normal(0, 0.1, 6)), _init("bn_v", rng.uniform(0.5, 1.5, 6)),
        _init("w2a", rng.normal(0, 0.3, (8, 6, 3, 3))), _init("w2b", rng.normal(0, 0.3, (8, 6, 1, 1))),
        _init("b2b", rng.normal(0, 0.1, 8)),
        _init("w3", rng.normal(0, 0.3, (4, 3, 3, 3))),  # group 2: 6 -> 4 channels
        _init("lo", 0.0), _init("hi", 6.0),
        _init("wf", rng.normal(0, 0.2, (16, 108))), _init("bf", rng.normal(0, 0.1, 16)),
        numpy_helper.from_array(np.array([-1, 16], dtype=np.int64), "shape"),
        _init("wm", rng.normal(0, 0.3, (16, 10))),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[0, 0, 0, 0]),
        helper.make_node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2a"], ["c2a"], name="conv2a", pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["p1", "w2b", "b2b"], ["c2b"], name="conv2b"),
        helper.make_node("Add", ["c2a", "c2b"], ["s2"], name="add"),
        helper.make_node("Clip", ["s2", "lo", "hi"], ["r2"], name="clip"),
        helper.make_node("Conv", ["p1", "w3"], ["c3"], name="conv3", group=2, pads=[1, 1, 1, 1]),
        helper.make_node("Concat", ["r2", "c3"], ["cat"], name="concat", axis=1),
        helper.make_node("AveragePool", ["cat"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2],
                         pads=[0, 0, 1, 1]),
        helper.make_node("Flatten", ["p2"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["g"], name="fc1", transB=1),
        helper.make_node("Relu", ["g"], ["rg"], name="relu2"),
        helper.make_node("Reshape", ["rg", "shape"], ["rs"], name="reshape"),
        helper.make_node("MatMul", ["rs", "wm"], ["logits"], name="fc2"),
    ]
    if extra_node is not None:
        nodes.append(extra_node)
    out = extra_node.output[0] if extra_node is not None else "logits"
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1, 12, 12])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, [None, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    d = tmp_path_factory.mktemp("onnx")
    model = build_cnn(d / "tiny.onnx")
    x = np.random.default_rng(SEED + 1).uniform(0, 1, (120, 1, 12, 12)).astype(np.float32)
    y = fp32_logits(load_graph(model), x).argmax(1)  # labels = the fp32 network's own answers
    np.savez(d / "data.npz", x=x, y=y)
    return model, d / "data.npz", x


def test_fp32_interpreter_agrees_with_onnxruntime(net):
    ort = pytest.importorskip("onnxruntime")
    model, _, x = net
    want = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    got = fp32_logits(load_graph(model), x)
    assert got.shape == want.shape == (120, 10)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert np.abs(want).max() > 0.1  # a real signal, not all zeros


def _run(capsys, argv):
    code = main(["accuracy", *argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_variants_run_through_the_unit_models(net, capsys):
    model, data, _ = net
    code, out, err = _run(capsys, ["--onnx", str(model), "--data", str(data), "--calib", "40", "--json",
                                   "--variants", "mitchw4_8_sm", "mitchw6_8_u", "exp3", "expfit4"])
    assert code == 0, err
    recs = {r["variant"]: r for r in json.loads(out)}
    assert list(recs) == ["fp32", "int8", "mitchw6_8_u", "mitchw4_8_sm", "exp3", "expfit4"]  # catalogue order
    assert recs["fp32"]["top1"] == 1.0 and recs["fp32"]["agree_fp32"] == 1.0
    for r in recs.values():
        assert r["status"] == "ok" and r["images"] == 120 and r["calib_images"] == 40 and r["mac_layers"] == 6
    assert recs["int8"]["unit"] == "mul" and recs["int8"]["product_bias"] == 0.0
    assert recs["int8"]["agree_fp32"] >= 0.9
    assert recs["mitchw4_8_sm"]["product_bias"] < 0 and recs["mitchw4_8_sm"]["product_mre"] > 0
    assert recs["mitchw6_8_u"]["product_mre"] < recs["mitchw4_8_sm"]["product_mre"]
    assert recs["exp3"]["unit"] == "shift_mul"
    # coarser arithmetic disagrees more often with fp32 than exact int8 does
    assert recs["mitchw4_8_sm"]["agree_fp32"] <= recs["int8"]["agree_fp32"]


def test_unsupported_operator_names_itself_and_its_node(net, tmp_path, capsys):
    _, data, _ = net
    bad = build_cnn(tmp_path / "bad.onnx", helper.make_node("Sigmoid", ["logits"], ["prob"], name="squash"))
    code, _, err = _run(capsys, ["--onnx", str(bad), "--data", str(data)])
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "unsupported operator 'Sigmoid' at node 'squash'" in err


@pytest.mark.parametrize("arrays,needle", [
    ({"x": np.zeros((4, 1, 12, 12), np.float32)}, "must hold arrays 'x' and 'y'"),
    ({"x": np.zeros((4, 144), np.float32), "y": np.zeros(4, np.int64)}, "(N, C, H, W)"),
    ({"x": np.zeros((4, 1, 12, 12), np.float32), "y": np.zeros(3, np.int64)}, "y must be 4 integer labels"),
    ({"x": np.zeros((4, 1, 10, 10), np.float32), "y": np.zeros(4, np.int64)}, "the network takes"),
])
def test_bad_data_is_one_line_exit_2(net, tmp_path, capsys, arrays, needle):
    model, _, _ = net
    np.savez(tmp_path / "d.npz", **arrays)
    code, _, err = _run(capsys, ["--onnx", str(model), "--data", str(tmp_path / "d.npz")])
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv,needle", [
    (["--onnx", "{model}"], "needs --data"),
    (["--data", "{data}"], "go with --onnx"),
    (["--onnx", "{data}", "--data", "{data}"], "not a readable ONNX model"),
    (["--onnx", "{model}", "--data", "{data}", "--variants", "adder_direct"], "study's own networks"),
    (["--onnx", "{model}", "--data", "{data}", "--calib", "0"], "--calib must be a positive"),
])
def test_bad_arguments_are_one_line_exit_2(net, capsys, argv, needle):
    model, data, _ = net
    code, _, err = _run(capsys, [a.format(model=model, data=data) for a in argv])
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_the_digits_cnn_as_onnx_reproduces_the_study(tmp_path, capsys):
    """A trained network: the study's CNN exported to ONNX gives the study's fp32 predictions on the same
    539 test images, with onnxruntime, and int8 through the mul model stays with fp32."""
    from hwgen.accuracy import nn
    from hwgen.accuracy.data import load
    from hwgen.accuracy.onnx_export import write_example
    model, data = write_example(tmp_path)
    study = nn.forward(nn.load_net("cnn"), load().x_test).argmax(1)
    ours = fp32_logits(load_graph(model), np.load(data)["x"]).argmax(1)
    assert np.array_equal(ours, study)
    ort = pytest.importorskip("onnxruntime")
    want = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"x": np.load(data)["x"]})[0]
    assert np.array_equal(want.argmax(1), study)
    code, out, err = _run(capsys, ["--onnx", str(model), "--data", str(data), "--json", "--variants", "mitchw6_8_sm"])
    assert code == 0, err
    fp32, int8, mw = json.loads(out)
    assert fp32["images"] == 539 and fp32["top1"] == pytest.approx(float((study == load().y_test).mean()), abs=1e-5)
    assert int8["agree_fp32"] >= 0.98 and mw["agree_fp32"] >= 0.97 and mw["product_bias"] < 0
