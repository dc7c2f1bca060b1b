"""Bit-exact integer inference of the multiplicative CNN with a pluggable multiply-accumulate.

A :class:`Scheme` says how activations and weights are coded and which unit model makes the products;
:class:`IntNet` folds batch normalisation into the weights, quantizes them, and runs every convolution
and fully connected layer as exact integer accumulation of the model's products, followed by shift
requantization (bias add, rounding right shift, ReLU clamp) through the ``requant`` unit model.
Max pooling is exact on codes.

Scales. An activation code ``q`` stands for ``q * S`` and a weight value ``v`` for ``v * s_w``. With
power-of-two codes both are powers of two; a weight discretization whose layer scale is not one (the
max-|w| scale of exponential/linear levels) is still exact with shift-only requantization because ReLU
is positively homogeneous: the layer scale is carried into the next layer's activation scale instead
of being multiplied out. The logits come out as integers times a known positive scale.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.accuracy import nn
from hwgen.accuracy.data import load
from hwgen.accuracy.products import ProductStats, UnitProduct, int_matmul
from hwgen.accuracy.quant import Requantizer, input_codes, quantize_pow2, requantizer

__all__ = ["WeightQ", "Scheme", "IntNet", "calibration", "recompute_bn", "pow2_weights", "shift_for",
           "conv1_acc", "requantize"]


@dataclass
class WeightQ:
    """One quantized layer: ``ops`` go to the unit's weight port, ``values`` are the exact integer
    weights they stand for (the ideal reference), and a weight is worth ``values * scale``."""

    ops: np.ndarray
    values: np.ndarray
    scale: float


def pow2_weights(bits: int, magnitude: bool = False) -> Callable[[np.ndarray], WeightQ]:
    """Symmetric ``bits``-bit codes with a power-of-two scale; ``magnitude``: the port gets |code|."""
    def q(w2d):
        codes, f = quantize_pow2(w2d, bits)
        return WeightQ(np.abs(codes) if magnitude else codes, codes, 2.0 ** -f)
    return q


@dataclass
class Scheme:
    """An integer datapath.

    ``act_bits``: activations are codes in [0, 2**act_bits - 1] (ReLU outputs, input pixels).
    ``weights(w2d) -> WeightQ`` quantizes one layer. ``unit``/``unit_params``: the unit whose model makes
    the products over activation codes x weight operands in ``b_range`` (None: exact ``a*v``).
    ``magnitude``: the unit is an unsigned multiplier; the accumulator adds or subtracts by the weight's
    sign (a sign-magnitude MAC around an unsigned multiplier).
    """

    act_bits: int
    weights: Callable[[np.ndarray], WeightQ]
    b_range: tuple[int, int]
    unit: str | None = None
    unit_params: Mapping[str, Any] = field(default_factory=dict)
    magnitude: bool = False
    _product: Any = field(default=None, repr=False)

    def product(self):
        """The unit's product function over this scheme's operand ranges (built once; a table for
        narrow operands)."""
        if self.unit is None:
            return None
        if self._product is None:
            self._product = UnitProduct(self.unit, self.unit_params, (0, (1 << self.act_bits) - 1), self.b_range)
        return self._product


_CALIB: dict[int, tuple] = {}


def calibration(net: nn.Net) -> tuple[float, float]:
    """Largest activation after conv1 (pooled) and after conv2 of ``net``'s fp32 forward pass over the
    training set: the activation scales of the integer networks. Memoised per network object."""
    hit = _CALIB.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1]
    taps = {}
    nn.forward(net, load().x_train, np.float64, taps)
    a1, b1 = nn.bn_fold(net.bn1)
    h1 = np.maximum(taps["z1"] * a1[:, None, None] + b1[:, None, None], 0)
    result = (float(h1.max()), float(taps["f"].max()))
    _CALIB[id(net)] = (net, result)
    return result


def shift_for(amax: float, act_bits: int, s_acc: float) -> int:
    """Smallest right shift whose output scale ``s_acc * 2**shift`` does not clip ``amax``."""
    qmax = (1 << act_bits) - 1
    return max(0, math.ceil(math.log2(amax / (qmax * s_acc)))) if amax > 0 else 0


class _Layer:
    """One multiplicative layer with BN folded in (``bn_a``, ``bias`` per output channel) and its input
    activations worth ``s_in`` per code. ``scale[c]`` turns an accumulator value of channel c into the
    layer's pre-BN output (the units the trained BN statistics are in)."""

    def __init__(self, scheme: Scheme, w2d, bn_a, bias, s_in: float):
        self.scheme = scheme
        self.q = scheme.weights(w2d * bn_a[:, None])
        self.sign = np.where(self.q.values < 0, -1, 1).astype(np.int64) if scheme.magnitude else None
        self.s_acc = s_in * self.q.scale
        self.bias = np.rint(bias / self.s_acc).astype(np.int64)
        self.scale = self.s_acc / bn_a
        # Accumulator (and requantizer input) bits: room for K maximal products plus the bias.
        amax = (1 << scheme.act_bits) - 1
        bound = w2d.shape[1] * amax * int(np.abs(self.q.values).max()) + int(np.abs(self.bias).max())
        self.acc_bits = bound.bit_length() + 1

    def acc(self, a2d: np.ndarray, stats: ProductStats | None = None, exact: bool = False) -> np.ndarray:
        if exact or self.scheme.unit is None:
            return int_matmul(a2d, self.q.values, None)
        return int_matmul(a2d, self.q.ops, self.scheme.product(), self.sign, stats, self.q.values)


def conv1_acc(layer: _Layer, x_codes: np.ndarray, **kw) -> np.ndarray:
    """conv1 accumulators (N, C1, 8, 8) of input codes (N, 1, 8, 8)."""
    cols = nn.im2col(x_codes).reshape(-1, 9)
    return layer.acc(cols, **kw).reshape(len(x_codes), 8, 8, nn.C1).transpose(0, 3, 1, 2)


def requantize(requant: Requantizer, acc: np.ndarray, layer: _Layer, shift: int, act_bits: int) -> np.ndarray:
    """Shift requantization of accumulators (N, O, H, W) with the layer's folded bias and fused ReLU."""
    y = requant(acc.transpose(0, 2, 3, 1), layer.bias, shift, act_bits, True, in_width=layer.acc_bits)
    return np.asarray(y, dtype=np.int64).transpose(0, 3, 1, 2)


class IntNet:
    """The integer version of a multiplicative ``nn.Net`` (kind "cnn") under ``scheme``."""

    def __init__(self, net: nn.Net, scheme: Scheme, requant: Requantizer | None = None,
                 calib: tuple[float, float] | None = None):
        if net.kind != "cnn":
            raise ValueError(f"IntNet needs a multiplicative network (kind 'cnn'), not {net.kind!r}")
        self.net, self.scheme = net, scheme
        self.requant, self.requant_label = (requant, "given") if requant else requantizer()
        amax1, amax2 = calib or calibration(net)
        _, frac_in = input_codes(np.zeros(1, dtype=np.int64), scheme.act_bits)
        a1, b1 = nn.bn_fold(net.bn1)
        self.l1 = _Layer(scheme, net.w1.reshape(nn.C1, -1), a1, b1, 2.0 ** -frac_in)
        self.shift1 = shift_for(amax1, scheme.act_bits, self.l1.s_acc)
        a2, b2 = nn.bn_fold(net.bn2)
        self.l2 = _Layer(scheme, net.w2.reshape(nn.C2, -1), a2, b2, self.l1.s_acc * 2.0 ** self.shift1)
        self.shift2 = shift_for(amax2, scheme.act_bits, self.l2.s_acc)
        self.lf = _Layer(scheme, net.wf, np.ones(nn.N_CLASSES), net.bf, self.l2.s_acc * 2.0 ** self.shift2)
        self.stats = {"conv1": ProductStats(), "conv2": ProductStats(), "fc": ProductStats()}

    # The ``*_acc`` stages return the raw accumulators (N, O, H, W).
    def conv1_acc(self, x_codes, **kw):
        return conv1_acc(self.l1, x_codes, **kw)

    def conv2_acc(self, h_codes, **kw):
        n = len(h_codes)
        cols = nn.im2col(h_codes).reshape(-1, 9 * nn.C1)
        return self.l2.acc(cols, **kw).reshape(n, 4, 4, nn.C2).transpose(0, 3, 1, 2)

    def rq(self, acc, layer, shift):
        return requantize(self.requant, acc, layer, shift, self.scheme.act_bits)

    def logits(self, pixels: np.ndarray, record: dict | None = None, stats: bool = False) -> np.ndarray:
        """Integer logits (N, 10), each worth ``self.lf.s_acc``. ``record`` receives the integer input
        of every layer and the accumulators; ``stats`` accumulates product error statistics."""
        x, _ = input_codes(pixels, self.scheme.act_bits)
        s = self.stats if stats else {}
        acc1 = self.conv1_acc(x, stats=s.get("conv1"))
        h = nn.maxpool2(self.rq(acc1, self.l1, self.shift1))
        acc2 = self.conv2_acc(h, stats=s.get("conv2"))
        f = self.rq(acc2, self.l2, self.shift2).reshape(len(x), -1)
        out = self.lf.acc(f, stats=s.get("fc")) + self.lf.bias
        if record is not None:
            record.update(conv1=x, conv2=h, fc=f, acc1=acc1, acc2=acc2)
        return out

    def logits_float(self, pixels, **kw) -> np.ndarray:
        return self.logits(pixels, **kw) * self.lf.s_acc


def recompute_bn(net: nn.Net, scheme: Scheme, pixels: np.ndarray, requant: Requantizer | None = None) -> nn.Net:
    """``net`` with its batch-norm statistics re-estimated on the approximate integer network itself,
    layer by layer over ``pixels`` (BN1 first, then BN2 with the new BN1 in place), in the units the
    trained BN sees (pre-BN conv outputs). Activation scales keep the fp32 calibration."""
    new = copy.deepcopy(net)
    calib = calibration(net)
    inet = IntNet(new, scheme, requant, calib)
    x, _ = input_codes(pixels, scheme.act_bits)
    z1 = inet.conv1_acc(x) * inet.l1.scale[:, None, None]
    new.bn1 = dict(new.bn1, mean=z1.mean(axis=(0, 2, 3)), var=z1.var(axis=(0, 2, 3)))
    inet = IntNet(new, scheme, requant, calib)
    h = nn.maxpool2(inet.rq(inet.conv1_acc(x), inet.l1, inet.shift1))
    z2 = inet.conv2_acc(h) * inet.l2.scale[:, None, None]
    new.bn2 = dict(new.bn2, mean=z2.mean(axis=(0, 2, 3)), var=z2.var(axis=(0, 2, 3)))
    return new
