"""`hwgen generate`: write DIR/<module>.v and DIR/<module>.json."""

from pathlib import Path

from hwgen.commands.checks import check_writable_dir
from hwgen.commands.common import add_unit_arguments, unit_and_params
from hwgen.emit import elaborate, write_generated
from hwgen.params import ParamError

NAME = "generate"
HELP = "generate a unit's Verilog and JSON manifest"


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("-o", "--out", default="rtl_out", help="output directory (default: rtl_out/)")


def run(args):
    unit, params = unit_and_params(args)  # validated before anything is written
    check_writable_dir(args.out, "-o/--out")
    module = unit.module_name(params)
    for suffix in (".v", ".json"):
        target = Path(args.out) / f"{module}{suffix}"
        if target.is_dir():  # the pair is written all or nothing: refuse before writing either
            raise ParamError(f"-o/--out: {str(target)[:80]!r} is a folder, so {module}.v and {module}.json "
                             "cannot be written; remove it or choose another folder")
    v, m = write_generated(elaborate(unit, params), args.out)
    print(v)
    print(m)
    return 0
