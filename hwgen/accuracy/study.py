"""Run the variants: bit-exact inference of the test images, one record per variant.

Records are JSON-ready dicts: ``variant``, ``top1``, ``delta_vs_fp32`` (against the fp32 run of the same
trained model), ``agree_fp32`` (share of predictions equal to fp32's), the operand format, the measured
product error on the network's own operands (``product_bias``, ``product_mre``), and for Mitch-w and
int8 the batch-norm study: ``layer_scale`` (per layer, the least-squares slope of the approximate
accumulators against the exact ones on the same inputs, and what is left after that scale) and
``top1_bn_recomputed`` (8-bit operands: BN statistics re-estimated on the approximate network).
``logits_vs_fp32`` (and ``..._bn_recomputed``): least-squares slope of the logits against the fp32 logits
of the same images and the relative rms residual after that scale.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np

from hwgen.accuracy import nn
from hwgen.accuracy.adder import IntAdderNet, as_winograd
from hwgen.accuracy.bf16 import bf16_logits
from hwgen.accuracy.data import load
from hwgen.accuracy.engine import IntNet, recompute_bn
from hwgen.accuracy.products import int_matmul, unit_available
from hwgen.accuracy.variants import MULTIPLIER_FAMILIES, Variant, catalogue
from hwgen.toolchain import one_blas_thread_per_worker

__all__ = ["available", "missing_units", "run_variant", "run_study", "BN_IMAGES", "BN_IMAGES_QUICK",
           "QUICK_IMAGES"]

#: Training images over which batch-norm statistics are re-estimated: all of them, as for the trained
#: statistics (``--quick``: the first 400).
BN_IMAGES = None
BN_IMAGES_QUICK = 400
#: Test images of ``--quick``: every third one (180 of 539).
QUICK_IMAGES = slice(None, None, 3)


def missing_units(v: Variant) -> list[str]:
    return [u for u in v.units if not unit_available(u)]


def available(v: Variant) -> bool:
    return not missing_units(v)


@lru_cache(maxsize=None)
def _net(kind: str) -> nn.Net:
    return nn.load_net(kind)


@lru_cache(maxsize=None)
def _fp32(kind: str, quick: bool) -> np.ndarray:
    return nn.forward(_net(kind), _test(quick)[0])


def _test(quick: bool):
    d = load()
    s = QUICK_IMAGES if quick else slice(None)
    return d.x_test[s], d.y_test[s]


def _layer_scale(exact: np.ndarray, approx: np.ndarray) -> dict:
    e, a = exact.astype(np.float64).ravel(), approx.astype(np.float64).ravel()
    ee = float(e @ e)
    slope = float(a @ e) / ee if ee else float("nan")
    resid = float(np.sqrt(((a - slope * e) ** 2).sum() / ee)) if ee else float("nan")
    return {"slope": round(slope, 5), "residual": round(resid, 5)}


def _cnn_record(v: Variant, x: np.ndarray, bn_study: bool, quick: bool) -> dict:
    net = _net("cnn")
    scheme = v.scheme()
    inet = IntNet(net, scheme)
    rec = {}
    logits = inet.logits(x, record=rec, stats=True)
    out = {"logits": logits * inet.lf.s_acc, "requant": inet.requant_label}
    biases = [s.bias for s in inet.stats.values() if s.bias is not None]
    if biases:
        n = sum(s.n for s in inet.stats.values())
        out["product_bias"] = round(sum(s.sum_re for s in inet.stats.values()) / n, 5)
        out["product_mre"] = round(sum(s.sum_abs_re for s in inet.stats.values()) / n, 5)
    if bn_study and v.family in MULTIPLIER_FAMILIES:
        accf = logits - inet.lf.bias
        cols1 = nn.im2col(rec["conv1"]).reshape(-1, 9)
        cols2 = nn.im2col(rec["conv2"]).reshape(-1, 9 * nn.C1)
        ex = (int_matmul(cols1, inet.l1.q.values, None), int_matmul(cols2, inet.l2.q.values, None),
              int_matmul(rec["fc"], inet.lf.q.values, None))
        ap = (rec["acc1"].transpose(0, 2, 3, 1).reshape(-1, nn.C1),
              rec["acc2"].transpose(0, 2, 3, 1).reshape(-1, nn.C2), accf)
        out["layer_scale"] = {k: _layer_scale(e, a) for k, e, a in zip(("conv1", "conv2", "fc"), ex, ap)}
        if v.info.get("operand_width") == 8:
            new = recompute_bn(net, scheme, load().x_train[:BN_IMAGES_QUICK if quick else BN_IMAGES])
            out["bn_logits"] = IntNet(new, scheme).logits_float(x)
    return out


def run_variant(v: Variant, quick: bool = False, bn_study: bool = True) -> dict:
    """Evaluate one variant on the test images; the record (see the module doc)."""
    t0 = time.perf_counter()
    x, y = _test(quick)
    rec = {"variant": v.name, "family": v.family, "model": v.model, "images": int(len(y))}
    rec.update(v.info)
    missing = missing_units(v)
    if missing:
        rec.update(status="pending", missing_units=missing)
        return rec
    ref = _fp32(v.model, quick)
    extra = {}
    if v.family == "float":
        logits = ref
    elif v.family == "adder":
        net = _net(v.model)
        if v.name.endswith("_noretrain"):  # direct-AdderNet weights through Winograd: BN kept / recomputed
            extra["bn_logits"] = IntAdderNet(as_winograd(net, v.info["conv2"], load().x_train),
                                             v.info["conv2"]).logits_float(x)
            net = as_winograd(net, v.info["conv2"])
        inet = IntAdderNet(net, v.info["conv2"])
        logits = inet.logits_float(x)
        extra.update(requant=f"{inet.requant_label} + unit:requant_mul (BN after the adder layer)",
                     adder_weights_clipped=round(inet.w2_clipped, 5))
    elif v.family == "bf16":
        logits, extra = bf16_logits(_net("cnn"), x, v.info.get("w"))
    else:
        extra = _cnn_record(v, x, bn_study, quick)
        logits = extra.pop("logits")
    fp32_top1 = float((ref.argmax(1) == y).mean())
    top1 = float((logits.argmax(1) == y).mean())
    rec.update(status="ok", top1=round(top1, 5), delta_vs_fp32=round(top1 - fp32_top1, 5),
               model_fp32_top1=round(fp32_top1, 5),
               agree_fp32=round(float((logits.argmax(1) == ref.argmax(1)).mean()), 5),
               logits_vs_fp32=_layer_scale(ref, logits))
    bn = extra.pop("bn_logits", None)
    if bn is not None:
        rec["top1_bn_recomputed"] = round(float((bn.argmax(1) == y).mean()), 5)
        rec["logits_vs_fp32_bn_recomputed"] = _layer_scale(ref, bn)
    rec.update(extra)
    rec["seconds"] = round(time.perf_counter() - t0, 2)
    return rec


def _cost(v: Variant) -> int:
    """Rough relative run time, so the slow variants start first."""
    return 10 if v.info.get("operand_width") == 16 and v.family == "mitchw" else 1


def _worker(args):
    name, quick, bn_study = args
    return run_variant(_by_name()[name], quick, bn_study)


@lru_cache(maxsize=1)
def _by_name() -> dict:
    return {v.name: v for v in catalogue()}


def run_study(names: list[str] | None = None, quick: bool = False, jobs: int | None = None,
              bn_study: bool = True) -> list[dict]:
    """Records for ``names`` (default: every variant), in catalogue order, ``jobs`` processes."""
    cat = catalogue()
    names = names or [v.name for v in cat]
    order = [v for v in cat if v.name in set(names)]
    jobs = jobs or min(2, os.cpu_count() or 1)
    tasks = [(v.name, quick, bn_study) for v in sorted(order, key=_cost, reverse=True)]
    if jobs <= 1 or len(tasks) <= 1:
        results = [_worker(t) for t in tasks]
    else:
        one_blas_thread_per_worker()
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as ex:
            results = list(ex.map(_worker, tasks))
    by = {r["variant"]: r for r in results}
    return [by[v.name] for v in order]
