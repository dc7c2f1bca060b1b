"""CLI subcommands. Each module defines NAME, HELP, add_arguments(parser) and run(args) -> exit code."""

from hwgen.commands import (
    accuracy,
    compare,
    demo,
    error,
    export,
    export_lut,
    fmax,
    generate,
    list_units,
    pareto,
    prove,
    quantize,
    sweep,
    synth,
    verify,
)

COMMANDS = (list_units, generate, verify, error, demo, quantize, synth, compare, sweep, accuracy, prove, export, fmax,
            export_lut, pareto)
