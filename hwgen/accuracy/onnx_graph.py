"""A user's ONNX network and data set for `hwgen accuracy --onnx`: reading and validating them.

The network is read with the ``onnx`` package into a plain list of :class:`Node` (operator, inputs,
outputs, attributes as Python values) and the initializers as numpy arrays; everything wrong with the
file (unreadable, several inputs, an operator outside :data:`SUPPORTED`) is a ``ParamError`` naming the
file, the operator and its node, before anything runs. DATA.npz holds ``x`` (N, C, H, W) float32 and
``y`` (N,) integer labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hwgen.params import ParamError

__all__ = ["SUPPORTED", "Node", "Graph", "load_graph", "load_data"]

#: Operators the interpreter runs (Constant and Identity too, as exporters emit them for shapes).
SUPPORTED = ("Conv", "Gemm", "MatMul", "Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool",
             "BatchNormalization", "Flatten", "Reshape", "Add", "Concat", "Constant", "Identity")


@dataclass
class Node:
    op: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Graph:
    nodes: list[Node]
    consts: dict[str, np.ndarray]  # initializers and Constant outputs
    input: str
    input_shape: tuple  # dims as given (None for symbolic ones)
    output: str
    path: str


def _short(p) -> str:
    s = str(p)
    return s if len(s) <= 80 else "..." + s[-77:]


def _attr(a) -> Any:
    from onnx import helper, numpy_helper
    v = helper.get_attribute_value(a)
    if a.type == a.TENSOR:
        return numpy_helper.to_array(v)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list) and v and isinstance(v[0], bytes):
        return [x.decode() for x in v]
    return v


def load_graph(path: str | Path) -> Graph:
    """Read and validate ``path`` (ParamError on anything the interpreter cannot run)."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        from hwgen.toolchain import ToolError
        raise ToolError("--onnx needs the onnx package: pip install 'onnx==1.23.2'") from None
    p = Path(path)
    if not p.is_file():
        raise ParamError(f"--onnx {_short(p)!r}: no such file")
    try:
        model = onnx.load(str(p))
    except Exception as e:  # protobuf DecodeError and friends: not an ONNX file
        raise ParamError(f"--onnx {_short(p)!r} is not a readable ONNX model ({type(e).__name__})") from None
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    inputs = [i for i in g.input if i.name not in consts]
    if len(inputs) != 1 or len(g.output) != 1:
        raise ParamError(f"--onnx {_short(p)!r}: the network must have one input and one output, not "
                         f"{len(inputs)} and {len(g.output)}")
    nodes = []
    for i, n in enumerate(g.node):
        name = n.name or f"#{i}"
        if n.domain not in ("", "ai.onnx") or n.op_type not in SUPPORTED:
            raise ParamError(f"--onnx {_short(p)!r}: unsupported operator {n.op_type!r} at node {name!r}; "
                             f"supported: {', '.join(SUPPORTED)}")
        node = Node(n.op_type, name, list(n.input), list(n.output), {a.name: _attr(a) for a in n.attribute})
        if node.op == "Constant":
            if "value" not in node.attrs:
                raise ParamError(f"--onnx {_short(p)!r}: Constant node {name!r} must hold a tensor 'value'")
            consts[node.outputs[0]] = np.asarray(node.attrs["value"])
            continue
        nodes.append(node)
    dims = tuple(d.dim_value if d.HasField("dim_value") else None
                 for d in inputs[0].type.tensor_type.shape.dim)
    return Graph(nodes, consts, inputs[0].name, dims, g.output[0].name, str(p))


def load_data(path: str | Path, graph: Graph | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (N, C, H, W) float32 and ``y`` (N,) int64 of DATA.npz, checked against the network's
    input shape when it is known."""
    p = Path(path)
    if not p.is_file():
        raise ParamError(f"--data {_short(p)!r}: no such file")
    try:
        with np.load(p, allow_pickle=False) as z:
            keys = set(z.files)
            if not {"x", "y"} <= keys:
                raise ParamError(f"--data {_short(p)!r} must hold arrays 'x' and 'y', it has "
                                 f"{', '.join(sorted(keys)) or 'none'}"[:200])
            x, y = z["x"], z["y"]
    except ParamError:
        raise
    except Exception as e:
        raise ParamError(f"--data {_short(p)!r} is not a readable .npz file ({type(e).__name__})") from None
    if x.ndim != 4 or x.dtype.kind != "f" or len(x) == 0:
        raise ParamError(f"--data {_short(p)!r}: x must be a non-empty float (N, C, H, W) array, "
                         f"not {x.dtype} {x.shape}")
    if y.ndim != 1 or y.dtype.kind not in "iu" or len(y) != len(x):
        raise ParamError(f"--data {_short(p)!r}: y must be {len(x)} integer labels, not {y.dtype} {y.shape}")
    if not np.isfinite(x).all():
        raise ParamError(f"--data {_short(p)!r}: x holds NaN or infinity")
    if graph is not None and len(graph.input_shape) == 4:
        want = graph.input_shape[1:]
        if any(w is not None and w != g for w, g in zip(want, x.shape[1:])):
            raise ParamError(f"--data {_short(p)!r}: x images are {x.shape[1:]}, the network takes "
                             f"{tuple('?' if w is None else w for w in want)}")
    return x.astype(np.float32), y.astype(np.int64)
