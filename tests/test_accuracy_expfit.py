"""expfit{n}: fitted-base exponential codes decoded through a level table into an exact int8 MAC; the
fewest-bits summary per weight family; the decoder's synthesized size."""

import numpy as np
import pytest

from hwgen.accuracy.expfit import decoder_cost, expfit_weights, fewest_bits, level_table
from hwgen.accuracy.report import expfit_lines as markdown_lines
from hwgen.accuracy.study import run_variant
from hwgen.accuracy.variants import catalogue
from hwgen.quantize import quantize


@pytest.mark.parametrize("bits", [3, 4, 6])
def test_decoded_operands_are_the_fitted_levels_in_int8(bits):
    rng = np.random.default_rng(1700 + bits)  # seed printed by pytest's parametrization id
    w = rng.normal(0, 0.3, size=(16, 72))
    r = quantize(w, bits, method="exp", base="fit")
    assert r.base != 0.5  # a fitted base, not the shift base
    table = level_table(r.levels, r.scale, bits)
    assert table.shape == (1 << bits,) and np.abs(table).max() == 127
    q = expfit_weights(bits)(w)
    assert np.array_equal(q.ops, q.values) and q.ops.min() >= -127 and q.ops.max() <= 127
    # each operand is the code's level rounded to the int8 grid: within half a step of the float level
    assert np.abs(q.ops * q.scale - r.weights).max() <= q.scale / 2 + 1e-12
    assert len(np.unique(np.abs(q.ops))) <= 1 << (bits - 1)


def test_expfit_beats_the_shift_base_at_four_bits():
    by = {v.name: v for v in catalogue()}
    recs = {n: run_variant(by[n], quick=True, bn_study=False) for n in ("fp32", "exp4", "expfit4")}
    assert recs["expfit4"]["status"] == "ok" and recs["expfit4"]["images"] == recs["fp32"]["images"]
    assert recs["expfit4"]["top1"] > recs["exp4"]["top1"]
    assert recs["expfit4"]["product_bias"] == 0.0  # exact products: only the weights are approximate


def _rec(name, top1, fp32=0.98):
    return {"variant": name, "status": "ok", "top1": top1, "delta_vs_fp32": round(top1 - fp32, 5)}


def test_fewest_bits_per_family_takes_the_smallest_width_within_tolerance():
    recs = [_rec("fp32", 0.98), _rec("exp3", 0.7), _rec("exp4", 0.8), _rec("lin3", 0.9), _rec("lin4", 0.975),
            _rec("lin5", 0.985), _rec("expfit3", 0.971), _rec("expfit4", 0.969)]
    rows = {r["family"]: r for r in fewest_bits(recs, dataset="fashion-mnist")}
    assert all(r["dataset"] == "fashion-mnist" for r in rows.values())
    assert rows["exp"]["fewest_bits"] is None and rows["exp"]["bits_tried"] == [3, 4]
    assert rows["lin"]["fewest_bits"] == 4
    assert rows["expfit"]["fewest_bits"] == 3  # 0.9 points below: within one point
    text = "\n".join(markdown_lines(recs, "fashion-mnist"))
    assert "fashion-mnist" in text and "| 3 | 8 x 8 | 64 |" in text


def test_level_table_synthesizes_to_its_storage():
    d = decoder_cost(3)
    assert d["storage_bits"] == 64 and d["dff"] == 64  # one flip-flop per stored bit
    assert d["area_ge"] > decoder_cost(2)["area_ge"] > 0
