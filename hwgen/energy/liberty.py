"""Just enough Liberty to simulate a mapped netlist and price its toggles in joules.

Read per cell: area, pins (direction, capacitance, boolean ``function``), flip-flop groups (``ff``: the
``next_state`` expression and the internal state names), and the ``internal_power`` tables, averaged
over every entry (slew x load) and over rise and fall: one number per output pin (energy of an output
transition) and per input pin (the passive energy of an input transition, e.g. a flip-flop's clock pin).
Energies are in the library's unit, ``voltage_unit^2 * capacitive_load_unit`` (1 V^2 x 1 pF = 1 pJ for
OSU 0.18 um).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hwgen.energy.gatesim import CellModel, FlopModel

__all__ = ["LibertyCell", "Library", "load_liberty", "parse_groups", "compile_function", "LibertyError",
           "library_models", "net_energies", "energy_unit"]


class LibertyError(ValueError):
    """The Liberty file cannot be read, or a cell it maps to cannot be simulated."""


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.+\-!\'*&|^$]+|[(){}:;,]')


def _tokens(text: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = text.replace("\\\n", " ")
    return _TOKEN.findall(text)


@dataclass
class Group:
    kind: str
    args: list
    attrs: dict = field(default_factory=dict)  # simple attributes: name -> value (last one wins)
    complex: dict = field(default_factory=dict)  # complex attributes: name -> list of args
    groups: list = field(default_factory=list)

    def sub(self, kind: str) -> list["Group"]:
        return [g for g in self.groups if g.kind == kind]


def parse_groups(text: str) -> Group:
    """The whole file as a tree of groups."""
    toks = _tokens(text)
    pos = 0

    def unq(t: str) -> str:
        return t[1:-1] if t.startswith('"') else t

    def group(kind: str, args: list) -> Group:
        nonlocal pos
        g = Group(kind, args)
        while pos < len(toks) and toks[pos] != "}":
            name = toks[pos]
            pos += 1
            if toks[pos] == ":":
                g.attrs[name] = unq(toks[pos + 1])
                pos += 2
                if pos < len(toks) and toks[pos] == ";":
                    pos += 1
            elif toks[pos] == "(":
                pos += 1
                a = []
                while toks[pos] != ")":
                    if toks[pos] != ",":
                        a.append(unq(toks[pos]))
                    pos += 1
                pos += 1
                if pos < len(toks) and toks[pos] == "{":
                    pos += 1
                    g.groups.append(group(name, a))
                    pos += 1  # "}"
                else:
                    g.complex[name] = a
                    if pos < len(toks) and toks[pos] == ";":
                        pos += 1
            else:
                raise LibertyError(f"unexpected token {toks[pos]!r} after {name!r}")
        return g

    root = group("root", [])
    libs = root.sub("library")
    if len(libs) != 1:
        raise LibertyError("expected exactly one library group")
    return libs[0]


# -- boolean functions -------------------------------------------------------------------------------
_FN_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_\[\]]*|[01]|[!'()*&|+^])")


def compile_function(expr: str):
    """Liberty ``function`` text -> (input names, fn(**values) over numpy uint64 words).

    Operators: ``!`` and postfix ``'`` (not), ``&``, ``*`` or juxtaposition (and), ``|``, ``+`` (or),
    ``^`` (xor); ``0``/``1`` constants.
    """
    toks = []
    pos = 0
    while pos < len(expr):
        if expr[pos].isspace():
            toks.append(" ")
            while pos < len(expr) and expr[pos].isspace():
                pos += 1
            continue
        m = _FN_TOKEN.match(expr, pos)
        if not m:
            raise LibertyError(f"cannot parse function {expr!r} at {expr[pos:]!r}")
        toks.append(m.group(1))
        pos = m.end()
    toks = [t for i, t in enumerate(toks) if t != " " or (0 < i < len(toks) - 1)]
    names: list[str] = []
    i = 0
    ones = np.uint64(0xFFFF_FFFF_FFFF_FFFF)

    def peek():
        return toks[i] if i < len(toks) else None

    def skip_space():
        nonlocal i
        while peek() == " ":
            i += 1

    def primary():
        nonlocal i
        skip_space()
        t = peek()
        i += 1
        if t == "!":
            inner = primary()
            node = lambda v: ~inner(v)  # noqa: E731
        elif t == "(":
            node = orexpr()
            skip_space()
            if peek() != ")":
                raise LibertyError(f"unbalanced parentheses in {expr!r}")
            i += 1
        elif t in ("0", "1"):
            c = ones if t == "1" else np.uint64(0)
            node = lambda v: c  # noqa: E731
        elif t and re.match(r"[A-Za-z_]", t):
            if t not in names:
                names.append(t)
            node = lambda v, t=t: v[t]  # noqa: E731
        else:
            raise LibertyError(f"unexpected {t!r} in function {expr!r}")
        while peek() == "'":
            i += 1
            prev = node
            node = lambda v, prev=prev: ~prev(v)  # noqa: E731
        return node

    def andexpr():
        nonlocal i
        node = primary()
        while True:
            j = i
            skip_space()
            t = peek()
            if t in ("*", "&"):
                i += 1
            elif t is not None and (t in ("!", "(", "0", "1") or re.match(r"[A-Za-z_]", t)) and i > j:
                pass  # juxtaposition (a space) is AND
            else:
                i = j
                return node
            right, left = primary(), node
            node = lambda v, a=left, b=right: a(v) & b(v)  # noqa: E731

    def xorexpr():
        nonlocal i
        node = andexpr()
        while True:
            skip_space()
            if peek() != "^":
                return node
            i += 1
            right, left = andexpr(), node
            node = lambda v, a=left, b=right: a(v) ^ b(v)  # noqa: E731

    def orexpr():
        nonlocal i
        node = xorexpr()
        while True:
            skip_space()
            if peek() not in ("|", "+"):
                return node
            i += 1
            right, left = xorexpr(), node
            node = lambda v, a=left, b=right: a(v) | b(v)  # noqa: E731

    root = orexpr()
    skip_space()
    if i != len(toks):
        raise LibertyError(f"trailing text in function {expr!r}")
    return tuple(names), root


# -- cells ---------------------------------------------------------------------------------------------
def _table_mean(g: Group) -> float:
    vals = [float(x) for row in g.complex.get("values", []) for x in str(row).replace(",", " ").split()]
    return float(np.mean(vals)) if vals else 0.0


def _internal_energy(pin: Group) -> float:
    """Mean of rise and fall internal energy over all tables (and related pins) of a pin."""
    per = []
    for ip in pin.sub("internal_power"):
        parts = [_table_mean(t) for t in ip.sub("rise_power") + ip.sub("fall_power") + ip.sub("power")]
        if parts:
            per.append(float(np.mean(parts)))
    return float(np.mean(per)) if per else 0.0


@dataclass
class LibertyCell:
    name: str
    area: float
    inputs: dict  # pin -> capacitance
    outputs: dict  # pin -> function text
    energy: dict  # pin -> mean internal energy per transition
    ff: tuple | None = None  # (state, inverted state, next_state text, clock pin)


@dataclass
class Library:
    name: str
    voltage: float
    cells: dict
    digest: str

    def cell(self, name: str) -> LibertyCell:
        try:
            return self.cells[name]
        except KeyError:
            raise LibertyError(f"cell {name!r} is not in library {self.name}") from None


def _cell(g: Group) -> LibertyCell:
    ins, outs, energy = {}, {}, {}
    for pin in g.sub("pin"):
        name = pin.args[0]
        if pin.attrs.get("direction") == "input":
            ins[name] = float(pin.attrs.get("capacitance", 0.0))
        elif pin.attrs.get("direction") == "output" and "function" in pin.attrs:
            outs[name] = pin.attrs["function"]
        energy[name] = _internal_energy(pin)
    ff = None
    for f in g.sub("ff"):
        ff = (f.args[0], f.args[1] if len(f.args) > 1 else None, f.attrs.get("next_state", ""),
              f.attrs.get("clocked_on", ""))
    return LibertyCell(g.args[0], float(g.attrs.get("area", 0.0)), ins, outs, energy, ff)


@functools.lru_cache(maxsize=8)
def _load(digest: str, text: str) -> Library:
    lib = parse_groups(text)
    voltage = float(lib.attrs.get("nom_voltage", 1.0))
    cells = {c.args[0]: _cell(c) for c in lib.sub("cell")}
    return Library(lib.args[0] if lib.args else "liberty", voltage, cells, digest)


def load_liberty(path: str | Path) -> Library:
    text = Path(path).read_text(errors="replace")
    return _load(hashlib.sha256(text.encode()).hexdigest(), text)


# -- simulation models and per-net energies ----------------------------------------------------------------
def library_models(lib: Library, cell_types) -> tuple[dict, dict]:
    """GateSim models (cells, flops) for the library cells a netlist uses."""

    cells, flops = {}, {}
    for name in sorted(set(cell_types)):
        c = lib.cell(name)
        if c.ff is not None:
            state, inv_state, next_state, _clock = c.ff
            names, fn = compile_function(next_state)
            outs = []
            for pin, func in c.outputs.items():
                f = func.strip().strip("()").strip()
                if f == state:
                    outs.append((pin, False))
                elif f == inv_state:
                    outs.append((pin, True))
                else:
                    raise LibertyError(f"flip-flop {name}: output {pin} = {func!r} is not its state")
            flops[name] = FlopModel(names, lambda *xs, names=names, fn=fn: fn(dict(zip(names, xs))), tuple(outs))
            continue
        if len(c.outputs) != 1:
            raise LibertyError(f"cell {name} has {len(c.outputs)} outputs; only single-output cells are simulated")
        (pin, func), = c.outputs.items()
        names, fn = compile_function(func)
        cells[name] = CellModel(names, lambda *xs, names=names, fn=fn: fn(dict(zip(names, xs))), pin)
    return cells, flops


def net_energies(lib: Library, netlist) -> tuple[np.ndarray, float]:
    """Energy of one toggle of each net, and the clock energy of one cycle of the whole design.

    A toggle costs the driving pin's internal energy, the passive internal energy of every input pin it
    drives, and C V^2 / 2 for their input capacitance. Each cycle every flip-flop's clock pin rises and
    falls: twice its passive energy plus C V^2. Loads outside the design (output ports) count nothing.
    """
    per_net = np.zeros(netlist.n_nets, dtype=np.float64)
    v2 = lib.voltage ** 2
    clock = 0.0
    for c in netlist.cells:
        cell = lib.cell(c.type)
        clock_pin = cell.ff[3] if cell.ff else None
        for pin, bits in c.outputs.items():
            for b in bits:
                per_net[b] += cell.energy.get(pin, 0.0)
        for pin, bits in c.inputs.items():
            if pin == clock_pin:
                clock += 2 * cell.energy.get(pin, 0.0) + cell.inputs.get(pin, 0.0) * v2
                continue
            for b in bits:
                per_net[b] += cell.energy.get(pin, 0.0) + 0.5 * cell.inputs.get(pin, 0.0) * v2
    per_net[:2] = 0.0  # constants never toggle
    return per_net, clock


def energy_unit(path: str | Path) -> str:
    """``pJ/op`` for a library in V and pF (OSU), ``fJ/op`` in V and fF; else a generic name."""
    text = Path(path).read_text(errors="replace")
    cap = re.search(r"capacitive_load_unit\s*\(\s*1\s*,\s*(\w+)\s*\)", text)
    volt = re.search(r'voltage_unit\s*:\s*"?1V"?', text)
    if cap and volt:
        return {"pf": "pJ/op", "ff": "fJ/op"}.get(cap.group(1).lower(), "energy/op")
    return "library energy units/op"
