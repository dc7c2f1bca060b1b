"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import json
import sys

from hwgen.emit import elaborate
from hwgen.params import parse_assignments
from hwgen.registry import get_unit

__all__ = ["add_unit_arguments", "unit_and_params", "design_of", "print_json"]


def add_unit_arguments(p) -> None:
    p.add_argument("unit", help="unit name (see `hwgen list`)")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", default=[],
                   help="set a unit parameter (repeatable)")


def unit_and_params(args):
    """Resolve the unit and validate its parameters (ParamError on anything wrong)."""
    unit = get_unit(args.unit)
    return unit, unit.resolve(parse_assignments(args.param))


def design_of(args):
    """Resolve the unit and its parameters once and elaborate the design once (ParamError on bad input):
    the object every later step (verify, synth, energy, prove) takes."""
    unit, params = unit_and_params(args)
    return elaborate(unit, params)


def print_json(obj, sort_keys: bool = False) -> None:
    json.dump(obj, sys.stdout, indent=2, sort_keys=sort_keys)
    sys.stdout.write("\n")
