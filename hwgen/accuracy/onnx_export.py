"""The digits study's trained CNN as an ONNX model and its test set as DATA.npz: a real network for
`hwgen accuracy --onnx` whose fp32 accuracy is known from the study (used by the tests and as an example:
``python -m hwgen.accuracy.onnx_export OUT_DIR``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from hwgen.accuracy import nn

__all__ = ["digits_cnn_model", "digits_test_data", "write_example"]


def digits_cnn_model():
    """conv1 3x3 pad 1 -> BN -> Relu -> MaxPool 2 -> conv2 3x3 pad 1 -> BN -> Relu -> Flatten -> Gemm."""
    from onnx import TensorProto, helper, numpy_helper
    net = nn.load_net("cnn")

    def t(name, a):
        return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)

    inits = [t("w1", net.w1), t("w2", net.w2), t("wf", net.wf), t("bf", net.bf)]
    for i, bn in ((1, net.bn1), (2, net.bn2)):
        inits += [t(f"bn{i}_{k}", bn[k]) for k in ("gamma", "beta", "mean", "var")]
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["z1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["z1", "bn1_gamma", "bn1_beta", "bn1_mean", "bn1_var"], ["n1"],
                         name="bn1", epsilon=nn.BN_EPS),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2"], ["z2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["z2", "bn2_gamma", "bn2_beta", "bn2_mean", "bn2_var"], ["n2"],
                         name="bn2", epsilon=nn.BN_EPS),
        helper.make_node("Relu", ["n2"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(nodes, "digits_cnn",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1, 8, 8])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [None, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="hwgen")
    model.ir_version = 8
    return model


def digits_test_data() -> dict:
    """The study's 539 test images as the fp32 path sees them (pixel / 16) and their labels."""
    from hwgen.accuracy.data import load
    d = load()
    return {"x": (d.x_test / 16.0).astype(np.float32), "y": d.y_test.astype(np.int64)}


def write_example(out_dir: str | Path) -> tuple[Path, Path]:
    """digits_cnn.onnx and digits_test.npz in ``out_dir``."""
    import io

    import onnx

    from hwgen.atomic import atomic_write_bytes
    out = Path(out_dir)
    model_path, data_path = out / "digits_cnn.onnx", out / "digits_test.npz"
    atomic_write_bytes(model_path, digits_cnn_model().SerializeToString())
    buf = io.BytesIO()
    np.savez(buf, **digits_test_data())
    atomic_write_bytes(data_path, buf.getvalue())
    onnx.checker.check_model(str(model_path))
    return model_path, data_path


if __name__ == "__main__":
    for p in write_example(sys.argv[1] if len(sys.argv) > 1 else "."):
        print(p)
