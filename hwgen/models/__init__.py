"""Bit-exact golden models: pure numpy on integer values, vectorised.

These modules never import Amaranth and share no code with the gateware, so a bug in one cannot hide
a bug in the other. Values wider than 62 bits are carried as numpy object arrays of Python ints, so no
intermediate can overflow silently.
"""
