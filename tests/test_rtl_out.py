"""The committed rtl_out/ is exactly what the generator emits today (determinism over time, and a
reminder to rerun `make demo` after a gateware change)."""

import json
from pathlib import Path

import pytest

from hwgen.emit import elaborate
from hwgen.registry import get_unit

RTL_OUT = Path(__file__).resolve().parent.parent / "rtl_out"
MANIFESTS = sorted(RTL_OUT.glob("*.json"))


def test_rtl_out_is_populated():
    assert len(MANIFESTS) >= 10, "rtl_out/ should hold the demo units; run `make demo`"


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.stem)
def test_committed_file_matches_regeneration(manifest):
    man = json.loads(manifest.read_text())
    unit = get_unit(man["unit"])
    gen = elaborate(unit, unit.resolve(man["params"]))
    assert gen.manifest == man
    assert (RTL_OUT / man["verilog"]).read_text() == gen.verilog, \
        f"rtl_out/{man['verilog']} is stale: run `make demo` (or `hwgen generate`) and commit it"
