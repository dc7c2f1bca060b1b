"""Exponential weights with a fitted base (``expfit{n}``), the fewest-bits summary per weight family, and
the cost of the decoder that turns stored codes back into multiplier operands.

Malsagov et al. claim that exponential weight levels with an optimised base reach the accuracy of linear
levels with 1-2 fewer bits; the gain is weight memory, not the multiplier. So an ``expfit{n}`` layer is
stored as n-bit codes (sign bit over an (n-1)-bit magnitude index, :mod:`hwgen.quantize` with
``base="fit"``: least squared error, per layer) and each code is decoded through a 2^n-entry level table
into a signed 8-bit operand of an exact multiply-accumulate (the ``mul`` unit). The table holds
``round(level / s)`` with ``s = max|w| / 127``: the top level is exactly 127, and small levels that round
to the same integer (or to 0) are what the 8-bit operand really sees, so the table is the hardware.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from hwgen.accuracy.engine import WeightQ

__all__ = ["OPERAND_BITS", "FAMILIES", "level_table", "expfit_weights", "fewest_bits", "decoder_verilog",
           "decoder_cost"]

#: Width of the multiplier operand the level table decodes into (signed).
OPERAND_BITS = 8
#: Weight families compared by bit count: variant prefix -> what it is.
FAMILIES = {"exp": "exponential, base 1/2 (shift MAC)", "expfit": "exponential, fitted base (table + int8 MAC)",
            "lin": "linear (int MAC)"}


def level_table(levels: np.ndarray, scale: float, bits: int) -> np.ndarray:
    """The decoder's 2^bits entries: signed ``OPERAND_BITS``-bit operand of each code (sign bit
    ``bits-1``, magnitude index below), ``round(level * qmax / scale)``."""
    qmax = (1 << (OPERAND_BITS - 1)) - 1
    mag = np.rint(np.asarray(levels, dtype=np.float64) * (qmax / scale)).astype(np.int64) if scale else \
        np.zeros(len(levels), dtype=np.int64)
    return np.concatenate([mag, -mag])  # codes 0..L-1 positive, L..2L-1 negative


def expfit_weights(bits: int):
    """A ``Scheme.weights`` function: per-layer fitted-base exponential codes decoded through the level
    table; ``ops`` and ``values`` are the decoded int8 operands, worth ``max|w| / 127`` each."""
    from hwgen.quantize import quantize

    def q(w2d):
        r = quantize(w2d, bits, method="exp", base="fit")
        table = level_table(r.levels, r.scale, bits)
        ops = table[r.codes.astype(np.int64)]
        return WeightQ(ops, ops, r.scale / ((1 << (OPERAND_BITS - 1)) - 1) if r.scale else 1.0)
    return q


def fewest_bits(records: Iterable[dict], dataset: str = "digits", tolerance: float = 0.01) -> list[dict]:
    """Per weight family, the fewest code bits whose top-1 lies within ``tolerance`` (a fraction: 0.01 is
    one point) of fp32 on the same images, or None when no measured width does. ``records``: study
    records (``variant``, ``top1``, ``delta_vs_fp32``); ``dataset`` is carried into every row so tables
    of several data sets share one shape."""
    by = {r["variant"]: r for r in records if r.get("status") == "ok"}
    rows = []
    for fam, what in FAMILIES.items():
        tried = sorted(int(name[len(fam):]) for name in by
                       if name.startswith(fam) and name[len(fam):].isdigit())
        ok = [n for n in tried if by[f"{fam}{n}"]["delta_vs_fp32"] >= -tolerance]
        best = ok[0] if ok else None
        rows.append({"dataset": dataset, "family": fam, "description": what, "bits_tried": tried,
                     "fewest_bits": best, "tolerance": tolerance,
                     "top1": by[f"{fam}{best}"]["top1"] if best else None,
                     "delta_vs_fp32": by[f"{fam}{best}"]["delta_vs_fp32"] if best else None})
    return rows


def decoder_verilog(bits: int) -> tuple[str, str]:
    """(module name, Verilog) of the level table as hardware: a 2^bits x 8-bit register file, written
    once per layer (the fitted base differs per layer, so the table cannot be a fixed ROM shared by
    every layer), read combinationally by the stored code."""
    name = f"expfit_levels_n{bits}"
    depth = 1 << bits
    text = f"""// Level table of expfit{bits}: {depth} entries x {OPERAND_BITS} bits, loaded per layer.
module {name} (
    input  wire clk,
    input  wire we,
    input  wire [{bits - 1}:0] waddr,
    input  wire [{OPERAND_BITS - 1}:0] wdata,
    input  wire [{bits - 1}:0] code,
    output wire [{OPERAND_BITS - 1}:0] w
);
    reg [{OPERAND_BITS - 1}:0] mem [0:{depth - 1}];
    always @(posedge clk) if (we) mem[waddr] <= wdata;
    assign w = mem[code];
endmodule
"""
    return name, text


def decoder_cost(bits: int, synthesize: bool = True) -> dict:
    """Size of the level table (``storage_bits``) and, with ``synthesize``, its generic-gate figures
    from the project's Yosys flow (cached by content)."""
    out = {"bits": bits, "entries": 1 << bits, "entry_bits": OPERAND_BITS,
           "storage_bits": (1 << bits) * OPERAND_BITS}
    if synthesize:
        from hwgen.synth import Design
        from hwgen.synth import synthesize as run
        name, text = decoder_verilog(bits)
        d = run(Design(label=name, top=name, sources=((f"{name}.v", text),), sequential=True)).data
        out.update(module=name, area_ge=d["area_ge"], num_cells=d["num_cells"], dff=d["dff"])
    return out


def attach_decoder_costs(records: list[dict], synthesize: bool = True) -> None:
    """Add ``decoder`` (:func:`decoder_cost`) to every ``expfit{n}`` record. A Yosys failure leaves the
    table's size alone, with the reason, rather than failing the accuracy run."""
    from hwgen.toolchain import ToolError
    for r in records:
        name = r.get("variant", "")
        if r.get("status") == "ok" and name.startswith("expfit") and name[6:].isdigit():
            try:
                r["decoder"] = decoder_cost(int(name[6:]), synthesize)
            except ToolError as e:
                r["decoder"] = dict(decoder_cost(int(name[6:]), False), synth_error=str(e))
