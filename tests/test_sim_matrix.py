"""Two simulators, one answer: every registered unit on Verilator and on Icarus (bulk path), with the
same seeded vectors, must give zero mismatches and byte-identical result files.

Default suite: every unit's default parameters. With ``-m slow``: a couple of sweep entries as well."""

import pytest

from hwgen.registry import all_units, get_unit
from hwgen.toolchain import simulator_available
from hwgen.verify import verify

VECTORS = 3000
needs_icarus = pytest.mark.skipif(simulator_available("icarus") is not None,
                                  reason=str(simulator_available("icarus")))


def _cases():
    cases = []
    for unit in all_units():
        seen = []
        for cfg in (({},) + tuple(unit.sweep[:2])):
            params = unit.resolve(cfg)
            if params in seen:
                continue
            seen.append(params)
            # Defaults of every unit in the default suite, except the MACs of the families added last (their
            # multipliers are in it, and each MAC build costs seconds on two simulators): those with -m slow.
            late_mac = unit.sequential and unit.name in ("drum_mac", "ilm_mac", "mitchw_ec_mac")
            marks = [pytest.mark.icarus] + ([pytest.mark.slow] if cfg or late_mac else [])
            cases.append(pytest.param(unit.name, dict(cfg), marks=marks,
                                      id=f"{unit.name}-{unit.module_name(params)}"))
    return cases


@needs_icarus
@pytest.mark.parametrize("name, cfg", _cases())
def test_verilator_and_icarus_agree(name, cfg, build_root, seed):
    unit = get_unit(name)
    runs = {sim: verify(unit, cfg, vectors=VECTORS, seed=seed, simulator=sim, path="bulk", build_root=build_root)
            for sim in ("verilator", "icarus")}
    for sim, r in runs.items():
        assert r.vectors > VECTORS and r.mismatches == 0, (sim, r.examples)
    v, i = runs["verilator"], runs["icarus"]
    assert v.vectors == i.vectors
    # The bulk path leaves the last chunk's results in its build directory: compare them byte for byte.
    files = [build_root / sim / "bulk" / r.module / "vout.hex" for sim, r in runs.items()]
    texts = [f.read_bytes() for f in files]
    assert texts[0] == texts[1] and texts[0].count(b"\n") > 0
