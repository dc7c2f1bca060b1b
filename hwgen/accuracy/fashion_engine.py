"""Bit-exact integer inference of the Fashion-MNIST networks (:mod:`.fashion_nn`).

The same datapath as the digits study (:mod:`.engine`, :mod:`.adder`): batch norm folded into the
weights, power-of-two scales, every multiply-accumulate of conv1, conv2, fc1 and fc2 through the unit's
golden model with exact accumulation, shift requantization with fused ReLU through the ``requant`` unit
model, max pooling on codes. Layers with 8-bit activation codes run through :class:`.fastmac.LayerMAC`
(per-layer product tables of the same model); wider ones through :func:`.products.int_matmul`.

Activation scales: the largest activation of the fp32 network over :data:`CALIB_IMAGES` training images.
Images run in batches of :data:`BATCH` (bounded memory).
"""

from __future__ import annotations

import copy
import math

import numpy as np

from hwgen.accuracy import fashion_nn as fnn
from hwgen.accuracy import nn
from hwgen.accuracy.engine import Scheme, _Layer, requantize, shift_for
from hwgen.accuracy.fastmac import TABLE_MAX_ACT, LayerMAC, im2col_t
from hwgen.accuracy.products import ProductStats
from hwgen.accuracy.quant import Requantizer, requantizer

__all__ = ["FIntNet", "calibration", "recompute_bn", "input_codes", "CALIB_IMAGES", "BATCH", "LAYERS",
           "SCALE_IMAGES", "slope_residual"]

#: Training images whose fp32 activations set the activation scales (the first ones of the split).
CALIB_IMAGES = 10000
#: Images per batch of the integer pass.
BATCH = 500
#: Test images over which the per-layer slope / residual of the accumulators is measured (the first).
SCALE_IMAGES = 1000
LAYERS = ("conv1", "conv2", "fc1", "fc2")

_CALIB: dict[int, tuple] = {}


def calibration(net: fnn.FNet, x_train: np.ndarray) -> tuple[float, float, float]:
    """Largest pooled activation after conv1 and conv2 and largest fc1 output of the fp32 (float32)
    network over the first :data:`CALIB_IMAGES` of ``x_train``. Memoised per network object."""
    hit = _CALIB.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1]
    top = np.zeros(3)
    x = x_train[:CALIB_IMAGES]
    for s in range(0, len(x), BATCH):
        taps = {}
        fnn.forward(net, x[s:s + BATCH], np.float32, taps)
        top = np.maximum(top, [taps["h1"].max(), taps["h2"].max(), taps["h3"].max()])
    result = tuple(float(t) for t in top)
    _CALIB[id(net)] = (net, result)
    return result


def input_codes(pixels: np.ndarray, act_bits: int) -> tuple[np.ndarray, int]:
    """Pixels 0..255 (value pixel/256) as ``act_bits`` codes worth 2**-act_bits each: a left shift for
    8 bits or more, round half up and clamp below (7 bits: pixel 255 -> 127)."""
    p = pixels.astype(np.int64)
    if act_bits >= fnn.PIXEL_FRAC:
        return p << (act_bits - fnn.PIXEL_FRAC), act_bits
    drop = fnn.PIXEL_FRAC - act_bits
    return np.minimum((p + (1 << (drop - 1))) >> drop, (1 << act_bits) - 1), act_bits


class _FastLayer(_Layer):
    """:class:`.engine._Layer` with the per-layer product table when activations are narrow (built on
    first use: re-estimating BN runs only the conv layers)."""

    def __init__(self, scheme: Scheme, w2d, bn_a, bias, s_in: float):
        super().__init__(scheme, w2d, bn_a, bias, s_in)
        self.narrow = (1 << scheme.act_bits) <= TABLE_MAX_ACT
        self._mac = None
        self.exact_mac = None

    @property
    def mac(self) -> LayerMAC | None:
        if self.narrow and self._mac is None:
            self._mac = LayerMAC(self.scheme.product(), self.q.ops, self.sign, self.q.values,
                                 1 << self.scheme.act_bits)
        return self._mac

    def acc(self, a2d, stats: ProductStats | None = None, exact: bool = False, transposed: bool = False):
        """Accumulators (M, O) of codes ``a2d`` (M, K), or (K, M) when ``transposed`` (narrow codes only)."""
        if self.narrow:
            if not exact:
                return self.mac(a2d, stats, transposed)
            if self.exact_mac is None:
                self.exact_mac = LayerMAC(None, self.q.values, None, self.q.values, 1 << self.scheme.act_bits)
            return self.exact_mac(a2d, transposed=transposed)
        a2d = a2d.T if transposed else a2d
        return super().acc(a2d, exact=True) if exact else super().acc(a2d, stats)


def _codes(x: np.ndarray, act_bits: int) -> np.ndarray:
    """Activation codes in the narrowest unsigned type that holds them (fewer bytes to move)."""
    return x.astype(np.uint8 if act_bits <= 8 else np.uint16 if act_bits <= 16 else np.int64)


def _conv_acc(layer: _FastLayer, x: np.ndarray, out_ch: int, **kw) -> np.ndarray:
    """3x3 pad-1 convolution accumulators (N, O, H, W) of codes x (N, C, H, W)."""
    n, c, h, w = x.shape
    cols = im2col_t(_codes(x, layer.scheme.act_bits))
    return layer.acc(cols, transposed=True, **kw).reshape(n, h, w, out_ch).transpose(0, 3, 1, 2)


class FIntNet:
    """The integer version of a multiplicative ``FNet`` (kind "cnn") under ``scheme``."""

    def __init__(self, net: fnn.FNet, scheme: Scheme, x_train: np.ndarray, requant: Requantizer | None = None,
                 calib: tuple[float, float, float] | None = None):
        if net.kind != "cnn":
            raise ValueError(f"FIntNet needs a multiplicative network (kind 'cnn'), not {net.kind!r}")
        self.net, self.scheme = net, scheme
        self.requant, self.requant_label = (requant, "given") if requant else requantizer()
        self.calib = calib or calibration(net, x_train)
        amax1, amax2, amax3 = self.calib
        bits = scheme.act_bits
        _, frac_in = input_codes(np.zeros(1, dtype=np.int64), bits)
        a1, b1 = nn.bn_fold(net.bn1)
        self.l1 = _FastLayer(scheme, net.w1.reshape(fnn.C1, -1), a1, b1, 2.0 ** -frac_in)
        self.shift1 = shift_for(amax1, bits, self.l1.s_acc)
        a2, b2 = nn.bn_fold(net.bn2)
        self.l2 = _FastLayer(scheme, net.w2.reshape(fnn.C2, -1), a2, b2, self.l1.s_acc * 2.0 ** self.shift1)
        self.shift2 = shift_for(amax2, bits, self.l2.s_acc)
        self.l3 = _FastLayer(scheme, net.w3, np.ones(fnn.F1), net.b3, self.l2.s_acc * 2.0 ** self.shift2)
        self.shift3 = shift_for(amax3, bits, self.l3.s_acc)
        self.l4 = _FastLayer(scheme, net.w4, np.ones(fnn.N_CLASSES), net.b4, self.l3.s_acc * 2.0 ** self.shift3)
        self.stats = {k: ProductStats() for k in LAYERS}

    @property
    def layers(self):
        return dict(zip(LAYERS, (self.l1, self.l2, self.l3, self.l4)))

    def rq(self, acc, layer, shift):
        return requantize(self.requant, acc, layer, shift, self.scheme.act_bits)

    def _batch(self, pixels, stats: bool, scale: dict | None):
        s = self.stats if stats else {}
        x, _ = input_codes(pixels, self.scheme.act_bits)
        acc1 = _conv_acc(self.l1, x, fnn.C1, stats=s.get("conv1"))
        h1 = nn.maxpool2(self.rq(acc1, self.l1, self.shift1))
        acc2 = _conv_acc(self.l2, h1, fnn.C2, stats=s.get("conv2"))
        h2 = nn.maxpool2(self.rq(acc2, self.l2, self.shift2)).reshape(len(x), -1)
        acc3 = self.l3.acc(h2, stats=s.get("fc1"))
        h3 = np.asarray(self.requant(acc3, self.l3.bias, self.shift3, self.scheme.act_bits, True,
                                     in_width=self.l3.acc_bits), dtype=np.int64)
        acc4 = self.l4.acc(h3, stats=s.get("fc2"))
        if scale is not None:  # approximate vs exact accumulators on the same inputs, per layer
            ex = (_conv_acc(self.l1, x, fnn.C1, exact=True), _conv_acc(self.l2, h1, fnn.C2, exact=True),
                  self.l3.acc(h2, exact=True), self.l4.acc(h3, exact=True))
            for k, e, a in zip(LAYERS, ex, (acc1, acc2, acc3, acc4)):
                if e.ndim == 4:  # back to the contiguous (N, H, W, O) layout: ravel without a copy
                    e, a = e.transpose(0, 2, 3, 1), a.transpose(0, 2, 3, 1)
                e, a = e.astype(np.float64).ravel(), a.astype(np.float64).ravel()
                t = scale.setdefault(k, np.zeros(3))
                t += (a @ e, e @ e, a @ a)
        return acc4 + self.l4.bias

    def logits(self, pixels: np.ndarray, stats: bool = False, scale: dict | None = None,
               scale_images: int = SCALE_IMAGES) -> np.ndarray:
        """Integer logits (N, 10), each worth ``self.l4.s_acc``. ``stats``: product error statistics;
        ``scale``: receives per layer the sums (a.e, e.e, a.a) of approximate and exact accumulators,
        over the first ``scale_images`` images (whole batches)."""
        return np.concatenate([self._batch(pixels[s:s + BATCH], stats, scale if s < scale_images else None)
                               for s in range(0, len(pixels), BATCH)])

    def logits_float(self, pixels, **kw) -> np.ndarray:
        return self.logits(pixels, **kw) * self.l4.s_acc

    def pre_bn(self, pixels: np.ndarray, layer: int) -> np.ndarray:
        """Pre-BN outputs of conv1 (layer 1) or conv2 (layer 2) in the trained BN's units."""
        outs = []
        for s in range(0, len(pixels), BATCH):
            x, _ = input_codes(pixels[s:s + BATCH], self.scheme.act_bits)
            acc = _conv_acc(self.l1, x, fnn.C1)
            if layer == 2:
                h1 = nn.maxpool2(self.rq(acc, self.l1, self.shift1))
                outs.append(_conv_acc(self.l2, h1, fnn.C2) * self.l2.scale[:, None, None])
            else:
                outs.append(acc * self.l1.scale[:, None, None])
        return np.concatenate(outs)


def slope_residual(t) -> dict:
    """Least-squares slope of approximate on exact and the relative rms residual, from (a.e, e.e, a.a)."""
    ae, ee, aa = (float(v) for v in t)
    if not ee:
        return {"slope": float("nan"), "residual": float("nan")}
    slope = ae / ee
    resid = math.sqrt(max(0.0, aa - 2 * slope * ae + slope * slope * ee) / ee)
    return {"slope": round(slope, 5), "residual": round(resid, 5)}


def recompute_bn(net: fnn.FNet, scheme: Scheme, pixels: np.ndarray, x_train: np.ndarray,
                 requant: Requantizer | None = None) -> fnn.FNet:
    """``net`` with BN1 then BN2 re-estimated on the approximate integer network over ``pixels``
    (activation scales keep the fp32 calibration)."""
    new = copy.deepcopy(net)
    calib = calibration(net, x_train)
    z1 = FIntNet(new, scheme, x_train, requant, calib).pre_bn(pixels, 1)
    new.bn1 = dict(new.bn1, mean=z1.mean(axis=(0, 2, 3)), var=z1.var(axis=(0, 2, 3)))
    z2 = FIntNet(new, scheme, x_train, requant, calib).pre_bn(pixels, 2)
    new.bn2 = dict(new.bn2, mean=z2.mean(axis=(0, 2, 3)), var=z2.var(axis=(0, 2, 3)))
    return new
