"""The unit families: one folder each, holding everything hwgen knows about its units.

A family folder has the declaration (its ``__init__``: the :class:`~hwgen.unit.Unit` objects and their
``UNITS`` tuple), ``model`` (numpy golden model, never Amaranth), ``gateware`` (Amaranth components),
``stimuli``, ``streams`` (energy-proxy operand streams) and the behavioural references for
``hwgen prove``. Adding a family means adding its folder and one line in :mod:`hwgen.units.declared`
(docs/architecture.md). This package imports nothing itself: a worker process that loads one golden
model (``hwgen.units.intmul.model``) does not load every family.
"""
