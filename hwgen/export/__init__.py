"""`hwgen export`: a self-contained package of one unit configuration for the user's own flow.

The package holds the Verilog and its manifest, vector files made by the golden model at export time, a
self-checking Verilog test bench, a standalone cocotb bench (no hwgen import), a FuseSoC CAPI2 core with
``sim`` and ``lint`` targets, a Verilator lint waiver and a README. See :mod:`hwgen.export.package`.
"""

from hwgen.export.package import Package, build_package, write_package

__all__ = ["Package", "build_package", "write_package"]
