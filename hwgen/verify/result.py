"""What one verification run found: vectors checked, mismatches, the first examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hwgen.unit import EXHAUSTIVE_LIMIT

__all__ = ["VerifyResult", "VerifyRun", "DEFAULT_RANDOM", "CHUNK"]

#: Random vectors (or clock steps) checked when no count is given.
DEFAULT_RANDOM = 100_000
#: Vectors per simulator launch; the bulk wrapper's memory depth.
CHUNK = EXHAUSTIVE_LIMIT


@dataclass
class VerifyResult:
    unit: str
    module: str
    params: dict
    simulator: str
    path: str
    seed: int | None
    vectors: int = 0
    mismatches: int = 0
    examples: list = field(default_factory=list)
    exhaustive: bool = False
    seconds: float = 0.0  # simulation and comparison, without the build
    build_seconds: float = 0.0

    @property
    def vectors_per_s(self) -> float:
        return self.vectors / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return self.vectors > 0 and self.mismatches == 0

    def to_json(self) -> dict:
        return {"unit": self.unit, "module": self.module, "params": self.params,
                "simulator": self.simulator, "path": self.path, "seed": self.seed,
                "vectors": self.vectors, "mismatches": self.mismatches, "exhaustive": self.exhaustive,
                "vectors_per_s": round(self.vectors_per_s, 1), "examples": self.examples,
                "ok": self.ok}


@dataclass(frozen=True)
class VerifyRun:
    """One verification, fully decided: the design, where it builds, which vectors, on what, how long.

    ``batches`` is None when the native harness enumerates the whole input space itself (count mode)."""

    gen: Any  # hwgen.emit.Generated
    build_dir: Path
    batches: list[dict] | None
    exhaustive: bool
    seed: int
    simulator: str
    path: str
    max_examples: int
    timeout: float
    progress: bool | None = None
    jobs: int = 0  # native workers (0: one per core)

    def new_result(self) -> VerifyResult:
        return VerifyResult(self.gen.unit.name, self.gen.module, self.gen.params, self.simulator, self.path,
                            self.seed, exhaustive=self.exhaustive)
