"""`hwgen error`: error metrics of an approximate unit against its ideal reference."""

from hwgen.commands.checks import seed_arg
from hwgen.commands.common import add_unit_arguments, print_json, unit_and_params
from hwgen.metrics import DISTRIBUTIONS, characterise

NAME = "error"
HELP = "error metrics (MAE, WCE, MSE, EP, MRE, bias, WCRE) against the exact result"


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("--distribution", default="uniform", choices=DISTRIBUTIONS,
                   help="operand distribution when sampling (default uniform)")
    p.add_argument("--samples", type=int, default=None,
                   help="sample this many vectors even when the space is small enough to be exhaustive")
    p.add_argument("--seed", type=seed_arg, default=None, help="random seed for sampling (printed)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args):
    unit, params = unit_and_params(args)
    r = characterise(unit, params, distribution=args.distribution, samples=args.samples, seed=args.seed)
    if args.json:
        print_json(r.to_json())
        return 0
    how = "exhaustive" if r.exhaustive else f"{r.distribution}, seed {r.seed}"
    print(f"{r.module}: {r.vectors} vectors ({how})")
    print(f"  MAE {r.mae:.6g}  WCE {r.wce:.6g}  MSE {r.mse:.6g}  EP {r.ep:.4f}")
    print(f"  MRE {r.mre:.4f}  bias {r.bias:+.4f}  WCRE {r.wcre:.4f}")
    return 0
