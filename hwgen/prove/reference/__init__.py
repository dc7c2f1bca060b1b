"""Independent behavioural descriptions of the units, for formal equivalence (``hwgen prove``).

One module per unit, ``hwgen/prove/reference/<unit>.py``, defines ``reference(params, ports) -> str``
(``ports``: name -> :class:`~hwgen.ports.Port` of the generated design, for widths the reference does
not derive itself) and optionally ``QUICK``, parameter sets that prove in seconds. ``reference``
returns the body of a Verilog module (declarations and statements) computing the unit's outputs from
its input ports by the names the unit's ports have. It is written from the specification (units.md), in plain
behavioural Verilog (loops, functions, ``*`` avoided where the gateware uses it), never derived from
the gateware, so a proof compares two descriptions written apart. The port declarations (and ``clk``,
``rst`` for clocked designs) come from the generated design's manifest: the interface is the contract,
the body is the independent part.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Callable, Mapping

from ...params import ParamError

__all__ = ["REFERENCE_TOP", "reference_for", "reference_units", "reference_module", "quick_configs"]

#: Module name of every reference description.
REFERENCE_TOP = "hwgen_reference"



def reference_units() -> list[str]:
    """Names of the units that have a behavioural reference (modules starting with ``_`` are helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def reference_for(unit_name: str) -> Callable[[Mapping[str, Any], dict], str]:
    """The unit's ``reference(params, ports)``; ParamError naming the units that have one when it has none."""
    if unit_name not in reference_units():
        raise ParamError(f"Unit {unit_name!r} has no behavioural reference to prove against; "
                         f"the units with one are: {', '.join(reference_units())}")
    return importlib.import_module(f"{__name__}.{unit_name}").reference


def quick_configs(unit_name: str) -> tuple[dict, ...]:
    """Parameter sets whose proof takes seconds (the module's ``QUICK``, else the defaults)."""
    reference_for(unit_name)
    return tuple(getattr(importlib.import_module(f"{__name__}.{unit_name}"), "QUICK", ({},)))


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
