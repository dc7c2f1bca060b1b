#!/usr/bin/env python
"""Train the Fashion-MNIST models of the accuracy study and write hwgen/accuracy/weights/fashion_*.npz.

    .venv/bin/python scripts/train_fashion.py [--seed 1] [--kinds cnn adder wino_standard] [--epochs N]

Pure numpy (float32, hand-written backward passes shared with scripts/train_digits.py), seeded, one
core. Not part of the test suite: the committed weights are. The network is hwgen/accuracy/fashion_nn.py.

- ``cnn`` (the multiplicative reference, fp32 >= 89 % top-1 is the target): trained from scratch, Adam,
  cosine learning-rate decay, batch 64, random horizontal flips.
- ``adder`` / ``wino_standard`` / ``wino_balanced``: conv2 is an AdderNet / Winograd-AdderNet layer
  (gradients as in scripts/train_digits.py: full-precision weight gradient, HardTanh input gradient;
  Winograd: an l2-to-l1 schedule in two steps, p = 2 then p = 1, see pnorm_at). To keep the adder layers' numpy cost inside the time
  budget, they start from the trained CNN's conv1/BN1 and fully connected layers (conv2 and BN2 fresh)
  and train every parameter for fewer epochs.

After training, batch-norm statistics are the population statistics of the first BN_STATS training
images, layer by layer. The script prints its seed, every epoch's loss and the test top-1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_digits import bn_bwd, bn_fwd  # noqa: E402

from hwgen.accuracy import fashion_nn as fnn  # noqa: E402
from hwgen.accuracy import nn  # noqa: E402
from hwgen.accuracy.fashion_data import load_fashion  # noqa: E402

F32 = np.float32
#: Training images over which the final BN statistics are taken.
BN_STATS = 20000


def col2im(dcols, shape):
    n, c, h, w = shape
    d = dcols.reshape(n, h, w, c, 3, 3)
    dxp = np.zeros((n, c, h + 2, w + 2), dtype=dcols.dtype)
    for ky in range(3):
        for kx in range(3):
            dxp[:, :, ky:ky + h, kx:kx + w] += d[..., ky, kx].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1]


def untiles(dt, shape):
    n, c, h, w = shape
    dxp = np.zeros((n, c, h + 2, w + 2), dtype=dt.dtype)
    for ty in range(h // 2):
        for tx in range(w // 2):
            dxp[:, :, 2 * ty:2 * ty + 4, 2 * tx:2 * tx + 4] += dt[:, :, ty, tx]
    return dxp[:, :, 1:-1, 1:-1]


def conv_fwd(x, w):
    cols = nn.im2col(x)
    return (cols @ w.reshape(len(w), -1).T).transpose(0, 3, 1, 2), cols


def conv_bwd(dy, cols, w, x_shape, need_dx=True):
    d = dy.transpose(0, 2, 3, 1)
    dw = (d.reshape(-1, len(w)).T @ cols.reshape(-1, cols.shape[-1])).reshape(w.shape)
    dx = col2im(d @ w.reshape(len(w), -1), x_shape) if need_dx else None
    return dw, dx


def adder_fwd(x, w):
    cols = nn.im2col(x)
    diff = cols[..., None, :] - w.reshape(len(w), -1)          # (N, H, W, O, K)
    return -np.abs(diff).sum(-1).transpose(0, 3, 1, 2), diff


def adder_bwd(dy, diff, w, x_shape):
    d = dy.transpose(0, 2, 3, 1)[..., None]
    dw = (d * diff).sum(axis=(0, 1, 2)).reshape(w.shape)        # full-precision x - w
    dcols = (d * np.clip(-diff, -1, 1)).sum(axis=3)              # HardTanh(w - x)
    return dw, col2im(dcols, x_shape)


def wino_fwd(x, w, preset, p):
    bt, g, at = (m.astype(F32) for m in nn.WINO_MATRICES[preset])
    u = g @ w @ g.T                                            # (O, C, 4, 4)
    v = bt @ nn.wino_tiles(x) @ bt.T                           # (N, C, TY, TX, 4, 4)
    diff = u[None, :, :, None, None] - v[:, None]
    a = np.abs(diff)
    m = -(a if p == 1.0 else np.square(a) if p == 2.0 else a ** p).sum(axis=2)
    return nn.wino_untile(at @ m @ at.T), (diff, a, p)


def wino_bwd(dy, cache, preset, x_shape):
    bt, g, at = (m.astype(F32) for m in nn.WINO_MATRICES[preset])
    diff, a, p = cache
    n, o, h, w_ = dy.shape
    dyt = dy.reshape(n, o, h // 2, 2, w_ // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    dm = (at.T @ dyt @ at)[:, :, None]
    if p > 1.0:
        gd = 2 * diff if p == 2.0 else (p * a ** (p - 1) * np.sign(diff)).astype(F32)
        du = -(dm * gd).sum(axis=(0, 3, 4))
        dv = (dm * np.clip(gd, -1, 1)).sum(axis=1)
    else:
        du = -(dm * diff).sum(axis=(0, 3, 4))
        dv = (dm * np.clip(diff, -1, 1)).sum(axis=1)
    dw = g.T @ du @ g
    dt = bt.T @ dv @ bt
    return dw, untiles(dt, x_shape)


def pool_fwd(x):
    y = nn.maxpool2(x)
    up = y.repeat(2, axis=2).repeat(2, axis=3)
    mask = (x == up).astype(F32)
    cnt = mask.reshape(*x.shape[:2], x.shape[2] // 2, 2, x.shape[3] // 2, 2).sum(axis=(3, 5))
    return y, mask / cnt.repeat(2, axis=2).repeat(2, axis=3)   # ties split evenly


def pool_bwd(dy, mask):
    return dy.repeat(2, axis=2).repeat(2, axis=3) * mask


class Model:
    def __init__(self, kind, rng, init: fnn.FNet | None = None):
        self.kind = kind
        c1, c2, f1 = fnn.C1, fnn.C2, fnn.F1
        flat = c2 * (fnn.H2 // 2) ** 2
        p = {"w1": rng.normal(0, np.sqrt(2 / 9), (c1, 1, 3, 3)), "g1": np.ones(c1), "b1": np.zeros(c1),
             "w2": rng.normal(0, np.sqrt(2 / (9 * c1)), (c2, c1, 3, 3)), "g2": np.ones(c2), "b2": np.zeros(c2),
             "w3": rng.normal(0, np.sqrt(2 / flat), (f1, flat)), "b3": np.zeros(f1),
             "w4": rng.normal(0, np.sqrt(1 / f1), (fnn.N_CLASSES, f1)), "b4": np.zeros(fnn.N_CLASSES)}
        if init is not None:  # start from a trained CNN's conv1/BN1 and fc layers
            p.update(w1=init.w1, g1=init.bn1["gamma"], b1=init.bn1["beta"], w3=init.w3, b3=init.b3,
                     w4=init.w4, b4=init.b4)
        self.p = {k: np.asarray(v, dtype=F32) for k, v in p.items()}

    def layer2(self, h, pnorm):
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
        h1, m1 = pool_fwd(np.maximum(a1, 0))
        z2, c2 = self.layer2(h1, pnorm)
        a2, cb2 = bn_fwd(z2, p["g2"], p["b2"])
        h2, m2 = pool_fwd(np.maximum(a2, 0))
        f = h2.reshape(len(x), -1)
        s3 = f @ p["w3"].T + p["b3"]
        h3 = np.maximum(s3, 0)
        logits = h3 @ p["w4"].T + p["b4"]
        e = np.exp(logits - logits.max(1, keepdims=True))
        prob = e / e.sum(1, keepdims=True)
        loss = -np.log(prob[np.arange(len(y)), y] + 1e-12).mean()
        dl = prob
        dl[np.arange(len(y)), y] -= 1
        dl /= len(y)
        g = {"w4": dl.T @ h3, "b4": dl.sum(0)}
        ds3 = (dl @ p["w4"]) * (s3 > 0)
        g["w3"], g["b3"] = ds3.T @ f, ds3.sum(0)
        dh2 = (ds3 @ p["w3"]).reshape(h2.shape)
        da2 = pool_bwd(dh2, m2) * (a2 > 0)
        dz2, g["g2"], g["b2"] = bn_bwd(da2, cb2, p["g2"])
        g["w2"], dh1 = self.layer2_bwd(dz2.astype(F32), c2, h1.shape)
        da1 = pool_bwd(dh1, m1) * (a1 > 0)
        dz1, g["g1"], g["b1"] = bn_bwd(da1, cb1, p["g1"])
        g["w1"], _ = conv_bwd(dz1.astype(F32), c1, p["w1"], x.shape, need_dx=False)
        return float(loss), g

    def to_net(self, pixels, meta) -> fnn.FNet:
        """Population BN statistics over ``pixels``, layer by layer (float64)."""
        p = {k: v.astype(np.float64) for k, v in self.p.items()}
        net = fnn.FNet(self.kind, p["w1"], {"gamma": p["g1"], "beta": p["b1"]}, p["w2"],
                       {"gamma": p["g2"], "beta": p["b2"]}, p["w3"], p["b3"], p["w4"], p["b4"], meta)
        z1 = np.concatenate([nn.conv2(pixels[s:s + 2000] / 256.0, p["w1"]) for s in range(0, len(pixels), 2000)])
        net.bn1.update(mean=z1.mean(axis=(0, 2, 3)), var=z1.var(axis=(0, 2, 3)))
        del z1
        a, b = nn.bn_fold(net.bn1)
        z2 = []
        for s in range(0, len(pixels), 2000):
            h = nn.maxpool2(np.maximum(nn.conv2(pixels[s:s + 2000] / 256.0, p["w1"]) * a[:, None, None]
                                       + b[:, None, None], 0))
            z2.append(fnn.layer2(net, h, np.float64))
        z2 = np.concatenate(z2)
        net.bn2.update(mean=z2.mean(axis=(0, 2, 3)), var=z2.var(axis=(0, 2, 3)))
        return net


def pnorm_at(kind, epoch, epochs):
    """The l2-to-l1 schedule in two steps: p = 2 for the first half of the epochs, p = 1 (the deployed
    layer) for the second. The paper's linear ramp needs fractional powers, whose numpy cost would put the
    Winograd training far beyond the time budget; p = 2 is a square."""
    if not kind.startswith("wino"):
        return 1.0
    return 2.0 if epoch < epochs // 2 else 1.0


def train(kind, epochs, seed, lr, batch=64, init=None, train_images=None):
    d = load_fashion()
    rng = np.random.default_rng(seed)
    print(f"{kind}: seed {seed}, {epochs} epochs, lr {lr}, batch {batch}", flush=True)
    model = Model(kind, rng, init)
    n_train = train_images or len(d.y_train)
    x_train = (d.x_train[:n_train] / 256.0).astype(F32)
    y_train = d.y_train[:n_train]
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
            xb = x_train[idx]
            flip = rng.random(len(idx)) < 0.5
            xb[flip] = xb[flip, :, :, ::-1]
            loss, g = model.step_grads(xb, y_train[idx], pn)
            losses.append(loss)
            t += 1
            rate = lr * 0.5 * (1 + np.cos(np.pi * t / steps))
            for k in model.p:
                gk = g[k].astype(F32) + (F32(5e-5) * model.p[k] if k.startswith("w") else 0)
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                model.p[k] = (model.p[k] - rate * (m[k] / (1 - 0.9 ** t))
                              / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)).astype(F32)
        print(f"  {kind} epoch {ep + 1}/{epochs} p={pn:.2f} loss {np.mean(losses):.4f} "
              f"({time.time() - t0:.0f} s)", flush=True)
    meta = {"epochs": epochs, "seed": seed, "lr": lr, "batch": batch, "trainer": "scripts/train_fashion.py",
            "bn_stats_images": BN_STATS, "init": "cnn" if init is not None else "random",
            "train_images": n_train}
    net = model.to_net(d.x_train[:BN_STATS], meta)
    acc_te = float((fnn.forward(net, d.x_test).argmax(1) == d.y_test).mean())
    net.meta.update(test_top1=round(acc_te, 4))
    print(f"{kind}: test top-1 {acc_te:.4f} ({time.time() - t0:.0f} s)", flush=True)
    return net


#: Default epochs per kind (the adder layers cost far more numpy time per epoch than the convolution).
EPOCHS = {"cnn": 12, "adder": 2, "wino_standard": 2, "wino_balanced": 2}
LR = {"cnn": 3e-3, "adder": 1e-3, "wino_standard": 1e-3, "wino_balanced": 1e-3}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=None, help="override every kind's epochs")
    ap.add_argument("--kinds", nargs="+", default=["cnn", "adder", "wino_standard"], choices=nn.KINDS)
    ap.add_argument("--train-images", type=int, default=None, help="first N training images only")
    ap.add_argument("--out", type=Path, default=fnn.WEIGHTS)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cnn = None
    for kind in args.kinds:
        if kind != "cnn" and cnn is None:
            cnn = fnn.load_fnet("cnn") if (args.out / "fashion_cnn.npz").exists() else None
        net = train(kind, args.epochs or EPOCHS[kind], args.seed, LR[kind], init=None if kind == "cnn" else cnn,
                    train_images=args.train_images)
        net.save(args.out / f"fashion_{kind}.npz")
        if kind == "cnn":
            cnn = net


if __name__ == "__main__":
    main()
