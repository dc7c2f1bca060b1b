"""Parameter schema and validation shared by every unit.

Every parameter is checked here, before anything is built or written, with one message template:
``Parameter 'width' of unit 'mul' must be an integer in 2..64, not 100``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["ParamError", "Param", "resolve_params", "parse_assignments"]


class ParamError(ValueError):
    """A unit parameter (or a unit name) is unknown, of the wrong type, out of range or inconsistent."""


Default = Any  # a value, or a callable taking the parameters resolved so far


@dataclass(frozen=True)
class Param:
    """One parameter of a unit: name, kind, default, allowed range and a one-line doc."""

    name: str
    kind: str  # "int" | "bool" | "choice"
    default: Default
    doc: str
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    abbr: str = ""  # short tag used in module names; defaults to the name
    # A bound may depend on parameters declared earlier (e.g. w <= width).
    max_from: Callable[[Mapping[str, Any]], int] | None = field(default=None, compare=False)
    min_from: Callable[[Mapping[str, Any]], int] | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.kind not in ("int", "bool", "choice"):
            raise TypeError(f"Param kind must be 'int', 'bool' or 'choice', not {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise TypeError(f"Param {self.name!r} of kind 'choice' needs choices")

    @property
    def tag(self) -> str:
        return self.abbr or self.name

    def bounds(self, resolved: Mapping[str, Any]) -> tuple[int | None, int | None]:
        lo = self.min_from(resolved) if self.min_from else self.min
        hi = self.max_from(resolved) if self.max_from else self.max
        return lo, hi

    def allowed(self, resolved: Mapping[str, Any]) -> str:
        """Human description of the allowed values, used in error messages and `hwgen list`."""
        if self.kind == "bool":
            return "a boolean (true/false)"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        lo, hi = self.bounds(resolved)
        if lo is not None and hi is not None:
            return f"an integer in {lo}..{hi}"
        if lo is not None:
            return f"an integer >= {lo}"
        return "an integer"

    def default_for(self, resolved: Mapping[str, Any]) -> Any:
        return self.default(resolved) if callable(self.default) else self.default

    def coerce(self, unit: str, value: Any, resolved: Mapping[str, Any]) -> Any:
        """Convert a CLI string or Python value to this parameter's type and check its range."""
        def fail() -> ParamError:
            return ParamError(f"Parameter {self.name!r} of unit {unit!r} must be "
                              f"{self.allowed(resolved)}, not {value!r}")

        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
                return False
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise fail()
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return value
            raise fail()
        # int: bools are ints in Python, but "signed=True" for a width is a mistake
        if isinstance(value, bool):
            raise fail()
        if isinstance(value, str):
            try:
                value_int = int(value.strip(), 0)
            except ValueError:
                raise fail() from None
        elif isinstance(value, int):
            value_int = value
        else:
            raise fail()
        lo, hi = self.bounds(resolved)
        if (lo is not None and value_int < lo) or (hi is not None and value_int > hi):
            value = value_int
            raise fail()
        return value_int

    def to_json(self) -> dict:
        d = {"name": self.name, "kind": self.kind, "doc": self.doc}
        if self.kind == "choice":
            d["choices"] = list(self.choices)
        if self.kind == "int":
            d["min"], d["max"] = self.min, self.max
        if not callable(self.default):
            d["default"] = self.default
        return d


def resolve_params(unit: str, schema: tuple[Param, ...], given: Mapping[str, Any],
                   check: Callable[[dict], None] | None = None) -> dict[str, Any]:
    """Fill in defaults and validate ``given`` against ``schema``, in declaration order.

    Raises :class:`ParamError` naming the parameter, the value and what is allowed.
    """
    names = [p.name for p in schema]
    for name in given:
        if name not in names:
            allowed = ", ".join(names) if names else "none"
            raise ParamError(f"Unit {unit!r} has no parameter {name!r}; its parameters are: {allowed}")
    resolved: dict[str, Any] = {}
    for p in schema:
        if p.name in given:
            resolved[p.name] = p.coerce(unit, given[p.name], resolved)
        else:
            resolved[p.name] = p.coerce(unit, p.default_for(resolved), resolved)
    if check is not None:
        check(resolved)
    return resolved


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """Parse CLI ``-p NAME=VALUE`` items; a malformed item is a :class:`ParamError`."""
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParamError(f"Parameter assignment must look like NAME=VALUE, not {item!r}")
        if name.strip() in out:
            raise ParamError(f"Parameter {name.strip()!r} is given twice")
        out[name.strip()] = value.strip()
    return out
