"""The network: its shape, its weights file, and the floating-point forward pass (the ``fp32`` path).

Every model of the study has the same shape (chosen small so the whole bit-exact study runs in about a
minute on two cores)::

    input 1x8x8 (pixel / 16)
    conv1  3x3, pad 1, 1 -> 8 channels, multiplications      -> BN -> ReLU -> 2x2 max pool  (8x4x4)
    conv2  3x3, pad 1, 8 -> 16 channels, multiplications (CNN)
           or -sum|x - w| (AdderNet, direct or Winograd F(2x2,3x3)) -> BN -> ReLU             (16x4x4)
    fc     256 -> 10, multiplications, with bias

As in the AdderNet and Winograd-AdderNet papers, the first and the last layer keep multiplications.
Arrays are NCHW; im2col columns are ordered (channel, ky, kx), matching ``w.reshape(out, -1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["C1", "C2", "N_CLASSES", "BN_EPS", "KINDS", "WINO_MATRICES", "Net", "im2col", "maxpool2",
           "conv2", "adder2", "wino_tiles", "wino_untile", "wino_adder2", "bn_fold", "forward",
           "weights_path", "load_net"]

C1, C2, N_CLASSES = 8, 16, 10
BN_EPS = 1e-5
#: Model kinds: what conv2 computes.
KINDS = ("cnn", "adder", "wino_standard", "wino_balanced")
WEIGHTS = Path(__file__).resolve().parent / "weights"


def _wino_standard():
    bt = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
    g = np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]], dtype=np.float64)
    at = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)
    return bt, g, at


def _wino_balanced():
    # Interpolation points 0 and infinity negated (units.md section 4): still exact for multiplication.
    bt, g, _ = _wino_standard()
    g = g.copy()
    g[[0, 3]] *= -1
    at = np.array([[-1, 1, 1, 0], [0, 1, -1, 1]], dtype=np.float64)
    return bt, g, at


#: (B^T, G, A^T) of F(2x2, 3x3) per preset, as the training and the fp32 path use them.
WINO_MATRICES = {"standard": _wino_standard(), "balanced": _wino_balanced()}


@dataclass
class Net:
    """Trained parameters of one model (float64 arrays, as trained)."""

    kind: str
    w1: np.ndarray
    bn1: dict
    w2: np.ndarray
    bn2: dict
    wf: np.ndarray
    bf: np.ndarray
    meta: dict

    def save(self, path: Path) -> None:
        arrays = {"w1": self.w1, "w2": self.w2, "wf": self.wf, "bf": self.bf}
        for i, bn in ((1, self.bn1), (2, self.bn2)):
            for k, v in bn.items():
                arrays[f"bn{i}_{k}"] = v
        arrays["kind"] = np.array(self.kind)
        arrays["meta"] = np.array(repr(sorted(self.meta.items())))
        # float32 storage: the fp32 path computes in float32 anyway, and it halves the files.
        np.savez_compressed(path, **{k: (v.astype(np.float32) if v.dtype.kind == "f" else v)
                                     for k, v in arrays.items()})


def weights_path(kind: str) -> Path:
    return WEIGHTS / f"digits_{kind}.npz"


def load_net(kind: str) -> Net:
    """The committed weights of model ``kind`` (see scripts/train_digits.py)."""
    if kind not in KINDS:
        raise ValueError(f"Model kind must be one of {', '.join(KINDS)}, not {kind!r}")
    with np.load(weights_path(kind)) as z:
        bn = [{k: z[f"bn{i}_{k}"].astype(np.float64) for k in ("gamma", "beta", "mean", "var")} for i in (1, 2)]
        meta = dict(eval(str(z["meta"]), {"__builtins__": {}}))  # a literal written by Net.save
        return Net(str(z["kind"]), z["w1"].astype(np.float64), bn[0], z["w2"].astype(np.float64), bn[1],
                   z["wf"].astype(np.float64), z["bf"].astype(np.float64), meta)


def im2col(x: np.ndarray, pad: int = 1) -> np.ndarray:
    """(N, C, H, W) -> (N, H, W, C*9) windows of a 3x3 stride-1 convolution with zero padding."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, h, w, c, 3, 3), dtype=x.dtype)
    for ky in range(3):
        for kx in range(3):
            cols[..., ky, kx] = xp[:, :, ky:ky + h, kx:kx + w].transpose(0, 2, 3, 1)
    return cols.reshape(n, h, w, c * 9)


def maxpool2(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def conv2(x, w):
    """3x3 convolution, pad 1: (N, C, H, W) x (O, C, 3, 3) -> (N, O, H, W)."""
    cols = im2col(x)
    return (cols @ w.reshape(len(w), -1).T).transpose(0, 3, 1, 2)


def adder2(x, w):
    """AdderNet layer: y = -sum |x - w| over each 3x3 window and every input channel (zero padding)."""
    cols = im2col(x)
    d = np.abs(cols[..., None, :] - w.reshape(len(w), -1))
    return -d.sum(-1).transpose(0, 3, 1, 2)


def wino_tiles(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H/2, W/2, 4, 4): the overlapping 4x4 input tiles of F(2x2, 3x3), pad 1."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    t = np.empty((n, c, h // 2, w // 2, 4, 4), dtype=x.dtype)
    for ty in range(h // 2):
        for tx in range(w // 2):
            t[:, :, ty, tx] = xp[:, :, 2 * ty:2 * ty + 4, 2 * tx:2 * tx + 4]
    return t


def wino_untile(y: np.ndarray) -> np.ndarray:
    """(N, O, TY, TX, 2, 2) output tiles -> (N, O, 2*TY, 2*TX)."""
    n, o, ty, tx = y.shape[:4]
    return y.transpose(0, 1, 2, 4, 3, 5).reshape(n, o, 2 * ty, 2 * tx)


def wino_adder2(x, w, preset: str, p: float = 1.0):
    """Winograd-AdderNet layer: Y = A^T [ -sum_c |U - V|^p ] A per tile, U = G g G^T, V = B^T d B."""
    bt, g, at = WINO_MATRICES[preset]
    u = np.einsum("ij,ocjk,lk->ocil", g, w, g)                       # (O, C, 4, 4)
    v = np.einsum("ij,nctsjk,lk->nctsil", bt, wino_tiles(x), bt)     # (N, C, TY, TX, 4, 4)
    d = np.abs(u[None, :, :, None, None] - v[:, None])               # (N, O, C, TY, TX, 4, 4)
    m = -(d ** p if p != 1.0 else d).sum(axis=2)
    return wino_untile(np.einsum("ij,notsjk,lk->notsil", at, m, at))


def bn_fold(bn: dict) -> tuple[np.ndarray, np.ndarray]:
    """Inference batch normalisation as a per-channel affine y = a*x + b."""
    a = bn["gamma"] / np.sqrt(bn["var"] + BN_EPS)
    return a, bn["beta"] - a * bn["mean"]


def _bn(x, bn):
    a, b = bn_fold(bn)
    return x * a[:, None, None].astype(x.dtype) + b[:, None, None].astype(x.dtype)


def layer2(net: Net, h, dtype=np.float32):
    """conv2 of ``net`` on ``h`` (before BN)."""
    w2 = net.w2.astype(dtype)
    if net.kind == "cnn":
        return conv2(h, w2)
    if net.kind == "adder":
        return adder2(h, w2)
    return wino_adder2(h, w2, net.kind.split("_", 1)[1])


def forward(net: Net, pixels: np.ndarray, dtype=np.float32, taps: dict | None = None) -> np.ndarray:
    """Floating-point logits (N, 10) of integer ``pixels`` (N, 1, 8, 8). ``taps``, when given, receives
    the pre-BN outputs of conv1 and conv2 ("z1", "z2") and the FC input ("f")."""
    x = (pixels / 16.0).astype(dtype)
    z1 = conv2(x, net.w1.astype(dtype))
    h = maxpool2(np.maximum(_bn(z1, net.bn1), 0))
    z2 = layer2(net, h, dtype)
    f = np.maximum(_bn(z2, net.bn2), 0).reshape(len(x), -1)
    if taps is not None:
        taps.update(z1=z1, z2=z2, f=f)
    return f @ net.wf.astype(dtype).T + net.bf.astype(dtype)
