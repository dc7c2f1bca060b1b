"""Many Mitch-w configurations of one width in one simulator build (helper for test_mitchw_verify.py).

A Verilator build costs seconds and a vector microseconds, so the configurations under test share one
design: every multiplier sees the same raw operand bits (read as two's complement by the signed ones) and
element i of the array output ``p`` carries the raw product bits of configuration i. The wrapper is an
ad-hoc, unregistered :class:`~hwgen.registry.Unit`, so ``hwgen.verify.verify`` handles it like any unit.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.stimuli import cross, exhaustive_grid, random_ints
from hwgen.registry import Stimulus, Unit
from hwgen.units.mitchw import directed_operands
from hwgen.units.mitchw.model import mitchw_model


def _raw(values, width: int) -> np.ndarray:
    """Two's complement bits of ``values`` as non-negative int64 (or uint64 bits viewed as int64)."""
    v = np.asarray(values)
    if v.dtype == object:
        mask = (1 << width) - 1
        return np.array([int(x) & mask for x in v], dtype=np.uint64).view(np.int64)
    if width >= 64:
        return v.astype(np.int64)  # int64 already holds the 64-bit pattern
    return v.astype(np.int64) & ((1 << width) - 1)


def _signed_view(raw: np.ndarray, width: int) -> np.ndarray:
    return np.where(raw >= 1 << (width - 1), raw - (1 << width), raw)


def bundle(name: str, width: int, configs: list[dict]) -> Unit:
    """A unit computing every configuration in ``configs`` (dicts of w, signedness, unbiased) at once."""
    configs = [{"width": width, "pipeline": 0, **c} for c in configs]

    def build(_params):
        from amaranth.hdl import Module
        from amaranth.lib import data, wiring
        from amaranth.lib.wiring import In, Out

        from hwgen.units.mitchw.gateware import MitchW

        class Bundle(wiring.Component):
            def __init__(self):
                super().__init__({"a": In(width), "b": In(width),
                                  "p": Out(data.ArrayLayout(2 * width, len(configs)))})

            def elaborate(self, platform):
                m = Module()
                for i, c in enumerate(configs):
                    mul = MitchW(width, c["w"], c["signedness"], c["unbiased"])
                    m.submodules[f"mul{i}"] = mul
                    m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b), self.p[i].eq(mul.p)]
                return m

        return Bundle()

    def model(_params, vec):
        a, b = np.asarray(vec["a"]), np.asarray(vec["b"])
        cols = []
        for c in configs:
            x, y = (a, b) if c["signedness"] == "unsigned" else (_signed_view(a, width), _signed_view(b, width))
            cols.append(_raw(mitchw_model(c, {"a": x, "b": y})["p"], 2 * width))
        return {"p": np.stack(cols, axis=1)}

    def directed(_params):
        ops = np.unique(np.concatenate([_raw(directed_operands(c), width) for c in configs]))
        a, b = cross(ops, ops)
        return {"a": a, "b": b}

    def random(_params, rng, n):
        # Half read as unsigned, half drawn as signed values (small negative magnitudes included).
        half = n // 2
        return {k: np.concatenate([random_ints(rng, half, width, False),
                                   _raw(random_ints(rng, n - half, width, True), width)]) for k in ("a", "b")}

    def exhaustive(_params):
        grid = exhaustive_grid(width, False, width, False)
        return None if grid is None else {"a": grid[0], "b": grid[1]}

    return Unit(name=name, summary=f"{len(configs)} Mitch-w configurations of width {width}", params=(),
                build=build, model=model, latency=lambda p: 0,
                stimulus=Stimulus(directed, random, exhaustive), sweep=(),
                is_signed=lambda p: False)  # raw operand bits; each configuration reads them its own way
