"""Amaranth gateware: the units' components and the shared blocks they are built from."""
