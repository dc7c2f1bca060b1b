"""The binary floating-point format, described once for the golden models and the gateware.

Like hwgen.numeric.winograd_matrices, this is shared data (field widths, bias, special encodings), not
an implementation: the models compute with numpy, the gateware builds circuits from these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

__all__ = ["Format", "BF16", "FP32"]


def _check_int(what: str, value, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be an integer in {lo}..{hi}, not {value!r}")


@dataclass(frozen=True)
class Format:
    """IEEE-754-style binary format: 1 sign bit, ``exp_bits`` exponent bits (bias 2^(exp_bits-1) - 1),
    ``man_bits`` stored mantissa bits. bfloat16 is (8, 7), fp32 (8, 23).

    Raises TypeError for widths that are not integers, ValueError outside 2..11 (exponent) or 1..30
    (mantissa).
    """

    exp_bits: int
    man_bits: int

    def __post_init__(self):
        _check_int("Exponent bits", self.exp_bits, 2, 11)
        _check_int("Mantissa bits", self.man_bits, 1, 30)

    @cached_property  # the MAC model calls these once per step
    def width(self) -> int:
        return 1 + self.exp_bits + self.man_bits

    @cached_property
    def bias(self) -> int:
        return (1 << (self.exp_bits - 1)) - 1

    @cached_property
    def emin(self) -> int:
        """Unbiased exponent of the smallest normal number."""
        return 1 - self.bias

    @cached_property
    def emax(self) -> int:
        """Unbiased exponent of the largest finite number."""
        return self.bias

    @cached_property
    def exp_all_ones(self) -> int:
        return (1 << self.exp_bits) - 1

    @cached_property
    def sign_bit(self) -> int:
        return 1 << (self.exp_bits + self.man_bits)

    @cached_property
    def inf(self) -> int:
        """+infinity; OR in :attr:`sign_bit` for -infinity."""
        return self.exp_all_ones << self.man_bits

    @cached_property
    def qnan(self) -> int:
        """The one NaN every unit returns: sign 0, exponent all ones, mantissa MSB only (0x7FC0 in bf16)."""
        return self.inf | (1 << (self.man_bits - 1))

    def __str__(self) -> str:
        return f"e{self.exp_bits}m{self.man_bits}"


BF16 = Format(8, 7)
FP32 = Format(8, 23)
