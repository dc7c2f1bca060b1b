"""Bit-exact golden models of the float units: pure numpy on integer bit patterns, vectorised.

They never import Amaranth and share no code with the gateware (only the format description in
hwgen.numeric.float_format, which is data), so a bug in one cannot hide a bug in the other.
"""
