"""The Fashion-MNIST study: the digits study's variants (:mod:`.variants`) on the Fashion-MNIST networks.

Run sizes (each record states its ``images`` and ``image_set``):

- default: the key set (:func:`key_set`) on all 10,000 test images;
- ``quick``: the key set on the first :data:`QUICK_IMAGES` test images;
- ``full``: every catalogue variant; bf16 on a seeded subset of :data:`SUBSET_IMAGES` test images and
  16-bit Mitch-w on :data:`SUBSET16_IMAGES` (seed :data:`SUBSET_SEED`; their models are the slow ones),
  the rest on all.

Every delta against fp32 is paired (same images, same trained model) and carries a 95 % confidence
interval from the per-image correctness differences (normal approximation of their mean).
Batch-norm re-estimation (int8 and 8-bit Mitch-w) runs the approximate network over the first
:data:`BN_IMAGES` training images (``quick``: :data:`BN_IMAGES_QUICK`).
"""

from __future__ import annotations

import copy
import math
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np

from hwgen.accuracy import fashion_nn as fnn
from hwgen.accuracy.fashion_data import load_fashion
from hwgen.accuracy.products import unit_available
from hwgen.accuracy.variants import FASHION_KEY, MULTIPLIER_FAMILIES, Variant, catalogue
from hwgen.toolchain import one_blas_thread_per_worker

__all__ = ["KEY", "key_set", "run_fashion", "run_variant", "images_for", "paired_ci", "QUICK_IMAGES",
           "SUBSET_IMAGES", "SUBSET16_IMAGES", "SUBSET_SEED", "BN_IMAGES", "BN_IMAGES_QUICK", "DATASET"]

DATASET = "fashion-mnist"
#: The key set, declared with the other variant selections in :mod:`.variants`.
KEY = FASHION_KEY
QUICK_IMAGES = 1000
SUBSET_IMAGES = 2000
#: 16-bit Mitch-w (the generic model path, about 2 M MAC/s): a smaller subset, same seed.
SUBSET16_IMAGES = 500
SUBSET_SEED = 20261204
BN_IMAGES = 2000
BN_IMAGES_QUICK = 500
_Z95 = 1.959963984540054


def key_set(cat: list[Variant] | None = None) -> list[Variant]:
    """The default variants: :data:`KEY` plus every catalogue variant marked ``info["key"]`` (the hook
    for new multiplier families: mark the family's default variant in :mod:`.variants`)."""
    cat = cat or catalogue()
    return [v for v in cat if v.name in KEY or v.info.get("key")]


def _slow(v: Variant) -> bool:
    """Variants whose models are too slow for 10,000 images in ``--full`` (16-bit operands, bf16)."""
    return v.family == "bf16" or (v.family == "mitchw" and v.info.get("operand_width", 8) > 8)


def images_for(v: Variant, mode: str, n_test: int = 10000) -> tuple[np.ndarray, str]:
    """Test-image indices of variant ``v`` in run ``mode`` (default | quick | full) out of ``n_test``,
    and their description."""
    if mode == "quick":
        n = min(QUICK_IMAGES, n_test)
        return np.arange(n), f"first {n} test images"
    size = SUBSET16_IMAGES if v.family == "mitchw" else SUBSET_IMAGES
    if mode == "full" and _slow(v) and n_test > size:
        idx = np.sort(np.random.default_rng(SUBSET_SEED).choice(n_test, size, replace=False))
        return idx, f"{size} test images drawn with seed {SUBSET_SEED}"
    return np.arange(n_test), f"all {n_test} test images"


def paired_ci(correct: np.ndarray, correct_ref: np.ndarray) -> tuple[float, float]:
    """95 % interval of mean(correct - correct_ref) (per-image 0/1 correctness, paired)."""
    d = correct.astype(np.float64) - correct_ref.astype(np.float64)
    n = len(d)
    if n < 2:
        return (float("nan"), float("nan"))
    half = _Z95 * float(d.std(ddof=1)) / math.sqrt(n)
    return (round(float(d.mean()) - half, 5), round(float(d.mean()) + half, 5))


@lru_cache(maxsize=None)
def _net(kind: str) -> fnn.FNet:
    return fnn.load_fnet(kind)


def _has_weights(kind: str) -> bool:
    return fnn.weights_path(kind).exists()


_DATA_DIR: list = [None]


def _data():
    return load_fashion(_DATA_DIR[0])


@lru_cache(maxsize=None)
def _fp32(kind: str, n: int = 10000) -> np.ndarray:
    """fp32 logits of model ``kind`` on the first ``n`` test images (computed once, shared by forked
    workers)."""
    return fnn.forward(_net(kind), _data().x_test[:n])


def _fit(ref: np.ndarray, got: np.ndarray) -> dict:
    from hwgen.accuracy.fashion_engine import slope_residual
    e, a = ref.astype(np.float64).ravel(), got.astype(np.float64).ravel()
    return slope_residual((a @ e, e @ e, a @ a))


def _noretrain_net(net: fnn.FNet, preset: str, stats_pixels: np.ndarray | None) -> fnn.FNet:
    """The direct AdderNet's weights run through Winograd ``preset``; BN2 re-estimated (fp32) on
    ``stats_pixels`` when given."""
    new = copy.deepcopy(net)
    new.kind = f"wino_{preset}"
    if stats_pixels is not None:
        taps = {}
        fnn.forward(new, stats_pixels, np.float64, taps)
        new.bn2 = dict(new.bn2, mean=taps["z2"].mean(axis=(0, 2, 3)), var=taps["z2"].var(axis=(0, 2, 3)))
    return new


def _cnn(v: Variant, x: np.ndarray, bn_study: bool, quick: bool) -> dict:
    from hwgen.accuracy.fashion_engine import SCALE_IMAGES, FIntNet, recompute_bn, slope_residual
    d = _data()
    net = _net("cnn")
    scheme = v.scheme()
    inet = FIntNet(net, scheme, d.x_train)
    want_scale = bn_study and v.family in MULTIPLIER_FAMILIES
    scale = {} if want_scale else None
    logits = inet.logits(x, stats=True, scale=scale)
    out = {"logits": logits * inet.l4.s_acc, "requant": inet.requant_label,
           "fast_layers": [k for k, lay in inet.layers.items() if lay.narrow]}
    n = sum(s.n for s in inet.stats.values())
    if n:
        out["product_bias"] = round(sum(s.sum_re for s in inet.stats.values()) / n, 5)
        out["product_mre"] = round(sum(s.sum_abs_re for s in inet.stats.values()) / n, 5)
        out["layer_product_bias"] = {k: round(s.bias, 5) for k, s in inet.stats.items() if s.n}
    if want_scale:
        out["layer_scale"] = {k: slope_residual(t) for k, t in scale.items()}
        out["layer_scale_images"] = f"first {min(SCALE_IMAGES, len(x))} images of the row's set"
        if v.info.get("operand_width") == 8:
            bn_n = BN_IMAGES_QUICK if quick else BN_IMAGES
            new = recompute_bn(net, scheme, d.x_train[:bn_n], d.x_train)
            # activation scales stay those of the fp32 calibration (as in recompute_bn itself)
            out["bn_logits"] = FIntNet(new, scheme, d.x_train, calib=inet.calib).logits_float(x)
            out["bn_images"] = f"first {bn_n} training images"
    return out


def _bf16(v: Variant, x: np.ndarray) -> tuple[np.ndarray, dict]:
    from hwgen.accuracy.fashion_bf16 import bf16_logits
    return bf16_logits(_net("cnn"), x, v.info.get("w"))


def run_variant(v: Variant, mode: str = "default", bn_study: bool = True) -> dict:
    """One record (see :mod:`.study` for the fields; plus ``ci95_delta``, ``image_set``)."""
    t0 = time.perf_counter()
    d = _data()
    idx, desc = images_for(v, mode, len(d.x_test))
    x, y = d.x_test[idx], d.y_test[idx]
    rec = {"variant": v.name, "dataset": DATASET, "family": v.family, "model": v.model, "images": int(len(y)),
           "image_set": desc}
    rec.update({k: val for k, val in v.info.items() if k != "key"})
    missing = [u for u in v.units if not unit_available(u)]
    if missing:
        rec.update(status="pending", missing_units=missing)
        return rec
    kind = v.model if not v.name.endswith("_noretrain") else "adder"
    if not _has_weights(kind):
        rec.update(status="pending", missing_units=[], missing_weights=fnn.weights_path(kind).name)
        return rec
    n_ref = len(idx) if mode == "quick" else len(d.x_test)  # the images the parent computed
    ref = _fp32(v.model if _has_weights(v.model) else kind, n_ref)[idx]
    extra = {}
    if v.family == "float":
        logits = ref
    elif v.family == "adder":
        from hwgen.accuracy.fashion_adder import FIntAdderNet
        net = _net(kind)
        if v.name.endswith("_noretrain"):
            preset = v.info["conv2"]
            bn_n = BN_IMAGES_QUICK if mode == "quick" else BN_IMAGES
            extra["bn_logits"] = FIntAdderNet(_noretrain_net(net, preset, d.x_train[:bn_n]), preset,
                                              d.x_train).logits_float(x)
            extra["bn_images"] = f"first {bn_n} training images (fp32 statistics of the Winograd network)"
            net = _noretrain_net(net, preset, None)
            ref = _fp32("adder", n_ref)[idx]
        inet = FIntAdderNet(net, v.info["conv2"], d.x_train)
        logits = inet.logits_float(x)
        extra.update(requant=f"{inet.requant_label} + unit:requant_mul (BN after the adder layer)",
                     adder_weights_clipped=round(inet.w2_clipped, 5))
    elif v.family == "bf16":
        logits, extra = _bf16(v, x)
    else:
        extra = _cnn(v, x, bn_study, mode == "quick")
        logits = extra.pop("logits")
    ok_ref = ref.argmax(1) == y
    ok = logits.argmax(1) == y
    rec.update(status="ok", top1=round(float(ok.mean()), 5), delta_vs_fp32=round(float(ok.mean() - ok_ref.mean()), 5),
               ci95_delta=list(paired_ci(ok, ok_ref)), model_fp32_top1=round(float(ok_ref.mean()), 5),
               agree_fp32=round(float((logits.argmax(1) == ref.argmax(1)).mean()), 5),
               logits_vs_fp32=_fit(ref, logits))
    bn = extra.pop("bn_logits", None)
    if bn is not None:
        okb = bn.argmax(1) == y
        rec["top1_bn_recomputed"] = round(float(okb.mean()), 5)
        rec["ci95_delta_bn_recomputed"] = list(paired_ci(okb, ok_ref))
        rec["logits_vs_fp32_bn_recomputed"] = _fit(ref, bn)
    rec.update(extra)
    rec["seconds"] = round(time.perf_counter() - t0, 2)
    return rec


def _cost(v: Variant, mode: str) -> float:
    """Rough relative run time, so the slow variants start first."""
    n = len(images_for(v, mode, len(_data().x_test))[0])
    per = {"bf16": 20.0, "adder": 3.0, "float": 0.1}.get(v.family, 1.0)
    if v.family == "mitchw" and v.info.get("operand_width", 8) > 8:
        per = 30.0
    return n * per


def _worker(args):
    name, mode, bn_study = args
    return run_variant({v.name: v for v in catalogue()}[name], mode, bn_study)


def run_fashion(names: list[str], mode: str = "default", jobs: int | None = None, bn_study: bool = True,
                data_dir=None) -> list[dict]:
    """Records for ``names`` in catalogue order, ``jobs`` processes. Raises
    :class:`.fashion_data.DataMissing` when the data set is absent."""
    _DATA_DIR[0] = data_dir
    _data()  # load (or fail) before forking, so workers share the arrays
    cat = catalogue()
    order = [v for v in cat if v.name in set(names)]
    from hwgen.accuracy.fashion_engine import calibration
    for kind in sorted({v.model for v in order} | {"cnn"}):
        if _has_weights(kind):  # fp32 references and activation scales once, before the workers fork
            _fp32(kind, min(QUICK_IMAGES, len(_data().x_test)) if mode == "quick" else len(_data().x_test))
            calibration(_net(kind), _data().x_train)
    jobs = jobs or min(2, os.cpu_count() or 1)
    tasks = [(v.name, mode, bn_study) for v in sorted(order, key=lambda v: _cost(v, mode), reverse=True)]
    if jobs <= 1 or len(tasks) <= 1:
        results = [_worker(t) for t in tasks]
    else:
        one_blas_thread_per_worker()
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as ex:
            results = list(ex.map(_worker, tasks))
    by = {r["variant"]: r for r in results}
    return [by[v.name] for v in order]
