"""Evaluation of configurations: verify, synthesize, measure energy and error; run many in parallel.

Used by ``hwgen compare`` (catalog rows), ``hwgen sweep`` (parameter grids) and ``hwgen demo``.
"""

from hwgen.evaluation.compare import run_compare, select_entries
from hwgen.evaluation.config import SweepTask, run_config, tool_versions
from hwgen.evaluation.entry import Options, evaluate_entry, evaluate_extra
from hwgen.evaluation.executor import Workers, default_jobs, run_tasks
from hwgen.evaluation.pipeline import EvalSettings, Evaluation, evaluate

__all__ = ["run_compare", "select_entries", "SweepTask", "run_config", "tool_versions", "Options",
           "evaluate_entry", "evaluate_extra", "default_jobs", "run_tasks", "Workers", "EvalSettings", "Evaluation",
           "evaluate"]
