"""The frame around a unit's behavioural reference, for formal equivalence (``hwgen prove``).

A unit declares its reference (:class:`~hwgen.unit.FormalReference`): a Verilog module body written
from the specification (units.md), in plain behavioural Verilog (loops, functions, ``*`` avoided where the
gateware uses it), never derived from the gateware, so a proof compares two descriptions written apart.
The port declarations (and ``clk``, ``rst`` for clocked designs) come from the generated design's
manifest: the interface is the contract, the body is the independent part.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from hwgen.params import ParamError
from hwgen.registry import all_units, get_unit

__all__ = ["REFERENCE_TOP", "reference_for", "reference_units", "reference_module", "quick_configs"]

#: Module name of every reference description.
REFERENCE_TOP = "hwgen_reference"


def reference_units() -> list[str]:
    """Names of the units that declare a behavioural reference."""
    return [u.name for u in all_units() if u.reference is not None]


def _reference(unit_name: str):
    reference = get_unit(unit_name).reference
    if reference is None:
        raise ParamError(f"Unit {unit_name!r} has no behavioural reference to prove against; "
                         f"the units with one are: {', '.join(reference_units())}")
    return reference


def reference_for(unit_name: str) -> Callable[[Mapping[str, Any], dict], str]:
    """The unit's ``reference(params, ports)``; ParamError naming the units that have one when it has none."""
    return _reference(unit_name).body


def quick_configs(unit_name: str) -> tuple[dict, ...]:
    """Parameter sets whose proof takes seconds (the declaration's ``quick``, else the defaults)."""
    return tuple(dict(c) for c in _reference(unit_name).quick)


def _decl(direction: str, name: str, width: int) -> str:
    return f"  {direction} {f'[{width - 1}:0] ' if width > 1 else ''}{name};"


def reference_module(manifest: Mapping[str, Any], body: str) -> str:
    """A complete module named :data:`REFERENCE_TOP` with the design's ports around ``body``."""
    controls = [n for n in (manifest["clock"], manifest["reset"]) if n]
    ports = manifest["ports"]
    names = controls + [p["name"] for p in ports]
    lines = [f"// Behavioural reference of {manifest['module']}, written by hwgen.prove.reference "
             "(independent of the gateware).",
             f"module {REFERENCE_TOP}({', '.join(names)});"]
    lines += [_decl("input", n, 1) for n in controls]
    lines += [_decl("input" if p["direction"] == "in" else "output", p["name"], p["width"]) for p in ports]
    return "\n".join(lines) + "\n" + body.rstrip() + "\nendmodule\n"
