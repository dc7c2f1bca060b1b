#!/usr/bin/env python
"""Train the four models of the accuracy study on the digits split and write hwgen/accuracy/weights/.

    .venv/bin/python scripts/train_digits.py [--epochs 150] [--seed 1] [--kinds cnn adder ...]

Pure numpy (no deep-learning framework): each layer has a hand-written backward pass. Runs once, in a
few minutes on one core; it is not part of the test suite (the committed weights are used there).

- ``cnn``: conv1 -> BN -> ReLU -> pool -> conv2 -> BN -> ReLU -> fc (see hwgen/accuracy/nn.py).
- ``adder``: conv2 is an AdderNet layer, y = -sum|x - w|, trained as Chen et al. (CVPR 2020) do: the
  weight gradient is the full-precision x - w instead of sign(x - w), and the gradient passed to the
  input is clipped (HardTanh) instead of sign(w - x).
- ``wino_standard`` / ``wino_balanced``: conv2 is a Winograd-AdderNet layer (Li et al., ICML 2021),
  Y = A^T [ -sum_c |U - V|^p ] A with U = G g G^T, V = B^T d B. The 3x3 kernel g is what is learnt, with
  the l2-to-l1 schedule of the paper: p = 2 for the first quarter of the epochs (where the layer behaves
  like a multiplication and the transform is consistent), then p falls linearly to 1 by three quarters,
  and the last quarter trains the layer that is deployed (p = 1). Gradients: the exact p-norm gradient
  while p > 1, the AdderNet full-precision / HardTanh substitutes at p = 1.

Optimiser: Adam with cosine learning-rate decay, batch 32, random +-1 pixel shifts. After training, the
batch-norm statistics are set to the population statistics of the (unshifted) training images, computed
layer by layer, which is also how the study recomputes them for approximate networks.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hwgen.accuracy import nn  # noqa: E402
from hwgen.accuracy.data import load  # noqa: E402


def col2im(dcols, shape):
    """Adjoint of nn.im2col (pad 1)."""
    n, c, h, w = shape
    d = dcols.reshape(n, h, w, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, w + 2))
    for ky in range(3):
        for kx in range(3):
            dxp[:, :, ky:ky + h, kx:kx + w] += d[..., ky, kx].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1]


def untiles(dt, shape):
    """Adjoint of nn.wino_tiles."""
    n, c, h, w = shape
    dxp = np.zeros((n, c, h + 2, w + 2))
    for ty in range(h // 2):
        for tx in range(w // 2):
            dxp[:, :, 2 * ty:2 * ty + 4, 2 * tx:2 * tx + 4] += dt[:, :, ty, tx]
    return dxp[:, :, 1:-1, 1:-1]


def conv_fwd(x, w):
    cols = nn.im2col(x)
    return (cols @ w.reshape(len(w), -1).T).transpose(0, 3, 1, 2), cols


def conv_bwd(dy, cache, w, x_shape, need_dx=True):
    cols = cache
    d = dy.transpose(0, 2, 3, 1)  # (N, H, W, O)
    dw = (d.reshape(-1, len(w)).T @ cols.reshape(-1, cols.shape[-1])).reshape(w.shape)
    dx = col2im(d @ w.reshape(len(w), -1), x_shape) if need_dx else None
    return dw, dx


def adder_fwd(x, w):
    cols = nn.im2col(x)
    diff = cols[..., None, :] - w.reshape(len(w), -1)  # (N, H, W, O, K)
    return -np.abs(diff).sum(-1).transpose(0, 3, 1, 2), diff


def adder_bwd(dy, diff, w, x_shape):
    d = dy.transpose(0, 2, 3, 1)[..., None]  # (N, H, W, O, 1)
    dw = (d * diff).sum(axis=(0, 1, 2)).reshape(w.shape)            # full-precision x - w
    dcols = (d * np.clip(-diff, -1, 1)).sum(axis=3)                  # HardTanh(w - x)
    return dw, col2im(dcols, x_shape)


def wino_fwd(x, w, preset, p):
    bt, g, at = nn.WINO_MATRICES[preset]
    u = np.einsum("ij,ocjk,lk->ocil", g, w, g)
    v = np.einsum("ij,nctsjk,lk->nctsil", bt, nn.wino_tiles(x), bt)
    diff = u[None, :, :, None, None] - v[:, None]  # (N, O, C, TY, TX, 4, 4)
    a = np.abs(diff)
    m = -(a ** p).sum(axis=2)
    y = nn.wino_untile(np.einsum("ij,notsjk,lk->notsil", at, m, at))
    return y, (diff, a, p)


def wino_bwd(dy, cache, preset, x_shape):
    bt, g, at = nn.WINO_MATRICES[preset]
    diff, a, p = cache
    n, o, h, w_ = dy.shape
    dyt = dy.reshape(n, o, h // 2, 2, w_ // 2, 2).transpose(0, 1, 2, 4, 3, 5)  # (N, O, TY, TX, 2, 2)
    dm = np.einsum("ji,notsjk,kl->notsil", at, dyt, at)[:, :, None]          # (N, O, 1, TY, TX, 4, 4)
    if p > 1.0:
        gd = p * a ** (p - 1) * np.sign(diff)       # d|diff|^p / d diff
        du = -(dm * gd).sum(axis=(0, 3, 4))
        dv = (dm * np.clip(gd, -1, 1)).sum(axis=1)
    else:
        du = -(dm * diff).sum(axis=(0, 3, 4))       # full-precision substitute for -sign(diff)
        dv = (dm * np.clip(diff, -1, 1)).sum(axis=1)  # HardTanh substitute for sign(diff)
    dw = np.einsum("ji,ocjk,kl->ocil", g, du, g)
    dt = np.einsum("ji,nctsjk,kl->nctsil", bt, dv, bt)
    return dw, untiles(dt, x_shape)


def bn_fwd(x, gamma, beta):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    xh = (x - mu) / np.sqrt(var + nn.BN_EPS)
    return xh * gamma[:, None, None] + beta[:, None, None], (xh, var)


def bn_bwd(dy, cache, gamma):
    xh, var = cache
    m = dy.shape[0] * dy.shape[2] * dy.shape[3]
    dgamma = (dy * xh).sum(axis=(0, 2, 3))
    dbeta = dy.sum(axis=(0, 2, 3))
    dxh = dy * gamma[:, None, None]
    dx = (dxh - dxh.mean(axis=(0, 2, 3), keepdims=True)
          - xh * (dxh * xh).sum(axis=(0, 2, 3), keepdims=True) / m) / np.sqrt(var + nn.BN_EPS)
    return dx, dgamma, dbeta


def pool_fwd(x):
    y = nn.maxpool2(x)
    up = y.repeat(2, axis=2).repeat(2, axis=3)
    mask = x == up
    mask = mask / mask.reshape(*x.shape[:2], x.shape[2] // 2, 2, x.shape[3] // 2, 2).sum(
        axis=(3, 5)).repeat(2, axis=2).repeat(2, axis=3)  # split ties evenly
    return y, mask


class Model:
    def __init__(self, kind, rng):
        self.kind = kind
        self.p = {
            "w1": rng.normal(0, np.sqrt(2 / 9), (nn.C1, 1, 3, 3)),
            "g1": np.ones(nn.C1), "b1": np.zeros(nn.C1),
            "w2": rng.normal(0, np.sqrt(2 / (9 * nn.C1)), (nn.C2, nn.C1, 3, 3)),
            "g2": np.ones(nn.C2), "b2": np.zeros(nn.C2),
            "wf": rng.normal(0, np.sqrt(1 / (16 * nn.C2)), (nn.N_CLASSES, 16 * nn.C2)),
            "bf": np.zeros(nn.N_CLASSES),
        }

    def layer2_fwd(self, h, pnorm):
        if self.kind == "cnn":
            return conv_fwd(h, self.p["w2"])
        if self.kind == "adder":
            return adder_fwd(h, self.p["w2"])
        return wino_fwd(h, self.p["w2"], self.kind.split("_", 1)[1], pnorm)

    def layer2_bwd(self, dz, cache, h_shape):
        if self.kind == "cnn":
            return conv_bwd(dz, cache, self.p["w2"], h_shape)
        if self.kind == "adder":
            return adder_bwd(dz, cache, self.p["w2"], h_shape)
        return wino_bwd(dz, cache, self.kind.split("_", 1)[1], h_shape)

    def step_grads(self, x, y, pnorm):
        p = self.p
        z1, c1 = conv_fwd(x, p["w1"])
        a1, cb1 = bn_fwd(z1, p["g1"], p["b1"])
        r1 = np.maximum(a1, 0)
        h, mask = pool_fwd(r1)
        z2, c2 = self.layer2_fwd(h, pnorm)
        a2, cb2 = bn_fwd(z2, p["g2"], p["b2"])
        f = np.maximum(a2, 0).reshape(len(x), -1)
        logits = f @ p["wf"].T + p["bf"]
        e = np.exp(logits - logits.max(1, keepdims=True))
        prob = e / e.sum(1, keepdims=True)
        loss = -np.log(prob[np.arange(len(y)), y] + 1e-12).mean()
        dl = prob.copy()
        dl[np.arange(len(y)), y] -= 1
        dl /= len(y)
        g = {"wf": dl.T @ f, "bf": dl.sum(0)}
        da2 = (dl @ p["wf"]).reshape(a2.shape) * (a2 > 0)
        dz2, g["g2"], g["b2"] = bn_bwd(da2, cb2, p["g2"])
        g["w2"], dh = self.layer2_bwd(dz2, c2, h.shape)
        dr1 = dh.repeat(2, axis=2).repeat(2, axis=3) * mask
        dz1, g["g1"], g["b1"] = bn_bwd(dr1 * (a1 > 0), cb1, p["g1"])
        g["w1"], _ = conv_bwd(dz1, c1, p["w1"], x.shape, need_dx=False)
        return loss, g

    def to_net(self, x_train, meta) -> nn.Net:
        """Population BN statistics over the training images, layer by layer (float64)."""
        p = self.p
        bn1 = {"gamma": p["g1"], "beta": p["b1"]}
        z1 = nn.conv2(x_train, p["w1"])
        bn1.update(mean=z1.mean(axis=(0, 2, 3)), var=z1.var(axis=(0, 2, 3)))
        net = nn.Net(self.kind, p["w1"], bn1, p["w2"], {}, p["wf"], p["bf"], meta)
        a, b = nn.bn_fold(bn1)
        h = nn.maxpool2(np.maximum(z1 * a[:, None, None] + b[:, None, None], 0))
        z2 = nn.layer2(net, h, np.float64)
        net.bn2 = {"gamma": p["g2"], "beta": p["b2"], "mean": z2.mean(axis=(0, 2, 3)),
                   "var": z2.var(axis=(0, 2, 3))}
        return net


def shift_batch(x, rng):
    """Random +-1 pixel translations, zero fill."""
    out = np.zeros_like(x)
    for i, (dy, dx) in enumerate(rng.integers(-1, 2, size=(len(x), 2))):
        src = x[i, :, max(0, -dy):8 - max(0, dy), max(0, -dx):8 - max(0, dx)]
        out[i, :, max(0, dy):max(0, dy) + src.shape[1], max(0, dx):max(0, dx) + src.shape[2]] = src
    return out


def pnorm_at(kind, epoch, epochs):
    if not kind.startswith("wino"):
        return 1.0
    t = epoch / epochs
    return float(np.clip(2.0 - (t - 0.25) / 0.5, 1.0, 2.0))


def train(kind, epochs, seed, lr, batch=32):
    d = load()
    rng = np.random.default_rng(seed)
    model = Model(kind, rng)
    x_train = d.x_train / 16.0
    m = {k: np.zeros_like(v) for k, v in model.p.items()}
    v = {k: np.zeros_like(v) for k, v in model.p.items()}
    t = 0
    steps = epochs * ((len(x_train) + batch - 1) // batch)
    t0 = time.time()
    for ep in range(epochs):
        pn = pnorm_at(kind, ep, epochs)
        order = rng.permutation(len(x_train))
        losses = []
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            loss, g = model.step_grads(shift_batch(x_train[idx], rng), d.y_train[idx], pn)
            losses.append(loss)
            t += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * t / steps))
            for k in model.p:
                gk = g[k] + (1e-4 * model.p[k] if k.startswith("w") else 0)
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                model.p[k] = model.p[k] - rate * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
        if ep % 10 == 9 or ep == epochs - 1:
            print(f"  {kind} epoch {ep + 1}/{epochs} p={pn:.2f} loss {np.mean(losses):.4f} "
                  f"({time.time() - t0:.0f} s)", flush=True)
    meta = {"epochs": epochs, "seed": seed, "lr": lr, "batch": batch, "trainer": "scripts/train_digits.py"}
    net = model.to_net(x_train, meta)
    acc_tr = (nn.forward(net, d.x_train).argmax(1) == d.y_train).mean()
    acc_te = (nn.forward(net, d.x_test).argmax(1) == d.y_test).mean()
    net.meta.update(train_top1=round(float(acc_tr), 4), test_top1=round(float(acc_te), 4))
    print(f"{kind}: train {acc_tr:.4f} test {acc_te:.4f} ({time.time() - t0:.0f} s)", flush=True)
    return net


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--kinds", nargs="+", default=list(nn.KINDS), choices=nn.KINDS)
    ap.add_argument("--out", type=Path, default=nn.WEIGHTS)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in args.kinds:
        net = train(kind, args.epochs, args.seed, args.lr)
        net.save(args.out / f"digits_{kind}.npz")


if __name__ == "__main__":
    main()
