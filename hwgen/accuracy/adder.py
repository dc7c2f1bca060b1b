"""Bit-exact integer inference of the AdderNets (direct and Winograd), through the unit models.

conv1 and fc keep multiplications (exact int8 products of the ``mul`` model, as in the AdderNet and
Winograd-AdderNet papers); conv2 goes through ``adder_direct`` (y = -sum|d - w| over a tile) or
``wino_adder`` (y = A^T [-|u - (B^T d B) << u_frac|] A), one model call per (image, tile, input channel,
output channel), summed exactly over input channels (the output transform is linear, so this equals
accumulating before one output transform, as the ``wino_adder_array`` + ``wino_output`` pair does).

An adder layer subtracts weights from activations, so its weights are coded in the activation scale;
batch norm after it cannot be folded into the weights, so its per-channel scale is an exact integer
multiplication in the ``requant_mul`` unit (one per output, not per MAC), with the channel's sign folded
into the accumulator.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from hwgen.accuracy import nn
from hwgen.accuracy.engine import Scheme, _Layer, calibration, conv1_acc, pow2_weights, requantize, shift_for
from hwgen.accuracy.quant import MULT_BITS, input_codes, requantizer, unit_requantizer
from hwgen.numeric.winograd_matrices import filter_transform, preset
from hwgen.registry import get_unit

__all__ = ["IntAdderNet", "as_winograd", "ACT_BITS", "U_FRAC"]

#: Adder-layer ports are 8-bit signed: activations 0..127.
ACT_BITS = 7
#: Fraction bits of U = G g G^T (2 makes the halves of G exact).
U_FRAC = 2


def as_winograd(net: nn.Net, preset: str, stats_pixels: np.ndarray | None = None) -> nn.Net:
    """A direct AdderNet's weights run as a Winograd-AdderNet with ``preset`` matrices, no retraining;
    with ``stats_pixels``, BN2's statistics are re-estimated on that network (fp32) over those images."""
    new = copy.deepcopy(net)
    new.kind = f"wino_{preset}"
    if stats_pixels is not None:
        taps = {}
        nn.forward(new, stats_pixels, np.float64, taps)
        new.bn2 = dict(new.bn2, mean=taps["z2"].mean(axis=(0, 2, 3)), var=taps["z2"].var(axis=(0, 2, 3)))
    return new


def int8_scheme() -> Scheme:
    return Scheme(ACT_BITS, pow2_weights(8), (-127, 127), "mul", {"width": 8, "signed": True})


class IntAdderNet:
    """Integer AdderNet ``net`` (kind adder / wino_*); ``conv2`` is "direct", "standard" or "balanced"
    (the Winograd matrices; may differ from the ones the net was trained with)."""

    def __init__(self, net: nn.Net, conv2: str):
        if net.kind == "cnn":
            raise ValueError("IntAdderNet needs an AdderNet (kind adder or wino_*), not 'cnn'")
        self.net, self.mode = net, conv2
        self.scheme = int8_scheme()
        self.requant, self.requant_label = requantizer()
        self.requant_mul = unit_requantizer(mul=True)
        if self.requant_mul is None:
            raise LookupError("unit 'requant_mul' is not registered")
        amax1, amax2 = calibration(net)
        _, frac_in = input_codes(np.zeros(1, dtype=np.int64), ACT_BITS)
        a1, b1 = nn.bn_fold(net.bn1)
        self.l1 = _Layer(self.scheme, net.w1.reshape(nn.C1, -1), a1, b1, 2.0 ** -frac_in)
        self.shift1 = shift_for(amax1, ACT_BITS, self.l1.s_acc)
        self.s1 = self.l1.s_acc * 2.0 ** self.shift1           # worth of one conv2 input code
        qmax = (1 << ACT_BITS) - 1
        self.w2 = np.clip(np.rint(net.w2 / self.s1), -qmax, qmax).astype(np.int64)   # (O, C, 3, 3)
        self.w2_clipped = float(np.mean(np.abs(net.w2 / self.s1) > qmax + 0.5))
        if conv2 == "direct":
            self.unit = get_unit("adder_direct")
            self.params = self.unit.resolve({"d_width": 8, "w_width": 8, "tile": 4})
            self.s_acc2 = self.s1
        else:
            self.unit = get_unit("wino_adder")
            self.u = filter_transform(self.w2, preset(conv2, 2), U_FRAC).astype(np.int64)  # (O, C, 4, 4)
            self.params = self.unit.resolve({"d_width": 8, "u_width": 12, "u_frac": U_FRAC,
                                             "matrices": conv2, "tile": 2})
            if np.abs(self.u).max() >= 1 << 11:
                raise ValueError("transformed filters exceed the 12-bit u port")
            self.s_acc2 = self.s1 / (1 << U_FRAC)
        # BN2 (unfoldable) and ReLU in requant_mul: y = round((sgn*acc + B) * M / 2^sh)
        a2, b2 = nn.bn_fold(net.bn2)
        self.sgn2 = np.where(a2 < 0, -1, 1).astype(np.int64)
        self.s2 = 2.0 ** math.ceil(math.log2(amax2 / 127))      # worth of one fc input code
        gain = np.abs(a2) * self.s_acc2 / self.s2                 # output codes per accumulator unit
        self.sh2 = int(math.floor(math.log2(((1 << MULT_BITS) - 1) / gain.max())))
        self.m2 = np.rint(gain * 2.0 ** self.sh2).astype(np.int64)
        self.b2 = np.rint(b2 / (np.abs(a2) * self.s_acc2)).astype(np.int64)
        self.lf = _Layer(self.scheme, net.wf, np.ones(nn.N_CLASSES), net.bf, self.s2)

    def conv2_acc(self, h: np.ndarray) -> np.ndarray:
        """-sum |x - w| (direct) or its Winograd form, through the unit model: (N, O, 4, 4) integers."""
        n, c = h.shape[:2]
        o = nn.C2
        hp = np.pad(h, ((0, 0), (0, 0), (1, 1), (1, 1)))       # zero padding, as the fp32 layer
        if self.mode == "direct":
            d = np.broadcast_to(hp[:, :, None], (n, c, o, 6, 6)).reshape(-1, 6, 6)
            w = np.broadcast_to(self.w2.transpose(1, 0, 2, 3)[None], (n, c, o, 3, 3)).reshape(-1, 3, 3)
            y = np.asarray(self.unit.model(self.params, {"d": d, "w": w})["y"], dtype=np.int64)
            return y.reshape(n, c, o, 4, 4).sum(axis=1)
        tiles = nn.wino_tiles(h)                                # (N, C, 2, 2, 4, 4)
        d = np.broadcast_to(tiles[:, :, None], (n, c, o, 2, 2, 4, 4)).reshape(-1, 4, 4)
        u = np.broadcast_to(self.u.transpose(1, 0, 2, 3)[None, :, :, None, None],
                            (n, c, o, 2, 2, 4, 4)).reshape(-1, 4, 4)
        y = np.asarray(self.unit.model(self.params, {"d": d, "u": u})["y"], dtype=np.int64)
        return nn.wino_untile(y.reshape(n, c, o, 2, 2, 2, 2).sum(axis=1))

    def logits(self, pixels: np.ndarray, record: dict | None = None) -> np.ndarray:
        x, _ = input_codes(pixels, ACT_BITS)
        acc1 = conv1_acc(self.l1, x)
        h = nn.maxpool2(requantize(self.requant, acc1, self.l1, self.shift1, ACT_BITS))
        acc2 = self.conv2_acc(h)
        acc = (acc2 * self.sgn2[:, None, None]).transpose(0, 2, 3, 1)
        f = self.requant_mul(acc, self.b2, self.sh2, ACT_BITS, True, m=self.m2)
        f = np.asarray(f, dtype=np.int64).transpose(0, 3, 1, 2).reshape(len(x), -1)
        if record is not None:
            record.update(conv1=x, conv2=h, fc=f, acc2=acc2)
        return self.lf.acc(f) + self.lf.bias

    def logits_float(self, pixels, **kw) -> np.ndarray:
        return self.logits(pixels, **kw) * self.lf.s_acc
