"""The float format (shared with the models) and the two record layouts that flow between the blocks (unpacked and raw)."""

from amaranth.hdl import signed
from amaranth.lib import data

from hwgen.numeric.float_format import Format

__all__ = ["FloatFormat", "check_format", "signed_for", "unpacked_layout", "raw_layout"]


def signed_for(lo: int, hi: int):
    """The narrowest signed shape holding every integer in ``lo..hi``."""
    n = 1
    while not (-(1 << (n - 1)) <= lo and hi <= (1 << (n - 1)) - 1):
        n += 1
    return signed(n)


#: The gateware's name for the shared format description.
FloatFormat = Format


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
