"""The whole input space of a combinational unit as one flat index, decoded chunk by chunk.

Beyond :data:`hwgen.registry.EXHAUSTIVE_LIMIT` a unit's stimulus does not enumerate its inputs, so the
native exhaustive path enumerates the cartesian product of the input ports' raw bit patterns itself:
index ``x`` carries field 0 of the input layout in its most significant bits (the first port varies
slowest), each field's raw bits in two's complement for signed ports, raw patterns for float formats.
The native harness decodes the same index in C++ (``set_counter``), so the two sides agree by
construction, and any chunk ``[lo, lo + n)`` can be checked on its own.
"""

from __future__ import annotations

import numpy as np

from hwgen.verify.layout import Layout
from hwgen.verify.native_ports import counter_offsets

__all__ = ["space_bits", "decode_index"]


def space_bits(inputs: Layout) -> int:
    """log2 of the number of input vectors."""
    return sum(f.width for f in inputs.fields)


def decode_index(inputs: Layout, lo: int, n: int) -> dict[str, np.ndarray]:
    """Port values (signed where the port is; shape (n, *shape) for arrays) of indices lo .. lo+n-1."""
    if space_bits(inputs) > 62:
        raise ValueError("an exhaustive input space must have at most 62 bits")
    x = np.arange(lo, lo + n, dtype=np.int64)
    offs = counter_offsets(inputs)
    out: dict[str, np.ndarray] = {}
    for port in inputs.ports:
        ew = port.elem_width
        elems = []
        for f, off in zip(inputs.fields, offs):
            if f.port != port.name:
                continue
            # every element fits one field: the space has at most 62 bits
            v = (x >> np.int64(off)) & np.int64((1 << f.width) - 1)
            if port.signed:
                v = v - ((v >> np.int64(ew - 1)) << np.int64(ew))
            elems.append(v)
        if port.shape:
            out[port.name] = np.stack(elems, axis=1).reshape((n, *port.shape))
        else:
            out[port.name] = elems[0]
    return out
