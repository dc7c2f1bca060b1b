"""Energy proxy: gate-level simulation of the synthesized netlist on an operand stream, with toggles
weighted by cell cost, and a post-synthesis check against the golden model."""

from hwgen.energy.gatesim import GateSim, SimRun
from hwgen.energy.measure import DEFAULT_SEED, unit_energy
from hwgen.energy.proxy import (
                    DEFAULT_OPS,
                    ENERGY_UNIT,
                    EnergyResult,
                    PostSynthesisMismatch,
                    energy_from_run,
                    simulate_stream,
)
from hwgen.energy.streams import STREAMS, stream_for

__all__ = ["GateSim", "SimRun", "unit_energy", "DEFAULT_SEED", "DEFAULT_OPS", "ENERGY_UNIT",
           "EnergyResult", "PostSynthesisMismatch", "energy_from_run", "simulate_stream", "STREAMS",
           "stream_for"]
