"""Parameter sweeps: a grid of unit configurations evaluated in parallel (local processes or Dask)."""

from .executor import default_jobs, run_tasks

__all__ = ["default_jobs", "run_tasks"]
