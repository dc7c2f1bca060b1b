"""Synthesis flow: GE table, transistor parsing, depth, targets, Liberty, cache and tool errors."""

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO

from hwgen.emit import elaborate
from hwgen.params import ParamError
from hwgen.registry import get_unit
from hwgen.synth import (
    GE_WEIGHTS,
    TARGETS,
    area_ge,
    file_design,
    load_netlist,
    parse_extra,
    parse_transistors,
    synthesize,
    unit_design,
)
from hwgen.synth.yosys import run_yosys
from hwgen.toolchain import ToolError

GENERIC = {"$_NOT_", "$_AND_", "$_NAND_", "$_OR_", "$_NOR_", "$_XOR_", "$_XNOR_", "$_ANDNOT_", "$_ORNOT_",
           "$_MUX_", "$_DFF_P_"}




def _design(unit, **params):
    u = get_unit(unit)
    return unit_design(elaborate(u, u.resolve(params)))


def test_weight_table_is_osu_nand2_ratios():
    assert GE_WEIGHTS["$_NAND_"] == 1.0
    assert GE_WEIGHTS["$_NOT_"] == pytest.approx(16 / 24)
    assert GE_WEIGHTS["$_XOR_"] == pytest.approx(56 / 24)
    assert GE_WEIGHTS["$_DFF_P_"] == pytest.approx(4.0)
    assert area_ge({"$_NAND_": 3, "$_XOR_": 3}) == pytest.approx(3 + 7)
    with pytest.raises(KeyError, match=r"^\"cell type 'SB_LUT4' has no gate-equivalent weight"):
        area_ge({"SB_LUT4": 1})


def test_transistor_count_parsing():
    assert parse_transistors("2374+") == (2374, False)
    assert parse_transistors("7496") == (7496, True)
    assert parse_transistors(12) == (12, True)
    with pytest.raises(ValueError, match=r"^not a transistor count: 'n/a'$"):
        parse_transistors("n/a")


def test_generic_mul4_figures_recompute(fresh_cache):
    r = synthesize(_design("mul", width=4), "generic", cache_dir=fresh_cache)
    d = r.data
    assert set(d["cells"]) <= GENERIC
    assert d["area_ge"] == pytest.approx(sum(GE_WEIGHTS[c] * n for c, n in d["cells"].items()), abs=1e-3)
    assert d["num_cells"] == sum(d["cells"].values()) > 20
    assert d["transistors"] > 4 * d["num_cells"] * 0.5 and d["transistors_complete"]
    assert d["dff"] == 0 and 4 <= d["depth"] < d["num_cells"]
    assert d["yosys_version"].startswith("Yosys 0.70")
    netlist = load_netlist(r.netlist_path)
    assert netlist.cell_counts() == d["cells"]
    assert set(netlist.inputs()) == {"a", "b"} and set(netlist.outputs()) == {"p"}


def test_cache_hit_returns_same_folder(fresh_cache):
    d = _design("mul", width=3)
    first = synthesize(d, "generic", cache_dir=fresh_cache)
    (first.folder / "yosys.log").write_text("marker")  # a rerun would overwrite the log
    second = synthesize(d, "generic", cache_dir=fresh_cache)
    assert second.folder == first.folder and second.data == first.data
    assert (second.folder / "yosys.log").read_text() == "marker"


def test_mac_flip_flops_are_the_accumulator(fresh_cache):
    d = synthesize(_design("mac", width=3, acc_width=8), "generic", cache_dir=fresh_cache).data
    assert d["dff"] == d["cells"]["$_DFF_P_"] == 8


@pytest.mark.parametrize("target", ["ice40", "ecp5", "xilinx"])
def test_fpga_targets_count_luts(fresh_cache, target):
    d = synthesize(_design("mul", width=3), target, cache_dir=fresh_cache).data
    assert d["target"] == target and d["use_dsp"] is False
    assert d["lut"] > 0 and d["dsp"] == 0 and d["dff"] == 0
    assert d["lut"] <= d["num_cells"]


def test_liberty_area(fresh_cache):
    # ABC's mapper needs a buffer in the library (without one it writes no netlist).
    lib = REPO / "build" / "test" / "tiny.lib"
    lib.parent.mkdir(parents=True, exist_ok=True)
    lib.write_text(TINY_LIB)
    d = synthesize(_design("mul", width=3), "generic", liberty=lib, cache_dir=fresh_cache).data
    assert d["liberty"] == "tiny.lib" and d["liberty_cells"] > 0
    used = d["liberty_cells_by_type"]
    assert set(used) <= {"BUF", "INV", "NAND2", "NOR2"}
    area = {"BUF": 1.0, "INV": 1.0, "NAND2": 2.0, "NOR2": 2.0}
    assert d["area_um2"] == pytest.approx(sum(area[c] * n for c, n in used.items()))


def test_yosys_error_is_a_clear_tool_error(fresh_cache, tmp_path):
    bad = REPO / "build" / "test" / "bad_syntax.v"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("module broken(input a, output y);\n  assign y = a +;\nendmodule\n")
    # the work folder is deleted after a failure, so the message names the kept log, not that folder
    with pytest.raises(ToolError, match=r"^Yosys failed: extra_bad_syntax\.v:2: syntax error.*\(log: .*\.log\)$") as e:
        synthesize(file_design(bad, "broken"), "generic", cache_dir=fresh_cache)
    assert ".tmp" not in str(e.value)

def test_yosys_runs_in_a_work_folder_under_tmp(tmp_path):
    # relative names only, so the WASI sandbox's own /tmp does not hide the host folder
    (tmp_path / "inv.v").write_text("module inv(input a, output y);\n  assign y = ~a;\nendmodule\n")
    run_yosys("read_verilog inv.v\nsynth -top inv\ntee -q -o stat.json stat -json\n", tmp_path)
    assert '"$_NOT_": 1' in (tmp_path / "stat.json").read_text()  # the inverter was synthesized


def test_external_design_errors():
    with pytest.raises(ParamError, match=r"^--extra must look like FILE.v:TOP"):
        parse_extra("nocolon.v")
    with pytest.raises(ParamError, match=r"^Verilog file '.*yosys_mul.v' has no module 'nope'$"):
        file_design(REPO / "synth" / "yosys_mul.v", "nope")


def test_cli_synth_json_keys(fresh_cache):
    cmd = [sys.executable, "-m", "hwgen", "synth", "mul", "-p", "width=3", "--json", "--ops", "256"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=True).stdout
    d = json.loads(out)
    for key in ("unit", "params", "target", "yosys_version", "cells", "area_ge", "transistors", "depth", "dff",
                "energy_proxy", "energy_unit", "stream"):
        assert key in d, key
    assert d["unit"] == "mul" and d["params"] == {"width": 3, "signed": False, "pipeline": 0}
    bad = subprocess.run([sys.executable, "-m", "hwgen", "synth", "mul", "--target", "ice40", "--liberty", "x.lib"],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2
    assert re.match(r"^hwgen: error: --liberty applies to the generic target only", bad.stderr)


def test_targets_constant():
    assert TARGETS == ("generic", "ice40", "ecp5", "xilinx")


TINY_LIB = r"""
library (tiny) {
  delay_model : table_lookup;
  time_unit : "1ns"; voltage_unit : "1V"; current_unit : "1uA";
  capacitive_load_unit (1,pf);
  cell (BUF) { area : 1;
    pin (A) { direction : input; capacitance : 0.01; }
    pin (Y) { direction : output; function : "A"; } }
  cell (INV) { area : 1;
    pin (A) { direction : input; capacitance : 0.01; }
    pin (Y) { direction : output; function : "!A"; } }
  cell (NAND2) { area : 2;
    pin (A) { direction : input; capacitance : 0.01; }
    pin (B) { direction : input; capacitance : 0.01; }
    pin (Y) { direction : output; function : "!(A&B)"; } }
  cell (NOR2) { area : 2;
    pin (A) { direction : input; capacitance : 0.01; }
    pin (B) { direction : input; capacitance : 0.01; }
    pin (Y) { direction : output; function : "!(A|B)"; } }
  cell (DFF) { area : 6;
    ff (IQ, IQN) { next_state : "D"; clocked_on : "CLK"; }
    pin (CLK) { direction : input; clock : true; capacitance : 0.01; }
    pin (D) { direction : input; capacitance : 0.01; }
    pin (Q) { direction : output; function : "IQ"; } }
}
"""
