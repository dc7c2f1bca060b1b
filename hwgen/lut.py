"""Product tables for DNN-framework emulators: the 2^16 products of an 8-bit two-operand unit, taken
from its golden model (the model that verifies the RTL), in a stated index order.

AdaPT, TransAxx, TFApprox and ApproxTrain emulate an approximate multiplier by a lookup table; this module
writes that table so they use exactly the products hwgen verified.

Index order: ``index = code(a) * 256 + code(b)``, where an operand's code is its 8-bit pattern as an
unsigned integer: the value itself for an unsigned port, the two's complement pattern for a signed port
(value ``v`` -> ``v & 0xFF``; code ``c`` -> ``c - 256`` when ``c >= 128``). ``table.reshape(256, 256)`` is
then ``T[code(a), code(b)]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from hwgen.params import ParamError

__all__ = ["FORMATS", "OPERAND_BITS", "LutSpec", "lut_spec", "product_table", "index_of", "encode",
           "metadata", "table_model"]

FORMATS = ("npy", "c", "bin")
OPERAND_BITS = 8
INDEX_ORDER = "index = code(a) * 256 + code(b); code(x) = x & 0xFF (the 8-bit pattern of x)"


@dataclass(frozen=True)
class LutSpec:
    """What the table of one unit configuration is: its operand and output ports."""

    unit: str
    params: dict
    a_signed: bool
    b_signed: bool
    out: str
    out_width: int
    out_signed: bool

    @property
    def dtype(self) -> np.dtype:
        """The narrowest little-endian integer type that holds every output."""
        for bits in (8, 16, 32, 64):
            if self.out_width <= bits:
                return np.dtype(f"<{'i' if self.out_signed else 'u'}{bits // 8}")
        raise ParamError(f"output {self.out!r} of {self.unit} is {self.out_width} bits; at most 64 fit a table")


def lut_spec(unit, params: Mapping[str, Any]) -> LutSpec:
    """The table's description, or ParamError unless ``unit`` with ``params`` (validated) is
    combinational with exactly two 8-bit scalar inputs and one scalar output."""
    from hwgen.ports import ports_of
    component = unit.build(params)
    ports = ports_of(component)
    # Only its ports are wanted: tell Amaranth the component is deliberately never elaborated (else it
    # warns "created but never used" when the object is collected).
    component._MustUse__silence = True
    ins = [p for p in ports if p.direction == "in"]
    outs = [p for p in ports if p.direction == "out"]
    shape = ", ".join(f"{p.name}:{p.width}" for p in ins) + " -> " + ", ".join(f"{p.name}:{p.width}" for p in outs)
    if (unit.sequential or len(ins) != 2 or len(outs) != 1 or any(p.shape or p.width != OPERAND_BITS for p in ins)
            or outs[0].shape):
        raise ParamError(f"export-lut needs a combinational unit with two 8-bit operands and one output; "
                         f"{unit.name} with these parameters has {shape}"[:200]
                         + (" (sequential)" if unit.sequential else ""))
    a, b = ins
    if (a.name, b.name) != ("a", "b"):
        raise ParamError(f"export-lut needs operand ports named a and b; {unit.name} has {a.name}, {b.name}")
    return LutSpec(unit.name, dict(params), a.signed, b.signed, outs[0].name, outs[0].width, outs[0].signed)


def _values(signed: bool) -> np.ndarray:
    """Operand value of each code 0..255."""
    c = np.arange(256, dtype=np.int64)
    return np.where(c >= 128, c - 256, c) if signed else c


def index_of(spec: LutSpec, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Table index of operand values ``a``, ``b`` (the stated order)."""
    return (np.asarray(a, dtype=np.int64) & 0xFF) * 256 + (np.asarray(b, dtype=np.int64) & 0xFF)


def product_table(unit, spec: LutSpec) -> np.ndarray:
    """The 65,536 outputs of the golden model in index order, as ``spec.dtype``."""
    a = np.repeat(_values(spec.a_signed), 256)
    b = np.tile(_values(spec.b_signed), 256)
    p = np.asarray(unit.model(spec.params, {"a": a, "b": b})[spec.out], dtype=np.int64)
    info = np.iinfo(spec.dtype)
    if p.min() < info.min or p.max() > info.max:  # the model disagrees with its own port width
        raise RuntimeError(f"{spec.unit} model output outside {spec.dtype}: {p.min()}..{p.max()}")
    return p.astype(spec.dtype)


def metadata(spec: LutSpec, fmt: str, symbol: str | None = None) -> dict:
    """The JSON sidecar (and the C header's comment)."""
    from hwgen import __version__

    def operand(signed):
        return {"bits": OPERAND_BITS, "signed": signed,
                "code": "two's complement pattern: value = code - 256 if code >= 128" if signed
                else "unsigned: value = code"}
    d = {"unit": spec.unit, "params": spec.params, "hwgen_version": __version__, "format": fmt,
         "entries": 1 << (2 * OPERAND_BITS), "shape": [256, 256], "index_order": INDEX_ORDER,
         "operands": {"a": operand(spec.a_signed), "b": operand(spec.b_signed)},
         "output": {"port": spec.out, "bits": spec.out_width, "signed": spec.out_signed},
         "dtype": spec.dtype.name, "byte_order": "little" if fmt != "c" else None,
         "source": "the unit's golden model (the model hwgen verifies the RTL against)"}
    if symbol:
        d["symbol"] = symbol
    return d


def _c_type(dt: np.dtype) -> str:
    return f"{'int' if dt.kind == 'i' else 'uint'}{dt.itemsize * 8}_t"


def encode(table: np.ndarray, spec: LutSpec, fmt: str, symbol: str) -> bytes:
    """File contents (byte-identical run to run)."""
    if fmt == "bin":
        return table.astype(spec.dtype).tobytes()
    if fmt == "npy":
        import io
        buf = io.BytesIO()
        np.save(buf, table.astype(spec.dtype).reshape(256, 256), allow_pickle=False)
        return buf.getvalue()
    if fmt == "c":
        meta = json.dumps(metadata(spec, fmt, symbol), indent=2, sort_keys=True).replace("*/", "* /")
        guard = symbol.upper() + "_H"
        rows = [", ".join(str(int(v)) for v in table[i:i + 16]) for i in range(0, table.size, 16)]
        body = ",\n    ".join(rows)
        return (f"/* Product table generated by hwgen (do not edit).\n{meta}\n*/\n"
                f"#ifndef {guard}\n#define {guard}\n#include <stdint.h>\n\n"
                f"/* {symbol}[code(a) * 256 + code(b)], code(x) = x & 0xFF */\n"
                f"static const {_c_type(spec.dtype)} {symbol}[{table.size}] = {{\n    {body}\n}};\n\n"
                f"#endif /* {guard} */\n").encode()
    raise ParamError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def table_model(spec: LutSpec, table: np.ndarray):
    """A golden-model stand-in that answers from ``table``: verification with it compares the RTL with
    the exported table itself (``dataclasses.replace(unit, model=table_model(...))``)."""
    def model(params, vec):
        return {spec.out: table[index_of(spec, vec["a"], vec["b"])].astype(np.int64)}
    return model
