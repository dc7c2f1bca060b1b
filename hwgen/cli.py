"""The ``hwgen`` command line. Each subcommand lives in its own module under :mod:`hwgen.commands`.

Exit codes: 0 success; 1 a check failed or a tool fault; 2 bad input (unknown unit or parameter, wrong
type, out of range, incompatible combination), reported in one line, with no file written.
"""

from __future__ import annotations

import argparse
import os
import sys

from hwgen import __version__
from hwgen.commands import COMMANDS
from hwgen.params import ParamError
from hwgen.settings import from_environment
from hwgen.toolchain import ToolError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors are bad input too: exit 2, one line
        self.exit(2, f"hwgen: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hwgen", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"hwgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for cmd in COMMANDS:
        p = sub.add_parser(cmd.NAME, help=cmd.HELP, description=cmd.HELP)
        cmd.add_arguments(p)
        p.set_defaults(_run=cmd.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # The one place that reads the environment: into the settings every command passes down.
        args.settings = from_environment(os.environ)
    except ValueError as e:
        print(f"hwgen: error: {e}", file=sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except ParamError as e:
        print(f"hwgen: error: {e}", file=sys.stderr)
        return 2
    except ToolError as e:
        print(f"hwgen: tool error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hwgen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as e:
        # a file or folder hwgen itself reads or writes (cache, build, output) failed: a resource fault
        where = f" {e.filename}" if e.filename else ""
        print(f"hwgen: error:{where}: {e.strerror or e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - a bug must still end in one line, not a traceback
        if os.environ.get("HWGEN_DEBUG"):
            raise
        text = str(e).splitlines()[0][:200] if str(e) else ""
        print(f"hwgen: internal error: {type(e).__name__}: {text} (HWGEN_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
