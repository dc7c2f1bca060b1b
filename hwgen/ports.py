"""Port descriptions, derived from a component's wiring signature, as the manifest records them.

Array ports (``data.ArrayLayout``) are flat vectors in Verilog: element 0 in the least significant bits,
elements row-major.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Port", "ports_of"]


@dataclass(frozen=True)
class Port:
    name: str
    direction: str  # "in" | "out"
    width: int  # total bits of the Verilog port
    signed: bool  # signedness of the value (of each element, for arrays)
    shape: tuple[int, ...] = ()  # () for a scalar port
    element_width: int | None = None

    @property
    def elements(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def elem_width(self) -> int:
        return self.element_width if self.shape else self.width

    def to_json(self) -> dict:
        d = {"name": self.name, "direction": self.direction, "width": self.width, "signed": self.signed}
        if self.shape:
            d["shape"] = list(self.shape)
            d["element_width"] = self.element_width
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Port":
        return cls(d["name"], d["direction"], d["width"], d["signed"],
                   tuple(d.get("shape", ())), d.get("element_width"))


def _describe(shape) -> tuple[tuple[int, ...], int, bool]:
    """(array shape, element width, element signedness) of an Amaranth shape or layout."""
    from amaranth.hdl import Shape  # lazy: Amaranth loads only when a design is built (keeps `hwgen --help` and `list` fast)
    from amaranth.lib import data  # lazy: Amaranth loads only when a design is built (keeps `hwgen --help` and `list` fast)

    dims: list[int] = []
    while isinstance(shape, data.ArrayLayout):
        dims.append(shape.length)
        shape = shape.elem_shape
    s = Shape.cast(shape)
    return tuple(dims), s.width, s.signed


def ports_of(component) -> list[Port]:
    from amaranth.lib import wiring  # lazy: Amaranth loads only when a design is built (keeps `hwgen --help` and `list` fast)

    out = []
    for name, member in component.signature.members.items():
        if not member.is_port:
            raise TypeError(f"Member {name!r} is not a port; units expose flat ports only")
        dims, ew, signed = _describe(member.shape)
        direction = "in" if member.flow == wiring.In else "out"
        n = 1
        for d in dims:
            n *= d
        out.append(Port(name, direction, ew * n, signed, dims, ew if dims else None))
    return out
