"""Worker process of the native path: ``python -m hwgen.verify.native_worker``.

Reads one pickled ``(function, job, tasks)`` from stdin, runs ``function(job, *task)`` for each task and
writes each result (or the error that stopped it) as a pickle record on stdout. Plain subprocesses
rather than :mod:`multiprocessing`: a ``spawn`` pool re-imports the caller's ``__main__`` (a script
without a main guard would run again, and deadlock on the build-directory lock), and ``fork`` copies a
process that may hold threads.
"""

from __future__ import annotations

import pickle
import sys

__all__ = ["main"]


def main() -> int:
    out = sys.stdout.buffer
    try:
        func, job, tasks = pickle.load(sys.stdin.buffer)
        for task in tasks:
            pickle.dump(("ok", func(job, *task)), out)
            out.flush()
    except KeyboardInterrupt:
        return 130  # Ctrl-C reached the whole process group: the parent reports it, quietly end here
    except BaseException as e:  # reported to the parent, which raises it as a ToolError
        try:
            pickle.dump(("error", f"{type(e).__name__}: {e}"), out)
            out.flush()
        except (OSError, KeyboardInterrupt):
            pass  # the parent is gone
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
