"""Parameter sweeps: a grid of unit configurations evaluated in parallel (local processes or Dask)."""

from hwgen.sweep.executor import default_jobs, run_tasks
from hwgen.sweep.runner import run_sweep
from hwgen.sweep.spec import STEPS, Config, SweepSpec, load_spec, parse_spec
from hwgen.sweep.task import SweepTask, run_config, tool_versions

__all__ = ["default_jobs", "run_tasks", "run_sweep", "STEPS", "Config", "SweepSpec", "load_spec", "parse_spec",
           "SweepTask", "run_config", "tool_versions"]
