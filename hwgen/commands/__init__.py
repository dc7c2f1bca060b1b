"""CLI subcommands. Each module defines NAME, HELP, add_arguments(parser) and run(args) -> exit code."""

from hwgen.commands import list_units, generate, verify, error, demo, quantize
from hwgen.commands import synth, compare, sweep
from hwgen.commands import accuracy
from hwgen.commands import prove

COMMANDS = (list_units, generate, verify, error, demo, quantize, synth, compare, sweep, accuracy, prove)
