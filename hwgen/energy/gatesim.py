"""A vectorised gate-level simulator for generic Yosys netlists, with toggle counting.

Values are bit-packed: every net holds ``uint64`` words, one bit per independent operand stream
("lane"), so each gate is one numpy bitwise operation over all lanes at once. Cells are grouped by
logic level and type, so one numpy call evaluates every gate of a kind on a level.

- Combinational netlists are evaluated once over the whole stream: vector ``i`` sits in lane ``i // K``,
  word ``i % K`` (K words per net), so consecutive vectors are neighbouring words and a toggle is a bit
  that differs between word ``k`` and ``k + 1``.
- Netlists with flip-flops run clock cycle by clock cycle on ``64 * M`` lanes; lane ``l`` replays
  vectors ``l*T .. l*T+T-1`` from the flip-flops' initial state (a reset), and a toggle is a bit that
  differs between cycle ``t`` and ``t + 1``. The clock itself is not a simulated net.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from hwgen.synth.netlist import CONST1, Netlist, NetlistError

__all__ = ["GateSim", "SimRun", "CellModel", "FlopModel", "GENERIC_CELLS", "GENERIC_FLOPS", "popcount",
           "SUPPORTED_CELLS"]

_ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)

# Yosys' internal cell library semantics (techlibs/common/simcells.v).
_OPS = {
    "$_BUF_": (("A",), lambda a: a),
    "$_NOT_": (("A",), lambda a: ~a),
    "$_AND_": (("A", "B"), lambda a, b: a & b),
    "$_NAND_": (("A", "B"), lambda a, b: ~(a & b)),
    "$_OR_": (("A", "B"), lambda a, b: a | b),
    "$_NOR_": (("A", "B"), lambda a, b: ~(a | b)),
    "$_XOR_": (("A", "B"), lambda a, b: a ^ b),
    "$_XNOR_": (("A", "B"), lambda a, b: ~(a ^ b)),
    "$_ANDNOT_": (("A", "B"), lambda a, b: a & ~b),
    "$_ORNOT_": (("A", "B"), lambda a, b: a | ~b),
    "$_MUX_": (("A", "B", "S"), lambda a, b, s: (a & ~s) | (b & s)),
    "$_NMUX_": (("A", "B", "S"), lambda a, b, s: ~((a & ~s) | (b & s))),
    "$_AOI3_": (("A", "B", "C"), lambda a, b, c: ~((a & b) | c)),
    "$_OAI3_": (("A", "B", "C"), lambda a, b, c: ~((a | b) & c)),
    "$_AOI4_": (("A", "B", "C", "D"), lambda a, b, c, d: ~((a & b) | (c & d))),
    "$_OAI4_": (("A", "B", "C", "D"), lambda a, b, c, d: ~((a | b) & (c | d))),
}
_DFF = "$_DFF_P_"
SUPPORTED_CELLS = tuple(sorted(_OPS)) + (_DFF,)


@dataclass(frozen=True)
class CellModel:
    """A combinational cell: input pins (argument order of ``fn``), ``fn`` on uint64 words, output pin."""

    inputs: tuple
    fn: Callable
    output: str = "Y"


@dataclass(frozen=True)
class FlopModel:
    """A rising-edge flip-flop: next state ``fn(*inputs)``; output pins, True where inverted."""

    inputs: tuple
    fn: Callable
    outputs: tuple  # ((pin, inverted), ...)


#: Yosys' generic gates and the one flip-flop the generic script leaves.
GENERIC_CELLS = {k: CellModel(pins, fn) for k, (pins, fn) in _OPS.items()}
GENERIC_FLOPS = {_DFF: FlopModel(("D",), lambda d: d, (("Q", False),))}

if hasattr(np, "bitwise_count"):
    def popcount(x: np.ndarray) -> np.ndarray:
        return np.bitwise_count(x)
else:  # numpy < 2.0
    _POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

    def popcount(x: np.ndarray) -> np.ndarray:
        b = np.ascontiguousarray(x).view(np.uint8).reshape(*x.shape, 8)
        return _POP8[b].sum(axis=-1, dtype=np.uint64)


class SimRun:
    """The outcome of :meth:`GateSim.run`: output bits per port and toggles per net."""

    def __init__(self, outputs: dict[str, np.ndarray], toggles: np.ndarray, transitions: int):
        self.outputs = outputs  # port -> (n, width) bool, row i = vector i (or -1 rows: unobservable)
        self.toggles = toggles  # (n_nets,) int64: toggles summed over lanes and time
        self.transitions = transitions  # operand-to-operand steps the toggles were counted over


class GateSim:
    """Compile a :class:`Netlist` for simulation: generic gates and ``$_DFF_P_`` by default, or the cells
    of a Liberty library (:func:`hwgen.energy.liberty.library_models`)."""

    def __init__(self, netlist: Netlist, cells: dict | None = None, flops: dict | None = None):
        self.netlist = netlist
        cells = GENERIC_CELLS if cells is None else cells
        flops = GENERIC_FLOPS if flops is None else flops
        unsupported = sorted({c.type for c in netlist.cells if c.type not in cells and c.type not in flops})
        if unsupported:
            known = sorted(cells) + sorted(flops)
            raise NetlistError(f"the gate simulator does not model cell types {', '.join(unsupported)}; "
                               f"it models {', '.join(known) if len(known) < 30 else f'{len(known)} types'}")
        level = np.zeros(netlist.n_nets, dtype=np.int64)
        groups: dict[tuple[int, str], list] = defaultdict(list)
        for i in netlist.topo_order():
            c = netlist.cells[i]
            model = cells[c.type]
            ins = [c.inputs[p][0] for p in model.inputs]
            (y,) = c.outputs[model.output]
            lv = 1 + max((int(level[n]) for n in ins), default=0)
            level[y] = lv
            groups[(lv, c.type)].append((y, *ins))
        self.plan = []
        for (_lv, kind), rows in sorted(groups.items()):
            arr = np.array(rows, dtype=np.intp).reshape(len(rows), -1)
            self.plan.append((cells[kind].fn, arr[:, 0], [arr[:, k] for k in range(1, arr.shape[1])]))
        # Flip-flops, grouped by type: state per instance, next state from its input pins.
        self.flop_groups = []
        init_parts, q_parts = [], []
        for kind, model in flops.items():
            inst = [c for c in netlist.cells if c.type == kind]
            if not inst:
                continue
            d = [np.array([c.inputs[p][0] for c in inst], dtype=np.intp) for p in model.inputs]
            outs = [(np.array([c.outputs[p][0] if p in c.outputs else -1 for c in inst], dtype=np.intp), inv)
                    for p, inv in model.outputs]
            self.flop_groups.append((model.fn, d, outs))
            # Initial state from the init attribute of the non-inverted output (0 when absent).
            q0 = next((o for o, inv in outs if not inv), outs[0][0])
            init_parts.append(np.array([netlist.init.get(int(q), 0) if q >= 0 else 0 for q in q0], dtype=np.uint64))
            q_parts.append(q0)
        self.sequential = bool(self.flop_groups)
        self.dff_init = np.concatenate(init_parts) if init_parts else np.zeros(0, dtype=np.uint64)
        # Which nets a cell drives, for weighting toggles by the driving cell's cost.
        self.driver_type = np.full(netlist.n_nets, "", dtype=object)
        for c in netlist.cells:
            for bits in c.outputs.values():
                for b in bits:
                    self.driver_type[b] = c.type

    def _load_state(self, vals: np.ndarray, state: np.ndarray) -> None:
        pos = 0
        for _, _, outs in self.flop_groups:
            n = len(outs[0][0])
            part = state[pos:pos + n]
            for q, inv in outs:
                ok = q >= 0
                vals[q[ok]] = ~part[ok] if inv else part[ok]
            pos += n

    def _next_state(self, vals: np.ndarray) -> np.ndarray:
        return np.concatenate([fn(*(vals[i] for i in d)) for fn, d, _ in self.flop_groups])

    # -- evaluation -------------------------------------------------------------------------------
    def _comb(self, vals: np.ndarray) -> None:
        for fn, out, ins in self.plan:
            vals[out] = fn(*(vals[i] for i in ins))

    def _fresh(self, words: int) -> np.ndarray:
        vals = np.zeros((self.netlist.n_nets, words), dtype=np.uint64)
        vals[CONST1] = _ONES
        return vals

    def _port_nets(self, bits_in: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(nets, columns) of the input bits: every input port must be driven (clock excepted)."""
        nets, cols = [], []
        for name, ports_bits in self.netlist.inputs().items():
            if name not in bits_in:
                raise KeyError(f"no stimulus for input port {name!r}")
            m = bits_in[name]
            if m.shape[1] != len(ports_bits):
                raise ValueError(f"port {name!r} has {len(ports_bits)} bits, stimulus gives {m.shape[1]}")
            nets.extend(ports_bits)
            cols.append(m)
        return np.array(nets, dtype=np.intp), (np.concatenate(cols, axis=1) if cols else None)

    def run(self, bits_in: dict[str, np.ndarray], lanes_words: int = 1) -> SimRun:
        """Simulate ``n`` vectors given as ``port -> (n, width)`` bool matrices.

        Combinational netlists need ``n`` a multiple of 64; sequential ones a multiple of
        ``64 * lanes_words`` (each lane then runs ``n / (64 * lanes_words)`` cycles).
        """
        nets, mat = self._port_nets(bits_in)
        n = next(iter(bits_in.values())).shape[0]
        if self.sequential:
            return self._run_seq(nets, mat, n, lanes_words)
        return self._run_comb(nets, mat, n)

    def _run_comb(self, nets, mat, n) -> SimRun:
        if n % 64:
            raise ValueError(f"a combinational run needs a multiple of 64 vectors, not {n}")
        k = n // 64
        vals = self._fresh(k)
        if mat is not None:
            vals[nets] = _pack(mat.reshape(64, k, -1)).T
        self._comb(vals)
        toggles = popcount(vals[:, 1:] ^ vals[:, :-1]).sum(axis=1, dtype=np.int64)
        outs = {name: _unpack(vals[np.array(b, dtype=np.intp)].T, 64).reshape(n, len(b)) if b else
                np.zeros((n, 0), dtype=bool) for name, b in self.netlist.outputs().items()}
        return SimRun(outs, toggles, 64 * (k - 1))

    def _run_seq(self, nets, mat, n, m_words) -> SimRun:
        lanes = 64 * m_words
        if n % lanes:
            raise ValueError(f"a sequential run on {lanes} lanes needs a multiple of {lanes} vectors, not {n}")
        t_len = n // lanes
        # (64, M, T, bits): lane b*M + m replays vectors (b*M + m)*T + t
        packed = _pack(mat.reshape(64, m_words, t_len, -1)) if mat is not None else None  # (M, T, bits)
        vals = self._fresh(m_words)
        state = np.where(self.dff_init[:, None] == 1, _ONES, np.uint64(0)) * np.ones(m_words, np.uint64)
        state = state.astype(np.uint64)
        out_ports = {name: np.array(b, dtype=np.intp) for name, b in self.netlist.outputs().items()}
        hist = {name: np.zeros((t_len, len(b), m_words), dtype=np.uint64) for name, b in out_ports.items()}
        toggles = np.zeros(self.netlist.n_nets, dtype=np.int64)
        prev = None
        for t in range(t_len):
            if packed is not None:
                vals[nets] = packed[:, t, :].T
            self._load_state(vals, state)
            self._comb(vals)
            for name, b in out_ports.items():
                hist[name][t] = vals[b]
            if prev is not None:
                toggles += popcount(vals ^ prev).sum(axis=1, dtype=np.int64)
            prev = vals.copy()
            state = self._next_state(vals)
        outs = {}
        for name, h in hist.items():
            # (T, bits, M) -> (64, M, T, bits) -> vector order (b*M + m)*T + t
            bits = _unpack(h.transpose(2, 0, 1), 64)  # (64, M, T, bits)
            outs[name] = bits.reshape(n, h.shape[1])
        return SimRun(outs, toggles, lanes * (t_len - 1))


def _pack(bits: np.ndarray) -> np.ndarray:
    """(64, ...) bool -> (...) uint64, lane b in bit b."""
    shifts = np.arange(64, dtype=np.uint64).reshape((64,) + (1,) * (bits.ndim - 1))
    return np.bitwise_or.reduce(bits.astype(np.uint64) << shifts, axis=0)


def _unpack(words: np.ndarray, lanes: int) -> np.ndarray:
    """(...) uint64 -> (64, ...) bool."""
    shifts = np.arange(lanes, dtype=np.uint64).reshape((lanes,) + (1,) * words.ndim)
    return ((words[None] >> shifts) & np.uint64(1)).astype(bool)
