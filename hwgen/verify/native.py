"""The native path: a Verilator C++ harness, no cocotb and no timing, with numpy comparing in chunks.

The design is compiled with ``verilator --cc --exe --build`` together with ``native_harness.cpp`` and a
generated port header (:mod:`.native_ports`). Vectors cross the process boundary as binary columns over
pipes, never as text. Two modes:

* **stream** (random, directed, or a unit's own exhaustive set): chunks of :data:`~.check.CHUNK`
  vectors, each simulated from reset like one launch of the bulk path, so a sequential unit gives the
  same results on both paths;
* **count** (exhaustive beyond :data:`~hwgen.registry.EXHAUSTIVE_LIMIT`): the harness enumerates the
  flat input index itself (:mod:`.space`) and streams only the outputs back; the golden model is
  computed chunk by chunk (bounded memory), in parallel worker processes, one per core.

Both modes keep every core busy: while a harness simulates one chunk, numpy checks another.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from hwgen.emit import write_generated
from hwgen.params import ParamError
from hwgen.toolchain import ToolError, child_environment, prepare_simulator
from hwgen.verify.compare import Comparator
from hwgen.verify.layout import Layout, layout_for
from hwgen.verify.native_ports import column_bytes, column_dtype, ports_header
from hwgen.verify.result import CHUNK, VerifyResult, VerifyRun
from hwgen.verify.space import decode_index, space_bits

__all__ = ["NATIVE_SPACE_LIMIT_BITS", "COUNT_CHUNK", "build_harness", "needs_native", "verify_native"]

#: Largest exhaustive space of the native path, in bits (2^36 vectors is hours; beyond is not useful).
NATIVE_SPACE_LIMIT_BITS = 36
#: Vectors per numpy chunk in count mode: about 50-300 MB of model temporaries per worker.
COUNT_CHUNK = 1 << 21
#: Vectors per worker task in count mode (one harness launch each; sets the progress granularity).
COUNT_TASK = 1 << 24
_VERILATOR_FLAGS = ["-Wno-fatal", "-Wno-WIDTH", "-Wno-UNOPTFLAT", "-O3", "--x-assign", "fast",
                    "-MAKEFLAGS", "OPT_FAST=-O2 OPT_SLOW=-O1", "-CFLAGS", "-O2 -std=c++17"]
_EXE = "hwgen_native"


def needs_native(unit, params) -> bool:
    """True when ``--vectors exhaustive`` is beyond the bulk path: a combinational unit whose stimulus
    does not enumerate its input space."""
    return not unit.sequential and unit.stimulus.exhaustive(params) is None


def _template() -> str:
    return resources.files("hwgen.verify").joinpath("native_harness.cpp").read_text()


def build_harness(gen, bdir: Path, dut_v: Path, ins: Layout, outs: Layout, timeout: float | None = None) -> Path:
    """Compile the harness for ``gen`` in ``bdir`` (skipped when nothing changed); returns the binary."""
    prepare_simulator("verilator")
    m = gen.manifest
    header = ports_header(ins, outs, m["latency"], m["clock"], m["reset"])
    template = _template()
    (bdir / "hwgen_ports.h").write_text(header)
    (bdir / "native_harness.cpp").write_text(template)
    stamp = hashlib.sha256("\0".join([gen.verilog, header, template, *_VERILATOR_FLAGS]).encode()).hexdigest()
    exe = bdir / "obj" / _EXE
    stamp_file = bdir / "native.stamp"
    if exe.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return exe
    stamp_file.unlink(missing_ok=True)
    cmd = ["verilator", "--cc", "--exe", "--build", "-j", "2", "--prefix", "Vdut", "--top-module", gen.module,
           *_VERILATOR_FLAGS, "-Mdir", "obj", "-o", _EXE,
           dut_v.name, "native_harness.cpp"]
    log = bdir / "native_build.log"
    with open(log, "w") as f:
        try:
            r = subprocess.run(cmd, cwd=bdir, stdout=f, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ToolError(f"Verilator build of the native harness for {gen.module} timed out after "
                            f"{timeout:g} s; log: {log}") from None
    if r.returncode or not exe.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ToolError(f"Verilator build of the native harness for {gen.module} failed "
                        f"(exit {r.returncode}); log: {log}\n{tail}")
    stamp_file.write_text(stamp)
    return exe


# -- comparison (runs in worker threads or processes) -------------------------------------------------

def _split_columns(raw: bytes | bytearray | memoryview, layout: Layout, n: int) -> list[np.ndarray]:
    cols, pos = [], 0
    for f in layout.fields:
        size = column_bytes(f.width) * n
        if pos + size > len(raw):
            raise ToolError(f"the native harness returned {len(raw)} bytes, fewer than the "
                            f"{sum(column_bytes(g.width) for g in layout.fields) * n} expected")
        cols.append(np.frombuffer(raw, dtype=column_dtype(f.width), count=n, offset=pos))
        pos += size
    return cols


def _compare(job: "_Job", vec: dict, n: int, got: list[np.ndarray], base: int, max_examples: int):
    """The shared comparator over the harness's output columns (indices offset by ``base``)."""
    want = job.outs.field_values(job.model(job.params, vec), n)
    found = Comparator(job.ins, job.outs).compare(want, got, vec, base=base, max_examples=max_examples)
    return found.mismatches, found.examples


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs; picklable when the model is a module-level function."""
    exe: str
    model: Callable
    params: dict
    ins: Layout
    outs: Layout
    max_examples: int
    timeout: float | None


def _stream_task(job: _Job, vec: dict, base: int) -> tuple[int, int, list]:
    n = len(next(iter(vec.values())))
    cols = [np.ascontiguousarray(c.astype(column_dtype(f.width)))
            for c, f in zip(job.ins.field_values(vec, n).T, job.ins.fields)]
    payload = b"".join([np.uint64(n).tobytes(), *(c.tobytes() for c in cols), np.uint64(0).tobytes()])
    try:
        r = subprocess.run([job.exe, "stream"], input=payload, capture_output=True, timeout=job.timeout)
    except subprocess.TimeoutExpired:
        raise ToolError(f"the native harness {job.exe} timed out after {job.timeout:g} s") from None
    if r.returncode:
        raise ToolError(f"the native harness {job.exe} failed (exit {r.returncode}): "
                        f"{r.stderr.decode(errors='replace').strip()}")
    got = _split_columns(r.stdout, job.outs, n)
    bad, ex = _compare(job, vec, n, got, base, job.max_examples)
    return n, bad, ex


def _read_exact(stream, buf: memoryview) -> int:
    pos = 0
    while pos < len(buf):
        k = stream.readinto(buf[pos:])
        if not k:
            break
        pos += k
    return pos


def _count_task(job: _Job, lo: int, n: int) -> tuple[int, int, list]:
    """Enumerate indices lo .. lo+n-1 in the harness and check them COUNT_CHUNK at a time."""
    per_vector = sum(column_bytes(f.width) for f in job.outs.fields)
    proc = subprocess.Popen([job.exe, "count", str(lo), str(n), str(COUNT_CHUNK)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)
    buf = bytearray(per_vector * min(n, COUNT_CHUNK))
    done = bad = 0
    examples: list = []
    deadline = time.monotonic() + job.timeout if job.timeout else None
    try:
        while done < n:
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                raise ToolError(f"the native harness {job.exe} timed out after {job.timeout:g} s")
            m = min(COUNT_CHUNK, n - done)
            view = memoryview(buf)[:per_vector * m]
            if _read_exact(proc.stdout, view) != len(view):
                break
            vec = decode_index(job.ins, lo + done, m)
            k, ex = _compare(job, vec, m, _split_columns(view, job.outs, m), lo + done,
                             job.max_examples - len(examples))
            bad += k
            examples += ex
            done += m
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        code = proc.wait()
    if code or done != n:
        raise ToolError(f"the native harness {job.exe} stopped after {done} of {n} vectors "
                        f"(exit {code}): {err}")
    return n, bad, examples


# -- orchestration --------------------------------------------------------------------------------------

def _workers(jobs: int) -> int:
    """``jobs`` workers; 0 means one per core."""
    return max(1, jobs or (os.cpu_count() or 1))


def _stream_tasks(batches) -> Iterator[tuple[dict, int]]:
    """(chunk, first index) of every batch, drawn lazily: a streamed batch list stays in bounded memory."""
    for b in batches:
        n = len(next(iter(b.values())))
        for lo in range(0, n, CHUNK):
            yield {k: np.asarray(v)[lo:lo + CHUNK] for k, v in b.items()}, lo


def _in_threads(func, job: _Job, tasks, workers: int) -> Iterator[tuple[int, Any]]:
    """(task number, result) as tasks finish; numpy releases the GIL in big array operations. At most
    2 * workers tasks are in flight, so a lazy task iterator is drawn only as fast as it is checked."""
    pending = iter(enumerate(tasks))
    with cf.ThreadPoolExecutor(workers) as ex:
        futures: dict = {}
        try:
            while True:
                while len(futures) < 2 * workers:
                    nxt = next(pending, None)
                    if nxt is None:
                        break
                    futures[ex.submit(func, job, *nxt[1])] = nxt[0]
                if not futures:
                    return
                done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    number = futures.pop(fut)
                    yield number, fut.result()
        finally:
            for fut in futures:
                fut.cancel()


def _in_processes(func, job: _Job, tasks: list, workers: int) -> Iterator[tuple[int, Any]]:
    """(task number, result) as tasks finish, from ``workers`` worker processes (see native_worker)."""
    root = str(Path(__file__).resolve().parents[2])  # the worker must import this very hwgen
    env = child_environment(root)
    shares = [[(i, t) for i, t in enumerate(tasks)][w::workers] for w in range(workers)]
    procs, readers, results = [], [], queue.Queue()

    def reader(proc, numbers):
        try:
            for number in numbers:
                status, value = pickle.load(proc.stdout)
                results.put((status, number, value))
                if status != "ok":
                    return
        except (EOFError, pickle.UnpicklingError, OSError, ValueError) as e:
            results.put(("error", None, f"worker {proc.pid} ended early ({type(e).__name__})"))

    try:
        for share in filter(None, shares):
            proc = subprocess.Popen([sys.executable, "-m", "hwgen.verify.native_worker"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, env=env)
            procs.append(proc)
            readers.append(threading.Thread(target=reader, args=(proc, [i for i, _ in share]), daemon=True))
            readers[-1].start()
            proc.stdin.write(pickle.dumps((func, job, [t for _, t in share])))
            proc.stdin.close()
        for _ in tasks:
            status, number, value = results.get()
            if status != "ok":
                raise ToolError(f"native worker failed: {value}")
            yield number, value
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for thread in readers:
            thread.join()  # the processes are gone: every reader has seen the end of its pipe
        for proc in procs:
            proc.stdout.close()


def _picklable(job: _Job) -> bool:
    """Worker processes import the model by name: only for models of the hwgen package itself."""
    if not getattr(job.model, "__module__", "").startswith("hwgen."):
        return False
    try:
        pickle.dumps(job)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _progress(total: int, enabled: bool | None, label: str):
    from tqdm import tqdm  # lazy: tqdm loads only when a progress bar is shown (keeps `hwgen --help` fast)
    if enabled is None:
        enabled = sys.stderr.isatty() and total >= (1 << 24)
    return tqdm(total=total, unit="vec", unit_scale=True, disable=not enabled, desc=label, smoothing=0.1,
                mininterval=1.0)


def verify_native(run: VerifyRun) -> VerifyResult:
    """Run the native path in ``run.build_dir`` (already locked by the caller); see
    :func:`hwgen.verify.check.verify_design`. ``run.batches`` as from :func:`~.check.select_vectors`
    (stream mode), or None to enumerate the whole input space in the harness (count mode).
    ``run.timeout`` bounds the build and each harness launch.
    """
    gen, bdir, batches, timeout, jobs = run.gen, run.build_dir, run.batches, run.timeout, run.jobs
    max_examples, progress = run.max_examples, run.progress
    ports = gen.ports
    ins = layout_for([p for p in ports if p.direction == "in"])
    outs = layout_for([p for p in ports if p.direction == "out"])
    count_mode = batches is None
    if count_mode and space_bits(ins) > NATIVE_SPACE_LIMIT_BITS:
        raise ParamError(f"--vectors exhaustive: the input space of {gen.module} has 2^{space_bits(ins)} "
                         f"vectors, more than the native path's 2^{NATIVE_SPACE_LIMIT_BITS}; "
                         "give a number of random vectors")
    dut_v, _ = write_generated(gen, bdir)
    result = run.new_result()
    t0 = time.perf_counter()
    exe = build_harness(gen, bdir, dut_v, ins, outs, timeout)
    result.build_seconds = time.perf_counter() - t0

    job = _Job(str(exe), gen.unit.model, dict(gen.params), ins, outs, max_examples, timeout)
    t0 = time.perf_counter()
    if count_mode:
        total = 1 << space_bits(ins)
        # At least a few tasks per worker (so both cores share small spaces too), at most COUNT_TASK each.
        size = min(COUNT_TASK, max(COUNT_CHUNK, total // (4 * _workers(jobs))))
        func, tasks = _count_task, [(lo, min(size, total - lo)) for lo in range(0, total, size)]
    else:
        total = getattr(batches, "total", None)
        if total is None:
            total = sum(len(next(iter(b.values()))) for b in batches)
        func, tasks = _stream_task, _stream_tasks(batches)
    workers = min(_workers(jobs), len(tasks)) if isinstance(tasks, list) else _workers(jobs)
    # Count mode is model-bound: processes; stream mode moves the vectors, which threads share for free.
    execute = _in_processes if count_mode and workers > 1 and _picklable(job) else _in_threads
    found = []
    with _progress(total, progress, gen.module) as bar:
        for number, (n, bad, exs) in execute(func, job, tasks, workers):
            result.vectors += n
            result.mismatches += bad
            found += [(number, ex["index"], ex) for ex in exs]
            bar.update(n)
    result.examples = [ex for _, _, ex in sorted(found, key=lambda t: t[:2])[:max_examples]]
    result.seconds = time.perf_counter() - t0
    return result
