"""`hwgen verify`: run a unit's generated Verilog on a simulator and compare with its golden model.

Vectors are compared in numpy, bit for bit, field by field; unknown (x/z) outputs are mismatches.
A run that checked no vector is a failure, never a pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.emit import Generated, elaborate, write_generated
from hwgen.params import ParamError
from hwgen.toolchain import ToolError
from hwgen.unit import EXHAUSTIVE_LIMIT, Unit
from hwgen.verify import native, simulate
from hwgen.verify.layout import Layout, layout_for
from hwgen.verify.result import CHUNK, DEFAULT_RANDOM, VerifyResult
from hwgen.verify.wrapper import WRAPPER_TOP, bulk_wrapper

__all__ = ["VerifyResult", "verify", "select_vectors", "DEFAULT_RANDOM", "CHUNK"]

#: bulk: HDL wrapper under cocotb; vector: cocotb drives each step; native: Verilator C++ harness
#: (hwgen.verify.native). ``--vectors exhaustive`` on the bulk path switches to native by itself when the
#: space exceeds EXHAUSTIVE_LIMIT (Verilator only).
PATHS = ("bulk", "vector", "native")


def _concat(batches: list[dict]) -> dict:
    return {k: np.concatenate([np.asarray(b[k]) for b in batches]) for k in batches[0]}


def _count(vec: dict) -> int:
    return len(next(iter(vec.values())))


def select_vectors(unit: Unit, params: Mapping[str, Any], vectors: str | int | None,
                   seed: int) -> tuple[list[dict], bool]:
    """The batches to check: each starts from reset (matters for sequential units)."""
    if vectors == "exhaustive":
        if unit.sequential:
            raise ParamError(f"--vectors exhaustive is not defined for the sequential unit {unit.name!r}; "
                             "give a number of random clock steps")
        ex = unit.stimulus.exhaustive(params)
        if ex is None:
            raise ParamError(f"--vectors exhaustive: the input space of {unit.module_name(params)} exceeds "
                             f"{EXHAUSTIVE_LIMIT} vectors on this path; give a number of random vectors "
                             "(or use --path native with Verilator)")
        return [ex], True
    n = DEFAULT_RANDOM if vectors is None else int(vectors)
    if n < 0:
        raise ParamError(f"--vectors must be 'exhaustive' or a count >= 0, not {vectors!r}")
    rng = np.random.default_rng(seed)
    batches = [unit.stimulus.directed(params)]
    if n:
        batches.append(unit.stimulus.random(params, rng, n))
    if not unit.sequential:
        batches = [_concat(batches)]
    return batches, False


def _chunks(vec: dict, size: int):
    n = _count(vec)
    for lo in range(0, n, size):
        yield {k: v[lo:lo + size] for k, v in vec.items()}


def _build_dir(root: Path, simulator: str, path: str, module: str) -> Path:
    return root / simulator / path / module


@contextlib.contextmanager
def _locked(bdir: Path):
    """One verification per build directory at a time (parallel tests and sweeps share builds)."""
    bdir.mkdir(parents=True, exist_ok=True)
    with open(bdir / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def verify(unit: Unit, given: Mapping[str, Any] | None = None, *, vectors: str | int | None = None,
           seed: int | None = None, simulator: str = "verilator", path: str = "bulk",
           build_root: str | os.PathLike | None = None, max_examples: int = 5,
           timeout: float | None = None, transform: Callable[[Generated], Generated] | None = None,
           progress: bool | None = None) -> VerifyResult:
    """Generate, simulate and compare. Raises ParamError for bad input, ToolError for tool faults
    (including a build or simulation step exceeding ``timeout`` seconds).

    ``transform`` rewrites the generated design before simulation (mutation checks, see
    :mod:`hwgen.verify.mutate`); its builds live apart from the real design's. ``progress`` shows a
    progress bar on the native path (None: only on a terminal, for long runs).
    """
    params = unit.resolve(given)
    if path not in PATHS:
        raise ParamError(f"--path must be one of {', '.join(PATHS)}, not {path!r}")
    if timeout is not None and timeout <= 0:
        raise ParamError(f"--timeout must be a number of seconds > 0, not {timeout!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (1 << 32))
    if path == "bulk" and vectors == "exhaustive" and simulator == "verilator" and native.needs_native(unit, params):
        path = "native"  # beyond the bulk wrapper's memory: the native harness enumerates the space
    if path == "native" and simulator != "verilator":
        raise ParamError(f"--path native runs on Verilator only, not on {simulator!r}")
    if path == "native" and vectors == "exhaustive" and native.needs_native(unit, params):
        batches, exhaustive = None, True  # the harness enumerates the input space itself
    else:
        batches, exhaustive = select_vectors(unit, params, vectors, seed)
    gen = elaborate(unit, params)
    if transform is not None:
        gen = transform(gen)
    root = Path(build_root or os.environ.get("HWGEN_BUILD_DIR", "build/hwgen")).resolve()
    bdir = _build_dir(root, simulator, path, gen.module + ("__mutant" if transform is not None else ""))
    with _locked(bdir):
        if path == "native":
            return native.verify_native(unit, params, gen, bdir, batches, exhaustive, seed, max_examples,
                                        progress, timeout or simulate.DEFAULT_TIMEOUT)
        return _verify_in(unit, params, gen, bdir, batches, exhaustive, seed, simulator, path, max_examples,
                          timeout or simulate.DEFAULT_TIMEOUT)


def _verify_in(unit, params, gen, bdir: Path, batches, exhaustive, seed, simulator, path, max_examples,
               timeout):
    dut_v, _ = write_generated(gen, bdir)
    ports = gen.ports
    ins = layout_for([p for p in ports if p.direction == "in"])
    outs = layout_for([p for p in ports if p.direction == "out"])
    latency, clock, reset = gen.manifest["latency"], gen.manifest["clock"], gen.manifest["reset"]
    result = VerifyResult(unit.name, gen.module, params, simulator, path, seed, exhaustive=exhaustive)

    t0 = time.perf_counter()
    if path == "bulk":
        wrapper = bdir / "hwgen_bulk.v"
        wrapper.write_text(bulk_wrapper(gen.module, ins, outs, latency, clock, reset, CHUNK))
        simulate.build(simulator, [dut_v, wrapper], WRAPPER_TOP, bdir, timeout)
        top, bench = WRAPPER_TOP, "hwgen_sim.tb_bulk"
    else:
        simulate.build(simulator, [dut_v], gen.module, bdir, timeout)
        simulate.layout_json(bdir / "layout.json", ins, outs, latency, clock, reset)
        top, bench = gen.module, "hwgen_sim.tb_vector"
    result.build_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    for batch in batches:
        for chunk in _chunks(batch, CHUNK):
            _run_chunk(unit, params, chunk, ins, outs, latency, simulator, top, bench, bdir, result,
                       max_examples, timeout)
    result.seconds = time.perf_counter() - t0
    return result


def _run_chunk(unit, params, chunk, ins: Layout, outs: Layout, latency, simulator, top, bench, bdir: Path,
               result: VerifyResult, max_examples: int, timeout: float) -> None:
    n = _count(chunk)
    expected = unit.model(params, chunk)
    (bdir / "vin.hex").write_bytes(ins.encode(chunk, n))
    out_file = bdir / "vout.hex"
    out_file.unlink(missing_ok=True)
    env = {"HWGEN_TB_VECTORS": str(n), "HWGEN_TB_LATENCY": str(latency),
           "HWGEN_TB_IN": "vin.hex", "HWGEN_TB_OUT": "vout.hex", "HWGEN_TB_LAYOUT": "layout.json"}
    plusargs = [f"+hwgen_n={n}", "+hwgen_in=vin.hex", "+hwgen_out=vout.hex"]
    simulate.run(simulator, top, bdir, bench, env, plusargs, timeout)
    try:
        got, unknown = outs.decode(out_file.read_bytes(), n)
    except (OSError, ValueError) as e:
        raise ToolError(f"{simulator} simulation of {top} gave unreadable results: {e}") from None
    want = outs.field_values(expected, n)
    bad = np.flatnonzero((got != want).any(axis=1) | unknown)
    result.vectors += n
    result.mismatches += len(bad)
    if len(bad) and len(result.examples) < max_examples:
        vin = ins.field_values(chunk, n)
        for i in bad[:max_examples - len(result.examples)]:
            result.examples.append({
                "index": int(i), "inputs": ins.port_values(vin[i]),
                "expected": outs.port_values(want[i]),
                "got": "unknown (x/z)" if unknown[i] else outs.port_values(got[i])})
