"""Verification of generated Verilog against the golden models, through cocotb on a simulator."""

from hwgen.verify.check import VerifyOptions, VerifyResult, verify, verify_design

__all__ = ["VerifyOptions", "VerifyResult", "verify", "verify_design"]
