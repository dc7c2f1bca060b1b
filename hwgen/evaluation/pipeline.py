"""The one evaluation of one configuration: verify, synthesize, energy, error, in that order.

``hwgen compare`` (catalog rows), ``hwgen sweep`` (grid points) and ``hwgen demo`` all call
:func:`evaluate` on a design elaborated once, with an explicit :class:`EvalSettings`; each only decides
what to show of the :class:`Evaluation` it gets back. Runs in worker processes (local or Dask), so the
settings are plain, picklable data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwgen.emit import Generated
from hwgen.energy.measure import EnergyOptions, liberty_energy, unit_energy
from hwgen.energy.sta_power import sta_figures
from hwgen.metrics import EXHAUSTIVE_ERROR_LIMIT, characterise
from hwgen.registry import get_unit
from hwgen.settings import Settings
from hwgen.synth import synthesize, unit_design
from hwgen.verify import VerifyOptions, VerifyResult, verify_design

__all__ = ["EvalSettings", "Evaluation", "evaluate", "error_fields", "STEPS", "METRICS"]

#: What an evaluation can do, in the order it does it ("sta": OpenSTA delay, power and energy per
#: operation on the Liberty file, which must be given).
STEPS = ("verify", "synth", "energy", "sta", "error")
METRICS = ("mre", "bias", "wcre", "mae", "wce", "mse", "ep")
#: Vectors for sampled error metrics (spaces above 2^24 vectors); exhaustive below.
ERROR_SAMPLES = 200_000
ERROR_SEED = 1


@dataclass(frozen=True)
class EvalSettings:
    """What to measure of one configuration: the ``steps``, the synthesis ``targets`` (generic first
    when energy is measured), a Liberty file for the generic target, DSP use on FPGAs, the energy stream,
    the verification vectors and seed, and the folders (builds, caches) to work in."""

    steps: tuple[str, ...] = ("synth", "energy", "error")
    targets: tuple[str, ...] = ("generic",)
    liberty: str | None = None
    dsp: bool = False
    energy: EnergyOptions = EnergyOptions()
    verify_vectors: int = 2000
    verify_seed: int = 20260101
    folders: Settings = Settings()


@dataclass
class Evaluation:
    """What :func:`evaluate` measured: the verification result, the synthesis figures by target (and the
    generic result itself, whose netlist the energy figures came from), the energy proxy, the Liberty
    energy and the error metrics; None where the step was not asked for."""

    gen: Generated
    verify: VerifyResult | None = None
    synth: dict[str, dict] = field(default_factory=dict)
    generic: Any = None  # hwgen.synth.SynthResult of the generic target
    energy: dict | None = None
    liberty_energy: dict | None = None
    sta: dict | None = None
    error: dict | None = None


class VerificationFailed(RuntimeError):
    """The design did not match its golden model (or no vector was checked)."""


def evaluate(gen: Generated, settings: EvalSettings = EvalSettings()) -> Evaluation:
    """Run the asked-for steps on ``gen``; raises VerificationFailed, ToolError on tool faults."""
    ev = Evaluation(gen)
    steps = settings.steps
    if "verify" in steps:
        r = verify_design(gen, VerifyOptions(vectors=settings.verify_vectors, seed=settings.verify_seed),
                          settings.folders)
        ev.verify = r
        if not r.ok:
            raise VerificationFailed(f"verify: {r.mismatches} mismatches in {r.vectors} vectors "
                                     f"(first: {r.examples[:1]})" if r.vectors else "verify: no vectors checked")
    if "synth" in steps or "energy" in steps or "sta" in steps:
        design = unit_design(gen)
        for target in settings.targets:
            result = synthesize(design, target, dsp=settings.dsp,
                                liberty=settings.liberty if target == "generic" else None,
                                timeout=settings.folders.yosys_timeout, cache_dir=settings.folders.cache)
            ev.synth[target] = result.data
            if target == "generic":
                ev.generic = result
    if "energy" in steps:
        ev.energy = unit_energy(gen, ev.generic, settings.energy)
        if settings.liberty:
            ev.liberty_energy = liberty_energy(gen, ev.generic, settings.liberty, settings.energy)
    if "sta" in steps:
        if not settings.liberty:
            raise ValueError("the sta step needs a Liberty file (EvalSettings.liberty)")
        ev.sta = sta_figures(gen, ev.generic, Path(settings.liberty), settings.energy)
    if "error" in steps and gen.unit.error is not None:
        ev.error = error_fields(gen.unit.name, gen.params)
    return ev


def error_fields(unit_name: str, params: dict) -> dict:
    """Error metrics of a unit configuration against its ideal reference (exhaustive up to 2^24 vectors,
    else sampled), as report fields."""
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
