"""The real-figure options of `hwgen synth`: OpenSTA timing/power (``--liberty``) and nextpnr (``--pnr``).

Kept apart from :mod:`hwgen.commands.synth` so that command only calls four hooks: add the arguments, check
them, compute the figures, print them.
"""

from __future__ import annotations

from pathlib import Path

from hwgen.energy.measure import EnergyOptions
from hwgen.energy.sta_power import sta_figures
from hwgen.params import ParamError
from hwgen.synth.liberty_libs import resolve_liberty
from hwgen.synth.pnr import PNR_TARGETS, parse_device, place_and_route
from hwgen.synth.sta import sta_missing_reason
from hwgen.toolchain import ToolError

__all__ = ["add_real_arguments", "check_real_args", "resolve_liberty_arg", "real_figures", "print_real"]


def add_real_arguments(p) -> None:
    p.add_argument("--clock", type=float, metavar="NS",
                   help="with --liberty: clock period for slack_ns and energy_pj_per_op (default: the unit's "
                        "own minimum period, sta_delay_ns)")
    p.add_argument("--no-sta", action="store_true",
                   help="with --liberty: area and hwgen's own Liberty energy only, no OpenSTA timing and power")
    p.add_argument("--pnr", action="store_true",
                   help="FPGA targets ice40, ecp5: place and route the unit in a timing wrapper with nextpnr "
                        "(Fmax, logic cells)")
    p.add_argument("--device", metavar="DEVICE[:PACKAGE]",
                   help="with --pnr: the FPGA (ice40 default up5k:sg48, ecp5 default 25k:CABGA256)")
    p.add_argument("--pnr-seed", type=int, default=1, metavar="S", help="with --pnr: nextpnr's seed (default 1)")


def check_real_args(args) -> None:
    """Bad combinations are bad input (exit 2), checked before any tool runs."""

    if args.clock is not None:
        if not args.liberty:
            raise ParamError(f"--clock applies with --liberty only (an OpenSTA clock), not alone (got {args.clock})")
        if not 0.0 < args.clock < 1e6:
            raise ParamError(f"--clock must be a period in ns greater than 0, not {args.clock}")
    if args.pnr:
        if args.target not in PNR_TARGETS:
            raise ParamError(f"--pnr needs --target {' or '.join(PNR_TARGETS)} (open place and route), "
                             f"not --target {args.target}")
        if args.pnr_seed < 0 or args.pnr_seed >= 2 ** 31:
            raise ParamError(f"--pnr-seed must be an integer in 0..2147483647, not {args.pnr_seed}")
        parse_device(args.target, args.device)
    elif args.device is not None:
        raise ParamError(f"--device applies with --pnr only, not alone (got {args.device[:40]!r})")


def resolve_liberty_arg(args) -> None:
    """``--liberty osu018`` -> the fetched file; a missing library or OpenSTA is a tool error (exit 1)."""
    if not args.liberty:
        return

    args.liberty = str(resolve_liberty(args.liberty))
    if not args.no_sta and (reason := sta_missing_reason()):
        raise ToolError(reason + " (or add --no-sta for area and hwgen's own Liberty energy only)")


def real_figures(args, gen, design, result) -> dict:
    out: dict = {}
    if args.liberty and not args.no_sta:
        energy = EnergyOptions(args.stream, args.ops, args.seed, use_cache=not args.no_cache)
        out.update(sta_figures(gen, result, Path(args.liberty), energy, clock_ns=args.clock))
    if args.pnr:
        device, package = parse_device(args.target, args.device)
        out.update(place_and_route(design, args.target, device=device, package=package, seed=args.pnr_seed,
                                   use_cache=not args.no_cache, cache_dir=args.settings.cache))
    return out


def print_real(data: dict) -> None:
    if "sta_delay_ns" in data:
        print(f"  OpenSTA ({data['sta_engine']}): {data['sta_delay_ns']} ns critical path "
              f"{data['sta_startpoint']} -> {data['sta_endpoint']}, Fmax {data['sta_fmax_mhz']} MHz")
        slack = f", slack {data['slack_ns']} ns" if "slack_ns" in data else ""
        print(f"  power at {data['energy_clock_ns']} ns{slack}: {data['power_dynamic_uw']} uW dynamic, "
              f"{data['power_leakage_uw']} uW leakage; {data['energy_pj_per_op']} pJ/op")
    if "pnr_fits" in data:
        where = f"{data['pnr_target']} {data['device']} (seed {data['pnr_seed']}, {data['nextpnr_version']})"
        if data["pnr_fits"]:
            print(f"  place and route on {where}: Fmax {data['pnr_fmax_mhz']} MHz, {data['logic_cells']} logic "
                  f"cells, {data['luts']} LUTs, {data['carries']} carries, {data['dffs']} flip-flops "
                  f"({data['wrapper_dffs']} of them the wrapper's), {data['dsps']} DSPs")
        else:
            print(f"  place and route on {where}: {data['pnr_reason']}")
