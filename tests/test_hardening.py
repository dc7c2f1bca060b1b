"""Regression tests of issue 14 ("Hardening") not covered by test_bad_input / test_faults /
test_interrupt / test_port_overflow: one or more per item, each failing on the code before the fix."""

import argparse
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from hwgen.params import ParamError
from hwgen.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def _cli(args, cwd, **env_extra):
    env = dict(os.environ, PYTHONPATH=str(REPO), **env_extra)
    return subprocess.run([sys.executable, "-m", "hwgen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


# -- item 1: demo only refreshes the README's reports on a complete default run -------------------------

def _demo_args(tmp_path, **kw):
    base = dict(out=str(tmp_path / "rtl"), reports=str(tmp_path / "reports"), seed=1, units=None,
                skip_compare=True, skip_accuracy=True, skip_pareto=True, settings=Settings())
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.mark.parametrize("kind", ["units", "failed", "skipped-steps"])
def test_demo_partial_runs_never_touch_the_complete_reports(tmp_path, monkeypatch, kind):
    from hwgen.commands import demo
    row = {"unit": "mul", "module": "mul_w8_s0_p0", "latency": 0, "vectors": 10, "kind": "exhaustive",
           "mismatches": 0, "vectors_per_s": 1.0, "ok": kind != "failed"}
    monkeypatch.setattr(demo, "_verify_rows", lambda args: [row])
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "verification.md").write_text("COMPLETE\n")
    args = _demo_args(tmp_path, units=["mul"] if kind == "units" else None)
    if kind == "failed":  # a default run whose verification failed
        monkeypatch.setattr(demo, "_is_default", lambda a: True)
    demo.run(args)
    assert (reports / "verification.md").read_text() == "COMPLETE\n"
    assert not (reports / "units.md").exists()
    assert (reports / "partial" / "verification.md").read_text().startswith("PARTIAL")


def test_demo_complete_default_run_writes_the_reports(tmp_path, monkeypatch):
    from hwgen.commands import demo
    row = {"unit": "mul", "module": "mul_w8_s0_p0", "latency": 0, "vectors": 10, "kind": "exhaustive",
           "mismatches": 0, "vectors_per_s": 1.0, "ok": True}
    monkeypatch.setattr(demo, "_verify_rows", lambda args: [row])
    monkeypatch.setattr(demo, "_is_default", lambda a: True)  # as if compare and accuracy ran too
    assert demo.run(_demo_args(tmp_path)) == 0
    assert "mul_w8_s0_p0" in (tmp_path / "reports" / "verification.md").read_text()
    assert (tmp_path / "reports" / "units.md").exists()


def test_demo_unknown_unit_writes_nothing(tmp_path):
    r = _cli(["demo", "--units", "nosuch"], tmp_path)
    assert r.returncode == 2 and "nosuch" in r.stderr and list(tmp_path.iterdir()) == []


# -- item 2: quantize near the float maximum -------------------------------------------------------------

def test_quantize_near_float_max_gives_the_right_codes():
    from hwgen.quantize import quantize
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may escape
        q = quantize(np.array([1.7e308, -1.7e308, 1.0]), 16, "linear")
        assert q.codes.tolist() == [32767, 65535, 0]
        assert q.levels[-1] == 1.7e308 and np.isfinite(q.levels).all()
        e = quantize(np.array([1.7e308, -1.7e308, 1.0]), 16, "exp")
        assert e.codes.tolist()[:2] == [0, 32768] and np.isfinite(e.squared_error)


def test_quantize_overflowing_error_is_an_error_not_a_warning():
    from hwgen.quantize import quantize
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParamError, match="overflow"):
            quantize(np.array([1.7e308, -1.7e308, 1e308, 3.0]), 4, "linear")


# -- item 5: a compare in which no row was measured fails -----------------------------------------------

def test_compare_with_no_measured_row_fails(monkeypatch, tmp_path, capsys):
    from hwgen.commands import compare
    monkeypatch.setattr(compare, "run_compare", lambda *a, **k: {
        "rows": [{"status": "not registered", "label": "x", "reason": "r"}], "files": [], "failed": 0})
    args = argparse.Namespace()
    args.__dict__.update(width=8, units=None, all=False, out=str(tmp_path / "o"), liberty=None, extra=[],
                         fpga="none", stream="cnn", jobs=None, scheduler=None, pnr=False, no_sta=False,
                         settings=Settings())
    assert compare.run(args) == 1
    assert "no row was measured" in capsys.readouterr().out


# -- item 6: the grid is counted before it is expanded ---------------------------------------------------

_BIG_GRID = """
import time
from hwgen.params import ParamError
from hwgen.sweep.spec import parse_spec
grid = {"unit": "mul", **{f"p{i}": list(range(100)) for i in range(10)}}
t0 = time.perf_counter()
try:
    parse_spec({"grid": [grid]}, "big")
except ParamError as e:
    print(f"{time.perf_counter() - t0:.3f} {e}")
"""


def test_sweep_grid_is_counted_not_expanded():
    from hwgen.sweep.spec import parse_spec

    def limit():  # the old code expanded the grid: it must fail here, not exhaust the machine
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    r = subprocess.run([sys.executable, "-c", _BIG_GRID], env=dict(os.environ, PYTHONPATH=str(REPO)),
                       capture_output=True, text=True, timeout=60, preexec_fn=limit)
    seconds, _, message = r.stdout.strip().partition(" ")
    assert r.returncode == 0 and message.endswith(
        "the grid has 100000000000000000000 points, more than --max-points 100000; "
        "narrow the grid or raise --max-points"), r.stdout + r.stderr[-500:]
    assert float(seconds) < 1.0
    with pytest.raises(ParamError, match="more than --max-points 3"):
        parse_spec({"grid": [{"unit": "mul", "width": [4, 5, 6, 7]}]}, "s", max_points=3)
    assert len(parse_spec({"grid": [{"unit": "mul", "width": [4, 5, 6, 7]}]}, "s", max_points=4).configs) == 4


# -- item 10: a read-only working directory --------------------------------------------------------------

def test_synth_from_a_read_only_cwd_uses_the_configured_folders(tmp_path):
    r = _cli(["synth", "mul", "-p", "width=3", "--no-energy", "--json"], "/proc/self",
             HWGEN_CACHE_DIR=str(tmp_path / "cache"), HWGEN_BUILD_DIR=str(tmp_path / "build"))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["area_ge"] > 0
    assert (tmp_path / "cache" / "synth").is_dir() and (tmp_path / "cache" / "yosys-version").is_dir()


def test_default_folders_fall_back_to_the_user_cache(tmp_path, monkeypatch):
    from hwgen import settings
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir("/proc/self")
    settings._default_build.cache_clear()
    assert settings.Settings().build == tmp_path / "xdg" / "hwgen" / "build"
    assert settings.Settings().cache == tmp_path / "xdg" / "hwgen" / "build" / "cache"
    monkeypatch.chdir(tmp_path)
    assert settings.Settings().build == tmp_path / "build" / "hwgen"


# -- item 11: seeds and sweep TOML values ----------------------------------------------------------------

def test_sweep_grid_values_get_the_cli_messages():
    from hwgen.registry import get_unit
    from hwgen.sweep.spec import parse_spec
    with pytest.raises(ParamError) as cli:
        get_unit("mul").resolve({"width": "1"})
    with pytest.raises(ParamError) as sweep:
        parse_spec({"grid": [{"unit": "mul", "width": 1}]}, "s")
    assert str(cli.value).replace("'1'", "1") in str(sweep.value)
    with pytest.raises(ParamError, match="option 'dsp' must be a boolean"):
        parse_spec({"options": {"dsp": "false"}, "grid": [{"unit": "mul"}]}, "s")
    assert parse_spec({"options": {"dsp": False}, "grid": [{"unit": "mul"}]}, "s").dsp is False


# -- item 12: the generate pair is all or nothing --------------------------------------------------------

def test_generate_pair_all_or_nothing(tmp_path):
    (tmp_path / "mul_w8_s0_p0.json").mkdir()
    r = _cli(["generate", "mul", "-o", str(tmp_path)], tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert not (tmp_path / "mul_w8_s0_p0.v").exists()


def test_atomic_group_rolls_back(tmp_path):
    from hwgen.atomic import atomic_write_group
    (tmp_path / "a.v").write_text("old\n")
    (tmp_path / "b.json").mkdir()
    with pytest.raises(OSError):
        atomic_write_group({tmp_path / "a.v": "new\n", tmp_path / "b.json": "{}\n"})
    assert (tmp_path / "a.v").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.v", "b.json"]


# -- item 13: --extra file names with spaces ------------------------------------------------------------

def test_extra_with_a_space_in_its_name_synthesizes(tmp_path, monkeypatch):
    from hwgen.synth import synthesize
    from hwgen.synth.design import file_design
    monkeypatch.setenv("HWGEN_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "with space.v"
    src.write_text("module mymul(input [3:0] a, b, output [7:0] p); assign p = a * b; endmodule\n")
    r = synthesize(file_design(src, "mymul"), "generic")
    assert r.data["area_ge"] > 0


# -- item 14: an empty Liberty file -----------------------------------------------------------------------

def test_empty_liberty_names_the_file_not_a_temp_file(tmp_path):
    lib = tmp_path / "empty.lib"
    lib.write_text("library(empty) {}\n")
    r = _cli(["synth", "mul", "-p", "width=3", "--liberty", str(lib)], tmp_path)
    assert r.returncode == 2 and "empty.lib" in r.stderr and "defines no cells" in r.stderr
    assert "tmp" not in r.stderr.replace(str(tmp_path), "")


# -- item 16: synth --json key order -----------------------------------------------------------------------

def test_synth_json_key_order_is_the_same_from_the_cache(tmp_path):
    env = {"HWGEN_CACHE_DIR": str(tmp_path / "cache"), "HWGEN_BUILD_DIR": str(tmp_path / "build")}
    fresh = _cli(["synth", "mul", "-p", "width=3", "--json", "--ops", "128"], tmp_path, **env)
    cached = _cli(["synth", "mul", "-p", "width=3", "--json", "--ops", "128"], tmp_path, **env)
    assert fresh.returncode == 0 and cached.returncode == 0, fresh.stderr + cached.stderr
    assert fresh.stdout == cached.stdout
