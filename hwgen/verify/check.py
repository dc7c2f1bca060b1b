"""`hwgen verify`: run a unit's generated Verilog on a simulator and compare with its golden model.

Vectors are compared in numpy, bit for bit, field by field; unknown (x/z) outputs are mismatches.
A run that checked no vector is a failure, never a pass.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from hwgen.emit import Generated, elaborate, write_generated
from hwgen.params import ParamError
from hwgen.settings import Settings
from hwgen.toolchain import ToolError
from hwgen.unit import EXHAUSTIVE_LIMIT, Unit
from hwgen.verify import native, simulate
from hwgen.verify.compare import Comparator
from hwgen.verify.layout import Layout, layout_for
from hwgen.verify.result import CHUNK, DEFAULT_RANDOM, VerifyResult, VerifyRun
from hwgen.verify.wrapper import WRAPPER_TOP, bulk_wrapper

__all__ = ["VerifyResult", "VerifyOptions", "verify", "verify_design", "select_vectors", "DEFAULT_RANDOM", "CHUNK", "PATHS",
           "MAX_VECTORS"]

#: Largest random vector count (or clock steps) of one verification; memory stays bounded below it, since
#: vectors beyond CHUNK are drawn and checked CHUNK at a time (README: resource limits).
MAX_VECTORS = 1 << 40

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
    (for sequential units each block is a run of clock steps from reset). ``total`` counts them all.
    A combinational unit's directed vectors share the first block (one simulator run fewer)."""

    def __init__(self, unit: Unit, params, rng, directed: dict, n: int):
        self.unit, self.params, self.rng, self.directed, self.n = unit, params, rng, directed, n
        self.total = _count(directed) + n

    def _random(self, n: int) -> dict:
        return self.unit.stimulus.random(self.params, self.rng, n)

    def __iter__(self):
        first = 0 if self.unit.sequential else min(max(CHUNK - _count(self.directed), 0), self.n)
        yield _concat([self.directed, self._random(first)]) if first else self.directed
        for lo in range(first, self.n, CHUNK):
            yield self._random(min(CHUNK, self.n - lo))


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


@dataclass(frozen=True)
class VerifyOptions:
    """What to check and how: ``vectors`` ('exhaustive', a count of seeded random vectors after the
    directed ones, or None for the default), ``seed`` (None: a fresh one, reported), the simulator and
    path, the number of mismatch examples kept, a ``timeout`` per build or simulation step (None: the
    settings' ``sim_timeout``), and a progress bar on the native path (None: only on a terminal)."""

    vectors: str | int | None = None
    seed: int | None = None
    simulator: str = "verilator"
    path: str = "bulk"
    max_examples: int = 5
    timeout: float | None = None
    progress: bool | None = None

    def __post_init__(self):
        if self.path not in PATHS:
            raise ParamError(f"--path must be one of {', '.join(PATHS)}, not {self.path!r}")
        if self.timeout is not None and not 0 < self.timeout < float("inf"):  # NaN fails too
            raise ParamError(f"--timeout must be a number of seconds > 0, not {self.timeout!r}")


def check_options(unit: Unit, params: Mapping[str, Any], options: VerifyOptions) -> str:
    """The path the run will take, or ParamError for options that cannot work with this unit; cheap (no
    vector is drawn, nothing is elaborated), so the command line checks its input before any work."""
    path, simulator, vectors = options.path, options.simulator, options.vectors
    if path == "bulk" and vectors == "exhaustive" and simulator == "verilator" and native.needs_native(unit, params):
        path = "native"  # beyond the bulk wrapper's memory: the native harness enumerates the space
    if path == "native" and simulator != "verilator":
        raise ParamError(f"--path native runs on Verilator only, not on {simulator!r}")
    if vectors == "exhaustive":
        if unit.sequential:
            raise ParamError(f"--vectors exhaustive is not defined for the sequential unit {unit.name!r}; "
                             "give a number of random clock steps")
    elif vectors is not None and not 0 <= int(vectors) <= MAX_VECTORS:
        raise ParamError(f"--vectors must be 'exhaustive' or a count in 0..{MAX_VECTORS} (2^40), "
                         f"not {str(vectors)[:80]!r}")
    return path


def verify(unit: Unit, given: Mapping[str, Any] | None = None, *, build_root: str | os.PathLike | None = None,
           transform: Callable[[Generated], Generated] | None = None, **options) -> VerifyResult:
    """Resolve ``given``, elaborate once and verify (the library's one-call form; the CLI, which already
    holds the design, calls :func:`verify_design`). ``options`` are :class:`VerifyOptions` fields."""
    opts = VerifyOptions(**options)
    settings = Settings() if build_root is None else Settings(build_dir=Path(build_root))
    return verify_design(elaborate(unit, unit.resolve(given)), opts, settings, transform)


def verify_design(gen: Generated, options: VerifyOptions = VerifyOptions(), settings: Settings = Settings(),
                  transform: Callable[[Generated], Generated] | None = None) -> VerifyResult:
    """Simulate ``gen`` and compare it with its golden model. Raises ParamError for bad input, ToolError
    for tool faults (including a build or simulation step exceeding the timeout).

    ``transform`` rewrites the design before simulation (mutation checks, see :mod:`hwgen.verify.mutate`);
    its builds live apart from the real design's.
    """
    unit, params = gen.unit, gen.params
    seed = options.seed if options.seed is not None else int(np.random.SeedSequence().entropy % (1 << 32))
    path = check_options(unit, params, options)
    simulator, vectors = options.simulator, options.vectors
    count_mode = path == "native" and vectors == "exhaustive" and native.needs_native(unit, params)

    def vector_set():
        if count_mode:
            return None, True  # the harness enumerates the input space itself
        return select_vectors(unit, params, vectors, seed)

    first = vector_set()  # bad --vectors are reported before anything is built
    if transform is not None:
        gen = transform(gen)
    bdir = _build_dir(settings.build.resolve(), simulator, path,
                      gen.module + ("__mutant" if transform is not None else ""))

    def attempt(vectors_):
        batches, exhaustive = vectors_
        run = VerifyRun(gen, bdir, batches, exhaustive, seed, simulator, path, options.max_examples,
                        options.timeout or settings.sim_timeout, options.progress, settings.native_jobs)
        return native.verify_native(run) if path == "native" else _verify_in(run)

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


@dataclass(frozen=True)
class _Bench:
    """How one simulator build is driven: its top, the cocotb bench module, the vector layouts."""

    top: str
    module: str
    ins: Layout
    outs: Layout
    latency: int


def _verify_in(run: VerifyRun) -> VerifyResult:
    gen, bdir = run.gen, run.build_dir
    dut_v, _ = write_generated(gen, bdir)
    ports = gen.ports
    ins = layout_for([p for p in ports if p.direction == "in"])
    outs = layout_for([p for p in ports if p.direction == "out"])
    latency, clock, reset = gen.manifest["latency"], gen.manifest["clock"], gen.manifest["reset"]
    result = run.new_result()

    t0 = time.perf_counter()
    if run.path == "bulk":
        wrapper = bdir / "hwgen_bulk.v"
        wrapper.write_text(bulk_wrapper(gen.module, ins, outs, latency, clock, reset, CHUNK))
        simulate.build(run.simulator, [dut_v, wrapper], WRAPPER_TOP, bdir, run.timeout)
        bench = _Bench(WRAPPER_TOP, "hwgen_sim.tb_bulk", ins, outs, latency)
    else:
        simulate.build(run.simulator, [dut_v], gen.module, bdir, run.timeout)
        simulate.layout_json(bdir / "layout.json", ins, outs, latency, clock, reset)
        bench = _Bench(gen.module, "hwgen_sim.tb_vector", ins, outs, latency)
    result.build_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    for batch in run.batches:
        for chunk in _chunks(batch, CHUNK):
            _run_chunk(run, bench, chunk, result)
    result.seconds = time.perf_counter() - t0
    return result


def _run_chunk(run: VerifyRun, bench: _Bench, chunk: dict, result: VerifyResult) -> None:
    n = _count(chunk)
    expected = run.gen.unit.model(run.gen.params, chunk)
    (run.build_dir / "vin.hex").write_bytes(bench.ins.encode(chunk, n))
    out_file = run.build_dir / "vout.hex"
    out_file.unlink(missing_ok=True)
    env = {"HWGEN_TB_VECTORS": str(n), "HWGEN_TB_LATENCY": str(bench.latency),
           "HWGEN_TB_IN": "vin.hex", "HWGEN_TB_OUT": "vout.hex", "HWGEN_TB_LAYOUT": "layout.json"}
    plusargs = [f"+hwgen_n={n}", "+hwgen_in=vin.hex", "+hwgen_out=vout.hex"]
    simulate.run(run.simulator, bench.top, run.build_dir, bench.module, env, plusargs, run.timeout)
    try:
        got, unknown = bench.outs.decode(out_file.read_bytes(), n)
    except (OSError, ValueError) as e:
        raise ToolError(f"{run.simulator} simulation of {bench.top} gave unreadable results: {e}") from None
    want = bench.outs.field_values(expected, n)
    found = Comparator(bench.ins, bench.outs).compare(want, got, chunk, base=result.vectors, unknown=unknown,
                                                      max_examples=run.max_examples - len(result.examples))
    result.vectors += n
    result.mismatches += found.mismatches
    result.examples += found.examples
