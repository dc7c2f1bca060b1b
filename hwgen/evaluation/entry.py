"""One comparison row: a catalog entry evaluated through the one pipeline (hwgen.evaluation.pipeline),
shown as the report's fields; plus Yosys' own ``a*b`` and external designs, which have no declaration.

Runs in a worker process (local or Dask), so its inputs and outputs are plain data. Expected problems
(a unit not registered yet, parameters a unit rejects) become a row status with the reason; tool faults
propagate and the executor reports them for that row only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from hwgen.catalog import PER_OUTPUT_GROUPS, Entry
from hwgen.emit import elaborate
from hwgen.energy.gatesim import GateSim
from hwgen.energy.measure import EnergyOptions, liberty_energy_of
from hwgen.energy.proxy import StreamSpec, energy_from_run, simulate_stream
from hwgen.evaluation.pipeline import METRICS, EvalSettings, error_fields, evaluate
from hwgen.evaluation.real import baseline_sta_fields, real_fields
from hwgen.metrics import metrics
from hwgen.numeric.intops import as_ints
from hwgen.numeric.streams import int_pair, uniform_ints
from hwgen.params import ParamError
from hwgen.ports import Port
from hwgen.registry import all_units, get_unit
from hwgen.settings import Settings
from hwgen.synth import file_design, synthesize, unit_design, yosys_mul_design
from hwgen.synth.netlist import load_netlist

__all__ = ["Options", "evaluate_entry", "evaluate_extra", "error_fields", "METRICS"]


@dataclass(frozen=True)
class Options:
    """The comparison's settings: operand width, Liberty file, FPGA target (None: none), energy stream,
    operations and seed, and the folders (absolute: workers may run elsewhere)."""

    width: int = 8
    liberty: str | None = None
    fpga: str | None = "ice40"
    stream: str = "cnn"
    ops: int = 8192
    seed: int = 20260101
    folders: Settings = Settings()
    sta: bool = False  # with liberty: OpenSTA delay, power, energy per op (hwgen.evaluation.real)
    pnr: str | None = None  # FPGA target to place and route on (ice40, ecp5)

    def eval_settings(self, targets: tuple[str, ...]) -> EvalSettings:
        return EvalSettings(steps=("synth", "energy"), targets=targets, liberty=self.liberty,
                            energy=EnergyOptions(self.stream, self.ops, self.seed), folders=self.folders)


def _synth_fields(result) -> dict:
    d = result.data
    out = {k: d.get(k) for k in ("module", "yosys_version", "area_ge", "transistors", "transistors_complete",
                                 "depth", "dff", "num_cells")}
    for k in ("area_um2", "liberty_cells"):
        if k in d:
            out[k] = d[k]
    return out


def _fpga_fields(data: dict | None, fpga: str | None) -> dict:
    if not fpga or data is None:
        return {}
    return {"fpga": fpga, "lut": data["lut"], "carry": data["carry"], "fpga_dff": data["dff"]}


def _exact_fields() -> dict:
    out = {m: 0.0 for m in METRICS}
    out["error_set"] = "exact by construction"
    return out


def _baseline_energy(design, result, opts: Options, width: int, signed: bool) -> dict:
    """Yosys' own a*b: the integer multiplier stream, checked against the exact product."""

    rng = np.random.default_rng(opts.seed)
    if opts.stream == "cnn":
        vec = int_pair(rng, opts.ops, width, signed)
        desc = "cnn (ReLU'd N(0,1) activations x N(0,1) weights)"
    else:
        vec = {"a": uniform_ints(rng, opts.ops, width, signed), "b": uniform_ints(rng, opts.ops, width, signed)}
        desc = "uniform (every operand uniform over its range)"
    ports = [Port("a", "in", width, signed), Port("b", "in", width, signed), Port("p", "out", 2 * width, signed)]
    model = lambda v: {"p": as_ints(v["a"], 2 * width + 1) * as_ints(v["b"], 2 * width + 1)}  # noqa: E731
    spec = StreamSpec(model=model, label=design.label)
    out = energy_from_run(simulate_stream(result.netlist_path, ports, vec, spec)).to_json()
    out["stream"] = f"{desc}, seed {opts.seed}"
    if opts.liberty:
        out.update(liberty_energy_of(result.folder / "netlist_liberty.json", opts.liberty, ports, vec, spec))
        out.update(baseline_sta_fields(design, result, opts, ports, vec, model))
    return out


def evaluate_entry(task: tuple[Entry, Options]) -> dict:
    """One catalog row -> one report row (``status`` ok / not registered / skipped)."""

    entry, opts = task
    row: dict[str, Any] = {"group": entry.group, "label": entry.label, "unit": entry.unit or entry.baseline,
                           "params": dict(entry.params), "note": entry.note, "status": "ok"}
    if entry.baseline == "yosys_mul":
        w, s = entry.params["width"], entry.params["signed"]
        design = yosys_mul_design(w, s)
        result = synthesize(design, "generic", liberty=opts.liberty, cache_dir=opts.folders.cache)
        row.update(_synth_fields(result))
        if opts.fpga:
            row.update(_fpga_fields(synthesize(design, opts.fpga, cache_dir=opts.folders.cache).data, opts.fpga))
        row.update(_baseline_energy(design, result, opts, w, s))
        if opts.pnr:
            row.update(real_fields(None, design, result, opts))
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
    # Tiles of 6-20k gates take minutes in the FPGA flows: generic only.
    fpga = opts.fpga if entry.group not in PER_OUTPUT_GROUPS else None
    gen = elaborate(unit, params)
    ev = evaluate(gen, opts.eval_settings(("generic",) + ((fpga,) if fpga else ())))
    row.update(_synth_fields(ev.generic))
    row.update(_fpga_fields(ev.synth.get(fpga), fpga))
    row.update(ev.energy)
    if ev.liberty_energy is not None:
        row.update(ev.liberty_energy)
    row.update(real_fields(gen, unit_design(gen), ev.generic, opts, group=entry.group))
    if entry.exact:
        row.update(_exact_fields())
    elif entry.error_from:
        if entry.error_from[0] in names:
            row.update(error_fields(*entry.error_from))
        else:
            row["error_set"] = f"{entry.error_from[0]} is not registered"
    elif unit.error is not None:
        row.update(error_fields(unit.name, params))
    if entry.group in PER_OUTPUT_GROUPS:
        k = unit.outputs_per_instance(params)
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
        if "energy_pj_per_op" in row:
            row["energy_pj_per_output"] = round(row["energy_pj_per_op"] / k, 6)
    return row


def evaluate_extra(task: tuple[str, str, Options]) -> dict:
    """An external Verilog module: two inputs taken as unsigned operands, its first output as their
    product. Energy on the same stream (no golden model to check); error metrics from simulating the
    netlist against the exact product (exhaustive up to 2^16 pairs, else 65,536 uniform samples)."""

    path, top, opts = task
    design = file_design(path, top, label=f"{top} ({os.path.basename(path)})")
    row: dict[str, Any] = {"group": "extra", "label": design.label, "unit": None, "params": {},
                           "note": "external Verilog; inputs read as unsigned operands", "status": "ok"}
    result = synthesize(design, "generic", liberty=opts.liberty, cache_dir=opts.folders.cache)
    row.update(_synth_fields(result))
    if opts.fpga:
        row.update(_fpga_fields(synthesize(design, opts.fpga, cache_dir=opts.folders.cache).data, opts.fpga))
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
    row.update(energy_from_run(simulate_stream(nl, ports, vec, StreamSpec(label=design.label))).to_json())
    row["stream"] = f"cnn unsigned integer operands, seed {opts.seed}; not checked (no golden model)"
    row.update(baseline_sta_fields(design, result, opts, ports, vec, None))
    if wa + wb <= 16:
        a, b = np.divmod(np.arange(1 << (wa + wb), dtype=np.int64), 1 << wb)
        how = "exhaustive"
    else:
        a = rng.integers(0, 1 << wa, 1 << 16)
        b = rng.integers(0, 1 << wb, 1 << 16)
        how = "65536 uniform samples"
    n = len(a) - len(a) % 64
    got = simulate_stream(nl, ports, {na: a[:n], nb: b[:n]}, StreamSpec(label=design.label)).outputs
    approx = got[:, 0].astype(np.int64) if wo <= 63 else got[:, 0]
    row.update({m: float(v) for m, v in metrics(approx, a[:n] * b[:n]).items()})
    row["error_set"] = f"{how}, netlist simulation against a*b"
    return row
