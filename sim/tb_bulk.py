"""Bulk path: the HDL wrapper replays the vector file by itself; this bench only waits for it.

Comparison happens in numpy in the parent process (hwgen.verify.check), on the file the wrapper wrote.
"""

import os

import cocotb
from cocotb.triggers import RisingEdge, with_timeout


@cocotb.test()
async def replay(dut):
    n = int(os.environ["HWGEN_TB_VECTORS"])
    latency = int(os.environ["HWGEN_TB_LATENCY"])
    # 10 ns per vector plus the reset edges: the wrapper is self-timed, so this bound cannot be
    # reached unless the wrapper is broken.
    await with_timeout(RisingEdge(dut.done), 10 * (n + latency + 4) + 100, "ns")
