"""`hwgen compare`: Pareto front, headline, report files, external designs, missing units."""

import csv
import json
import re
import subprocess
import sys
import uuid

import pytest
from conftest import REPO

from hwgen.catalog import HEADLINE
from hwgen.evaluation import Options, Workers, run_compare, select_entries
from hwgen.report import headline, pareto_front
from hwgen.settings import Settings


def test_pareto_front():
    pts = [(0.0, 10.0), (1.0, 8.0), (2.0, 9.0), (3.0, 5.0), (3.0, 4.0), (5.0, 4.0)]
    assert pareto_front(pts) == [0, 1, 4]


def test_headline_savings_and_reasons():
    ref, others = HEADLINE
    rows = [{"label": ref, "status": "ok", "module": "bf", "energy_proxy": 400.0, "area_ge": 2000.0},
            {"label": others[0], "status": "ok", "module": "mw", "energy_proxy": 100.0, "area_ge": 1500.0}]
    h = headline(rows)
    assert h["measured"] and h["reference"]["module"] == "bf"
    assert h["rows"][0]["energy_proxy"]["saving"] == 0.75
    assert h["rows"][0]["area_ge"]["saving"] == 0.25
    gone = headline([{"label": ref, "status": "not registered", "reason": "unit 'bf16_mac' is not registered"}])
    assert not gone["measured"] and gone["reason"] == f"{ref}: unit 'bf16_mac' is not registered"


def test_selection_lists_unregistered_units():
    rows = select_entries(8, ["mul", "no_such_unit"], include_all=False)
    assert {e.unit for e in rows} == {"mul", "no_such_unit"}
    assert any(e.group == "other" and e.unit == "no_such_unit" for e in rows)


EXTRA = """
// Drops the product's least significant bit: a tiny approximate multiplier.
module trunc_mul4(input [3:0] x, input [3:0] y, output [7:0] z);
  wire [7:0] full = x * y;
  assign z = {full[7:1], 1'b0};
endmodule
"""


def test_compare_writes_tables_and_plots(fresh_cache):
    extra = REPO / "build" / "test" / "trunc_mul4.v"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text(EXTRA)
    out = REPO / "build" / "test" / f"compare-{uuid.uuid4().hex[:6]}"
    opts = Options(width=4, fpga=None, ops=1024, folders=Settings(cache_dir=fresh_cache))
    res = run_compare(opts, units=["yosys_mul", "mul", "mitchw", "no_such_unit"],
                      extras=[(str(extra), "trunc_mul4")], out=out, workers=Workers(1, progress=False))
    names = sorted(p.name for p in res["files"])
    assert names == ["area_vs_error.png", "compare.csv", "compare.json", "compare.md", "energy_vs_error.png"]
    rows = {r["label"]: r for r in res["rows"]}
    assert rows["no_such_unit"]["status"] == "not registered"
    yosys, ours = rows["Yosys a*b, 4-bit unsigned"], rows["mul 4-bit unsigned"]
    assert yosys["status"] == ours["status"] == "ok"
    assert yosys["post_synthesis_checked"] == ours["post_synthesis_checked"] == 1024
    assert yosys["area_ge"] > 0 and yosys["mre"] == 0.0
    mitch = rows["mitchw w3 unsigned"]
    assert mitch["area_ge"] < ours["area_ge"] and mitch["mre"] > 0 and mitch["error_set"] == "mitchw: exhaustive"
    ext = rows["trunc_mul4 (trunc_mul4.v)"]
    assert ext["status"] == "ok" and ext["error_set"].startswith("exhaustive")
    assert ext["ep"] == pytest.approx(0.25)  # odd products: both operands odd, a quarter of the pairs
    assert ext["wce"] == 1.0 and ext["energy_proxy"] > 0
    md = (out / "compare.md").read_text()
    assert "## Integer multipliers" in md and "| other | no_such_unit | not registered |" in md
    assert "Not measured: bf16_mac (exact): not in this comparison" in md
    with open(out / "compare.csv") as f:
        assert len(list(csv.DictReader(f))) == len(res["rows"])
    data = json.loads((out / "compare.json").read_text())
    assert data["meta"]["width"] == 4 and len(data["rows"]) == len(res["rows"])
    assert (out / "area_vs_error.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_compare_rejects_bad_extra():
    r = subprocess.run([sys.executable, "-m", "hwgen", "compare", "--extra", "file_without_top.v"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2
    assert re.match(r"^hwgen: error: --extra must look like FILE\.v:TOP", r.stderr)
