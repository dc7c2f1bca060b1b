"""`hwgen sweep`: spec parsing, local parallel runs with caching and failures, and a real Dask cluster."""

import re
import subprocess
import sys
import uuid

import pytest
from conftest import REPO

from hwgen.evaluation import Workers, run_tasks
from hwgen.params import ParamError
from hwgen.settings import Settings
from hwgen.sweep import parse_spec, run_sweep


def test_spec_expansion_order():
    spec = parse_spec({"grid": [{"unit": "mul", "width": [4, 8], "signed": [False, True]},
                                {"unit": "mitchw", "width": 8, "w": [3, 6]}]}, "s")
    assert [(c.unit, c.params) for c in spec.configs] == [
        ("mul", {"width": 4, "signed": False}), ("mul", {"width": 4, "signed": True}),
        ("mul", {"width": 8, "signed": False}), ("mul", {"width": 8, "signed": True}),
        ("mitchw", {"width": 8, "w": 3}), ("mitchw", {"width": 8, "w": 6})]
    assert spec.steps == ("generate", "verify", "synth", "energy", "error") and spec.targets == ("generic",)


@pytest.mark.parametrize("data, message", [
    ({}, r"^sweep spec s: needs at least one \[\[grid\]\] table with a 'unit' key$"),
    ({"grid": [{"width": 4}]}, r"^sweep spec s: \[\[grid\]\] number 1 needs unit = \"NAME\"$"),
    ({"options": {"steps": ["synth", "bake"]}, "grid": [{"unit": "mul"}]},
     r"^sweep spec s: option 'steps' must be a non-empty list of 'generate', 'verify', 'synth', 'energy', "
     r"'error', not \['synth', 'bake'\]$"),
    ({"options": {"targets": ["ice40"]}, "grid": [{"unit": "mul"}]},
     r"^sweep spec s: the energy step needs the generic target in targets$"),
    ({"options": {"colour": 1}, "grid": [{"unit": "mul"}]}, r"^sweep spec s: unknown option\(s\) colour; allowed: "),
    ({"grid": [{"unit": "mul", "width": []}]}, r"^sweep spec s: \[\[grid\]\] number 1 has an empty list$"),
])
def test_spec_errors(data, message):
    with pytest.raises(ParamError, match=message):
        parse_spec(data, "s")


def _boom(x):
    if x == 2:
        raise ValueError("two is bad")
    return x * 10


def test_executor_isolates_failures():
    out = run_tasks(_boom, [1, 2, 3], jobs=2, progress=False)
    assert out[0] == (True, 10) and out[2] == (True, 30)
    assert out[1][0] is False and re.match(r"^ValueError: two is bad \[test_sweep\.py:\d+\]$", out[1][1])


SPEC = {"options": {"steps": ["generate", "verify", "synth", "energy", "error"], "verify_vectors": 300},
        "grid": [{"unit": "mul", "width": [3, 4]}, {"unit": "mul", "width": 1}]}


def test_local_sweep_caches_and_reports_failures(fresh_cache):
    spec = parse_spec(SPEC, "local", check_params=False)  # the bad point fails in its own row
    out = REPO / "build" / "test" / f"sweep-{uuid.uuid4().hex[:6]}"
    res = run_sweep(spec, out=out, workers=Workers(2, progress=False), folders=Settings(cache_dir=fresh_cache))
    rows = res["rows"]
    assert [r["status"] for r in rows] == ["ok", "ok", "failed"]
    assert re.match(r"^ParamError: Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 1",
                    rows[2]["reason"])
    for r in rows[:2]:
        assert r["verify_vectors"] > 0 and r["verify_mismatches"] == 0
        assert r["area_ge"] > 0 and r["energy_proxy"] > 0 and not r["cached"]
    assert {p.name for p in res["files"]} == {"sweep.json", "sweep.csv", "sweep.md"}
    again = run_sweep(spec, out=out, workers=Workers(2, progress=False), folders=Settings(cache_dir=fresh_cache))
    assert again["cached"] == 2 and [r["area_ge"] for r in again["rows"][:2]] == [r["area_ge"] for r in rows[:2]]


def test_sweep_on_a_local_dask_cluster(fresh_cache):
    distributed = pytest.importorskip("distributed")
    spec = parse_spec({"options": {"steps": ["generate", "synth", "energy"]},
                       "grid": [{"unit": "mul", "width": [3, 5], "signed": [False, True]}]}, "dask")
    out = REPO / "build" / "test" / f"sweep-{uuid.uuid4().hex[:6]}"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        res = run_sweep(spec, out=out, workers=Workers(scheduler=cluster.scheduler_address, progress=False),
                        use_cache=False, folders=Settings(cache_dir=fresh_cache))
    assert [r["status"] for r in res["rows"]] == ["ok"] * 4
    assert all(r["area_ge"] > 0 and r["post_synthesis_checked"] > 0 for r in res["rows"])
    assert res["rows"][0]["module"] == "mul_w3_s0_p0" and res["rows"][3]["module"] == "mul_w5_s1_p0"


def test_cli_sweep_bad_spec(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text("[[grid]]\nwidth = 3\n")
    r = subprocess.run([sys.executable, "-m", "hwgen", "sweep", str(spec)], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2
    assert r.stderr == "hwgen: error: sweep spec bad: [[grid]] number 1 needs unit = \"NAME\"\n"
