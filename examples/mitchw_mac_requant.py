"""Two hwgen components inside your own Amaranth design: a Mitch-w MAC feeding a requantizer.

    python examples/mitchw_mac_requant.py [--out DIR] [--steps N] [--seed S]

``DotProductRequant`` is an ordinary ``wiring.Component``: it asks hwgen's registry for the two
components (validated parameters, the same ones `hwgen generate` takes), wires the MAC's accumulator into
the requantizer, and exposes the 8-bit result. The script then

1. simulates a stream of dot products with ``amaranth.sim`` and checks every output against hwgen's golden
   models (MAC model, then requantizer model), bit for bit;
2. converts the design to Verilog (``DIR/dot_product_requant.v``), one module with both units inside.

Exit status 0 only when every step matched.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from amaranth import Module
from amaranth.back import verilog
from amaranth.hdl import signed
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out
from amaranth.sim import Simulator

from hwgen.registry import get_unit

os.environ.setdefault("AMARANTH_USE_YOSYS", "builtin")  # deterministic Verilog, whatever Yosys is on PATH

MAC = get_unit("mitchw_mac")
REQUANT = get_unit("requant")


class DotProductRequant(wiring.Component):
    """acc <- (clr ? 0 : acc) + MitchW(a, b) when en; y = ReLU(round(acc / 2^shift)) saturated to 8 bits.

    Latency 1: y shows the accumulator after the clock edge that took a step's a, b, en, clr.
    """

    def __init__(self, width: int = 8, w: int = 6, shift: int = 10):
        self.mac_params = MAC.resolve({"width": width, "w": w, "signedness": "sign_magnitude"})
        self.requant_params = REQUANT.resolve({"in_width": self.mac_params["acc_width"], "out_width": 8,
                                               "shift": shift, "relu": True})
        super().__init__({"a": In(signed(width)),
                          "b": In(signed(width)), "en": In(1), "clr": In(1), "y": Out(8)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.mac = mac = MAC.build(self.mac_params)
        m.submodules.requant = requant = REQUANT.build(self.requant_params)
        m.d.comb += [mac.a.eq(self.a), mac.b.eq(self.b), mac.en.eq(self.en), mac.clr.eq(self.clr),
                     requant.x.eq(mac.acc), self.y.eq(requant.y)]
        return m


def stimulus(width: int, steps: int, seed: int) -> dict[str, np.ndarray]:
    """Random signed operands, en mostly high, clr starting a new dot product every 9 steps on average."""
    rng = np.random.default_rng(seed)
    lo, hi = -(1 << (width - 1)), 1 << (width - 1)
    clr = rng.random(steps) < 1 / 9
    clr[0] = True
    return {"a": rng.integers(lo, hi, steps), "b": rng.integers(lo, hi, steps),
            "en": (rng.random(steps) < 0.9).astype(np.int64), "clr": clr.astype(np.int64)}


def expected(mac_params: dict, requant_params: dict, vec: dict[str, np.ndarray]) -> np.ndarray:
    """The golden models composed as the design composes the gateware."""
    acc = MAC.model(mac_params, vec)["acc"]
    return np.asarray(REQUANT.model(requant_params, {"x": acc})["y"])


def simulate(dut: DotProductRequant, vec: dict[str, np.ndarray]) -> list[int]:
    got: list[int] = []

    async def bench(ctx):
        for j in range(len(vec["a"])):
            for name in ("a", "b", "en", "clr"):
                ctx.set(getattr(dut, name), int(vec[name][j]))
            await ctx.tick()
            got.append(ctx.get(dut.y))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="build/examples", help="where the Verilog goes")
    ap.add_argument("--steps", type=int, default=300, help="clock steps to simulate")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random operands")
    args = ap.parse_args(argv)

    dut = DotProductRequant()
    vec = stimulus(8, args.steps, args.seed)
    want, got = expected(dut.mac_params, dut.requant_params, vec), simulate(dut, vec)
    bad = [j for j in range(args.steps) if got[j] != int(want[j])]
    for j in bad[:5]:
        print(f"MISMATCH step {j}: a={vec['a'][j]} b={vec['b'][j]} en={vec['en'][j]} clr={vec['clr'][j]}: "
              f"expected y={int(want[j])}, got {got[j]}")
    print(f"amaranth.sim: {args.steps} steps (seed {args.seed}), {len(bad)} mismatches against the golden models")

    text = verilog.convert(DotProductRequant(), name="dot_product_requant", emit_src=False)
    out = Path(args.out) / "dot_product_requant.v"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"Verilog: {out}")
    return 1 if bad or not args.steps else 0


if __name__ == "__main__":
    sys.exit(main())
