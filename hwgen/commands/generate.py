"""`hwgen generate`: write DIR/<module>.v and DIR/<module>.json."""

from hwgen.commands.common import add_unit_arguments, unit_and_params
from hwgen.emit import elaborate, write_generated

NAME = "generate"
HELP = "generate a unit's Verilog and JSON manifest"


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("-o", "--out", default="rtl_out", help="output directory (default: rtl_out/)")


def run(args):
    unit, params = unit_and_params(args)  # validated before anything is written
    v, m = write_generated(elaborate(unit, params), args.out)
    print(v)
    print(m)
    return 0
