"""`hwgen accuracy --onnx`: the chosen variants on a user's network and data, one record per variant in
the shape of the digits study's records (``variant``, ``top1``, ``delta_vs_fp32``, ``agree_fp32``, ...)."""

from __future__ import annotations

import time

import numpy as np

from hwgen.accuracy.onnx_graph import Graph
from hwgen.accuracy.onnx_run import BATCH, MATMUL_OPS, calibrate, quant_mac_for, run_graph
from hwgen.accuracy.variants import ONNX_DEFAULT

__all__ = ["DEFAULT_VARIANTS", "DEFAULT_CALIB", "run_onnx", "fp32_logits"]

#: Rows when --variants is not given, declared with the other variant selections in :mod:`.variants`.
DEFAULT_VARIANTS = ONNX_DEFAULT
#: Calibration images when --calib is not given.
DEFAULT_CALIB = 100


def fp32_logits(graph: Graph, x: np.ndarray) -> np.ndarray:
    """The float32 interpreter's outputs, batch by batch."""
    return np.concatenate([run_graph(graph, x[s:s + BATCH]) for s in range(0, len(x), BATCH)])


def _scores(logits: np.ndarray) -> np.ndarray:
    return logits.reshape(len(logits), -1)


def run_onnx(graph: Graph, x: np.ndarray, y: np.ndarray, variants: list, calib: int) -> list[dict]:
    """Records of ``variants`` (catalogue entries; fp32 and int8 first whether asked or not).
    Activation scales come from the first ``calib`` images; every image is evaluated."""
    from hwgen.accuracy.variants import catalogue
    by = {v.name: v for v in catalogue()}
    names = ["fp32", "int8"] + [v.name for v in variants if v.name not in ("fp32", "int8")]
    macs = [quant_mac_for(by[n]) for n in names]  # ParamError for unsupported variants, before any run
    layers = sum(n.op in MATMUL_OPS for n in graph.nodes)
    ref = _scores(fp32_logits(graph, x))
    amax = calibrate(graph, x[:calib])
    fp32_top1 = float((ref.argmax(1) == y).mean())
    recs = []
    for name, mac in zip(names, macs):
        t0 = time.perf_counter()
        v = by[name]
        rec = {"variant": name, "family": v.family, "model": "onnx", "images": int(len(y)),
               "calib_images": int(min(calib, len(x))), "mac_layers": layers}
        rec.update(v.info)
        if mac is None:
            logits = ref
        else:
            mac.amax = amax
            x64 = x.astype(np.float64)
            logits = _scores(np.concatenate([run_graph(graph, x64[s:s + BATCH], mac)
                                             for s in range(0, len(x), BATCH)]))
            rec["unit"] = mac.unit
            rec["unit_params"] = dict(mac.unit_params)
            if mac.stats.n:
                rec["product_bias"] = round(mac.stats.bias, 5)
                rec["product_mre"] = round(mac.stats.mre, 5)
        top1 = float((logits.argmax(1) == y).mean())
        rec.update(status="ok", top1=round(top1, 5), delta_vs_fp32=round(top1 - fp32_top1, 5),
                   model_fp32_top1=round(fp32_top1, 5),
                   agree_fp32=round(float((logits.argmax(1) == ref.argmax(1)).mean()), 5),
                   seconds=round(time.perf_counter() - t0, 2))
        recs.append(rec)
    return recs
