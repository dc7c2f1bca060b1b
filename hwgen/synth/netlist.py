"""A flattened Yosys netlist (``write_json``) as dense arrays: ports, cells, and a topological order.

Nets are renumbered densely; index 0 is constant 0 and index 1 constant 1 (``x`` and ``z`` drivers are
read as 0, which is what the emitted designs initialise to). The same structure serves the depth
figure (longest combinational path, in cells) and the gate-level simulator of :mod:`hwgen.energy`.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Cell", "Netlist", "load_netlist", "is_sequential_cell", "NetlistError"]

CONST0, CONST1 = 0, 1

# Flip-flops and latches of Yosys' internal library, iCE40 and Xilinx: they cut combinational paths.
_SEQ_RE = re.compile(r"^(\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|DFFSR|DFFSRE|ALDFF|ALDFFE|DLATCH|SR)_"
                     r"|\$(dff|adff|sdff|dffe|adffe|sdffe|sdffce|dlatch|aldff)$"
                     r"|SB_DFF|TRELLIS_FF|FD[CPRS]E?$|FDRE|LD[CP]E?$)")


class NetlistError(ValueError):
    """The netlist is not what the flow expects (combinational loop, missing module, ...)."""


def is_sequential_cell(cell_type: str) -> bool:
    return bool(_SEQ_RE.match(cell_type))


@dataclass
class Cell:
    name: str
    type: str
    inputs: dict[str, list[int]]
    outputs: dict[str, list[int]]
    sequential: bool


@dataclass
class Netlist:
    top: str
    creator: str
    ports: dict[str, tuple[str, list[int]]]  # name -> (direction, dense net of each bit, LSB first)
    cells: list[Cell]
    n_nets: int
    init: dict[int, int] = field(default_factory=dict)  # net -> initial value (flip-flop outputs)

    # -- derived --------------------------------------------------------------------------------
    def inputs(self) -> dict[str, list[int]]:
        return {n: b for n, (d, b) in self.ports.items() if d == "input"}

    def outputs(self) -> dict[str, list[int]]:
        return {n: b for n, (d, b) in self.ports.items() if d == "output"}

    def cell_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.cells:
            out[c.type] = out.get(c.type, 0) + 1
        return dict(sorted(out.items()))

    def topo_order(self) -> list[int]:
        """Indices of the combinational cells, each after every cell driving its inputs."""
        comb = [i for i, c in enumerate(self.cells) if not c.sequential]
        driver: dict[int, int] = {}
        for i in comb:
            for bits in self.cells[i].outputs.values():
                for b in bits:
                    driver[b] = i
        pending = {}
        users: dict[int, list[int]] = {}
        for i in comb:
            deps = {driver[b] for bits in self.cells[i].inputs.values() for b in bits if b in driver}
            pending[i] = len(deps)
            for d in deps:
                users.setdefault(d, []).append(i)
        ready = deque(i for i in comb if pending[i] == 0)
        order = []
        while ready:
            i = ready.popleft()
            order.append(i)
            for u in users.get(i, ()):
                pending[u] -= 1
                if pending[u] == 0:
                    ready.append(u)
        if len(order) != len(comb):
            stuck = next(self.cells[i].name for i in comb if pending[i] > 0)
            raise NetlistError(f"combinational loop in {self.top} (through cell {stuck})")
        return order

    def depth(self) -> int:
        """Cells on the longest combinational path from an input port or flip-flop output to an
        output port or flip-flop input."""
        level = [0] * self.n_nets
        for i in self.topo_order():
            c = self.cells[i]
            lv = 1 + max((level[b] for bits in c.inputs.values() for b in bits), default=0)
            for bits in c.outputs.values():
                for b in bits:
                    level[b] = lv
        ends = [b for bits in self.outputs().values() for b in bits]
        for c in self.cells:
            if c.sequential:
                ends += [b for bits in c.inputs.values() for b in bits]
        return max((level[b] for b in ends), default=0)


def load_netlist(source: str | Path | dict, top: str | None = None,
                 output_pins: dict[str, set] | None = None, sequential_types: set | None = None) -> Netlist:
    """Read a ``write_json`` file (or its parsed dict); ``top`` defaults to the only module.

    ``output_pins`` (cell type -> output pin names) gives directions for cells Yosys wrote without them
    (Liberty cells are black boxes to Yosys); ``sequential_types`` names their flip-flops.
    """
    if isinstance(source, dict):
        data = source
    else:
        try:
            data = json.loads(Path(source).read_text())
        except (OSError, ValueError) as e:
            raise NetlistError(f"cannot read the netlist {Path(source).name}: {e}") from None
    modules = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, dict) or not modules:
        raise NetlistError("the netlist has no modules (damaged file?)")
    if top is None:
        tops = [n for n, m in modules.items() if int(m.get("attributes", {}).get("top", 0) or 0)]
        candidates = tops or list(modules)
        if len(candidates) != 1:
            raise NetlistError(f"cannot tell the top module among {sorted(modules)}")
        top = candidates[0]
    if top not in modules:
        raise NetlistError(f"module {top!r} is not in the netlist (it has {sorted(modules)})")
    mod = modules[top]
    index: dict = {"0": CONST0, "1": CONST1, "x": CONST0, "z": CONST0}

    def net(bit) -> int:
        if bit not in index:
            index[bit] = len(index) - 2  # "x" and "z" share 0 and do not take a number
        return index[bit]

    ports = {name: (p["direction"], [net(b) for b in p["bits"]]) for name, p in mod["ports"].items()}
    cells = []
    for name, c in mod["cells"].items():
        dirs = c.get("port_directions", {})
        known = (output_pins or {}).get(c["type"])
        ins, outs = {}, {}
        for pin, bits in c["connections"].items():
            is_out = pin in known if known is not None else dirs.get(pin) == "output"
            (outs if is_out else ins)[pin] = [net(b) for b in bits]
        seq = c["type"] in sequential_types if sequential_types is not None else is_sequential_cell(c["type"])
        cells.append(Cell(name, c["type"], ins, outs, seq))
    init: dict[int, int] = {}
    for nn in mod.get("netnames", {}).values():
        value = nn.get("attributes", {}).get("init")
        if value is None:
            continue
        text = str(value)
        for i, b in enumerate(nn["bits"]):
            if isinstance(b, int) and i < len(text):
                init[net(b)] = 1 if text[len(text) - 1 - i] == "1" else 0
    return Netlist(top, data.get("creator", ""), ports, cells, len(index) - 2, init)
