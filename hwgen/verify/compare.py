"""The one comparator against the golden model, shared by every path that checks outputs: the bulk and
per-vector cocotb paths, the native harness, and the post-synthesis check of the energy proxy.

Everything is in one vector format (hwgen.verify.layout): an (n, fields) uint64 matrix of the raw two's
complement bits of each output field. A row is a mismatch when any field differs, or when the simulator
reported an unknown (x/z) bit in it; rows that no cycle observed (the pipeline tail of a gate-level run)
are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hwgen.verify.layout import Layout

__all__ = ["Comparison", "Comparator"]


@dataclass
class Comparison:
    """Mismatching rows of one compared chunk: their number, their first indices (``base`` added) and a
    readable example for each of those (inputs, expected and got, by port)."""

    checked: int
    mismatches: int
    indices: list[int] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Comparator:
    """Compares output fields for one design: its input and output layouts, and how many readable
    examples a comparison keeps."""

    ins: Layout
    outs: Layout
    max_examples: int = 5

    def compare(self, want: np.ndarray, got: np.ndarray, inputs: dict, *, base: int = 0,
                unknown: np.ndarray | None = None, observed: np.ndarray | None = None,
                max_examples: int | None = None) -> Comparison:
        """Compare ``got`` with ``want`` ((n, fields) uint64 in ``outs``'s field order; ``got`` may also be
        a list of per-field columns, as the native harness returns them, which saves a copy) for the input
        vectors ``inputs`` (port -> n values); ``unknown`` rows are mismatches, rows not ``observed`` are
        left out; indices are offset by ``base``."""
        keep = self.max_examples if max_examples is None else max_examples
        if isinstance(got, np.ndarray):
            bad = (got != want).any(axis=1)
        else:  # columns: compared field by field, in place
            bad = np.zeros(len(want), dtype=bool)
            for i, col in enumerate(got):
                bad |= want[:, i] != col
        if unknown is not None:
            bad |= unknown
        if observed is not None:
            bad &= observed
        checked = int(observed.sum()) if observed is not None else len(want)
        idx = np.flatnonzero(bad)
        result = Comparison(checked, len(idx))
        if len(idx) and keep > 0:
            pick = idx[:keep]
            vin = self.ins.field_values({k: np.asarray(v)[pick] for k, v in inputs.items()}, len(pick))
            for j, i in enumerate(pick):
                is_unknown = unknown is not None and bool(unknown[i])
                result.indices.append(base + int(i))
                result.examples.append({
                    "index": base + int(i), "inputs": self.ins.port_values(vin[j]),
                    "expected": self.outs.port_values(want[i]),
                    "got": "unknown (x/z)" if is_unknown else self.outs.port_values(self._row(got, i))})
        return result

    @staticmethod
    def _row(got, i: int) -> np.ndarray:
        if isinstance(got, np.ndarray):
            return got[i]
        return np.array([c[i] for c in got], dtype=np.uint64)
