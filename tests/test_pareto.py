"""hwgen pareto: the front, its dominators and bands on known points; a small real run; bad input."""

import csv
import io
import subprocess
import sys

import pytest
from conftest import REPO

from hwgen.evaluation import Workers
from hwgen.evaluation import pareto as pareto_eval
from hwgen.evaluation.pareto import ParetoOptions, pareto_points
from hwgen.report import pareto as report
from hwgen.settings import Settings


def _p(name, source, cost, err):
    return {"design": name, "source": source, "status": "ok", "num_cells": cost, "mre": err}


def test_front_dominators_and_bands():
    pts = [_p("a", "hwgen", 100, 0.05), _p("b", "arithsgen", 90, 0.06), _p("c", "hwgen", 200, 0.015),
           _p("d", "arithsgen", 150, 0.012), _p("e", "hwgen", 220, 0.03), {"design": "f", "source": "extra",
                                                                            "status": "failed", "reason": "x"}]
    report.mark_front(pts, "mre", "num_cells")
    assert [p["design"] for p in pts if p["on_front"]] == ["a", "b", "d"]
    assert report.dominator(pts[4], pts, "mre", "num_cells")["design"] == "d"  # e: costlier and worse than d
    assert report.dominator(pts[2], pts, "mre", "num_cells")["design"] == "d"
    assert report.dominator(pts[0], pts, "mre", "num_cells") is None
    bands = report.band_summary(pts, "mre", "num_cells", ((0.01, 0.02), (0.04, 0.1)))
    assert not bands[0]["hwgen_on_front"] and bands[0]["baseline_wins_by"] == 200 - 150
    assert bands[1]["hwgen_on_front"] and bands[1]["best_hwgen"]["design"] == "a"
    text = report.markdown(pts, {"command": "hwgen pareto", "width": 8, "metric": "mre", "cost": "num_cells",
                                 "yosys_version": "Yosys test"}, ((0.01, 0.02), (0.04, 0.1)))
    assert "| [1.000, 2.000) % | no | c (200) | d (150) | a baseline wins by 50 num_cells |" in text
    assert "- f (extra): x" in text
    rows = list(csv.DictReader(io.StringIO(report.csv_text(pts))))
    assert [r["on_front"] for r in rows] == ["true", "true", "false", "true", "false", "false"]
    assert rows[0]["mre"] == "0.05" and rows[0]["num_cells"] == "100"


def test_small_real_run(monkeypatch, fresh_cache):
    """Three 4-bit configurations through the sweep engine: measured, exact mul has zero error, the front
    holds the exact multiplier (nothing is cheaper at zero error)."""
    grid = [("mul 4-bit", "mul", {"width": 4}), ("mitchw w3", "mitchw", {"width": 4, "w": 3}),
            ("drum k3", "drum", {"width": 4, "k": 3})]
    monkeypatch.setattr(pareto_eval, "pareto_grid", lambda width: grid)
    opts = ParetoOptions(width=4, baselines=False, folders=Settings(cache_dir=fresh_cache))
    pts = report.mark_front(pareto_points(opts, Workers(1, progress=False)), "mre", "num_cells")
    assert [p["status"] for p in pts] == ["ok"] * 3, pts
    by = {p["design"]: p for p in pts}
    assert by["mul 4-bit"]["mre"] == 0 and by["mul 4-bit"]["on_front"]
    assert by["mitchw w3"]["mre"] > 0 and by["drum k3"]["mre"] > 0
    assert all(p["num_cells"] > 0 and p["energy_proxy"] > 0 for p in pts)


@pytest.mark.parametrize("argv, message", [
    (["--cost", "area_um2"], r"--cost area_um2 needs --liberty"),
    (["--width", "12"], r"argument --width: invalid choice"),
    (["--metric", "ep"], r"argument --metric: invalid choice"),
])
def test_bad_input_is_exit_2(argv, message, tmp_path):
    r = subprocess.run([sys.executable, "-m", "hwgen", "pareto", "-o", str(tmp_path / "out"), *argv],
                       capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
