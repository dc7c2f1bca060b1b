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

Every ``[[grid]]`` table expands to the Cartesian product of its lists, in the order written. The points
are counted before anything is expanded: above ``max_points`` (``--max-points``, default
:data:`DEFAULT_MAX_POINTS`) the spec is refused. Every value is checked before any work: grid values
through the unit's own parameter schema (the CLI's messages), ``[options]`` through :data:`OPTION_SCHEMA`.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hwgen.params import ParamError

__all__ = ["SweepSpec", "Config", "load_spec", "parse_spec", "STEPS", "DEFAULT_MAX_POINTS", "OPTION_SCHEMA"]

STEPS = ("generate", "verify", "synth", "energy", "error")
_TARGETS = ("generic", "ice40", "xilinx")
_OPTION_KEYS = {"steps", "targets", "verify_vectors", "stream", "seed", "dsp"}
#: Largest grid a spec may expand to unless --max-points says otherwise.
DEFAULT_MAX_POINTS = 100_000
#: The [options] table's schema: key -> (kind, allowed, default). Kinds: "list" (non-empty list of the
#: allowed strings), "int" (allowed = (lo, hi)), "choice", "bool".
OPTION_SCHEMA = {
    "steps": ("list", STEPS, list(STEPS)),
    "targets": ("list", _TARGETS, ["generic"]),
    "verify_vectors": ("int", (0, 1 << 40), 2000),
    "stream": ("choice", ("cnn", "uniform"), "cnn"),
    "seed": ("int", (0, (1 << 64) - 1), 1),
    "dsp": ("bool", None, False),
}


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


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _option(name: str, opts: dict, key: str):
    """``opts[key]`` checked against :data:`OPTION_SCHEMA` (one message form: option, value, allowed)."""
    kind, allowed, default = OPTION_SCHEMA[key]
    value = opts.get(key, default)
    if kind == "list":
        ok = isinstance(value, list) and value and all(isinstance(v, str) and v in allowed for v in value)
        want = f"a non-empty list of {', '.join(map(repr, allowed))}"
    elif kind == "int":
        lo, hi = allowed
        ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
        want = f"an integer in {lo}..{hi}"
    elif kind == "choice":
        ok = isinstance(value, str) and value in allowed
        want = f"one of {', '.join(map(repr, allowed))}"
    else:
        ok = isinstance(value, bool)
        want = "a boolean (true/false, unquoted)"
    if not ok:
        raise _fail(name, f"option {key!r} must be {want}, not {_short(value)}")
    return tuple(value) if kind == "list" else value


def count_points(grids: list) -> int:
    """Points of the grid tables, counted without expanding them."""
    total = 0
    for table in grids:
        n = 1
        for k, v in table.items():
            if k != "unit":
                n *= len(v) if isinstance(v, list) else 1
        total += n
    return total


def parse_spec(data: dict, name: str = "sweep", max_points: int = DEFAULT_MAX_POINTS,
               check_params: bool = True) -> SweepSpec:
    """The spec of ``data``; ``check_params=False`` (library use) leaves bad grid points to fail in their
    own rows instead of refusing the spec."""
    from hwgen.registry import get_unit

    opts = data.get("options", {})
    if not isinstance(opts, dict):
        raise _fail(name, "[options] must be a table")
    unknown = set(opts) - _OPTION_KEYS
    if unknown:
        raise _fail(name, f"unknown option(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_OPTION_KEYS))}")
    steps = _option(name, opts, "steps")
    targets = _option(name, opts, "targets")
    if "energy" in steps and "generic" not in targets:
        raise _fail(name, "the energy step needs the generic target in targets")
    vv = _option(name, opts, "verify_vectors")
    stream = _option(name, opts, "stream")
    seed = _option(name, opts, "seed")
    dsp = _option(name, opts, "dsp")
    grids = data.get("grid")
    if not isinstance(grids, list) or not grids:
        raise _fail(name, "needs at least one [[grid]] table with a 'unit' key")
    for g, table in enumerate(grids):
        if not isinstance(table, dict) or not isinstance(table.get("unit"), str):
            raise _fail(name, f"[[grid]] number {g + 1} needs unit = \"NAME\"")
        if any(isinstance(v, list) and len(v) == 0 for k, v in table.items() if k != "unit"):
            raise _fail(name, f"[[grid]] number {g + 1} has an empty list")
    points = count_points(grids)  # before expanding anything: a huge grid must not eat the memory
    if points > max_points:
        raise _fail(name, f"the grid has {points} points, more than --max-points {max_points}; "
                          "narrow the grid or raise --max-points")
    configs: list[Config] = []
    for g, table in enumerate(grids):
        unit = get_unit(table["unit"]) if check_params else None  # an unknown unit: the CLI's message
        keys = [k for k in table if k != "unit"]
        axes = [table[k] if isinstance(table[k], list) else [table[k]] for k in keys]
        for combo in itertools.product(*axes):
            params = dict(zip(keys, combo))
            try:
                if unit is not None:
                    unit.resolve(params)  # the unit's own schema, the CLI's messages
            except ParamError as e:
                raise _fail(name, f"[[grid]] number {g + 1}: {e}") from None
            configs.append(Config(table["unit"], params, len(configs)))
    return SweepSpec(name, configs, steps, targets, vv, stream, seed, dsp, dict(opts))


def load_spec(path: str | Path, max_points: int = DEFAULT_MAX_POINTS) -> SweepSpec:
    p = Path(path)
    shown = str(path)[:80]
    try:
        data = tomllib.loads(p.read_bytes().decode("utf-8"))
    except OSError as e:
        raise ParamError(f"Cannot read sweep spec {shown!r}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise ParamError(f"sweep spec {shown!r} is not UTF-8 text (byte {e.start}); TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ParamError(f"sweep spec {shown!r} is not valid TOML: {str(e)[:120]}") from None
    return parse_spec(data, p.stem, max_points)
