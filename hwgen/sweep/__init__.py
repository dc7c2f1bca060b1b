"""Parameter sweeps: a grid of unit configurations evaluated in parallel (local processes or Dask)."""

from .executor import default_jobs, run_tasks
from .runner import run_sweep
from .spec import STEPS, Config, SweepSpec, load_spec, parse_spec
from .task import SweepTask, run_config, tool_versions

__all__ = ["default_jobs", "run_tasks", "run_sweep", "STEPS", "Config", "SweepSpec", "load_spec", "parse_spec",
           "SweepTask", "run_config", "tool_versions"]
