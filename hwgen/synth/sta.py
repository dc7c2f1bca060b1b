"""Static timing and power with OpenSTA on the Liberty-mapped netlist of a synthesis result.

Debian's ``opensta`` (binary ``sta``, OpenSTA 2.0.17 from 2019) reads the Liberty file and a mapped Verilog
netlist. It has no ``read_vcd``/``read_saif``: switching activity goes in with ``set_power_activity``. hwgen
takes it from the unit's own operand stream (the stream of the energy figures) by simulating the mapped
netlist (:mod:`hwgen.energy.sta_power`, which drives this module, checked against the golden model):

- every input port bit: ``set_power_activity -input_ports`` with ``-activity`` = its toggles per operation
  and ``-duty`` = the fraction of operations it is 1;
- every cell: its own output toggle rate. OpenSTA 2.0.17 does not take activity per internal net: its
  ``set_power_activity -pins`` fails in its own Tcl (``get_pins_error``, an unset ``pins``) and the
  underlying ``sta::set_power_pin_activity`` changes nothing on cell outputs (tried here); internal nets
  get the ``-global`` activity. So hwgen runs ``report_power -instances`` at global activity 0 and at
  :data:`PROBE_ACTIVITY`: per instance, the first is its activity-independent power (the flip-flops'
  clock pins), the difference its power per unit of activity, and the instance's power on the stream is
  ``p0 + slope * its toggles per operation / PROBE_ACTIVITY``. OpenSTA's power is linear in a uniform
  activity, so this is exact for a cell whose inputs and output toggle alike, and attributes input-pin
  energy to the output's rate otherwise.

One operation is one clock cycle. Timing uses a clock on ``clk`` for sequential units and a virtual clock for
combinational ones, zero input and output delays (inputs change at the clock edge, outputs are captured at
the next). ``sta_delay_ns`` = period - worst slack: for a combinational unit the input-to-output arrival,
for a sequential one the worst register or input-port path into a flip-flop's D plus its setup time (or a
register-to-output path). ``energy_pj_per_op`` = total power x the clock period (``--clock`` or the unit's
own minimum period ``sta_delay_ns``).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

from hwgen.synth.yosys import run_yosys
from hwgen.toolchain import ToolError

__all__ = ["sta_missing_reason", "sta_version", "sta_netlist", "sta_script", "run_sta", "parse_timing",
           "parse_power", "stream_power", "STA_VERSION"]

#: Bumped when the figures change meaning (old cached results are ignored).
STA_VERSION = 1
#: The uniform activity (toggles per clock cycle) of the probe power run; any value > 0 gives the same slope.
PROBE_ACTIVITY = 0.5
_STA_TIMEOUT = 300


def sta_missing_reason() -> str | None:
    if shutil.which("sta") is None:
        return "OpenSTA (`sta`) is not installed: on Debian or Ubuntu, apt-get install opensta"
    return None


def _sta_binary() -> str:
    reason = sta_missing_reason()
    if reason:
        raise ToolError(reason)
    return shutil.which("sta")


@functools.lru_cache(maxsize=None)
def sta_version() -> str:
    """``'OpenSTA 2.0.17'``."""
    proc = subprocess.run([_sta_binary(), "-version"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60)
    m = re.search(r"\d+(\.\d+)+", proc.stdout + proc.stderr)
    if proc.returncode != 0 or not m:
        raise ToolError(f"cannot read the OpenSTA version from `sta -version`: {(proc.stdout + proc.stderr)[:120]!r}")
    return f"OpenSTA {m.group(0)}"


def sta_netlist(folder: Path, liberty_bytes: bytes) -> Path:
    """``folder/sta/``: the Liberty netlist of a synthesis entry with short public cell names (``_12_``),
    written both as JSON (simulated for activity) and as Verilog (read by OpenSTA), so the names agree."""
    work = folder / "sta"
    if (work / "netlist.v").exists() and (work / "netlist.json").exists():
        return work
    src = folder / "netlist_liberty.json"
    if not src.exists():
        raise ToolError(f"{folder} has no Liberty netlist (synthesize with a Liberty file first)")
    tmp = folder / f".sta.{id(work)}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "cells.lib").write_bytes(liberty_bytes)
    shutil.copyfile(src, tmp / "in.json")
    run_yosys("read_liberty -lib cells.lib\nread_json in.json\nrename -enumerate\n"
              "write_json netlist.json\nwrite_verilog -noattr netlist.v\n", tmp)
    (tmp / "in.json").unlink()
    try:
        tmp.rename(work)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return work


# -- the OpenSTA run ---------------------------------------------------------------------------------------
def _port_ref(name: str, bit: int | None, width: int) -> str:
    return f"{{{name}[{bit}]}}" if width > 1 or bit else f"{{{name}}}"


def sta_script(top: str, period: float, clock_port: str | None, activity: dict | None) -> str:
    """The Tcl script: read, link, constrain, report_checks, and (with ``activity``) report_power."""
    lines = ["read_liberty cells.lib", "read_verilog netlist.v", f"link_design {top}"]
    if clock_port:
        lines += [f"create_clock -name clk -period {period:.6g} [get_ports {{{clock_port}}}]",
                  f"set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports {{{clock_port}}}]]"]
    else:
        lines += [f"create_clock -name clk -period {period:.6g}",
                  "set_input_delay 0 -clock clk [all_inputs]"]
    lines += ["set_output_delay 0 -clock clk [all_outputs]",
              "puts \"HWGEN-TIMING\"",
              "report_checks -path_delay max -format full -digits 4"]
    if activity is not None:
        # Run 0: every net still (the clock alone); run 1: every net and input at PROBE_ACTIVITY.
        for k, act in enumerate((0.0, PROBE_ACTIVITY)):
            lines += [f"set_power_activity -global -activity {act:g}", f"set_power_activity -input -activity {act:g}",
                      f"puts \"HWGEN-POWER-{k}\"", "report_power -digits 8 -instances [get_cells *]"]
        # Run 2: the stream's own activity on the input ports (OpenSTA's own input-port handling, reported
        # for reference: internal nets keep the global activity).
        lines.append("set_power_activity -global -activity 0")
        for ref, (act, duty) in sorted(activity.get("ports", {}).items()):
            lines.append(f"set_power_activity -input_ports [get_ports {ref}] -activity {act:.6g} -duty {duty:.6g}")
        lines += ["puts \"HWGEN-POWER-2\"", "report_power -digits 8"]
    return "\n".join(lines) + "\n"


def run_sta(work: Path, script: str, label: str) -> str:
    (work / "sta.tcl").write_text(script)
    try:
        proc = subprocess.run([_sta_binary(), "-no_init", "-exit", "sta.tcl"], cwd=work, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=_STA_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ToolError(f"OpenSTA timed out after {_STA_TIMEOUT} s on {label} in {work}") from None
    out = proc.stdout + proc.stderr
    (work / "sta.log").write_text(out)
    err = next((ln for ln in out.splitlines() if ln.startswith("Error")), None)
    if proc.returncode != 0 or err:
        raise ToolError(f"OpenSTA failed on {label} in {work}: {err or out.strip().splitlines()[-1:]}")
    return out


def parse_timing(text: str) -> dict:
    """Startpoint, endpoint, arrival, required and slack of the first path of ``report_checks``."""
    part = text.split("HWGEN-TIMING", 1)[-1].split("HWGEN-POWER", 1)[0]
    if "No paths found" in part:
        raise ToolError("OpenSTA found no timing path (a unit without a path from input to output or register)")
    start = re.search(r"^Startpoint: (\S+)", part, re.M)
    end = re.search(r"^Endpoint: (\S+)", part, re.M)
    arrival = re.search(r"^\s*(-?[\d.]+)\s+data arrival time", part, re.M)
    required = re.search(r"^\s*(-?[\d.]+)\s+data required time", part, re.M)
    slack = re.search(r"^\s*(-?[\d.]+)\s+slack \((MET|VIOLATED)\)", part, re.M)
    if not (start and end and arrival and required and slack):
        raise ToolError("cannot read OpenSTA's report_checks output (see sta.log in the cache entry)")
    return {"startpoint": start.group(1), "endpoint": end.group(1), "arrival": float(arrival.group(1)),
            "required": float(required.group(1)), "slack": float(slack.group(1))}


_INSTANCE_LINE = re.compile(r"^\s*(\S+e[-+]\d+)\s+(\S+e[-+]\d+)\s+(\S+e[-+]\d+)\s+(\S+e[-+]\d+)\s+(\S+)\s*$", re.M)


def parse_instance_power(text: str, k: int) -> dict:
    """instance -> (internal, switching, leakage) in watts from section ``HWGEN-POWER-k``."""
    part = text.split(f"HWGEN-POWER-{k}", 1)[-1].split("HWGEN-POWER-", 1)[0]
    rows = {m.group(5): tuple(float(m.group(i)) for i in (1, 2, 3)) for m in _INSTANCE_LINE.finditer(part)}
    if not rows:
        raise ToolError("cannot read OpenSTA's report_power -instances output (see sta.log in the cache entry)")
    return rows


def parse_power(text: str, k: int = 2) -> dict:
    """Internal, switching, leakage and total power in watts from the Total line of section ``k``."""
    part = text.split(f"HWGEN-POWER-{k}", 1)[-1]
    m = re.search(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", part, re.M)
    if not m:
        raise ToolError("cannot read OpenSTA's report_power output (see sta.log in the cache entry)")
    internal, switching, leakage, total = (float(x) for x in m.groups())
    return {"internal": internal, "switching": switching, "leakage": leakage, "total": total}


def stream_power(text: str, rates: dict) -> dict:
    """Total internal, switching and leakage power (W) with each instance at its own toggle rate."""
    p0, p1 = parse_instance_power(text, 0), parse_instance_power(text, 1)
    internal = switching = leakage = 0.0
    for name, (i0, s0, l0) in p0.items():
        i1, s1, _ = p1.get(name, (i0, s0, l0))
        scale = rates.get(name, 0.0) / PROBE_ACTIVITY
        internal += i0 + (i1 - i0) * scale
        switching += s0 + (s1 - s0) * scale
        leakage += l0
    return {"internal": internal, "switching": switching, "leakage": leakage,
            "total": internal + switching + leakage}


def _time_scale(liberty_text: str) -> float:
    """Nanoseconds per library time unit (OSU: 1 ns)."""
    m = re.search(r'time_unit\s*:\s*"?\s*(\d+)\s*(ps|ns|us)"?', liberty_text)
    if not m:
        return 1.0
    return int(m.group(1)) * {"ps": 1e-3, "ns": 1.0, "us": 1e3}[m.group(2)]
