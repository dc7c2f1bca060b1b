"""`hwgen export-lut`: the 2^16-entry product table of an 8-bit two-operand unit, for DNN-framework
emulators (AdaPT, TransAxx, TFApprox, ApproxTrain), with a JSON sidecar saying what it is."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from hwgen.commands.common import add_unit_arguments, unit_and_params
from hwgen.params import ParamError

NAME = "export-lut"
HELP = "write the 65,536 products of an 8-bit two-operand unit (golden model) as npy, C header or raw binary"


def add_arguments(p):
    from hwgen.lut import FORMATS
    add_unit_arguments(p)
    p.add_argument("--format", required=True, choices=FORMATS,
                   help="npy: int array (256, 256) [code(a), code(b)]; c: header with a static const array; "
                        "bin: raw little-endian entries")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                   help="output file; the JSON sidecar goes to FILE.json")
    p.add_argument("--symbol", default=None,
                   help="C array name (default: hwgen_lut_<module name>); --format c only")


def run(args):
    from hwgen.atomic import atomic_write_bytes, atomic_write_text
    from hwgen.lut import encode, lut_spec, metadata, product_table

    unit, params = unit_and_params(args)
    spec = lut_spec(unit, params)
    symbol = args.symbol or f"hwgen_lut_{unit.module_name(params)}"
    if args.symbol is not None and args.format != "c":
        raise ParamError(f"--symbol applies to --format c only, not {args.format}")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", symbol):
        raise ParamError(f"--symbol must be a C identifier, not {symbol[:80]!r}")
    out: Path = args.output
    if out.is_dir():
        raise ParamError(f"-o {str(out)[:80]!r} is a directory; give a file name")
    if not out.parent.exists() and out.parent != Path(""):
        raise ParamError(f"-o {str(out)[:80]!r}: the folder {str(out.parent)[:80]!r} does not exist")
    table = product_table(unit, spec)
    data = encode(table, spec, args.format, symbol)
    meta = metadata(spec, args.format, symbol if args.format == "c" else None)
    meta["file"] = out.name
    try:
        atomic_write_bytes(out, data)
        atomic_write_text(out.with_name(out.name + ".json"), json.dumps(meta, indent=2, sort_keys=True) + "\n")
    except OSError as e:
        raise ParamError(f"-o {str(out)[:80]!r} cannot be written: {e.strerror}") from None
    print(f"wrote {out} ({len(data):,} bytes, {table.size} x {spec.dtype.name}, {meta['index_order']}) "
          f"and {out.name}.json", file=sys.stderr)
    return 0
