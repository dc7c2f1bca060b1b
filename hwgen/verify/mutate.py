"""Mutants of a generated design, to show that a check cannot pass vacuously.

:func:`flip_output_bit` wraps the generated module: the original is renamed, and a wrapper with the
original name, ports and latency instantiates it and XORs one output bit, either always or whenever
bit 0 of an input port is 1 (so only some vectors are wrong, and the check must find which). Every
path (bulk, vector, native, on every simulator) then verifies the mutant exactly as it would the real
design; a correct check reports mismatches and fails.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from hwgen.emit import Generated
from hwgen.params import ParamError

__all__ = ["flip_output_bit", "parse_mutation"]


def _decl(direction: str, name: str, width: int) -> str:
    rng = f"[{width - 1}:0] " if width > 1 else ""
    return f"  {direction} {rng}{name};"


def _mutant(gen: Generated, port: str | None, bit: int, when: str | None) -> Generated:
    ports = gen.ports
    outs = [p for p in ports if p.direction == "out"]
    ins = [p for p in ports if p.direction == "in"]
    out = next((p for p in outs if p.name == port), None) if port else outs[0]
    if out is None:
        raise ParamError(f"--mutate: {gen.module} has no output port {port!r}; its outputs are: "
                         f"{', '.join(p.name for p in outs)}")
    if not 0 <= bit < out.width:
        raise ParamError(f"--mutate: bit {bit} is outside output port {out.name!r} "
                         f"(bits 0 .. {out.width - 1})")
    if when is not None and when not in {p.name for p in ins}:
        raise ParamError(f"--mutate: {gen.module} has no input port {when!r}; its inputs are: "
                         f"{', '.join(p.name for p in ins)}")
    core = f"{gen.module}__mutant_core"
    header = re.compile(rf"^module {re.escape(gen.module)}\(", re.M)
    text, count = header.subn(f"module {core}(", gen.verilog)
    if count != 1:
        raise RuntimeError(f"cannot find the declaration of module {gen.module} in its Verilog")
    m = gen.manifest
    controls = [n for n in (m["clock"], m["reset"]) if n]
    names = controls + [p.name for p in ports]
    cond = "1'b1" if when is None else f"{when}[0]"
    what = "always" if when is None else f"when {when}[0] is 1"
    lines = ["", f"// hwgen mutant: output bit {out.name}[{bit}] inverted {what}. A verification self-test,",
             "// never a real design.", f"module {gen.module}({', '.join(names)});"]
    lines += [_decl("input", n, 1) for n in controls]
    lines += [_decl("input" if p.direction == "in" else "output", p.name, p.width) for p in ports]
    lines.append(_decl("wire", f"{out.name}__core", out.width))
    conns = [f".{n}({n})" for n in controls] + [
        f".{p.name}({p.name}__core)" if p.name == out.name else f".{p.name}({p.name})" for p in ports]
    lines.append(f"  {core} core ({', '.join(conns)});")
    if out.width == 1:
        lines.append(f"  assign {out.name} = {out.name}__core ^ {cond};")
    else:
        lines.append(f"  wire [{out.width - 1}:0] flip = {{{{{out.width - 1}{{1'b0}}}}, {cond}}} << {bit};")
        lines.append(f"  assign {out.name} = {out.name}__core ^ flip;")
    lines += ["endmodule", ""]
    return dataclasses.replace(gen, verilog=text + "\n".join(lines))


def flip_output_bit(port: str | None = None, bit: int = 0,
                    when: str | None = None) -> Callable[[Generated], Generated]:
    """A ``transform`` for :func:`hwgen.verify.verify`: invert ``port[bit]`` (default: the first output's
    bit 0), always, or only when input ``when`` has bit 0 set."""
    return lambda gen: _mutant(gen, port, bit, when)


def parse_mutation(text: str) -> Callable[[Generated], Generated]:
    """``PORT:BIT`` or ``PORT:BIT:INPUT`` (the CLI's ``--mutate``) as a transform."""
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[1].isdigit() or not parts[0]:
        raise ParamError(f"--mutate must be PORT:BIT or PORT:BIT:INPUT (e.g. p:0 or p:0:a), not {text!r}")
    return flip_output_bit(parts[0], int(parts[1]), parts[2] if len(parts) == 3 and parts[2] else None)
