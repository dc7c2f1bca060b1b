"""hwgen: generator of synthesizable RTL for approximate multiply-accumulate units."""

__version__ = "0.1.0"
__all__ = ["__version__"]
