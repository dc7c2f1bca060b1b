"""Ctrl-C (issue 14 item 7): SIGINT to the process group stops sweep, compare and native verification,
workers included, within about two seconds; finished rows are kept in the run's own output folder,
marked partial; the exit code is 130 and no traceback is printed.

Each test starts the real CLI in its own session (so the signal reaches exactly its process group).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hwgen.toolchain import simulator_available

REPO = Path(__file__).resolve().parent.parent
STOP_LIMIT = 3.0  # seconds from SIGINT until the whole process group is gone (the goal is ~2 s)


def _running_in_group(pgid: int) -> list[str]:
    """Processes of group ``pgid`` that still run (zombies left to an init that does not reap them in a
    container do not count: they run nothing)."""
    alive = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(d.name)
    return alive


def _run_and_interrupt(args, wait, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), HWGEN_BUILD_DIR=str(REPO / "build" / "test"),
               HWGEN_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.Popen([sys.executable, "-m", "hwgen", *args], env=env, start_new_session=True, cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(wait)
    if p.poll() is not None:
        p.communicate()  # close the pipes: a failing test must not leave files for the next one
        pytest.fail("the run ended before it could be interrupted; make it longer")
    t0 = time.monotonic()
    os.killpg(p.pid, signal.SIGINT)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # never leave a run behind, even when the test fails
        p.communicate()
        pytest.fail("the run did not stop within 30 s of SIGINT")
    while True:  # every process of the group, workers and tools included, must be gone
        if not _running_in_group(p.pid):
            break
        if time.monotonic() - t0 > STOP_LIMIT:
            os.killpg(p.pid, signal.SIGKILL)
            pytest.fail("processes of the group were still running after SIGINT")
        time.sleep(0.05)
    stopped = time.monotonic() - t0
    assert p.returncode == 130, (out, err)
    assert "Traceback" not in err and "Traceback" not in out, err
    assert stopped < STOP_LIMIT
    return out, err


def test_sweep_interrupt_keeps_finished_rows(tmp_path):
    spec = tmp_path / "slow.toml"
    # three quick configurations, then six that each take many seconds (exhaustive error at 12 bits)
    spec.write_text('[options]\nsteps = ["generate", "error"]\n'
                    '[[grid]]\nunit = "mitchw"\nwidth = [4, 5, 6]\n'
                    '[[grid]]\nunit = "mitchw"\nwidth = 12\nw = [3, 4, 5, 6, 7, 8]\n')
    out_dir = tmp_path / "out"
    _run_and_interrupt(["sweep", str(spec), "--jobs", "2", "--out", str(out_dir), "--no-cache"], 8, tmp_path)
    assert not (out_dir / "sweep.json").exists()  # no complete-looking result
    doc = json.loads((out_dir / "sweep.partial.json").read_text())
    assert doc["partial"].startswith("interrupted") and 1 <= len(doc["rows"]) < 9
    assert all(r["status"] == "ok" for r in doc["rows"])
    assert (out_dir / "sweep.partial.md").read_text().startswith("PARTIAL")
    assert not list(out_dir.glob(".*.tmp"))  # atomic writes leave no temp files


def test_compare_interrupt_keeps_finished_rows(tmp_path):
    out_dir = tmp_path / "cmp"
    # a fresh cache, and bfloat16 units that take tens of seconds each: still running at 7 s on any machine
    _run_and_interrupt(["compare", "--units", "mitchw", "mul", "bf16_mul", "bf16_mac", "--width", "8",
                        "--fpga", "none", "--jobs", "2", "--out", str(out_dir)], 7, tmp_path)
    assert not (out_dir / "compare.json").exists()
    doc = json.loads((out_dir / "compare.partial.json").read_text())
    assert doc["meta"]["partial"].startswith("interrupted") and doc["rows"]


@pytest.mark.skipif(simulator_available("verilator") is not None, reason=str(simulator_available("verilator")))
def test_native_verify_interrupt(tmp_path):
    # 2^28 vectors: tens of seconds on the native path, interrupted while the workers run (or still build)
    _run_and_interrupt(["verify", "mul", "-p", "width=14", "--path", "native", "--vectors", "exhaustive",
                        "--seed", "1"], 6, tmp_path)
