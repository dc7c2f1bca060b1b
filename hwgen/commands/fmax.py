"""`hwgen fmax`: Fmax and area of a unit at each pipeline depth (nextpnr and/or OpenSTA), table and plot."""

import re
from pathlib import Path

from hwgen.atomic import atomic_write_text
from hwgen.commands.common import print_json
from hwgen.evaluation.fmax import FmaxBackends, fmax_rows
from hwgen.params import ParamError, parse_assignments
from hwgen.registry import get_unit
from hwgen.report.fmax import fmax_table, plot_fmax
from hwgen.synth.liberty_libs import resolve_liberty
from hwgen.synth.pnr import parse_device
from hwgen.synth.sta import sta_missing_reason
from hwgen.toolchain import ToolError

NAME = "fmax"
HELP = "Fmax and area per pipeline depth: place and route (ice40, ecp5) and/or OpenSTA on a Liberty library"


def add_arguments(p):
    p.add_argument("unit", help="unit name (see `hwgen list`); it must have a 'pipeline' parameter")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", default=[],
                   help="set a unit parameter (repeatable; not pipeline)")
    p.add_argument("--pipeline", required=True, metavar="0..P", help="pipeline depths to measure, e.g. 0..3")
    p.add_argument("--target", choices=("ice40", "ecp5", "none"), default=None,
                   help="FPGA to place and route on (default ice40, or none when --liberty is given)")
    p.add_argument("--device", metavar="DEVICE[:PACKAGE]", help="FPGA device (default up5k:sg48 / 25k:CABGA256)")
    p.add_argument("--pnr-seed", type=int, default=1, metavar="S", help="nextpnr seed (default 1)")
    p.add_argument("--liberty", metavar="NAME|FILE", help="also OpenSTA on this library (osu018, osu035, osu050 "
                   "or a file): STA Fmax, area, energy per op at Fmax")
    p.add_argument("--out", default="out/fmax", help="folder for the table and plot (default out/fmax)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _depths(spec: str) -> list[int]:
    m = re.fullmatch(r"\s*(\d+)\s*(?:\.\.\s*(\d+))?\s*", spec)
    if not m:
        raise ParamError(f"--pipeline must look like 0..P (or a single depth), not {spec[:40]!r}")
    lo, hi = int(m.group(1)), int(m.group(2) if m.group(2) is not None else m.group(1))
    if hi < lo or hi > 16:
        raise ParamError(f"--pipeline must be LO..HI with LO <= HI <= 16, not {spec[:40]!r}")
    return list(range(lo, hi + 1))


def run(args):
    unit = get_unit(args.unit)
    raw = parse_assignments(args.param)
    if "pipeline" in raw:
        raise ParamError("-p pipeline=... is set by --pipeline, not by -p")
    params = unit.resolve(raw)
    if "pipeline" not in params:
        raise ParamError(f"unit {unit.name!r} has no 'pipeline' parameter; units with one: see `hwgen list`")
    depths = _depths(args.pipeline)
    for d in depths:
        unit.resolve({**params, "pipeline": d})  # every depth is valid before any tool runs
    target = args.target or ("none" if args.liberty else "ice40")
    target = None if target == "none" else target
    if target is None and not args.liberty:
        raise ParamError("--target none needs --liberty (otherwise nothing is measured)")
    device, package = parse_device(target, args.device) if target else (None, None)
    if args.pnr_seed < 0:
        raise ParamError(f"--pnr-seed must be a non-negative integer, not {args.pnr_seed}")
    liberty = None
    if args.liberty:
        liberty = str(resolve_liberty(args.liberty))
        if (reason := sta_missing_reason()):
            raise ToolError(reason)
    rows = fmax_rows(unit, params, depths, FmaxBackends(target, device, package, args.pnr_seed, liberty,
                                                        folders=args.settings))
    base = unit.module_name({**params, "pipeline": 0}).removesuffix("_p0")
    out = Path(args.out)
    table = fmax_table(rows)
    files = [atomic_write_text(out / f"{base}.md", f"# Fmax by pipeline depth: {base}\n\n{table}"),
             plot_fmax(rows, f"{base}: Fmax and area by pipeline depth", out / f"{base}.png")]
    if args.json:
        print_json({"unit": unit.name, "params": {k: v for k, v in params.items() if k != "pipeline"},
                    "rows": rows, "files": [str(f) for f in files]})
        return 0
    print(table, end="")
    for f in files:
        print(f)
    return 0
