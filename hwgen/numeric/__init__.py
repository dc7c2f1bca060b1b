"""Shared numpy helpers that the unit declarations, golden models and streams build on: integer
operations, stimulus helpers, operand-stream building blocks, the float format and the Winograd
matrices. Pure numpy: never Amaranth, never gateware (a layer contract checks this)."""
