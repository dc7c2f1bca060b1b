"""Constructor argument checks shared by the gateware components, with Amaranth's message template:
"Width must be an integer >= 2, not 1" (TypeError for the wrong kind, ValueError for a bad value)."""

__all__ = ["check_int"]


def check_int(what: str, value, lo: int, hi: int | None = None) -> int:
    """``value`` if it is an int (not a bool) in ``lo..hi`` (``hi`` None: no upper bound)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if value < lo or (hi is not None and value > hi):
        allowed = f"in {lo}..{hi}" if hi is not None else f">= {lo}"
        raise ValueError(f"{what} must be an integer {allowed}, not {value}")
    return value
