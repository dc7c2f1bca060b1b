"""The points of ``hwgen pareto``: every multiplier family over its parameters (hwgen.catalog.pareto_grid),
the ArithsGen baselines and the user's extra designs, each with its costs and error metrics.

hwgen's configurations go through the sweep engine (:func:`hwgen.evaluation.config.run_config`, cached by
content, local processes or Dask); ArithsGen's circuits are verified against their own Python evaluation
and costed on the same Yosys flow as external designs (:func:`hwgen.evaluation.entry.evaluate_extra`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from hwgen.baselines.arithsgen import baseline_rows
from hwgen.catalog import PARETO_EXACT, pareto_grid
from hwgen.evaluation.config import SweepTask, run_config
from hwgen.evaluation.entry import Options, evaluate_extra
from hwgen.evaluation.executor import Workers
from hwgen.evaluation.pipeline import EvalSettings
from hwgen.registry import all_units
from hwgen.settings import Settings

__all__ = ["ParetoOptions", "pareto_points", "COSTS", "ERROR_METRICS", "STA_COSTS"]

#: Costs a front can be drawn over (compare.csv's names and units).
COSTS = ("num_cells", "area_ge", "energy_proxy", "area_um2", "sta_delay_ns", "energy_pj_per_op")
#: Costs that need a Liberty file, and those that need OpenSTA on it.
LIBERTY_COSTS = ("area_um2", "sta_delay_ns", "energy_pj_per_op")
STA_COSTS = ("sta_delay_ns", "energy_pj_per_op")
#: Error metrics a front can be drawn over (fractions; abs_bias = |mean relative error|).
ERROR_METRICS = ("mre", "wcre", "mae", "abs_bias")
_KEEP = ("num_cells", "area_ge", "energy_proxy", "area_um2", "sta_delay_ns", "energy_pj_per_op", "mre", "bias",
         "wcre", "mae", "wce", "ep", "error_set")


@dataclass(frozen=True)
class ParetoOptions:
    """Operand width, the front's metric and cost, a Liberty file (for um^2 and STA costs), the extra
    designs (``(file, top)``), whether to include the ArithsGen baselines, and the folders to work in."""

    width: int = 8
    metric: str = "mre"
    cost: str = "num_cells"
    liberty: str | None = None
    extras: tuple[tuple[str, str], ...] = ()
    baselines: bool = True
    folders: Settings = Settings()


def _point(design: str, source: str, fields: dict, **extra) -> dict:
    row = {"design": design, "source": source, **extra}
    row.update({k: fields[k] for k in _KEEP if fields.get(k) is not None})
    if row.get("bias") is not None:
        row["abs_bias"] = abs(row["bias"])
    return row


def _hwgen_points(opts: ParetoOptions, workers: Workers) -> list[dict]:
    names = {u.name for u in all_units()}
    grid = [(label, unit, params) for label, unit, params in pareto_grid(opts.width) if unit in names]
    steps = ("synth", "energy", "error") + (("sta",) if opts.cost in STA_COSTS else ())
    settings = EvalSettings(steps=steps, targets=("generic",), liberty=opts.liberty, folders=opts.folders)
    tasks = [SweepTask(unit, params, i, settings) for i, (_label, unit, params) in enumerate(grid)]
    points = []
    for (label, unit, params), (ok, value) in zip(grid, workers.run(run_config, tasks, desc="pareto")):
        if ok and unit in PARETO_EXACT:
            value = {**value, **dict.fromkeys(("mre", "bias", "wcre", "mae", "wce", "ep"), 0.0),
                     "error_set": "exact by construction"}
        if ok:
            points.append(_point(label, "hwgen", value, unit=unit, module=value["module"], params=value["params"],
                                 status="ok"))
        else:
            points.append({"design": label, "source": "hwgen", "unit": unit, "params": params, "status": "failed",
                           "reason": str(value)})
    return points


def _external_points(opts: ParetoOptions, workers: Workers) -> list[dict]:
    """ArithsGen baselines (verified against their own evaluation) and --extra designs."""
    compare_opts = Options(width=opts.width, liberty=opts.liberty, fpga=None, folders=opts.folders,
                           sta=opts.cost in STA_COSTS)
    items: list[tuple[str, str, dict | None]] = []  # (file, top, baseline fields or None for an extra)
    if opts.baselines:
        out = opts.folders.build / "baselines" / "arithsgen"
        for b in baseline_rows(widths=(opts.width,), out_dir=out, synth=False):
            items.append((b.verilog, b.top, {"name": b.name, "mismatches": b.mismatches, "vectors": b.vectors,
                                             "metrics": b.metrics, "error_set": b.error_set, "params": b.params}))
    items += [(path, top, None) for path, top in opts.extras]
    results = workers.run(evaluate_extra, [(path, top, compare_opts) for path, top, _ in items], desc="baselines")
    points = []
    for (path, top, base), (ok, value) in zip(items, results):
        source = "arithsgen" if base else "extra"
        name = base["name"] if base else f"{top} ({Path(path).name})"
        if not ok or value.get("status") != "ok":
            reason = str(value) if not ok else value.get("reason", value.get("status"))
            points.append({"design": name, "source": source, "status": "failed", "reason": reason})
            continue
        if base:
            if base["mismatches"] or not base["vectors"]:
                points.append({"design": name, "source": source, "status": "failed",
                               "reason": f"its Verilog differs from its own evaluation on {base['mismatches']} of "
                                         f"{base['vectors']} vectors"})
                continue
            value = {**value, **base["metrics"], "error_set": base["error_set"]}
        points.append(_point(name, source, value, params=base["params"] if base else {}, status="ok"))
    return points


def pareto_points(opts: ParetoOptions, workers: Workers = Workers()) -> list[dict]:
    """Every point, measured (``status`` ok) or with the reason it could not be."""
    opts = dataclasses.replace(opts, folders=opts.folders.resolved(),
                               liberty=str(Path(opts.liberty).resolve()) if opts.liberty else None)
    return _hwgen_points(opts, workers) + _external_points(opts, workers)
