"""`hwgen pareto`: every multiplier family over its parameters, ArithsGen baselines and extra designs on one
cost-vs-error plane, with the Pareto front marked."""

import sys
from pathlib import Path

from hwgen.atomic import atomic_write_text
from hwgen.catalog import PARETO_BANDS
from hwgen.commands.checks import check_jobs, check_liberty, check_writable_dir
from hwgen.evaluation import Workers
from hwgen.evaluation.pareto import COSTS, ERROR_METRICS, LIBERTY_COSTS, STA_COSTS, ParetoOptions, pareto_points
from hwgen.params import ParamError
from hwgen.report import pareto as report
from hwgen.synth import file_design, parse_extra
from hwgen.synth.liberty_libs import KNOWN, resolve_liberty
from hwgen.synth.sta import sta_missing_reason
from hwgen.synth.yosys import yosys_version
from hwgen.toolchain import ToolError

NAME = "pareto"
HELP = "sweep every multiplier family, add ArithsGen baselines and extras, mark the cost-vs-error Pareto front"


def add_arguments(p):
    p.add_argument("--width", type=int, default=8, choices=(8, 16), help="operand width (default 8)")
    p.add_argument("--metric", default="mre", choices=ERROR_METRICS, help="error axis (default mre)")
    p.add_argument("--cost", default="num_cells", choices=COSTS, help="cost axis (default num_cells)")
    p.add_argument("--liberty", metavar="NAME|FILE", help="Liberty library for area_um2 and the OpenSTA costs "
                   "(osu018, osu035, osu050 or a file)")
    p.add_argument("--extra", action="append", default=[], metavar="FILE.v:TOP",
                   help="add an external Verilog multiplier (two operand inputs, product output); repeatable")
    p.add_argument("--no-baselines", action="store_true", help="leave out the ArithsGen baselines")
    p.add_argument("-o", "--out", default="out/pareto", help="output folder (default out/pareto)")
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed scheduler instead")


def run(args):
    check_jobs(args.jobs)
    if args.cost in LIBERTY_COSTS and not args.liberty:
        raise ParamError(f"--cost {args.cost} needs --liberty (a standard-cell library), e.g. --liberty osu018")
    extras = tuple(parse_extra(s) for s in args.extra)
    for path, top in extras:
        file_design(path, top)  # the file exists, reads and has that module: checked before any work
    if args.liberty and args.liberty not in KNOWN:
        check_liberty(args.liberty)
    check_writable_dir(args.out, "-o")
    liberty = str(resolve_liberty(args.liberty)) if args.liberty else None
    if args.cost in STA_COSTS and (reason := sta_missing_reason()):
        raise ToolError(reason)
    opts = ParetoOptions(width=args.width, metric=args.metric, cost=args.cost, liberty=liberty, extras=extras,
                         baselines=not args.no_baselines, folders=args.settings)
    command = "hwgen pareto " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "hwgen pareto"
    return pareto_and_print(opts, out=Path(args.out), command=command.strip(),
                            workers=Workers(args.jobs, args.scheduler))


def pareto_and_print(opts: ParetoOptions, *, out: Path, command: str, workers: Workers = Workers()) -> int:
    """Measure every point, write the report files, print the front; 1 when a point failed (also demo's)."""
    version = yosys_version()  # checks Yosys works before any worker starts
    points = report.mark_front(pareto_points(opts, workers), opts.metric, opts.cost)
    meta = {"command": command, "width": opts.width, "metric": opts.metric, "cost": opts.cost,
            "yosys_version": version, "liberty": Path(opts.liberty).name if opts.liberty else None}
    files = [atomic_write_text(out / "pareto.md", report.markdown(points, meta, PARETO_BANDS)),
             atomic_write_text(out / "pareto_front.md", report.markdown(points, meta, PARETO_BANDS, full=False)),
             atomic_write_text(out / "pareto.csv", report.csv_text(points)),
             atomic_write_text(out / "pareto.json", report.json_text(points, meta))]
    png = report.plot(points, opts.metric, opts.cost, out / "pareto.png")
    if png is not None:
        files.append(png)
    ok = [p for p in points if p.get("status") == "ok"]
    front = [p["design"] for p in points if p.get("on_front")]
    print(f"{len(ok)} of {len(points)} designs measured; on the front: {', '.join(front)}")
    for p in points:
        if p.get("status") != "ok":
            print(f"  not measured: {p['design']} ({p['source']}): {p.get('reason', '')}")
    for f in files:
        print(f)
    return 0 if ok and len(ok) == len(points) else 1
