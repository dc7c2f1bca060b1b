"""Bad input through the real CLI (issue 14): every command, about 80 invocations.

Each row runs ``python -m hwgen ...`` in a fresh, empty working directory (with HWGEN_BUILD_DIR and
HWGEN_CACHE_DIR inside it) and checks: the exit code (2: bad input the user gave), exactly one line on
stderr starting ``hwgen: error:``, no traceback, nothing on stdout, and no file or folder written anywhere
under that directory. Input files the rows name live in a separate folder, made once.

The invocations run a few at a time in threads (each is a separate process, mostly import time).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent


def _inputs(d: Path) -> dict:
    d.mkdir(parents=True, exist_ok=True)
    f = {}

    def put(name, data):
        p = d / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
        f[name] = str(p)

    put("afile", "not a folder\n")
    put("empty.lib", "library(empty) {}\n")
    put("notlib.lib", "just some text\n")
    put("mod.v", "module mymul(input [3:0] a, b, output [7:0] p); assign p = a * b; endmodule\n")
    put("with space.v", "module mymul(input [3:0] a, b, output [7:0] p); assign p = a * b; endmodule\n")
    put("latin1.v", b"module m(); // \xe9\xff\nendmodule\n")
    put("notutf8.toml", b"[options]\nseed = 1 # \xff\xfe\n")
    put("broken.toml", "[[grid]\nunit = \n")
    put("seed_abc.toml", '[options]\nseed = "abc"\n[[grid]]\nunit = "mul"\n')
    put("seed_neg.toml", '[options]\nseed = -1\n[[grid]]\nunit = "mul"\n')
    put("steps_5.toml", '[options]\nsteps = 5\n[[grid]]\nunit = "mul"\n')
    put("steps_str.toml", '[options]\nsteps = "verify"\n[[grid]]\nunit = "mul"\n')
    put("dsp_str.toml", '[options]\ndsp = "false"\n[[grid]]\nunit = "mul"\n')
    put("vv_neg.toml", '[options]\nverify_vectors = -1\n[[grid]]\nunit = "mul"\n')
    put("stream_bad.toml", '[options]\nstream = "pink"\n[[grid]]\nunit = "mul"\n')
    put("targets_bad.toml", '[options]\ntargets = ["asic"]\n[[grid]]\nunit = "mul"\n')
    put("huge_grid.toml", "[[grid]]\nunit = \"mul\"\n" + "".join(
        f"p{i} = [{', '.join(str(v) for v in range(100))}]\n" for i in range(10)))
    put("width1.toml", '[[grid]]\nunit = "mul"\nwidth = [4, 1]\n')
    put("width_str.toml", '[[grid]]\nunit = "mul"\nwidth = "eight"\n')
    put("unknown_unit.toml", '[[grid]]\nunit = "nosuch"\n')
    put("unknown_param.toml", '[[grid]]\nunit = "mul"\ncolour = 3\n')
    put("no_grid.toml", '[options]\nseed = 1\n')
    put("good.toml", '[options]\nsteps = ["generate"]\n[[grid]]\nunit = "mul"\nwidth = 4\n')
    put("text.npy", "not numpy\n")
    for name, arr in (("w.npy", np.array([0.5, -0.25, 0.1])), ("nan.npy", np.array([1.0, np.nan])),
                      ("huge.npy", np.array([1.7e308, -1.7e308, 1e308, 3.0])),
                      ("empty.npy", np.zeros(0)), ("strs.npy", np.array(["a", "b"]))):
        p = d / name
        np.save(p, arr)
        f[name] = str(p)
    (d / "dir.npy").mkdir(exist_ok=True)
    f["dir.npy"] = str(d / "dir.npy")
    f["missing"] = str(d / "does-not-exist")
    return f


def _table(f: dict) -> list[tuple[str, list[str]]]:
    """(id, argv) of every bad invocation; all must exit 2."""
    rows = [
        # list
        ("list-unknown-option", ["list", "--bogus"]),
        # generate
        ("generate-unknown-unit", ["generate", "nosuch"]),
        ("generate-width-too-small", ["generate", "mul", "-p", "width=1"]),
        ("generate-width-not-int", ["generate", "mul", "-p", "width=abc"]),
        ("generate-unknown-param", ["generate", "mul", "-p", "nosuch=3"]),
        ("generate-param-no-value", ["generate", "mul", "-p", "width"]),
        ("generate-bad-bool", ["generate", "mul", "-p", "signed=maybe"]),
        ("generate-w-above-width", ["generate", "mitchw", "-p", "width=4", "-p", "w=6"]),
        ("generate-bad-choice", ["generate", "mitchw", "-p", "signedness=twos"]),
        ("generate-out-is-file", ["generate", "mul", "-o", f["afile"]]),
        ("generate-out-under-file", ["generate", "mul", "-o", f["afile"] + "/sub"]),
        ("generate-out-under-proc", ["generate", "mul", "-o", "/proc/hwgen-out"]),
        ("generate-no-unit", ["generate"]),
        # verify
        ("verify-seed-negative", ["verify", "mul", "--seed", "-1"]),
        ("verify-seed-text", ["verify", "mul", "--seed", "abc"]),
        ("verify-seed-2^64", ["verify", "mul", "--seed", str(1 << 64)]),
        ("verify-vectors-negative", ["verify", "mul", "--vectors", "-5"]),
        ("verify-vectors-text", ["verify", "mul", "--vectors", "lots"]),
        ("verify-vectors-beyond-2^63", ["verify", "mul", "--vectors", "99999999999999999999999"]),
        ("verify-vectors-beyond-limit", ["verify", "mul", "--vectors", str((1 << 40) + 1)]),
        ("verify-unknown-sim", ["verify", "mul", "--sim", "modelsim"]),
        ("verify-unknown-path", ["verify", "mul", "--path", "warp"]),
        ("verify-timeout-zero", ["verify", "mul", "--timeout", "0"]),
        ("verify-timeout-nan", ["verify", "mul", "--timeout", "nan"]),
        ("verify-bad-mutation", ["verify", "mul", "--mutate", "garbage"]),
        ("verify-exhaustive-sequential", ["verify", "mac", "--vectors", "exhaustive"]),
        ("verify-native-on-icarus", ["verify", "mul", "--path", "native", "--sim", "icarus"]),
        ("verify-unknown-unit", ["verify", "nosuch"]),
        # error
        ("error-seed-negative", ["error", "mitchw", "--seed", "-1"]),
        ("error-samples-zero", ["error", "mitchw", "--samples", "0"]),
        ("error-bad-distribution", ["error", "mitchw", "--distribution", "weird"]),
        ("error-unknown-unit", ["error", "nosuch"]),
        ("error-bad-param", ["error", "mitchw", "-p", "width=0"]),
        # synth
        ("synth-seed-negative", ["synth", "mul", "--seed", "-1"]),
        ("synth-ops-small", ["synth", "mul", "--ops", "100"]),
        ("synth-ops-huge", ["synth", "mul", "--ops", str(10 ** 12)]),
        ("synth-liberty-missing", ["synth", "mul", "--liberty", f["missing"]]),
        ("synth-liberty-empty", ["synth", "mul", "--liberty", f["empty.lib"]]),
        ("synth-liberty-not-liberty", ["synth", "mul", "--liberty", f["notlib.lib"]]),
        ("synth-liberty-fpga", ["synth", "mul", "--target", "ice40", "--liberty", f["empty.lib"]]),
        ("synth-unknown-target", ["synth", "mul", "--target", "asic"]),
        ("synth-unknown-stream", ["synth", "mul", "--stream", "pink"]),
        ("synth-unknown-unit", ["synth", "nosuch"]),
        # compare
        ("compare-unknown-unit", ["compare", "--units", "nosuch"]),
        ("compare-width-1", ["compare", "--width", "1"]),
        ("compare-width-99", ["compare", "--width", "99"]),
        ("compare-jobs-0", ["compare", "--jobs", "0"]),
        ("compare-jobs-huge", ["compare", "--jobs", "99999"]),
        ("compare-out-is-file", ["compare", "--out", f["afile"]]),
        ("compare-out-under-proc", ["compare", "--out", "/proc/hwgen-out"]),
        ("compare-extra-missing", ["compare", "--extra", f["missing"] + ".v:top"]),
        ("compare-extra-no-top", ["compare", "--extra", f["with space.v"]]),
        ("compare-extra-wrong-module", ["compare", "--extra", f["with space.v"] + ":nosuch"]),
        ("compare-extra-not-utf8", ["compare", "--extra", f["latin1.v"] + ":m"]),
        ("compare-liberty-empty", ["compare", "--liberty", f["empty.lib"]]),
        ("compare-unknown-fpga", ["compare", "--fpga", "nosuch"]),
        ("compare-pnr-on-xilinx", ["compare", "--fpga", "xilinx", "--pnr"]),
        # fmax
        ("fmax-unknown-unit", ["fmax", "nosuch"]),
        ("fmax-pipeline-set-by-p", ["fmax", "mul", "-p", "pipeline=1"]),
        ("fmax-bad-depths", ["fmax", "mul", "--pipeline", "x..y"]),
        # pareto
        ("pareto-width-12", ["pareto", "--width", "12"]),
        ("pareto-um2-without-liberty", ["pareto", "--cost", "area_um2"]),
        ("pareto-bad-metric", ["pareto", "--metric", "ep"]),
        ("pareto-extra-missing", ["pareto", "--extra", f["missing"] + ".v:top"]),
        # export
        ("export-unknown-unit", ["export", "nosuch", "-o", "pkg"]),
        ("export-bad-vectors", ["export", "mul", "--vectors", "many", "-o", "pkg"]),
        ("export-out-is-file", ["export", "mul", "-o", f["afile"]]),
        # export-lut
        ("export-lut-16-bit-unit", ["export-lut", "mul", "-p", "width=16", "--format", "npy", "-o", "t.npy"]),
        ("export-lut-bad-format", ["export-lut", "mul", "--format", "xls", "-o", "t.xls"]),
        ("export-lut-unknown-unit", ["export-lut", "nosuch", "--format", "npy", "-o", "t.npy"]),
        # sweep
        ("sweep-missing-spec", ["sweep", f["missing"] + ".toml"]),
        ("sweep-spec-not-utf8", ["sweep", f["notutf8.toml"]]),
        ("sweep-spec-bad-toml", ["sweep", f["broken.toml"]]),
        ("sweep-seed-text", ["sweep", f["seed_abc.toml"]]),
        ("sweep-seed-negative", ["sweep", f["seed_neg.toml"]]),
        ("sweep-steps-int", ["sweep", f["steps_5.toml"]]),
        ("sweep-steps-string", ["sweep", f["steps_str.toml"]]),
        ("sweep-dsp-string", ["sweep", f["dsp_str.toml"]]),
        ("sweep-verify-vectors-negative", ["sweep", f["vv_neg.toml"]]),
        ("sweep-bad-stream", ["sweep", f["stream_bad.toml"]]),
        ("sweep-bad-target", ["sweep", f["targets_bad.toml"]]),
        ("sweep-grid-too-big", ["sweep", f["huge_grid.toml"]]),
        ("sweep-grid-bad-width", ["sweep", f["width1.toml"]]),
        ("sweep-grid-width-string", ["sweep", f["width_str.toml"]]),
        ("sweep-grid-unknown-unit", ["sweep", f["unknown_unit.toml"]]),
        ("sweep-grid-unknown-param", ["sweep", f["unknown_param.toml"]]),
        ("sweep-no-grid", ["sweep", f["no_grid.toml"]]),
        ("sweep-max-points-0", ["sweep", f["good.toml"], "--max-points", "0"]),
        ("sweep-max-points-below-grid", ["sweep", f["width1.toml"], "--max-points", "1"]),
        ("sweep-out-is-file", ["sweep", f["good.toml"], "--out", f["afile"]]),
        ("sweep-jobs-0", ["sweep", f["good.toml"], "--jobs", "0"]),
        ("sweep-jobs-huge", ["sweep", f["good.toml"], "--jobs", "100000"]),
        ("sweep-spec-is-folder", ["sweep", f["dir.npy"]]),
        # quantize
        ("quantize-missing", ["quantize", f["missing"] + ".npy", "--bits", "8", "--method", "exp"]),
        ("quantize-not-npy", ["quantize", f["text.npy"], "--bits", "8", "--method", "exp"]),
        ("quantize-bits-1", ["quantize", f["w.npy"], "--bits", "1", "--method", "exp"]),
        ("quantize-bits-99", ["quantize", f["w.npy"], "--bits", "99", "--method", "exp"]),
        ("quantize-bad-method", ["quantize", f["w.npy"], "--bits", "8", "--method", "log"]),
        ("quantize-base-2", ["quantize", f["w.npy"], "--bits", "8", "--method", "exp", "--base", "2"]),
        ("quantize-nan", ["quantize", f["nan.npy"], "--bits", "8", "--method", "exp"]),
        ("quantize-empty", ["quantize", f["empty.npy"], "--bits", "8", "--method", "exp"]),
        ("quantize-strings", ["quantize", f["strs.npy"], "--bits", "8", "--method", "exp"]),
        ("quantize-float-overflow", ["quantize", f["huge.npy"], "--bits", "4", "--method", "linear"]),
        ("quantize-out-under-file", ["quantize", f["w.npy"], "--bits", "8", "--method", "exp",
                                     "-o", f["afile"] + "/codes.npy"]),
        ("quantize-out-is-folder", ["quantize", f["w.npy"], "--bits", "8", "--method", "exp", "-o", f["dir.npy"]]),
        # demo
        ("demo-unknown-unit", ["demo", "--units", "nosuch"]),
        ("demo-seed-negative", ["demo", "--seed", "-1"]),
        ("demo-reports-is-file", ["demo", "--reports", f["afile"]]),
        ("demo-out-under-proc", ["demo", "-o", "/proc/hwgen-out"]),
        # accuracy
        ("accuracy-unknown-variant", ["accuracy", "--variants", "nosuch*"]),
        ("accuracy-jobs-0", ["accuracy", "--jobs", "0"]),
        ("accuracy-plot-under-file", ["accuracy", "--plot", f["afile"] + "/x.png"]),
        # prove
        ("prove-unknown-unit", ["prove", "nosuch"]),
        ("prove-bad-param", ["prove", "mul", "-p", "width=1"]),
        ("prove-timeout-negative", ["prove", "mul", "--timeout", "-1"]),
        ("prove-timeout-nan", ["prove", "mul", "--timeout", "nan"]),
    ]
    return rows


def _snapshot(root: Path) -> set:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _limit_memory():
    """A regression that expands a huge grid or allocates every vector must fail, not exhaust the machine."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


#: Address space of each invocation: far above what bad input needs, far below what a regression would take.
MEMORY_LIMIT = 3 << 30


def _run(args, cwd: Path):
    # A fresh XDG cache keeps hwgen's own user-cache writes in the test folder; the WebAssembly Yosys keeps its
    # compiled cache (YOWASP_CACHE_DIR), else every invocation that reached Yosys would recompile it (minutes).
    yowasp = os.environ.get("YOWASP_CACHE_DIR") or str(Path.home() / ".cache" / "YoWASP")
    env = dict(os.environ, PYTHONPATH=str(REPO), HWGEN_BUILD_DIR=str(cwd / "build"),
               HWGEN_CACHE_DIR=str(cwd / "cache"), XDG_CACHE_HOME=str(cwd / "xdg"), YOWASP_CACHE_DIR=yowasp)
    env.pop("HWGEN_DEBUG", None)
    before = _snapshot(cwd)
    p = subprocess.Popen([sys.executable, "-m", "hwgen", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=_limit_memory, start_new_session=True)
    try:
        out, err = p.communicate(timeout=60)  # bad input is refused in seconds, before any work
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the command started working: stop it and its workers
        out, err = p.communicate()
        err += "\n[test: killed after 60 s: the command did work instead of refusing its input]"
    return subprocess.CompletedProcess(p.args, p.returncode, out, err), before, _snapshot(cwd)


class _Keys(dict):
    """Stands in for the input files when only the row ids are needed (collection time)."""

    def __missing__(self, key):
        return key


ROWS = _table(_Keys())


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> dict:
    """Row id -> argv, with the input files the rows name (made once per worker)."""
    return dict(_table(_inputs(tmp_path_factory.mktemp("inputs"))))


def test_table_is_large_and_covers_every_command():
    from hwgen.commands import COMMANDS
    assert len(ROWS) >= 60
    assert len({row_id for row_id, _ in ROWS}) == len(ROWS)
    covered = {args[0] for _, args in ROWS}
    assert covered == {c.NAME for c in COMMANDS}


@pytest.mark.parametrize("row_id", [row_id for row_id, _ in ROWS])
def test_bad_invocation(row_id, table, tmp_path):
    # One run per test, each in its own working folder: xdist spreads the rows over the workers.
    r, before, after = _run(table[row_id], tmp_path)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    assert len(lines) == 1 and lines[0].startswith("hwgen: error:"), r.stderr[-2000:]
    assert len(lines[0]) <= 400, lines[0]
    assert r.stdout == "", r.stdout[-500:]
    assert after == before, f"files written: {sorted(after - before)}"
