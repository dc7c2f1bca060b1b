"""`hwgen list`: the units with their parameters, defaults and ranges."""

from ..registry import all_units
from .common import print_json

NAME = "list"
HELP = "list the units with their parameters, defaults and allowed values"


def add_arguments(p):
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _default(param, resolved):
    v = resolved[param.name]
    text = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return text + " (derived)" if callable(param.default) else text


def run(args):
    units = all_units()
    if args.json:
        print_json([{"unit": u.name, "summary": u.summary, "sequential": u.sequential,
                     "params": [p.to_json() for p in u.params]} for u in units])
        return 0
    for u in units:
        print(f"{u.name}: {u.summary}")
        resolved = u.resolve({})
        for p in u.params:
            print(f"  {p.name:<12} default {_default(p, resolved):<14} {p.allowed(resolved):<40} {p.doc}")
        print()
    return 0
