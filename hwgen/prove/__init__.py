"""Formal equivalence of generated designs and independent behavioural references (``hwgen prove``)."""

from hwgen.prove.equiv import DEFAULT_TIMEOUT, ProveResult, prove

__all__ = ["DEFAULT_TIMEOUT", "ProveResult", "prove"]
