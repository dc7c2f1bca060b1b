"""Run independent tasks in parallel: local processes by default, a Dask cluster when given one.

One task's exception never sinks the others: each outcome is ``(ok, value_or_message)``, in input order.
A tqdm progress bar (on stderr) counts finished tasks.

Ctrl-C (SIGINT to the parent or to the whole process group): worker processes ignore SIGINT themselves
(their tools, in the same process group, still get it and stop), the parent cancels what has not started,
terminates the workers (SIGTERM, then SIGKILL after a second) and raises :class:`TasksInterrupted`
carrying the outcomes finished so far (None for the others), so the caller can keep them.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from hwgen.toolchain import ToolError

__all__ = ["run_tasks", "default_jobs", "TaskFailure", "Workers", "TasksInterrupted"]


@dataclass(frozen=True)
class Workers:
    """Where tasks run: ``jobs`` local processes (None: the usable cores), or a Dask ``scheduler``
    address; ``progress`` shows a bar on stderr."""

    jobs: int | None = None
    scheduler: str | None = None
    progress: bool = True

    def run(self, fn: Callable, items: Sequence, desc: str = "tasks") -> list[tuple[bool, Any]]:
        return run_tasks(fn, items, jobs=self.jobs, scheduler=self.scheduler, desc=desc, progress=self.progress)


class TaskFailure(str):
    """The message of a failed task (a str, so it serialises anywhere)."""


class TasksInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_tasks`; ``results`` holds the finished outcomes (None where unfinished)."""

    def __init__(self, results: list):
        super().__init__("interrupted")
        self.results = results


def _worker_init() -> None:
    """In each worker: Ctrl-C is the parent's to handle; SIGTERM ends the worker through SystemExit, so
    a running ``subprocess.run`` kills its tool on the way out. A no-op handler rather than SIG_IGN: an
    ignored signal stays ignored in the tools the worker starts, a handler does not survive exec, so the
    tools (Yosys, Verilator) still stop on a Ctrl-C to the process group."""
    signal.signal(signal.SIGINT, lambda signum, frame: None)

    def _term(signum, frame):
        raise SystemExit(143)
    signal.signal(signal.SIGTERM, _term)


def _stop_workers(pool) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=0.5)
        if p.is_alive():
            p.kill()
            p.join(timeout=0.5)
    pool.shutdown(wait=False, cancel_futures=True)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _guard(fn: Callable, item: Any):
    """Run ``fn(item)`` and turn any exception into a one-paragraph message (picklable)."""
    try:
        return True, fn(item)
    except Exception as e:  # noqa: BLE001 - reported per task, by design
        tb = traceback.extract_tb(e.__traceback__)
        where = f" [{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}]" if tb else ""
        return False, TaskFailure(f"{type(e).__name__}: {e}{where}")


class _Guarded:
    """Picklable ``item -> _guard(fn, item)`` (a lambda would not cross process boundaries)."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, item):
        return _guard(self.fn, item)


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm  # lazy: tqdm loads only when a progress bar is shown (keeps `hwgen --help` fast)
    return tqdm(total=total, desc=desc, unit="task", file=sys.stderr, disable=not enabled, leave=False)


def run_tasks(fn: Callable, items: Sequence, *, jobs: int | None = None, scheduler: str | None = None,
              desc: str = "tasks", progress: bool = True) -> list[tuple[bool, Any]]:
    """``[(ok, result or failure message), ...]`` for ``fn(item)`` over ``items``, in order.

    ``scheduler``: address of a Dask distributed scheduler (``tcp://host:port``); otherwise ``jobs``
    local processes (default: the usable cores; 1 runs in this process, handy for debugging).
    """
    guarded = _Guarded(fn)
    results: list = [None] * len(items)
    if not items:
        return []
    with _progress(len(items), desc, progress) as bar:
        try:
            if scheduler:
                _run_dask(guarded, items, scheduler, results, bar)
            elif (jobs or default_jobs()) == 1 or len(items) == 1:
                for i, item in enumerate(items):
                    results[i] = guarded(item)
                    bar.update()
            else:
                _run_pool(guarded, items, min(jobs or default_jobs(), len(items)), results, bar)
        except KeyboardInterrupt:
            raise TasksInterrupted(results) from None
    return results


def _run_pool(guarded, items, workers: int, results: list, bar) -> None:
    pool = cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        futures = {pool.submit(guarded, item): i for i, item in enumerate(items)}
        for fut in cf.as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as e:  # noqa: BLE001 - a worker process died
                results[i] = (False, TaskFailure(f"worker failed: {type(e).__name__}: {e}"))
            bar.update()
    except BaseException:
        _stop_workers(pool)  # Ctrl-C: do not wait for the tasks still running
        raise
    pool.shutdown(wait=True)


def _run_dask(guarded, items, scheduler: str, results: list, bar) -> None:
    try:
        from distributed import Client, as_completed  # lazy: Dask loads only with --scheduler (keeps `hwgen --help` fast)
    except ImportError:
        raise ToolError("--scheduler needs Dask distributed (pip install 'dask[distributed]')") from None
    try:
        client = Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ToolError(f"Cannot reach the Dask scheduler at {scheduler}: {e}") from None
    futures = []
    try:
        futures = client.map(guarded, list(items), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures, loop=client.loop):
            i = index[fut.key]
            try:
                results[i] = fut.result()
            except Exception as e:  # noqa: BLE001 - a worker died or the task could not run
                results[i] = (False, TaskFailure(f"dask task failed: {type(e).__name__}: {e}"))
            bar.update()
    except KeyboardInterrupt:
        client.cancel(futures)  # stop the cluster's work too, not only this process
        raise
    finally:
        client.close()
