"""`hwgen accuracy`: variant selection, the JSON records' schema, the report, pending variants, the plot."""

import json

import pytest

from hwgen.accuracy.plot import plot
from hwgen.accuracy.report import markdown
from hwgen.accuracy.study import run_variant
from hwgen.accuracy.variants import QUICK, Variant, catalogue
from hwgen.cli import main

RUN = ["accuracy", "--quick", "--jobs", "1", "--variants", "fp32", "int8", "mitchw6_8_sm", "adder_direct"]


@pytest.fixture(scope="module")
def records():
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(RUN + ["--json"]) == 0
    return json.loads(out.getvalue())


def test_json_records_schema(records):
    assert [r["variant"] for r in records] == ["fp32", "int8", "mitchw6_8_sm", "adder_direct"]
    for r in records:
        assert r["status"] == "ok" and r["images"] == 180
        assert 0.0 <= r["top1"] <= 1.0 and isinstance(r["delta_vs_fp32"], float)
        assert r["delta_vs_fp32"] == pytest.approx(r["top1"] - r["model_fp32_top1"], abs=1e-4)
        assert 0.0 <= r["agree_fp32"] <= 1.0
    fp32, int8, mw, adder = records
    assert fp32["delta_vs_fp32"] == 0.0 and fp32["agree_fp32"] == 1.0
    assert int8["requant"] == "unit:requant" and int8["product_bias"] == 0.0
    assert mw["operand_width"] == 8 and mw["signedness"] == "sign_magnitude" and mw["w"] == 6
    assert mw["product_bias"] < 0 and 0 <= mw["top1_bn_recomputed"] <= 1
    assert set(mw["layer_scale"]) == {"conv1", "conv2", "fc"}
    assert all(0.8 < s["slope"] < 1.0 for s in mw["layer_scale"].values())  # Mitch-w scales outputs down
    assert adder["model"] == "adder" and adder["agree_fp32"] >= 0.95


def test_markdown_report(records):
    text = markdown(records)
    assert "| `mitchw6_8_sm` | cnn | 8 |" in text
    assert "Batch normalisation and the product bias" in text


def test_text_output_ends_with_a_summary(capsys):
    assert main(["accuracy", "--quick", "--jobs", "1", "--no-bn-study", "--variants", "fp32", "exp3"]) == 0
    out = capsys.readouterr().out
    assert "| `exp3` | cnn | 8 |" in out
    assert out.rstrip().splitlines()[-1].startswith("2 variants in ")


def test_unknown_variant_is_bad_input(capsys):
    assert main(["accuracy", "--variants", "mitchw9*"]) == 2
    assert capsys.readouterr().err.strip() == ("hwgen: error: --variants: no variant matches 'mitchw9*'; "
                                               "see `hwgen accuracy --list`")


def test_jobs_must_be_positive(capsys):
    assert main(["accuracy", "--variants", "fp32", "--jobs", "0"]) == 2
    assert capsys.readouterr().err.strip() == "hwgen: error: --jobs must be an integer in 1..256, not 0"


def test_list_shows_every_variant(capsys):
    assert main(["accuracy", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == [v.name for v in catalogue()]


def test_quick_subset_is_in_the_catalogue():
    names = {v.name for v in catalogue()}
    assert set(QUICK) <= names and "fp32" in QUICK


def test_variant_with_a_missing_unit_is_pending_not_approximated():
    v = Variant("future", "mitchw", units=("no_such_unit", "mul"), info={"operand_width": 8})
    r = run_variant(v, quick=True)
    assert r["status"] == "pending" and r["missing_units"] == ["no_such_unit"] and "top1" not in r
    assert "Pending (unit model not registered yet): `future` (no_such_unit)" in markdown([r])


def test_plot_writes_a_png(records, tmp_path):
    energy = {"int8": {"energy_per_mac": 300.0}, "mitchw6_8_sm": {"energy_per_mac": 200.0},
              "adder_direct": {"energy_per_mac": 20.0}}
    path = tmp_path / "acc.png"
    assert plot(records, energy, path) == 3
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
