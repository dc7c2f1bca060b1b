"""Running a user's ONNX network (:mod:`.onnx_graph`): a numpy fp32 interpreter, and post-training
quantized execution in which every Conv and Gemm/MatMul multiply-accumulate is a unit's golden-model
product, accumulated exactly.

Quantized layers. Every Conv, Gemm and MatMul whose weight is a constant becomes ``acc = sum_k
P(a_k, w_k)`` over integer operands, with ``P`` the chosen unit's model (:class:`.products.UnitProduct`,
the model that verifies the RTL) and the exact integer sum of :func:`.products.int_matmul`; the layer's
output is ``acc * s_a * s_w[o]`` plus its bias in floating point, and every other operator (pooling,
batch norm, additions, ReLU) runs in floating point between layers, as the framework emulators
(AdaPT, TFApprox) do. Operands:

- activations: one symmetric scale per layer input, ``s_a = max|a| / qmax``, ``max|a|`` calibrated on the
  first N images through the fp32 network; codes ``rint(a / s_a)`` clipped to +-qmax;
- weights: per output channel, symmetric, ``s_w[o] = max|w_o| / qmax`` (int8 and Mitch-w rows), or the
  variant's own per-layer codes (``exp{n}`` shift codes, ``lin{n}``, ``expfit{n}`` table-decoded int8).

Two's complement units see signed codes (qmax = 2^(n-1) - 1); an unsigned unit (Mitch-w ``_u``) sees
magnitudes up to 2^n - 1 and the accumulator applies both signs (a sign-magnitude MAC around it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.accuracy.onnx_graph import Graph, Node
from hwgen.accuracy.products import ProductStats, UnitProduct, int_matmul
from hwgen.accuracy.variants import MULTIPLIER_FAMILIES
from hwgen.params import ParamError

__all__ = ["run_graph", "calibrate", "QuantMac", "quant_mac_for", "MATMUL_OPS", "BATCH"]

#: Operators whose multiply-accumulates go through the unit.
MATMUL_OPS = ("Conv", "Gemm", "MatMul")
#: Images per interpreter pass (bounds the im2col temporaries).
BATCH = 256

#: mm(node key, activations (M, K) float, weights (O, K) float) -> (M, O) float
MatMul = Callable[[str, np.ndarray, np.ndarray], np.ndarray]


def _float_mm(key, a, w):
    return a @ w.T


def _bad(node: Node, what: str):
    return ParamError(f"--onnx: node {node.name!r} ({node.op}): {what}"[:240])


def _pads(node: Node, spatial, kernel, strides, dil) -> tuple[list[int], list[int]]:
    """(begin, end) padding of each spatial axis, from ``pads`` or ``auto_pad``."""
    auto = node.attrs.get("auto_pad", "NOTSET")
    n = len(kernel)
    if auto in ("NOTSET", "VALID"):
        p = list(node.attrs.get("pads", [0] * 2 * n)) if auto == "NOTSET" else [0] * 2 * n
        return p[:n], p[n:]
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for size, k, s, d in zip(spatial, kernel, strides, dil):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small, big = total // 2, total - total // 2
            begin.append(small if auto == "SAME_UPPER" else big)
            end.append(big if auto == "SAME_UPPER" else small)
        return begin, end
    raise _bad(node, f"auto_pad {auto!r} is not supported")


def _windows(x, node: Node, kernel, pad_value=0.0):
    """Sliding windows of NCHW ``x``: (N, C, OH, OW, kh, kw), with the node's strides/pads/dilations."""
    if x.ndim != 4 or len(kernel) != 2:
        raise _bad(node, f"only 2-D (NCHW) inputs are supported, not shape {x.shape}")
    if node.attrs.get("ceil_mode", 0):
        raise _bad(node, "ceil_mode=1 is not supported")
    strides = list(node.attrs.get("strides", [1, 1]))
    dil = list(node.attrs.get("dilations", [1, 1]))
    begin, end = _pads(node, x.shape[2:], kernel, strides, dil)
    xp = np.pad(x, ((0, 0), (0, 0), (begin[0], end[0]), (begin[1], end[1])), constant_values=pad_value)
    n, c, h, w = xp.shape
    kh, kw = kernel
    oh = (h - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (w - dil[1] * (kw - 1) - 1) // strides[1] + 1
    if oh < 1 or ow < 1:
        raise _bad(node, f"the kernel does not fit the input {x.shape}")
    out = np.empty((n, c, oh, ow, kh, kw), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dil[0], kx * dil[1]
            out[..., ky, kx] = xp[:, :, y0:y0 + strides[0] * (oh - 1) + 1:strides[0],
                                  x0:x0 + strides[1] * (ow - 1) + 1:strides[1]]
    return out


def _conv(node: Node, x, w, b, mm: MatMul):
    group = int(node.attrs.get("group", 1))
    o, cg, kh, kw = w.shape
    if x.shape[1] != cg * group or o % group:
        raise _bad(node, f"weights {w.shape} with group {group} do not fit input {x.shape}")
    cols = _windows(x, node, (kh, kw))                          # (N, C, OH, OW, kh, kw)
    n, _, oh, ow = cols.shape[:4]
    og = o // group
    ys = []
    for g in range(group):
        a = cols[:, g * cg:(g + 1) * cg].transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, cg * kh * kw)
        ys.append(mm(f"{node.name}/{g}", a, w[g * og:(g + 1) * og].reshape(og, -1)))
    y = np.concatenate(ys, axis=1).reshape(n, oh, ow, o).transpose(0, 3, 1, 2)
    return y + b.reshape(1, -1, 1, 1).astype(y.dtype) if b is not None else y


def _pool(node: Node, x, kind: str):
    kernel = list(node.attrs.get("kernel_shape", []))
    if len(kernel) != 2:
        raise _bad(node, "kernel_shape must give 2 spatial dimensions")
    if kind == "max":
        if node.attrs.get("storage_order", 0):
            raise _bad(node, "storage_order=1 is not supported")
        return _windows(x, node, kernel, -np.inf).max(axis=(4, 5)).astype(x.dtype)
    win = _windows(x, node, kernel)
    if node.attrs.get("count_include_pad", 0):
        return win.mean(axis=(4, 5)).astype(x.dtype)
    ones = _windows(np.ones((1, 1) + x.shape[2:], dtype=x.dtype), node, kernel)
    return (win.sum(axis=(4, 5)) / ones.sum(axis=(4, 5))).astype(x.dtype)


def _reshape(node: Node, x, shape):
    shape = [int(s) for s in shape]
    if not node.attrs.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    try:
        return x.reshape(shape)
    except ValueError:
        raise _bad(node, f"cannot reshape {x.shape} to {shape}") from None


def _eval(node: Node, ins: list, consts: Mapping[str, np.ndarray], mm: MatMul):
    op, at = node.op, node.attrs
    x = ins[0]
    if op == "Conv":
        return _conv(node, x, ins[1], ins[2] if len(ins) > 2 else None, mm)
    if op == "Gemm":
        a = x.T if at.get("transA", 0) else x
        b = ins[1]
        w = b if at.get("transB", 0) else b.T                      # (O, K)
        y = mm(node.name, a, w) if node.inputs[1] in consts else a @ w.T
        y = y * np.asarray(at.get("alpha", 1.0), dtype=y.dtype)
        if len(ins) > 2 and ins[2] is not None:
            y = y + np.asarray(at.get("beta", 1.0) * ins[2], dtype=y.dtype)
        return y
    if op == "MatMul":
        b = ins[1]
        if node.inputs[1] not in consts or b.ndim != 2:
            return np.matmul(x, b)  # two activations: no weights to quantize, fp32
        y = mm(node.name, x.reshape(-1, x.shape[-1]), b.T)
        return y.reshape(x.shape[:-1] + (b.shape[1],))
    if op == "Relu":
        return np.maximum(x, 0).astype(x.dtype)
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else at.get("min", -np.inf)
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else at.get("max", np.inf)
        return np.clip(x, lo, hi).astype(x.dtype)
    if op == "MaxPool":
        if len(node.outputs) > 1 and node.outputs[1]:
            raise _bad(node, "the Indices output is not supported")
        return _pool(node, x, "max")
    if op == "AveragePool":
        return _pool(node, x, "avg")
    if op == "GlobalAveragePool":
        return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True).astype(x.dtype)
    if op == "BatchNormalization":
        scale, bias, mean, var = ins[1:5]
        shp = (1, -1) + (1,) * (x.ndim - 2)
        a = (scale / np.sqrt(var + at.get("epsilon", 1e-5))).astype(x.dtype)
        return (x - mean.reshape(shp).astype(x.dtype)) * a.reshape(shp) + bias.reshape(shp).astype(x.dtype)
    if op == "Flatten":
        axis = at.get("axis", 1) % max(x.ndim, 1)
        return x.reshape(int(np.prod(x.shape[:axis])), -1)
    if op == "Reshape":
        return _reshape(node, x, ins[1])
    if op == "Add":
        return (x + ins[1]).astype(np.result_type(x, ins[1]))
    if op == "Concat":
        return np.concatenate(ins, axis=at.get("axis", 1))
    if op == "Identity":
        return x
    raise _bad(node, "unsupported operator")  # load_graph refuses these first


def run_graph(graph: Graph, x: np.ndarray, mm: MatMul | None = None) -> np.ndarray:
    """The network's output for input ``x``; ``mm`` computes every constant-weight Conv/Gemm/MatMul
    product sum (default: floating point, in ``x``'s dtype)."""
    mm = mm or _float_mm
    env: dict[str, Any] = {graph.input: x}
    for node in graph.nodes:
        ins = []
        for name in node.inputs:
            if name == "":
                ins.append(None)
            elif name in env:
                ins.append(env[name])
            elif name in graph.consts:
                c = graph.consts[name]
                ins.append(c.astype(x.dtype) if c.dtype.kind == "f" else c)
            else:
                raise ParamError(f"--onnx: node {node.name!r} ({node.op}) reads {name!r}, which nothing produces")
        env[node.outputs[0]] = _eval(node, ins, graph.consts, mm)
    if graph.output not in env:
        raise ParamError(f"--onnx: the output {graph.output!r} is not produced by any node")
    return env[graph.output]


def calibrate(graph: Graph, x: np.ndarray) -> dict[str, float]:
    """Largest |input| of every quantized layer (key: node name, per group for Conv) over ``x``."""
    amax: dict[str, float] = {}

    def mm(key, a, w):
        k = key.split("/")[0]
        amax[k] = max(amax.get(k, 0.0), float(np.abs(a).max(initial=0.0)))
        return a @ w.T

    for s in range(0, len(x), BATCH):
        run_graph(graph, x[s:s + BATCH].astype(np.float64), mm)
    return amax


@dataclass
class QuantMac:
    """The integer datapath of one variant (see the module doc)."""

    unit: str
    unit_params: Mapping[str, Any]
    act_max: int                  # activation codes in +-act_max (magnitudes when ``magnitude``)
    b_range: tuple[int, int]      # weight operands
    magnitude: bool = False       # unsigned unit: magnitudes on both ports, signs in the accumulator
    weight_bits: int | None = None        # per-channel symmetric weights (None: ``weights`` below)
    weights: Callable | None = None       # per-layer codes: w2d -> WeightQ (exp / lin / expfit)
    amax: dict = field(default_factory=dict)
    stats: ProductStats = field(default_factory=ProductStats)
    _product: Any = None
    _wcache: dict = field(default_factory=dict)

    def product(self) -> UnitProduct:
        if self._product is None:
            lo = 0 if self.magnitude else -self.act_max
            self._product = UnitProduct(self.unit, self.unit_params, (lo, self.act_max), self.b_range)
        return self._product

    def _weights(self, key: str, w: np.ndarray):
        """(operands, exact integer values, per-channel scale (O,) or scalar) of one layer, cached."""
        hit = self._wcache.get(key)
        if hit is None:
            if self.weights is not None:
                q = self.weights(w.astype(np.float64))
                hit = (q.ops, q.values, np.float64(q.scale))
            else:
                qmax = (1 << (self.weight_bits - 1)) - 1 if not self.magnitude else (1 << self.weight_bits) - 1
                m = np.abs(w).max(axis=1).astype(np.float64)
                s = np.where(m > 0, m / qmax, 1.0)
                v = np.clip(np.rint(w / s[:, None]), -qmax, qmax).astype(np.int64)
                hit = (np.abs(v) if self.magnitude else v, v, s)
            self._wcache[key] = hit
        return hit

    def __call__(self, key: str, a: np.ndarray, w: np.ndarray) -> np.ndarray:
        ops, values, s_w = self._weights(key, w)
        amax = self.amax.get(key.split("/")[0], 0.0)
        s_a = amax / self.act_max if amax > 0 else 1.0
        codes = np.clip(np.rint(a / s_a), -self.act_max, self.act_max).astype(np.int64)
        prod = self.product()
        if self.magnitude:
            sign = np.where(values < 0, -1, 1).astype(np.int64)
            acc = (int_matmul(np.maximum(codes, 0), ops, prod, sign, self.stats, values)
                   - int_matmul(np.maximum(-codes, 0), ops, prod, sign, self.stats, values))
        else:
            acc = int_matmul(codes, ops, prod, None, self.stats, values)
        return acc * (s_a * s_w)


def quant_mac_for(v) -> QuantMac | None:
    """The datapath of catalogue variant ``v`` on a user's network (None for ``fp32``); ParamError for
    the variants that exist only for the study's own networks (AdderNets, bfloat16)."""
    if v.family == "float":
        return None
    a = dict(v.scheme_args or {})
    if v.family in MULTIPLIER_FAMILIES:
        n = int(v.info["operand_width"])
        if a.get("magnitude"):
            q = (1 << n) - 1
            return QuantMac(a["unit"], a["unit_params"], q, (0, q), True, weight_bits=n)
        q = (1 << (n - 1)) - 1
        return QuantMac(a["unit"], a["unit_params"], q, (-q, q), weight_bits=n)
    if v.family == "weights":
        return QuantMac(a["unit"], a["unit_params"], 127, tuple(a["b_range"]), weights=v.scheme().weights)
    raise ParamError(f"--variants: {v.name!r} ({v.family}) runs on the study's own networks only; with --onnx "
                     "choose int8, mitchw*, drum*, ilm*, mitchw_ec*, exp*, lin* or expfit* variants")
