"""Parameter sweeps: a grid of unit configurations evaluated in parallel (local processes or Dask)."""

from hwgen.sweep.runner import run_sweep
from hwgen.sweep.spec import STEPS, Config, SweepSpec, load_spec, parse_spec

__all__ = ["run_sweep", "STEPS", "Config", "SweepSpec", "load_spec", "parse_spec"]
