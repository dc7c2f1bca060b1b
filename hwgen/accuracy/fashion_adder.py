"""Bit-exact integer inference of the Fashion-MNIST AdderNets (direct and Winograd), as
:mod:`.adder` does for digits: conv1, fc1 and fc2 exact int8 (the ``mul`` model, through
:class:`.fastmac.LayerMAC`), conv2 through ``adder_direct`` (2x2 output tiles) or ``wino_adder``
(F(2x2,3x3)): :meth:`FIntAdderNet.conv2_acc` makes one model call per (image, tile, input channel, output
channel), summed exactly over the input channels; the runs use the equal, much faster per-layer term
tables of :mod:`.adder_fast` (a test checks them equal); BN2 (unfoldable after an adder layer) and ReLU in the ``requant_mul`` unit model.
"""

from __future__ import annotations

import math

import numpy as np

from hwgen.accuracy import fashion_nn as fnn
from hwgen.accuracy import nn
from hwgen.accuracy.adder import ACT_BITS, U_FRAC, int8_scheme
from hwgen.accuracy.adder_fast import FastAdderConv2
from hwgen.accuracy.engine import requantize, shift_for
from hwgen.accuracy.fashion_engine import BATCH, _conv_acc, _FastLayer, calibration, input_codes
from hwgen.accuracy.quant import MULT_BITS, requantizer, unit_requantizer

__all__ = ["FIntAdderNet"]


class FIntAdderNet:
    """Integer AdderNet ``net`` (kind adder / wino_*); ``conv2`` is "direct", "standard" or "balanced"."""

    def __init__(self, net: fnn.FNet, conv2: str, x_train: np.ndarray):
        from hwgen.registry import get_unit
        if net.kind == "cnn":
            raise ValueError("FIntAdderNet needs an AdderNet (kind adder or wino_*), not 'cnn'")
        self.net, self.mode = net, conv2
        self.scheme = int8_scheme()
        self.requant, self.requant_label = requantizer()
        self.requant_mul = unit_requantizer(mul=True)
        if self.requant_mul is None:
            raise LookupError("unit 'requant_mul' is not registered")
        amax1, amax2, amax3 = calibration(net, x_train)
        _, frac_in = input_codes(np.zeros(1, dtype=np.int64), ACT_BITS)
        a1, b1 = nn.bn_fold(net.bn1)
        self.l1 = _FastLayer(self.scheme, net.w1.reshape(fnn.C1, -1), a1, b1, 2.0 ** -frac_in)
        self.shift1 = shift_for(amax1, ACT_BITS, self.l1.s_acc)
        self.s1 = self.l1.s_acc * 2.0 ** self.shift1
        qmax = (1 << ACT_BITS) - 1
        self.w2 = np.clip(np.rint(net.w2 / self.s1), -qmax, qmax).astype(np.int64)
        self.w2_clipped = float(np.mean(np.abs(net.w2 / self.s1) > qmax + 0.5))
        if conv2 == "direct":
            self.unit = get_unit("adder_direct")
            self.params = self.unit.resolve({"d_width": 8, "w_width": 8, "tile": 2})
            self.s_acc2 = self.s1
        else:
            from hwgen.numeric.winograd_matrices import filter_transform, preset
            self.unit = get_unit("wino_adder")
            self.u = filter_transform(self.w2, preset(conv2, 2), U_FRAC).astype(np.int64)
            self.params = self.unit.resolve({"d_width": 8, "u_width": 12, "u_frac": U_FRAC,
                                             "matrices": conv2, "tile": 2})
            if np.abs(self.u).max() >= 1 << 11:
                raise ValueError("transformed filters exceed the 12-bit u port")
            self.s_acc2 = self.s1 / (1 << U_FRAC)
        self.fast2 = FastAdderConv2(self.unit, self.params, self.w2 if conv2 == "direct" else None,
                                    None if conv2 == "direct" else self.u, 1 << ACT_BITS)
        a2, b2 = nn.bn_fold(net.bn2)
        self.sgn2 = np.where(a2 < 0, -1, 1).astype(np.int64)
        self.s2 = 2.0 ** math.ceil(math.log2(amax2 / qmax))     # worth of one fc1 input code
        gain = np.abs(a2) * self.s_acc2 / self.s2
        self.sh2 = int(math.floor(math.log2(((1 << MULT_BITS) - 1) / gain.max())))
        self.m2 = np.rint(gain * 2.0 ** self.sh2).astype(np.int64)
        self.b2 = np.rint(b2 / (np.abs(a2) * self.s_acc2)).astype(np.int64)
        self.l3 = _FastLayer(self.scheme, net.w3, np.ones(fnn.F1), net.b3, self.s2)
        self.shift3 = shift_for(amax3, ACT_BITS, self.l3.s_acc)
        self.l4 = _FastLayer(self.scheme, net.w4, np.ones(fnn.N_CLASSES), net.b4, self.l3.s_acc * 2.0 ** self.shift3)

    def conv2_acc(self, h: np.ndarray) -> np.ndarray:
        """-sum |x - w| (direct) or its Winograd form through the unit model: (N, O, 14, 14) integers."""
        n, c = h.shape[:2]
        o = fnn.C2
        tiles = nn.wino_tiles(h)                                   # (N, C, 7, 7, 4, 4): 4x4 windows, stride 2
        ty, tx = tiles.shape[2:4]
        d = np.broadcast_to(tiles[:, :, None], (n, c, o, ty, tx, 4, 4)).reshape(-1, 4, 4)
        if self.mode == "direct":
            w = np.broadcast_to(self.w2.transpose(1, 0, 2, 3)[None, :, :, None, None],
                                (n, c, o, ty, tx, 3, 3)).reshape(-1, 3, 3)
            y = self.unit.model(self.params, {"d": d, "w": w})["y"]
        else:
            u = np.broadcast_to(self.u.transpose(1, 0, 2, 3)[None, :, :, None, None],
                                (n, c, o, ty, tx, 4, 4)).reshape(-1, 4, 4)
            y = self.unit.model(self.params, {"d": d, "u": u})["y"]
        y = np.asarray(y, dtype=np.int64).reshape(n, c, o, ty, tx, 2, 2).sum(axis=1)
        return nn.wino_untile(y)

    def rq_conv1(self, acc1: np.ndarray) -> np.ndarray:
        """conv1 accumulators (N, C1, H, W) -> requantized codes, ReLU fused."""
        return requantize(self.requant, acc1, self.l1, self.shift1, ACT_BITS)

    def _batch(self, pixels):
        x, _ = input_codes(pixels, ACT_BITS)
        h1 = nn.maxpool2(self.rq_conv1(_conv_acc(self.l1, x, fnn.C1)))
        acc = (self.fast2(h1) * self.sgn2[:, None, None]).transpose(0, 2, 3, 1)
        h2 = self.requant_mul(acc, self.b2, self.sh2, ACT_BITS, True, m=self.m2)
        h2 = nn.maxpool2(np.asarray(h2, dtype=np.int64).transpose(0, 3, 1, 2)).reshape(len(x), -1)
        acc3 = self.l3.acc(h2)
        h3 = np.asarray(self.requant(acc3, self.l3.bias, self.shift3, ACT_BITS, True, in_width=self.l3.acc_bits),
                        dtype=np.int64)
        return self.l4.acc(h3) + self.l4.bias

    def logits(self, pixels: np.ndarray) -> np.ndarray:
        return np.concatenate([self._batch(pixels[s:s + BATCH]) for s in range(0, len(pixels), BATCH)])

    def logits_float(self, pixels) -> np.ndarray:
        return self.logits(pixels) * self.l4.s_acc
