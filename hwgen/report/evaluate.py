"""Evaluate one comparison row: synthesize, simulate for energy, characterise the error.

Runs in a worker process (local or Dask), so its inputs and outputs are plain data. Expected problems
(a unit not registered yet, parameters a unit rejects) become a row status with the reason; tool faults
propagate and the executor reports them for that row only.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..params import ParamError
from .catalog import Entry

__all__ = ["Options", "evaluate_entry", "evaluate_extra", "error_fields", "METRICS"]

METRICS = ("mre", "bias", "wcre", "mae", "wce", "mse", "ep")
#: Vectors for sampled error metrics (spaces above 2^24 vectors); exhaustive below.
ERROR_SAMPLES = 200_000
ERROR_SEED = 1


@dataclass(frozen=True)
class Options:
    width: int = 8
    liberty: str | None = None
    fpga: str | None = "ice40"
    stream: str = "cnn"
    ops: int = 8192
    seed: int = 20260101
    cache_dir: str | None = None  # absolute: workers may run elsewhere
    sta: bool = False  # with liberty: OpenSTA delay, power, energy per op (hwgen/report/real.py)
    pnr: str | None = None  # FPGA target to place and route on (ice40, ecp5)

    def apply_env(self) -> None:
        if self.cache_dir:
            os.environ["HWGEN_CACHE_DIR"] = self.cache_dir


def _synth_fields(result) -> dict:
    d = result.data
    out = {k: d.get(k) for k in ("module", "yosys_version", "area_ge", "transistors", "transistors_complete",
                                 "depth", "dff", "num_cells")}
    for k in ("area_um2", "liberty_cells"):
        if k in d:
            out[k] = d[k]
    return out


def _fpga_fields(design, opts: Options) -> dict:
    from ..synth import synthesize
    if not opts.fpga:
        return {}
    d = synthesize(design, opts.fpga, dsp=False).data
    return {"fpga": opts.fpga, "lut": d["lut"], "carry": d["carry"], "fpga_dff": d["dff"]}


def error_fields(unit_name: str, params: dict) -> dict:
    from ..error import EXHAUSTIVE_ERROR_LIMIT, characterise
    from ..registry import get_unit

    unit = get_unit(unit_name)
    if unit.error is None:
        return {"error_set": f"{unit_name} has no ideal reference"}
    resolved = unit.resolve(params)
    space = unit.error.space(resolved)
    samples = None if space <= EXHAUSTIVE_ERROR_LIMIT else ERROR_SAMPLES
    r = characterise(unit, resolved, samples=samples, seed=ERROR_SEED)
    how = "exhaustive" if r.exhaustive else f"{r.vectors} {r.distribution} samples, seed {r.seed}"
    out = {m: float(getattr(r, m)) for m in METRICS}
    out["error_set"] = f"{unit_name}: {how}"
    return out


def _exact_fields() -> dict:
    out = {m: 0.0 for m in METRICS}
    out["error_set"] = "exact by construction"
    return out


def _baseline_energy(design, result, opts: Options, width: int, signed: bool) -> dict:
    """Yosys' own a*b: the integer multiplier stream, checked against the exact product."""
    from ..energy.proxy import energy_from_run, simulate_stream
    from ..energy.streams import int_pair, uniform_ints
    from ..models.intops import as_ints
    from ..ports import Port

    rng = np.random.default_rng(opts.seed)
    if opts.stream == "cnn":
        vec = int_pair(rng, opts.ops, width, signed)
        desc = "cnn (ReLU'd N(0,1) activations x N(0,1) weights)"
    else:
        vec = {"a": uniform_ints(rng, opts.ops, width, signed), "b": uniform_ints(rng, opts.ops, width, signed)}
        desc = "uniform (every operand uniform over its range)"
    ports = [Port("a", "in", width, signed), Port("b", "in", width, signed), Port("p", "out", 2 * width, signed)]
    model = lambda v: {"p": as_ints(v["a"], 2 * width + 1) * as_ints(v["b"], 2 * width + 1)}  # noqa: E731
    run, _, _, checked, sim = simulate_stream(result.netlist_path, ports, vec, model=model, label=design.label)
    out = energy_from_run(run, sim, checked).to_json()
    out["stream"] = f"{desc}, seed {opts.seed}"
    if opts.liberty:
        from ..energy.measure import liberty_energy_of
        out.update(liberty_energy_of(result.folder / "netlist_liberty.json", opts.liberty, ports, vec, model=model,
                                     label=design.label))
        from .real import baseline_sta_fields
        out.update(baseline_sta_fields(design, result, opts, ports, vec, model))
    return out


def evaluate_entry(task: tuple[Entry, Options]) -> dict:
    """One catalog row -> one report row (``status`` ok / not registered / skipped)."""
    from ..registry import all_units, get_unit
    from ..synth import synthesize, unit_design, yosys_mul_design
    from ..energy.measure import unit_energy

    entry, opts = task
    opts.apply_env()
    row: dict[str, Any] = {"group": entry.group, "label": entry.label, "unit": entry.unit or entry.baseline,
                           "params": dict(entry.params), "note": entry.note, "status": "ok"}
    if entry.baseline == "yosys_mul":
        w, s = entry.params["width"], entry.params["signed"]
        design = yosys_mul_design(w, s)
        result = synthesize(design, "generic", liberty=opts.liberty)
        row.update(_synth_fields(result))
        row.update(_fpga_fields(design, opts))
        row.update(_baseline_energy(design, result, opts, w, s))
        if opts.pnr:
            from .real import real_fields
            row.update(real_fields(None, None, design, result, dataclasses.replace(opts, sta=False)))
        row.update(_exact_fields())
        return row
    names = {u.name for u in all_units()}
    if entry.unit not in names:
        row.update(status="not registered", reason=f"unit {entry.unit!r} is not registered")
        return row
    unit = get_unit(entry.unit)
    try:
        params = unit.resolve(entry.params)
        if entry.error_from and entry.error_from[0] in names:
            get_unit(entry.error_from[0]).resolve(entry.error_from[1])
    except ParamError as e:
        row.update(status="skipped", reason=str(e))
        return row
    row["params"] = params
    design = unit_design(unit, params)
    result = synthesize(design, "generic", liberty=opts.liberty)
    row.update(_synth_fields(result))
    if entry.group != "conv":  # tiles of 6-20k gates take minutes in the FPGA flows: generic only
        row.update(_fpga_fields(design, opts))
    row.update(unit_energy(unit, params, result, stream=opts.stream, ops=opts.ops, seed=opts.seed,
                           design=design))
    if opts.liberty:
        from ..energy.measure import liberty_energy
        row.update(liberty_energy(unit, params, result, opts.liberty, stream=opts.stream, ops=opts.ops,
                                  seed=opts.seed, design=design))
    from .real import real_fields
    row.update(real_fields(unit, params, design, result, opts, group=entry.group))
    if entry.exact:
        row.update(_exact_fields())
    elif entry.error_from:
        if entry.error_from[0] in names:
            row.update(error_fields(*entry.error_from))
        else:
            row["error_set"] = f"{entry.error_from[0]} is not registered"
    elif unit.error is not None:
        row.update(error_fields(unit.name, params))
    if entry.group == "conv":
        from ..units.winograd import outputs_per_tile
        k = outputs_per_tile(unit.name, params)
        row["outputs"] = k
        row["area_ge_per_output"] = round(row["area_ge"] / k, 3)
        row["energy_per_output"] = round(row["energy_proxy"] / k, 3)
        if "energy_liberty" in row:
            row["energy_liberty_per_output"] = round(row["energy_liberty"] / k, 6)
        if "area_um2" in row:
            row["area_um2_per_output"] = round(row["area_um2"] / k, 3)
        if "lut" in row:
            row["lut_per_output"] = round(row["lut"] / k, 2)
        if "energy_pj_per_op" in row:
            row["energy_pj_per_output"] = round(row["energy_pj_per_op"] / k, 6)
    return row


def evaluate_extra(task: tuple[str, str, Options]) -> dict:
    """An external Verilog module: two inputs taken as unsigned operands, its first output as their
    product. Energy on the same stream (no golden model to check); error metrics from simulating the
    netlist against the exact product (exhaustive up to 2^16 pairs, else 65,536 uniform samples)."""
    from ..error import metrics
    from ..energy.gatesim import GateSim
    from ..energy.proxy import energy_from_run, simulate_stream
    from ..energy.streams import int_pair
    from ..ports import Port
    from ..synth import file_design, synthesize
    from ..synth.netlist import load_netlist

    path, top, opts = task
    opts.apply_env()
    design = file_design(path, top, label=f"{top} ({os.path.basename(path)})")
    row: dict[str, Any] = {"group": "extra", "label": design.label, "unit": None, "params": {},
                           "note": "external Verilog; inputs read as unsigned operands", "status": "ok"}
    result = synthesize(design, "generic", liberty=opts.liberty)
    row.update(_synth_fields(result))
    row.update(_fpga_fields(design, opts))
    nl = load_netlist(result.netlist_path)
    ins = [(n, len(b)) for n, b in nl.inputs().items()]
    outs = [(n, len(b)) for n, b in nl.outputs().items()]
    if len(ins) != 2 or not outs or GateSim(nl).sequential:
        row.update(status="skipped", reason="external designs must be combinational with exactly two inputs "
                   f"(operands); {top} has inputs {[n for n, _ in ins]}")
        return row
    (na, wa), (nb, wb) = ins
    no, wo = outs[0]
    ports = [Port(na, "in", wa, False), Port(nb, "in", wb, False), Port(no, "out", wo, False)]
    rng = np.random.default_rng(opts.seed)
    pair = int_pair(rng, opts.ops, max(wa, wb), False)
    vec = {na: pair["a"] >> max(0, wb - wa), nb: pair["b"] >> max(0, wa - wb)}
    run, _, _, _, sim = simulate_stream(nl, ports, vec, label=design.label)
    row.update(energy_from_run(run, sim, 0).to_json())
    row["stream"] = f"cnn unsigned integer operands, seed {opts.seed}; not checked (no golden model)"
    if wa + wb <= 16:
        a, b = np.divmod(np.arange(1 << (wa + wb), dtype=np.int64), 1 << wb)
        how = "exhaustive"
    else:
        a = rng.integers(0, 1 << wa, 1 << 16)
        b = rng.integers(0, 1 << wb, 1 << 16)
        how = "65536 uniform samples"
    n = len(a) - len(a) % 64
    _, got, _, _, _ = simulate_stream(nl, ports, {na: a[:n], nb: b[:n]}, label=design.label)
    approx = got[:, 0].astype(np.int64) if wo <= 63 else got[:, 0]
    row.update({m: float(v) for m, v in metrics(approx, a[:n] * b[:n]).items()})
    row["error_set"] = f"{how}, netlist simulation against a*b"
    return row
