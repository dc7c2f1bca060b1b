"""Parameters that several families declare the same way (one definition, one help text)."""

from hwgen.params import Param

__all__ = ["PIPELINE", "ACC_HEADROOM", "ACC_WIDTH"]

PIPELINE = Param("pipeline", "int", 0, "register stages after the product", min=0, max=8, abbr="p")

#: Enough headroom for 2**16 maximal products.
ACC_HEADROOM = 16

ACC_WIDTH = Param("acc_width", "int", lambda p: 2 * p["width"] + ACC_HEADROOM,
                  "accumulator bits (default: 2*width+16, room for 2^16 maximal products)",
                  min=2, max=160, abbr="acc")
