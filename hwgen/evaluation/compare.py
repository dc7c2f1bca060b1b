"""`hwgen compare` driver: evaluate the catalog rows in parallel and write the report files.

Files written to the output folder: ``compare.md``, ``compare.csv``, ``compare.json``,
``area_vs_error.png``, ``energy_vs_error.png``. An interrupted run (Ctrl-C) writes the rows finished so
far to ``compare.partial.md``/``.csv``/``.json`` (marked partial) and leaves complete files alone.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Sequence

from hwgen.atomic import atomic_write_text
from hwgen.catalog import Entry, catalog
from hwgen.evaluation.entry import Options, evaluate_entry, evaluate_extra
from hwgen.evaluation.executor import TasksInterrupted, Workers
from hwgen.registry import all_units
from hwgen.report.plots import plot_cost_vs_error
from hwgen.report.tables import csv_text, json_text, markdown
from hwgen.synth.yosys import yosys_version

__all__ = ["select_entries", "run_compare"]


def select_entries(width: int, units: Sequence[str] | None, include_all: bool) -> list[Entry]:
    """Catalog rows for ``units`` (all when None). A requested unit that the catalog does not name gets
    its ``demo`` configurations (or its defaults) in its declared ``report_group``, labelled by
    ``Unit.label``; one not registered gets a row in group "other" saying so. ``include_all`` adds every
    registered unit the catalog misses."""

    rows = catalog(width)
    registered = {u.name: u for u in all_units()}
    named = {e.unit or e.baseline for e in rows}
    wanted = list(units) if units else None
    if wanted is not None:
        rows = [e for e in rows if (e.unit or e.baseline) in wanted]
    extra_units = [u for u in (wanted or []) if u not in named]
    if include_all:
        extra_units += [u for u in registered if u not in named and u not in extra_units]
    for name in extra_units:
        unit = registered.get(name)
        if unit is None:
            rows.append(Entry("other", name, name))  # evaluates to "not registered"
            continue
        for cfg in unit.demo or ({},):
            label = unit.label(unit.resolve(cfg)) if _resolves(unit, cfg) else name
            rows.append(Entry(unit.report_group, label, name, dict(cfg)))
    return rows


def _resolves(unit, cfg) -> bool:
    try:
        unit.resolve(cfg)
        return True
    except ValueError:
        return False


def _rows(entries, results, extras, extra_results) -> list[dict]:
    """Report rows of the finished outcomes (None: not finished, left out)."""
    rows = []
    for e, res in zip(entries, results):
        if res is None:
            continue
        ok, value = res
        rows.append(value if ok else {"group": e.group, "label": e.label, "unit": e.unit or e.baseline,
                                      "params": dict(e.params), "status": "failed", "reason": str(value)})
    for (p, t), res in zip(extras, extra_results):
        if res is None:
            continue
        ok, value = res
        rows.append(value if ok else {"group": "extra", "label": f"{t} ({Path(p).name})", "unit": None,
                                      "params": {}, "status": "failed", "reason": str(value)})
    return rows


def run_compare(opts: Options, *, units: Sequence[str] | None = None, extras: Sequence[tuple[str, str]] = (),
                out: str | Path = "out/compare", workers: Workers = Workers(), include_all: bool = False,
                command: str = "hwgen compare") -> dict:
    """Evaluate, write the files, return ``{"rows": [...], "files": [...], "failed": n}``."""
    opts = dataclasses.replace(opts, folders=opts.folders.resolved(),
                               liberty=str(Path(opts.liberty).resolve()) if opts.liberty else None)
    version = yosys_version()  # also checks Yosys works before any worker starts
    entries = select_entries(opts.width, units, include_all)
    tasks = [(e, opts) for e in entries]
    meta = {"command": command, "width": opts.width, "yosys_version": version, "stream": opts.stream,
            "ops": opts.ops, "seed": opts.seed, "fpga": opts.fpga,
            "liberty": Path(opts.liberty).name if opts.liberty else None}
    folder = Path(out)
    results: list = [None] * len(entries)
    extra_results: list = [None] * len(extras)
    stage = "entries"
    try:
        results = workers.run(evaluate_entry, tasks, desc="compare")
        stage = "extras"
        extra_results = workers.run(evaluate_extra, [(p, t, opts) for p, t in extras], desc="extra") if extras else []
    except TasksInterrupted as e:
        if stage == "entries":
            results = e.results
        else:
            extra_results = e.results
        rows = _rows(entries, results, extras, extra_results)
        partial = f"interrupted: {len(rows)} of {len(entries) + len(extras)} rows finished"
        files = [atomic_write_text(folder / "compare.partial.md", f"PARTIAL ({partial}).\n\n" + markdown(rows, meta)),
                 atomic_write_text(folder / "compare.partial.csv", csv_text(rows)),
                 atomic_write_text(folder / "compare.partial.json", json_text(rows, {**meta, "partial": partial}))]
        print(f"{partial}; kept in {', '.join(map(str, files))}", flush=True)
        raise
    rows = _rows(entries, results, extras, extra_results)
    for name in ("compare.partial.md", "compare.partial.csv", "compare.partial.json"):
        (folder / name).unlink(missing_ok=True)  # superseded by the complete result
    files = [atomic_write_text(folder / "compare.md", markdown(rows, meta)),
             atomic_write_text(folder / "compare.csv", csv_text(rows)),
             atomic_write_text(folder / "compare.json", json_text(rows, meta))]
    for cost, label, name in (("area_ge", "area (NAND2 gate-equivalents)", "area_vs_error.png"),
                              ("energy_proxy", "energy proxy (GE*toggle/op)", "energy_vs_error.png")):
        p = plot_cost_vs_error(rows, cost, label, folder / name)
        if p is not None:
            files.append(p)
    return {"rows": rows, "files": files, "failed": sum(r["status"] == "failed" for r in rows)}
