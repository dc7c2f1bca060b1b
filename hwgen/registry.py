"""The unit registry: look-ups over the units that :mod:`hwgen.units.declared` lists.

The CLI, docs, tests and reports iterate this; they never name a unit themselves (the cross-unit
selections live in hwgen.catalog and hwgen.accuracy.variants).
"""

from __future__ import annotations

from hwgen.params import ParamError
from hwgen.unit import EXHAUSTIVE_LIMIT, FormalReference, Stimulus, Unit
from hwgen.units.declared import UNITS

__all__ = ["Stimulus", "FormalReference", "Unit", "get_unit", "all_units", "EXHAUSTIVE_LIMIT"]


def _index() -> dict[str, Unit]:
    index: dict[str, Unit] = {}
    for unit in UNITS:
        if unit.name in index:
            raise ValueError(f"Unit {unit.name!r} is declared twice")
        index[unit.name] = unit
    return index


_BY_NAME = _index()


def all_units() -> list[Unit]:
    return [_BY_NAME[k] for k in sorted(_BY_NAME)]


def get_unit(name: str) -> Unit:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ParamError(f"Unknown unit {name!r}; the units are: {', '.join(sorted(_BY_NAME))}") from None
