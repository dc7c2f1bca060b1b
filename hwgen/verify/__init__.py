"""Verification of generated Verilog against the golden models, through cocotb on a simulator."""

__all__ = ["VerifyOptions", "VerifyResult", "verify", "verify_design"]


def __getattr__(name: str):
    # lazy: the native path's worker processes import hwgen.verify.native_worker, which must not load the
    # whole verification layer (about 0.1 s per worker, measured by bench/verify_speed.py)
    if name in __all__:
        from hwgen.verify import check
        return getattr(check, name)
    raise AttributeError(f"module 'hwgen.verify' has no attribute {name!r}")
