"""`hwgen export`: a self-contained package of one configuration (or of every demo configuration, as one
FuseSoC library) for the user's own flow: Verilog, manifest, vectors, Verilog and cocotb benches, FuseSoC
core, lint waiver, README. Everything is validated and built before the first file is written."""

from __future__ import annotations

from pathlib import Path

from hwgen import __version__
from hwgen.atomic import atomic_write_text, check_writable_dir
from hwgen.commands.checks import short_path
from hwgen.export.package import build_package, write_package
from hwgen.export.readme import library_readme
from hwgen.export.vectors import parse_vectors
from hwgen.params import ParamError, parse_assignments
from hwgen.registry import all_units, get_unit

NAME = "export"
HELP = "export a unit as a self-contained package: Verilog, benches (Verilog, cocotb), FuseSoC core"


def add_arguments(p):
    p.add_argument("unit", nargs="?", help="unit name (see `hwgen list`); omit with --all-demo")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", default=[],
                   help="set a unit parameter (repeatable)")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory of the package (or library)")
    p.add_argument("--vectors", default=None, metavar="N|exhaustive",
                   help="random vectors (clock steps for a MAC) after the directed ones, or 'exhaustive' "
                        "(default: exhaustive for combinational units with at most 2^16 input vectors, "
                        "else 10000)")
    p.add_argument("--seed", type=int, default=1, help="seed of the random vectors (default 1)")
    p.add_argument("--all-demo", action="store_true",
                   help="export every unit's demo configurations, one folder and FuseSoC core each")


def _one(args):
    unit = get_unit(args.unit)
    params = unit.resolve(parse_assignments(args.param))
    pkg = build_package(unit, params, parse_vectors(args.vectors), args.seed)
    _check_targets(Path(args.out), pkg.files)
    write_package(pkg, args.out)
    kind = "exhaustive" if pkg.exhaustive else f"seed {args.seed}"
    print(f"{args.out}: {pkg.core}, {pkg.vectors} vectors ({kind})")
    return 0


def _all_demo(args):
    if args.unit or args.param or args.vectors is not None:
        raise ParamError("--all-demo exports the demo configurations with automatic vectors; "
                         "give no UNIT, -p or --vectors with it")
    pkgs, rows = [], []
    for unit in all_units():
        for cfg in unit.demo:
            pkg = build_package(unit, unit.resolve(cfg), None, args.seed)
            pkgs.append(pkg)
            kind = "exhaustive" if pkg.exhaustive else "directed + random"
            rows.append((pkg.core, f"{pkg.vectors:,} ({kind})", unit.summary))
    for pkg in pkgs:
        _check_targets(Path(args.out) / pkg.module, pkg.files)
    _check_targets(Path(args.out), {"README.md": b""})
    for pkg in pkgs:
        write_package(pkg, f"{args.out}/{pkg.module}")
        print(f"{args.out}/{pkg.module}: {pkg.core}, {pkg.vectors} vectors")
    atomic_write_text(f"{args.out}/README.md", library_readme(rows, __version__))
    print(f"{len(pkgs)} cores (seed {args.seed}) in {args.out}")
    return 0


def _check_targets(out: Path, files) -> None:
    """Before anything is written: no file of the package may land on a folder, or under a file."""
    for rel in files:
        target = out / rel
        if target.is_dir():
            raise ParamError(f"-o/--out: {short_path(target)!r} is a folder, so the package cannot be written; "
                             "remove it or choose another folder")
        for parent in target.parents:
            if parent == out.parent:
                break
            if parent.exists() and not parent.is_dir():
                raise ParamError(f"-o/--out: {short_path(parent)!r} is a file, so the package cannot be written; "
                                 "remove it or choose another folder")


def _check_args(args) -> None:
    """Bad input found before anything is built or written."""
    if args.seed < 0:
        raise ParamError(f"--seed must be an integer >= 0, not {args.seed}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ParamError(f"-o/--out must be a directory, not the existing file {str(out)[:80]!r}")
    check_writable_dir(out, "-o/--out")


def run(args):
    _check_args(args)
    if args.all_demo:
        return _all_demo(args)
    if not args.unit:
        raise ParamError("export needs a UNIT (see `hwgen list`) or --all-demo")
    return _one(args)
