"""`hwgen verify`: the generated RTL against its golden model, on a simulator through cocotb."""

from hwgen.commands.checks import seed_arg
from hwgen.commands.common import add_unit_arguments, print_json, unit_and_params
from hwgen.emit import elaborate
from hwgen.params import ParamError
from hwgen.toolchain import SIMULATORS
from hwgen.verify import VerifyOptions, verify_design
from hwgen.verify.check import DEFAULT_RANDOM, PATHS, check_options
from hwgen.verify.mutate import parse_mutation

NAME = "verify"
HELP = "simulate the generated Verilog and compare it with the golden model, bit for bit"


def _vectors(text: str):
    if text == "exhaustive":
        return text
    try:
        n = int(text)
    except ValueError:
        raise ParamError(f"--vectors must be 'exhaustive' or a count >= 0, not {text!r}") from None
    if n < 0:
        raise ParamError(f"--vectors must be 'exhaustive' or a count >= 0, not {text!r}")
    return n


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("--sim", default="verilator", choices=SIMULATORS, help="simulator (default verilator)")
    p.add_argument("--vectors", default=str(DEFAULT_RANDOM), metavar="exhaustive|N",
                   help=f"'exhaustive', or N seeded random vectors after the directed ones (default {DEFAULT_RANDOM})")
    p.add_argument("--seed", type=seed_arg, default=None, help="random seed (default: a fresh one, printed)")
    p.add_argument("--path", default="bulk", choices=PATHS,
                   help="bulk: HDL wrapper replays a vector memory; vector: cocotb drives each step; "
                        "native: Verilator C++ harness (the fastest; --vectors exhaustive beyond 2^20 vectors "
                        "switches bulk to native by itself)")
    p.add_argument("--timeout", type=float, default=None,
                   help="wall-clock limit in seconds of each build or simulation step (default 900)")
    p.add_argument("--mutate", default=None, metavar="PORT:BIT[:INPUT]",
                   help="self-test: invert output bit PORT[BIT] of the generated design (only when bit 0 of "
                        "INPUT is 1, if given); the check must then FAIL")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args):
    unit, params = unit_and_params(args)
    options = VerifyOptions(vectors=_vectors(args.vectors), seed=args.seed, simulator=args.sim, path=args.path,
                            timeout=args.timeout)
    check_options(unit, params, options)  # bad --vectors / --path: exit 2 before anything is elaborated
    transform = parse_mutation(args.mutate) if args.mutate else None
    r = verify_design(elaborate(unit, params), options, args.settings, transform)
    if args.json:
        print_json(r.to_json())
    else:
        kind = "exhaustive" if r.exhaustive else "directed + seeded random"
        print(f"{r.module}: {r.vectors} vectors ({kind}), {r.mismatches} mismatches, seed {r.seed}, "
              f"simulator {r.simulator} ({r.path} path), {r.vectors_per_s:,.0f} vectors/s")
        for ex in r.examples:
            print(f"  mismatch at vector {ex['index']}: inputs {ex['inputs']} expected {ex['expected']} "
                  f"got {ex['got']}")
        if r.vectors == 0:
            print("FAIL: no vector was checked")
        print("PASS" if r.ok else "FAIL")
    return 0 if r.ok else 1
