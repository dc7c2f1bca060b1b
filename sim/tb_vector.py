"""Per-vector path: Python drives every input and samples every output, one clock step at a time.

Slower than the bulk path, but it exercises the design's ports directly (no wrapper), which is what
protocol-level checks of sequential units want. Reads and writes the same hex vector files as the
bulk path, so one numpy comparison serves both.
"""

import json
import os

import cocotb
from cocotb.triggers import Timer


def _fields(layout):
    return [(f["port"], f["port_lo"], f["width"], f["digits"]) for f in layout]


def _split(line, fields):
    """Port raw values out of one hex line."""
    ports, pos = {}, 0
    for port, port_lo, _width, digits in fields:
        ports[port] = ports.get(port, 0) | (int(line[pos:pos + digits], 16) << port_lo)
        pos += digits
    return ports


def _join(dut, fields):
    out = []
    for port, port_lo, width, digits in fields:
        value = getattr(dut, port).value
        if not value.is_resolvable:
            out.append("x" * digits)
        else:
            raw = (value.to_unsigned() >> port_lo) & ((1 << width) - 1)
            out.append(format(raw, f"0{digits}x"))
    return "".join(out)


@cocotb.test()
async def drive(dut):
    with open(os.environ["HWGEN_TB_LAYOUT"]) as f:
        spec = json.load(f)
    ins, outs = _fields(spec["inputs"]), _fields(spec["outputs"])
    latency, clock, reset = spec["latency"], spec["clock"], spec["reset"]
    with open(os.environ["HWGEN_TB_IN"]) as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    zero = {port: 0 for port, *_ in ins}

    async def edge():
        if clock:
            getattr(dut, clock).value = 1
            await Timer(5, "ns")
            getattr(dut, clock).value = 0
            await Timer(1, "ns")

    if clock:
        getattr(dut, clock).value = 0
    for name, value in zero.items():
        getattr(dut, name).value = value
    if reset:
        getattr(dut, reset).value = 1
        await Timer(1, "ns")
        await edge()
        await edge()
        getattr(dut, reset).value = 0
    results = []
    for j in range(len(lines) + latency):
        values = _split(lines[j], ins) if j < len(lines) else zero
        for name, value in values.items():
            getattr(dut, name).value = value
        await Timer(4, "ns")
        if j >= latency:
            results.append(_join(dut, outs))
        await edge()
    with open(os.environ["HWGEN_TB_OUT"], "w") as f:
        f.write("\n".join(results) + "\n")
