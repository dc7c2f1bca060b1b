"""Float formats and the two record layouts that flow between the blocks (unpacked and raw)."""

from amaranth.hdl import signed
from amaranth.lib import data

__all__ = ["FloatFormat", "check_format", "signed_for", "unpacked_layout", "raw_layout"]


def _check_int(what: str, value, lo: int, hi: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be an integer in {lo}..{hi}, not {value!r}")


def signed_for(lo: int, hi: int):
    """The narrowest signed shape holding every integer in ``lo..hi``."""
    n = 1
    while not (-(1 << (n - 1)) <= lo and hi <= (1 << (n - 1)) - 1):
        n += 1
    return signed(n)


class FloatFormat:
    """IEEE-754-style binary format: 1 sign bit, ``exp_bits`` exponent bits (bias 2^(exp_bits-1) - 1),
    ``man_bits`` stored mantissa bits. bfloat16 is (8, 7), fp32 (8, 23).

    Raises
    ------
    TypeError, ValueError
        For widths that are not integers in 2..11 (exponent) or 1..30 (mantissa).
    """

    def __init__(self, exp_bits: int, man_bits: int):
        _check_int("Exponent bits", exp_bits, 2, 11)
        _check_int("Mantissa bits", man_bits, 1, 30)
        self.exp_bits, self.man_bits = exp_bits, man_bits

    @property
    def width(self) -> int:
        return 1 + self.exp_bits + self.man_bits

    @property
    def bias(self) -> int:
        return (1 << (self.exp_bits - 1)) - 1

    @property
    def emin(self) -> int:
        return 1 - self.bias

    @property
    def emax(self) -> int:
        return self.bias

    @property
    def exp_all_ones(self) -> int:
        return (1 << self.exp_bits) - 1

    @property
    def inf(self) -> int:
        return self.exp_all_ones << self.man_bits

    @property
    def qnan(self) -> int:
        """The canonical quiet NaN: sign 0, exponent all ones, mantissa MSB only."""
        return self.inf | (1 << (self.man_bits - 1))

    def __eq__(self, other):
        return isinstance(other, FloatFormat) and (self.exp_bits, self.man_bits) == (other.exp_bits,
                                                                                     other.man_bits)

    def __hash__(self):
        return hash((self.exp_bits, self.man_bits))

    def __repr__(self):
        return f"FloatFormat({self.exp_bits}, {self.man_bits})"


def check_format(fmt, ftz, what: str = "Format") -> None:
    """The constructor check every float block shares: a :class:`FloatFormat` and a boolean ``ftz``."""
    if not isinstance(fmt, FloatFormat):
        raise TypeError(f"{what} must be a FloatFormat, not {fmt!r}")
    if not isinstance(ftz, bool):
        raise TypeError(f"Flush-to-zero must be a bool, not {ftz!r}")


def unpacked_layout(fmt: FloatFormat, ftz: bool) -> data.StructLayout:
    """An operand split up: ``value = (-1)^sign * sig * 2^(exp - man_bits)``, ``sig`` normalised (top bit
    set) for every nonzero finite value, subnormals included (their ``exp`` goes below ``emin``).
    ``sig`` is 0 for zeros; ``exp`` and ``sig`` mean nothing for infinities and NaNs."""
    lo = fmt.emin - (0 if ftz else fmt.man_bits)
    return data.StructLayout({
        "sign": 1, "exp": signed_for(lo - 1, fmt.emax + 1), "sig": fmt.man_bits + 1,
        "zero": 1, "inf": 1, "nan": 1})


def raw_layout(exp_shape, sig_width: int) -> data.StructLayout:
    """The result of a raw operation, before normalisation and rounding:
    ``value = (-1)^sign * (sig + s) * 2^(exp - point)`` with ``point`` a property of the core that made
    it and ``0 < s < 1`` when ``sticky`` (bits were dropped below ``sig``). ``zero``, ``inf`` and ``nan``
    override the value; ``sign`` is the sign of the zero or infinity too."""
    return data.StructLayout({
        "sign": 1, "exp": exp_shape, "sig": sig_width, "sticky": 1, "zero": 1, "inf": 1, "nan": 1})
