"""`hwgen prove`: formal equivalence of the generated RTL and an independent behavioural reference."""

from hwgen.commands.common import add_unit_arguments, design_of, print_json
from hwgen.params import ParamError
from hwgen.prove import DEFAULT_TIMEOUT, ProveOptions, prove_design

NAME = "prove"
HELP = "prove the generated Verilog equal to an independent behavioural description (Yosys SAT)"


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds before the proof is abandoned and reported as timeout (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _show(values: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def run(args):
    if not 0 < args.timeout < float("inf"):  # NaN fails too
        raise ParamError(f"--timeout must be a number of seconds > 0, not {args.timeout!r}")
    r = prove_design(design_of(args), ProveOptions(timeout=args.timeout), args.settings)
    if args.json:
        print_json(r.to_json())
    else:
        print(f"{r.module}: {r.status} in {r.seconds:.1f} s ({r.method})")
        cex = r.counterexample
        if cex and "steps" in cex:
            for i, step in enumerate(cex["steps"]):
                print(f"  step {i + 1}: {_show(step)}")
            print(f"  at step {cex['step'] + 1}: reference {_show(cex['reference'])}, design {_show(cex['design'])}")
        elif cex:
            print(f"  inputs {_show(cex['inputs'])}: reference {_show(cex['reference'])}, "
                  f"design {_show(cex['design'])}")
        if r.detail:
            print(f"  {r.detail}")
        print(f"  log: {r.log}")
    return 0 if r.ok else 1
