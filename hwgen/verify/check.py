"""`hwgen verify`: run a unit's generated Verilog on a simulator and compare with its golden model.

Vectors are compared in numpy, bit for bit, field by field; unknown (x/z) outputs are mismatches.
A run that checked no vector is a failure, never a pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from ..emit import Generated, elaborate, write_generated
from ..params import ParamError
from ..registry import EXHAUSTIVE_LIMIT, Unit
from ..synth.locations import build_root as default_build_root
from ..toolchain import ToolError
from . import simulate
from .layout import Layout, layout_for
from .wrapper import WRAPPER_TOP, bulk_wrapper

__all__ = ["VerifyResult", "verify", "select_vectors", "DEFAULT_RANDOM", "CHUNK", "MAX_VECTORS"]

#: Random vectors (or clock steps) checked when no count is given.
DEFAULT_RANDOM = 100_000
#: Vectors per simulator launch; the bulk wrapper's memory depth.
CHUNK = EXHAUSTIVE_LIMIT
#: Largest random vector count (or clock steps) of one verification; memory stays bounded below it, since
#: vectors beyond CHUNK are drawn and checked CHUNK at a time (README: resource limits).
MAX_VECTORS = 1 << 40
#: bulk: HDL wrapper under cocotb; vector: cocotb drives each step; native: Verilator C++ harness
#: (hwgen.verify.native). ``--vectors exhaustive`` on the bulk path switches to native by itself when the
#: space exceeds EXHAUSTIVE_LIMIT (Verilator only).
PATHS = ("bulk", "vector", "native")


@dataclass
class VerifyResult:
    unit: str
    module: str
    params: dict
    simulator: str
    path: str
    seed: int | None
    vectors: int = 0
    mismatches: int = 0
    examples: list = field(default_factory=list)
    exhaustive: bool = False
    seconds: float = 0.0  # simulation and comparison, without the build
    build_seconds: float = 0.0

    @property
    def vectors_per_s(self) -> float:
        return self.vectors / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.vectors > 0 and self.mismatches == 0

    def to_json(self) -> dict:
        return {"unit": self.unit, "module": self.module, "params": self.params,
                "simulator": self.simulator, "path": self.path, "seed": self.seed,
                "vectors": self.vectors, "mismatches": self.mismatches, "exhaustive": self.exhaustive,
                "vectors_per_s": round(self.vectors_per_s, 1), "examples": self.examples,
                "ok": self.ok}


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
    if not 0 <= n <= MAX_VECTORS:
        raise ParamError(f"--vectors must be 'exhaustive' or a count in 0..{MAX_VECTORS} (2^40), "
                         f"not {str(vectors)[:80]!r}")
    rng = np.random.default_rng(seed)
    directed = unit.stimulus.directed(params)
    if n > CHUNK:
        # Bounded memory whatever the count: random vectors are drawn CHUNK at a time, as they are used.
        return _Streamed(unit, params, rng, directed, n), False
    batches = [directed]
    if n:
        batches.append(unit.stimulus.random(params, rng, n))
    if not unit.sequential:
        batches = [_concat(batches)]
    return batches, False


class _Streamed:
    """Batches drawn lazily: the directed ones, then ``n`` random vectors in blocks of :data:`CHUNK`
    (for sequential units each block is a run of clock steps from reset). ``total`` counts them all."""

    def __init__(self, unit: Unit, params, rng, directed: dict, n: int):
        self.unit, self.params, self.rng, self.directed, self.n = unit, params, rng, directed, n
        self.total = _count(directed) + n

    def __iter__(self):
        yield self.directed
        for lo in range(0, self.n, CHUNK):
            yield self.unit.stimulus.random(self.params, self.rng, min(CHUNK, self.n - lo))


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
    if timeout is not None and not 0 < timeout < float("inf"):  # NaN fails too
        raise ParamError(f"--timeout must be a number of seconds > 0, not {timeout!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (1 << 32))
    from . import native
    if path == "bulk" and vectors == "exhaustive" and simulator == "verilator" and native.needs_native(unit, params):
        path = "native"  # beyond the bulk wrapper's memory: the native harness enumerates the space
    if path == "native" and simulator != "verilator":
        raise ParamError(f"--path native runs on Verilator only, not on {simulator!r}")
    count_mode = path == "native" and vectors == "exhaustive" and native.needs_native(unit, params)

    def vector_set():
        if count_mode:
            return None, True  # the harness enumerates the input space itself
        return select_vectors(unit, params, vectors, seed)

    first = vector_set()  # bad --vectors are reported before anything is built
    gen = elaborate(unit, params)
    if transform is not None:
        gen = transform(gen)
    root = Path(build_root).resolve() if build_root else default_build_root()
    bdir = _build_dir(root, simulator, path, gen.module + ("__mutant" if transform is not None else ""))
    def attempt(vectors_):
        batches, exhaustive = vectors_
        if path == "native":
            return native.verify_native(unit, params, gen, bdir, batches, exhaustive, seed, max_examples,
                                        progress, timeout or simulate.DEFAULT_TIMEOUT)
        return _verify_in(unit, params, gen, bdir, batches, exhaustive, seed, simulator, path, max_examples,
                          timeout or simulate.DEFAULT_TIMEOUT)

    with _locked(bdir):
        reused = any(p.name != ".lock" for p in bdir.iterdir())
        try:
            return attempt(first)
        except ToolError:
            if not reused:
                raise
            # A build folder damaged by a killed run or an edit: start it afresh, once (with the same
            # vectors drawn again from the seed: a streamed set is used up).
            _wipe_build(bdir)
            return attempt(vector_set())


def _wipe_build(bdir: Path) -> None:
    import shutil
    for p in bdir.iterdir():
        if p.name == ".lock":
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


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
        from ..toolchain import ToolError
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
