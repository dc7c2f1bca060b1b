"""Synthesis with Yosys: gate counts, NAND2 gate-equivalents, transistors, depth, FPGA resources."""

from hwgen.synth.design import file_design, parse_extra, unit_design, yosys_mul_design
from hwgen.synth.flow import TARGETS, Design, SynthResult, synthesize
from hwgen.synth.netlist import Netlist, load_netlist
from hwgen.synth.weights import GE_WEIGHTS, area_ge, parse_transistors
from hwgen.synth.yosys import run_yosys, yosys_version

__all__ = ["TARGETS", "Design", "SynthResult", "synthesize", "unit_design", "file_design", "parse_extra",
           "yosys_mul_design", "Netlist", "load_netlist", "GE_WEIGHTS", "area_ge", "parse_transistors",
           "run_yosys", "yosys_version"]
