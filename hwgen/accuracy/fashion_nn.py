"""The Fashion-MNIST network: a LeNet-5-class CNN with 3x3 kernels, its weights file and fp32 forward.

::

    input 1x28x28 (pixel / 256)
    conv1  3x3, pad 1, 1 -> 8 channels, multiplications          -> BN -> ReLU -> 2x2 max pool (8x14x14)
    conv2  3x3, pad 1, 8 -> 16 channels, multiplications (CNN)
           or -sum|x - w| (AdderNet, direct or Winograd F(2x2,3x3)) -> BN -> ReLU -> 2x2 max pool (16x7x7)
    fc1    784 -> 64, multiplications, bias                          -> ReLU
    fc2    64 -> 10, multiplications, bias

About 333,000 multiply-accumulates per image (conv2 226k, conv1 56k, fc1 50k). As in the digits study
(and the AdderNet papers), only conv2 changes with the model kind; conv1 and the fc layers multiply.
14x14 is even, so conv2 tiles exactly into 7x7 F(2x2,3x3) tiles. Kinds and the Winograd matrices are
those of :mod:`.nn`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwgen.accuracy import nn

__all__ = ["C1", "C2", "H1", "H2", "F1", "N_CLASSES", "KINDS", "FNet", "weights_path", "load_fnet", "forward",
           "layer2", "PIXEL_FRAC"]

C1, C2, F1, N_CLASSES = 8, 16, 64, 10
#: Spatial size at conv1 and at conv2.
H1, H2 = 28, 14
KINDS = nn.KINDS
#: The network sees pixel / 2**PIXEL_FRAC (so 8-bit codes are the pixels themselves).
PIXEL_FRAC = 8
WEIGHTS = nn.WEIGHTS


@dataclass
class FNet:
    """Trained parameters (float64 in memory, float32 on disk)."""

    kind: str
    w1: np.ndarray
    bn1: dict
    w2: np.ndarray
    bn2: dict
    w3: np.ndarray
    b3: np.ndarray
    w4: np.ndarray
    b4: np.ndarray
    meta: dict

    def save(self, path: Path) -> None:
        arrays = {"w1": self.w1, "w2": self.w2, "w3": self.w3, "b3": self.b3, "w4": self.w4, "b4": self.b4}
        for i, bn in ((1, self.bn1), (2, self.bn2)):
            for k, v in bn.items():
                arrays[f"bn{i}_{k}"] = v
        arrays = {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()}
        arrays["kind"] = np.array(self.kind)
        arrays["meta"] = np.array(repr(sorted(self.meta.items())))
        np.savez_compressed(path, **arrays)


def weights_path(kind: str) -> Path:
    return WEIGHTS / f"fashion_{kind}.npz"


def load_fnet(kind: str) -> FNet:
    """The committed weights of model ``kind`` (see scripts/train_fashion.py)."""
    if kind not in KINDS:
        raise ValueError(f"Model kind must be one of {', '.join(KINDS)}, not {kind!r}")
    with np.load(weights_path(kind)) as z:
        bn = [{k: z[f"bn{i}_{k}"].astype(np.float64) for k in ("gamma", "beta", "mean", "var")} for i in (1, 2)]
        meta = dict(eval(str(z["meta"]), {"__builtins__": {}}))  # a literal written by FNet.save
        f = {k: z[k].astype(np.float64) for k in ("w1", "w2", "w3", "b3", "w4", "b4")}
        return FNet(str(z["kind"]), f["w1"], bn[0], f["w2"], bn[1], f["w3"], f["b3"], f["w4"], f["b4"], meta)


def layer2(net: FNet, h, dtype=np.float32):
    """conv2 of ``net`` on ``h`` (before BN)."""
    w2 = net.w2.astype(dtype)
    if net.kind == "cnn":
        return nn.conv2(h, w2)
    if net.kind == "adder":
        return adder2_blocked(h, w2)
    return wino_adder2_blocked(h, w2, net.kind.split("_", 1)[1])


def wino_adder2_blocked(x, w, preset: str):
    """:func:`.nn.wino_adder2` (p = 1) with matrix products and one output channel at a time."""
    bt, g, at = (m.astype(x.dtype) for m in nn.WINO_MATRICES[preset])
    u = g @ w @ g.T                                          # (O, C, 4, 4)
    v = bt @ nn.wino_tiles(x) @ bt.T                         # (N, C, TY, TX, 4, 4)
    m = np.empty((len(w),) + v.shape[:1] + v.shape[2:], dtype=v.dtype)
    for o in range(len(w)):
        m[o] = -np.abs(u[o][None, :, None, None] - v).sum(axis=1)
    return nn.wino_untile((at @ m @ at.T).transpose(1, 0, 2, 3, 4, 5))


def adder2_blocked(x, w):
    """:func:`.nn.adder2` one output channel at a time (its (N, H, W, O, K) temporary is too large
    for 28x28 batches)."""
    cols = nn.im2col(x)                                   # (N, H, W, K)
    w2 = w.reshape(len(w), -1)
    out = np.empty((len(w),) + cols.shape[:3], dtype=np.result_type(x, w))
    for o in range(len(w)):
        out[o] = -np.abs(cols - w2[o]).sum(-1)
    return out.transpose(1, 0, 2, 3)


def _bn(x, bn):
    a, b = nn.bn_fold(bn)
    return x * a[:, None, None].astype(x.dtype) + b[:, None, None].astype(x.dtype)


def forward(net: FNet, pixels: np.ndarray, dtype=np.float32, taps: dict | None = None,
            batch: int = 500) -> np.ndarray:
    """Floating-point logits (N, 10) of integer ``pixels`` (N, 1, 28, 28), in batches. ``taps``, when
    given, receives the pre-BN conv outputs ("z1", "z2"), the pooled activations ("h1", "h2") and the
    fc1 output after ReLU ("h3"), concatenated over the batches."""
    outs, tap_parts = [], []
    for s in range(0, len(pixels), batch):
        t = {} if taps is not None else None
        outs.append(_forward(net, pixels[s:s + batch], dtype, t))
        if t is not None:
            tap_parts.append(t)
    if taps is not None:
        taps.update({k: np.concatenate([t[k] for t in tap_parts]) for k in tap_parts[0]})
    return np.concatenate(outs) if outs else np.zeros((0, N_CLASSES), dtype=dtype)


def _forward(net, pixels, dtype, taps):
    x = (pixels / float(1 << PIXEL_FRAC)).astype(dtype)
    z1 = nn.conv2(x, net.w1.astype(dtype))
    h1 = nn.maxpool2(np.maximum(_bn(z1, net.bn1), 0))
    z2 = layer2(net, h1, dtype)
    h2 = nn.maxpool2(np.maximum(_bn(z2, net.bn2), 0))
    f = h2.reshape(len(x), -1)
    h3 = np.maximum(f @ net.w3.astype(dtype).T + net.b3.astype(dtype), 0)
    if taps is not None:
        taps.update(z1=z1, z2=z2, h1=h1, h2=h2, h3=h3)
    return h3 @ net.w4.astype(dtype).T + net.b4.astype(dtype)
