"""Energy proxy: gate-level simulation of the synthesized netlist on an operand stream, with toggles
weighted by cell cost, and a post-synthesis check against the golden model."""

from .gatesim import GateSim, SimRun
from .measure import DEFAULT_SEED, unit_energy
from .proxy import (DEFAULT_OPS, ENERGY_UNIT, EnergyResult, PostSynthesisMismatch, energy_from_run,
                    simulate_stream)
from .streams import STREAMS, register_stream, stream_for

__all__ = ["GateSim", "SimRun", "unit_energy", "DEFAULT_SEED", "DEFAULT_OPS", "ENERGY_UNIT",
           "EnergyResult", "PostSynthesisMismatch", "energy_from_run", "simulate_stream", "STREAMS",
           "register_stream", "stream_for"]
