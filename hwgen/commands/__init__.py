"""CLI subcommands. Each module defines NAME, HELP, add_arguments(parser) and run(args) -> exit code."""

from . import list_units, generate, verify, error, demo, quantize
from . import synth, compare, sweep
from . import accuracy
from . import prove
from . import export_lut

COMMANDS = (list_units, generate, verify, error, demo, quantize, synth, compare, sweep, accuracy, prove, export_lut)
