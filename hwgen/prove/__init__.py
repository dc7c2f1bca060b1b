"""Formal equivalence of generated designs and independent behavioural references (``hwgen prove``)."""

from hwgen.prove.equiv import DEFAULT_TIMEOUT, ProveOptions, ProveResult, prove, prove_design

__all__ = ["DEFAULT_TIMEOUT", "ProveOptions", "ProveResult", "prove", "prove_design"]
