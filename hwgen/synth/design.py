"""Designs to synthesize: a registered unit's generated Verilog, or an external Verilog module."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

import hwgen_synth

from hwgen.params import ParamError
from hwgen.synth.flow import Design

__all__ = ["unit_design", "file_design", "parse_extra", "yosys_mul_design"]

_REPO_SYNTH = Path(hwgen_synth.__file__).resolve().parent  # the top-level synth/ folder


def unit_design(gen) -> Design:
    """The synthesis view of an elaborated unit (:class:`hwgen.emit.Generated`): its Verilog, no new
    elaboration."""
    return Design(label=gen.module, top=gen.module, sources=((f"{gen.module}.v", gen.verilog),),
                  unit=gen.unit.name, params=dict(gen.params), latency=gen.manifest["latency"],
                  sequential=gen.unit.sequential, ports=tuple(gen.ports))


def file_design(path: str | Path, top: str, chparams: Mapping[str, int] | None = None,
                label: str | None = None) -> Design:
    """An external Verilog file; ``top`` names its module, ``chparams`` its Verilog parameters."""
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise ParamError(f"Cannot read Verilog file {str(path)[:80]!r}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ParamError(f"Verilog file {str(path)[:80]!r} is not UTF-8 text") from None
    if not re.search(rf"\bmodule\s+{re.escape(top)}\b", text):
        raise ParamError(f"Verilog file {str(path)!r} has no module {top!r}")
    # A fixed file name in the work folder: the text, not the host path, identifies the design.
    # Only safe characters in that name: it goes unquoted into the Yosys script (spaces split it).
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", p.name)
    return Design(label=label or top, top=top, sources=((f"extra_{safe}", text),),
                  chparams=tuple(sorted((chparams or {}).items())), params=dict(chparams or {}))


def parse_extra(spec: str) -> tuple[str, str]:
    """``FILE.v:TOP`` -> (file, top)."""
    path, sep, top = spec.rpartition(":")
    if not sep or not path or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", top):
        raise ParamError(f"--extra must look like FILE.v:TOP (a Verilog file and its module), not {spec[:80]!r}")
    return path, top


def yosys_mul_design(width: int, signed: bool) -> Design:
    """The hand-written behavioural ``a*b`` of ``synth/yosys_mul.v``: Yosys' own multiplier."""
    return file_design(_REPO_SYNTH / "yosys_mul.v", "yosys_mul", {"W": width, "S": int(signed)},
                       label=f"yosys_mul_w{width}_s{int(signed)}")
