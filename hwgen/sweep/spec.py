"""Sweep specification files (TOML) and their expansion into configurations.

Example::

    [options]
    steps = ["generate", "verify", "synth", "energy", "error"]   # the default: all of them
    targets = ["generic"]          # synthesis targets: generic, ice40, xilinx
    verify_vectors = 2000          # random vectors (or clock steps) per verification
    stream = "cnn"                 # energy operand stream: cnn or uniform

    [[grid]]
    unit = "mul"
    width = [4, 8]                 # a list is swept; a scalar is fixed
    signed = [false, true]

    [[grid]]
    unit = "mitchw"
    width = 8
    w = [3, 4, 6]

Every ``[[grid]]`` table expands to the Cartesian product of its lists, in the order written.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hwgen.params import ParamError

__all__ = ["SweepSpec", "Config", "load_spec", "parse_spec", "STEPS"]

STEPS = ("generate", "verify", "synth", "energy", "error")
_TARGETS = ("generic", "ice40", "xilinx")
_OPTION_KEYS = {"steps", "targets", "verify_vectors", "stream", "seed", "dsp"}


@dataclass(frozen=True)
class Config:
    unit: str
    params: dict  # as written (validated by the unit when evaluated)
    index: int  # position in the expanded grid


@dataclass
class SweepSpec:
    name: str
    configs: list[Config]
    steps: tuple[str, ...] = STEPS
    targets: tuple[str, ...] = ("generic",)
    verify_vectors: int = 2000
    stream: str = "cnn"
    seed: int = 1
    dsp: bool = False
    options: dict = field(default_factory=dict)


def _fail(where: str, msg: str) -> ParamError:
    return ParamError(f"sweep spec {where}: {msg}")


def parse_spec(data: dict, name: str = "sweep") -> SweepSpec:
    opts = data.get("options", {})
    if not isinstance(opts, dict):
        raise _fail(name, "[options] must be a table")
    unknown = set(opts) - _OPTION_KEYS
    if unknown:
        raise _fail(name, f"unknown option(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_OPTION_KEYS))}")
    steps = tuple(opts.get("steps", STEPS))
    bad = [s for s in steps if s not in STEPS]
    if bad or not steps:
        raise _fail(name, f"steps must be a non-empty list of {', '.join(STEPS)}, not {list(steps)}")
    targets = tuple(opts.get("targets", ("generic",)))
    if not targets or any(t not in _TARGETS for t in targets):
        raise _fail(name, f"targets must be a non-empty list of {', '.join(_TARGETS)}, not {list(targets)}")
    if "energy" in steps and "generic" not in targets:
        raise _fail(name, "the energy step needs the generic target in targets")
    vv = opts.get("verify_vectors", 2000)
    if not isinstance(vv, int) or isinstance(vv, bool) or vv < 0:
        raise _fail(name, f"verify_vectors must be an integer >= 0, not {vv!r}")
    stream = opts.get("stream", "cnn")
    if stream not in ("cnn", "uniform"):
        raise _fail(name, f"stream must be 'cnn' or 'uniform', not {stream!r}")
    grids = data.get("grid")
    if not isinstance(grids, list) or not grids:
        raise _fail(name, "needs at least one [[grid]] table with a 'unit' key")
    configs: list[Config] = []
    for g, table in enumerate(grids):
        if not isinstance(table, dict) or not isinstance(table.get("unit"), str):
            raise _fail(name, f"[[grid]] number {g + 1} needs unit = \"NAME\"")
        keys = [k for k in table if k != "unit"]
        axes = [table[k] if isinstance(table[k], list) else [table[k]] for k in keys]
        if any(len(a) == 0 for a in axes):
            raise _fail(name, f"[[grid]] number {g + 1} has an empty list")
        for combo in itertools.product(*axes):
            configs.append(Config(table["unit"], dict(zip(keys, combo)), len(configs)))
    return SweepSpec(name, configs, steps, targets, vv, stream, int(opts.get("seed", 1)),
                     bool(opts.get("dsp", False)), dict(opts))


def load_spec(path: str | Path) -> SweepSpec:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text())
    except OSError as e:
        raise ParamError(f"Cannot read sweep spec {str(path)!r}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ParamError(f"sweep spec {str(path)!r} is not valid TOML: {e}") from None
    return parse_spec(data, p.stem)
