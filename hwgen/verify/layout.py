"""Vector file layout shared by the bulk wrapper, the cocotb benches and the numpy comparison.

One text line per vector (or per clock step): fixed-width hexadecimal, one field per scalar port or per
array element, each field at most 64 bits and padded to whole hex digits. Ports wider than 64 bits are
split into 64-bit chunks. Field 0 is leftmost (most significant in the Verilog word).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwgen.ports import Port

__all__ = ["Field", "Layout", "layout_for"]

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DECODE = np.full(256, 255, dtype=np.uint8)
_DECODE[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)
_DECODE[np.frombuffer(b"ABCDEF", dtype=np.uint8)] = np.arange(10, 16, dtype=np.uint8)


@dataclass(frozen=True)
class Field:
    port: str
    element: int  # flat element index (0 for scalar ports)
    lo: int  # lowest bit of this field within the element
    width: int  # bits, at most 64
    port_lo: int  # lowest bit of this field within the flat Verilog port

    @property
    def digits(self) -> int:
        return (self.width + 3) // 4


@dataclass(frozen=True)
class Layout:
    ports: tuple[Port, ...]
    fields: tuple[Field, ...]

    @property
    def digits(self) -> int:
        return sum(f.digits for f in self.fields)

    @property
    def word_width(self) -> int:
        return 4 * self.digits

    def offsets(self) -> list[int]:
        """Lowest bit of each field within the Verilog word (field 0 is the most significant)."""
        out, pos = [], self.word_width
        for f in self.fields:
            pos -= 4 * f.digits
            out.append(pos)
        return out

    # -- numpy side ---------------------------------------------------------------------------
    def field_values(self, values: dict[str, np.ndarray], n: int) -> np.ndarray:
        """(n, fields) uint64 matrix of the raw two's complement bits of each field."""
        out = np.zeros((n, len(self.fields)), dtype=np.uint64)
        by_name = {p.name: p for p in self.ports}
        for i, f in enumerate(self.fields):
            port = by_name[f.port]
            v = np.asarray(values[f.port])
            v = v.reshape(n, -1)[:, f.element] if port.shape else v.reshape(n)
            out[:, i] = _bits(v, f.lo, f.width)
        return out

    def encode(self, values: dict[str, np.ndarray], n: int) -> bytes:
        """Hex text of ``n`` vectors, one line each."""
        fv = self.field_values(values, n)
        cols = []
        for i, f in enumerate(self.fields):
            shifts = np.arange(f.digits - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
            cols.append(_HEX[((fv[:, i:i + 1] >> shifts) & np.uint64(15)).astype(np.intp)])
        cols.append(np.full((n, 1), ord("\n"), dtype=np.uint8))
        return np.concatenate(cols, axis=1).tobytes()

    def decode(self, text: bytes, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Parse ``n`` lines; returns the (n, fields) uint64 matrix and a per-line 'unknown' flag
        (x or z bits, or a malformed line)."""
        width = self.digits
        if len(text) == n * (width + 1):  # the usual case: fixed-width lines, parsed without a loop
            raw = np.frombuffer(text, dtype=np.uint8).reshape(n, width + 1)
            if not (raw[:, width] == ord("\n")).all():
                raise ValueError(f"malformed result file: expected {width} hex digits per line")
            raw = raw[:, :width]
        else:
            lines = [ln.strip() for ln in text.split(b"\n") if ln.strip() and not ln.startswith(b"//")]
            if len(lines) != n:
                raise ValueError(f"expected {n} result lines from the simulator, got {len(lines)}")
            if any(len(ln) != width for ln in lines):
                raise ValueError(f"malformed result line: expected {width} hex digits")
            raw = np.frombuffer(b"".join(lines), dtype=np.uint8).reshape(n, width)
        nib = _DECODE[raw]
        unknown = (nib == 255).any(axis=1)
        nib = np.where(nib == 255, 0, nib).astype(np.uint64)
        out = np.zeros((n, len(self.fields)), dtype=np.uint64)
        col = 0
        for i, f in enumerate(self.fields):
            acc = np.zeros(n, dtype=np.uint64)
            for k in range(f.digits):
                acc = (acc << np.uint64(4)) | nib[:, col + k]
            out[:, i] = acc
            col += f.digits
        return out, unknown

    def port_values(self, fv_row: np.ndarray) -> dict[str, object]:
        """Decode one row of field values to port values (signed where the port is); arrays as lists."""
        raw: dict[tuple[str, int], int] = {}
        for f, v in zip(self.fields, fv_row):
            raw[(f.port, f.element)] = raw.get((f.port, f.element), 0) | (int(v) << f.lo)
        out: dict[str, object] = {}
        for p in self.ports:
            ew = p.elem_width
            elems = []
            for e in range(p.elements):
                v = raw[(p.name, e)]
                elems.append(v - (1 << ew) if p.signed and v >> (ew - 1) else v)
            out[p.name] = elems if p.shape else elems[0]
        return out


def _bits(v: np.ndarray, lo: int, width: int) -> np.ndarray:
    mask = (1 << width) - 1
    if v.dtype == object:
        return np.array([(int(x) >> lo) & mask for x in v], dtype=np.uint64)
    u = v.astype(np.int64).view(np.uint64)  # two's complement bits of negative values
    return (u >> np.uint64(lo)) & np.uint64(mask)


def layout_for(ports: list[Port]) -> Layout:
    fields = []
    for p in ports:
        ew = p.elem_width
        for e in range(p.elements):
            for lo in range(0, ew, 64):
                fields.append(Field(p.name, e, lo, min(64, ew - lo), e * ew + lo))
    return Layout(tuple(ports), tuple(fields))
