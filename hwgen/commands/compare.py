"""`hwgen compare`: multiplier, MAC, requantizer and convolution-tile types side by side."""

import sys

from hwgen.commands.checks import check_jobs, check_liberty, check_units, check_writable_dir
from hwgen.energy.streams import STREAMS
from hwgen.evaluation import Options, Workers, run_compare
from hwgen.params import ParamError
from hwgen.synth import file_design, parse_extra
from hwgen.synth.liberty_libs import KNOWN, resolve_liberty
from hwgen.synth.sta import sta_missing_reason
from hwgen.toolchain import ToolError

NAME = "compare"
HELP = "compare units side by side (area, transistors, depth, LUTs, energy proxy, error): tables and plots"


def add_arguments(p):
    p.add_argument("--width", type=int, default=8, help="integer operand width (default 8)")
    p.add_argument("--units", nargs="+", metavar="UNIT",
                   help="only these units (names from `hwgen list`, or yosys_mul for Yosys' own a*b)")
    p.add_argument("--all", action="store_true", help="also every registered unit the default comparison misses")
    p.add_argument("--out", default="out/compare", help="output folder (default out/compare)")
    p.add_argument("--liberty", metavar="NAME|FILE", help="also map to this Liberty library (osu018, osu035, "
                   "osu050 or a file): area in um^2, Liberty energy, OpenSTA delay and energy per op")
    p.add_argument("--no-sta", action="store_true", help="with --liberty: no OpenSTA columns")
    p.add_argument("--pnr", action="store_true", help="also place and route each row on the --fpga target "
                   "(ice40 or ecp5) with nextpnr: Fmax and logic cells")
    p.add_argument("--extra", action="append", default=[], metavar="FILE.v:TOP",
                   help="add an external Verilog multiplier (two operand inputs, product output); repeatable")
    p.add_argument("--fpga", default="ice40", choices=("ice40", "ecp5", "xilinx", "none"),
                   help="FPGA target for the LUT column (default ice40; none skips it)")
    p.add_argument("--stream", default="cnn", choices=STREAMS, help="energy operand stream (default cnn)")
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed scheduler instead")


def run(args):
    if not 2 <= args.width <= 32:
        raise ParamError(f"--width must be an integer in 2..32, not {args.width}")
    check_jobs(args.jobs)
    if args.pnr and args.fpga not in ("ice40", "ecp5"):
        raise ParamError(f"--pnr needs --fpga ice40 or ecp5 (open place and route), not --fpga {args.fpga}")
    extras = [parse_extra(s) for s in args.extra]
    for path, top in extras:
        file_design(path, top)  # the file exists, reads and has that module: checked before any work
    # Bad input is exit 2 before any work: unknown units, an unreadable Liberty file, an unwritable --out.
    check_units(args.units, extra=("yosys_mul",))
    if args.liberty and args.liberty not in KNOWN:
        check_liberty(args.liberty)
    check_writable_dir(args.out, "--out")
    liberty, sta = args.liberty, False
    if liberty:
        liberty = str(resolve_liberty(liberty))
        sta = not args.no_sta
        if sta and (reason := sta_missing_reason()):
            raise ToolError(reason + " (or add --no-sta)")
    opts = Options(width=args.width, liberty=liberty, fpga=None if args.fpga == "none" else args.fpga,
                   stream=args.stream, folders=args.settings, sta=sta, pnr=args.fpga if args.pnr else None)
    command = "hwgen compare " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "hwgen compare"
    return compare_and_print(opts, units=args.units, extras=extras, out=args.out,
                             workers=Workers(args.jobs, args.scheduler), include_all=args.all,
                             command=command.strip())


def compare_and_print(opts: Options, *, out, command: str, units=None, extras=(), workers: Workers = Workers(),
                      include_all: bool = False) -> int:
    """Run the comparison, write its files, print the summary; 1 when a row failed (also used by demo)."""
    res = run_compare(opts, units=units, extras=extras, out=out, workers=workers, include_all=include_all,
                      command=command)
    rows = res["rows"]
    ok = sum(r["status"] == "ok" for r in rows)
    print(f"{ok} of {len(rows)} rows measured")
    for r in rows:
        if r["status"] != "ok":
            print(f"  {r['status']}: {r['label']}: {r.get('reason', '')}")
    for f in res["files"]:
        print(f)
    if ok == 0:
        print("FAIL: no row was measured")
        return 1
    return 1 if res["failed"] else 0
