"""Verification of generated Verilog against the golden models, through cocotb on a simulator."""

from hwgen.verify.check import VerifyResult, verify

__all__ = ["VerifyResult", "verify"]
