"""`hwgen synth`: area, depth, FPGA resources and the energy proxy of one unit, through Yosys."""

from hwgen.commands.checks import check_liberty, seed_arg
from hwgen.commands.common import add_unit_arguments, print_json, unit_and_params
from hwgen.commands.synth_real import add_real_arguments, check_real_args, print_real, real_figures, resolve_liberty_arg
from hwgen.emit import elaborate
from hwgen.energy.measure import DEFAULT_SEED, EnergyOptions, liberty_energy, unit_energy
from hwgen.energy.proxy import DEFAULT_OPS
from hwgen.energy.streams import STREAMS
from hwgen.params import ParamError
from hwgen.synth import TARGETS, synthesize, unit_design
from hwgen.synth.liberty_libs import KNOWN

#: Largest energy-proxy stream (bounded memory and time; README: resource limits).
MAX_OPS = 1 << 22

NAME = "synth"
HELP = "synthesize a unit with Yosys: cells, NAND2 gate-equivalents, transistors, depth, LUTs, energy proxy"


def add_arguments(p):
    add_unit_arguments(p)
    p.add_argument("--target", default="generic", choices=TARGETS,
                   help="generic gates (default), or an FPGA: ice40, ecp5, xilinx (7 series)")
    p.add_argument("--dsp", action="store_true", default=False,
                   help="FPGA targets: let multipliers use DSP blocks (default: --no-dsp, logic only)")
    p.add_argument("--no-dsp", dest="dsp", action="store_false")
    p.add_argument("--liberty", metavar="NAME|FILE", help="generic target: also map to this Liberty library "
                   "(osu018, osu035, osu050 or a file): area_um2, Liberty energy, OpenSTA delay and power")
    p.add_argument("--energy", action="store_true", default=True,
                   help="generic target: simulate the netlist for the energy proxy (default)")
    p.add_argument("--no-energy", dest="energy", action="store_false", help="skip the energy proxy")
    p.add_argument("--stream", default="cnn", choices=STREAMS,
                   help="operands for the energy proxy: CNN-like (default) or uniform")
    p.add_argument("--ops", type=int, default=DEFAULT_OPS,
                   help=f"operations simulated for the energy proxy (default {DEFAULT_OPS})")
    p.add_argument("--seed", type=seed_arg, default=DEFAULT_SEED, help="seed of the energy stream")
    p.add_argument("--no-cache", action="store_true", help="run Yosys even when a cached result exists")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_real_arguments(p)


def _check_args(args) -> None:
    if args.liberty and args.target != "generic":
        raise ParamError(f"--liberty applies to the generic target only, not --target {args.target}")
    if args.ops < 128 or args.ops % 64 or args.ops > MAX_OPS:
        raise ParamError(f"--ops must be a multiple of 64 in 128..{MAX_OPS}, not {args.ops}")
    if args.liberty and args.liberty not in KNOWN:  # a path the user named: checked before any work
        check_liberty(args.liberty)
    check_real_args(args)


def run(args):
    unit, params = unit_and_params(args)
    _check_args(args)
    resolve_liberty_arg(args)
    gen = elaborate(unit, params)
    design = unit_design(gen)
    result = synthesize(design, args.target, dsp=args.dsp, liberty=args.liberty,
                        use_cache=not args.no_cache, timeout=args.settings.yosys_timeout,
                        cache_dir=args.settings.cache)
    data = dict(result.data)
    if args.target == "generic" and args.energy:
        energy = EnergyOptions(args.stream, args.ops, args.seed, use_cache=not args.no_cache)
        data.update(unit_energy(gen, result, energy))
        if args.liberty:
            data.update(liberty_energy(gen, result, args.liberty, energy))
    data.update(real_figures(args, gen, design, result))
    if args.json:
        # Sorted: a figure read from the cache and a fresh one print their keys in the same order.
        print_json(data, sort_keys=True)
        return 0
    print(f"{data['module']} on {data['target']} ({data['yosys_version']})")
    print("  cells: " + ", ".join(f"{k} {v}" for k, v in data["cells"].items()))
    if args.target == "generic":
        plus = "" if data["transistors_complete"] else "+"
        print(f"  area {data['area_ge']} GE, {data['transistors']}{plus} transistors, "
              f"depth {data['depth']} gates, {data['dff']} flip-flops")
        if "area_um2" in data:
            print(f"  {data['liberty']}: {data['area_um2']} um^2 in {data['liberty_cells']} cells")
        if "energy_proxy" in data:
            print(f"  energy proxy {data['energy_proxy']} {data['energy_unit']} "
                  f"({data['post_synthesis_checked']} vectors match the golden model; stream: {data['stream']})")
        if "energy_liberty" in data:
            print(f"  {data['liberty']} energy {data['energy_liberty']} {data['energy_liberty_unit']} "
                  f"(clock {data['energy_liberty_clock']}; {data['post_synthesis_checked_liberty']} vectors match)")
    else:
        print(f"  {data['lut']} LUTs, {data['carry']} carry cells, {data['dsp']} DSPs, {data['dff']} flip-flops, "
              f"depth {data['depth']} cells")
    print_real(data)
    return 0
