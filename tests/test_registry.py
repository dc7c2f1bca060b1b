"""Meta-tests: every registered unit provides everything the CLI, tests and reports rely on."""

import numpy as np
import pytest

from hwgen.registry import EXHAUSTIVE_LIMIT, Stimulus, Unit, all_units

UNITS = all_units()
IDS = [u.name for u in UNITS]


def test_units_registered():
    names = {u.name for u in UNITS}
    assert {"mul", "mac"} <= names


@pytest.mark.parametrize("unit", UNITS, ids=IDS)
def test_unit_is_complete(unit: Unit):
    assert unit.summary and unit.params
    assert callable(unit.build) and callable(unit.model) and callable(unit.latency)
    assert isinstance(unit.stimulus, Stimulus)
    assert unit.sweep, "a unit needs a sweep of representative configurations"
    assert unit.demo, "a unit needs at least one demo configuration"
    for p in unit.params:
        assert p.doc, f"parameter {p.name} has no doc"
    tags = [p.tag for p in unit.params]
    assert len(set(tags)) == len(tags), "module-name tags must be unique"


@pytest.mark.parametrize("unit", UNITS, ids=IDS)
def test_sweep_configs_resolve_to_distinct_modules(unit: Unit):
    names = [unit.module_name(unit.resolve(cfg)) for cfg in unit.sweep + unit.demo]
    assert len(set(unit.module_name(unit.resolve(cfg)) for cfg in unit.sweep)) == len(unit.sweep)
    for n in names:
        assert n.replace("_", "").isalnum() and n[0].isalpha(), n


@pytest.mark.parametrize("unit", UNITS, ids=IDS)
def test_stimulus_and_model_shapes(unit: Unit, seed):
    params = unit.resolve(unit.sweep[0])
    directed = unit.stimulus.directed(params)
    n_dir = len(next(iter(directed.values())))
    assert n_dir > 0
    rand1 = unit.stimulus.random(params, np.random.default_rng(seed), 64)
    rand2 = unit.stimulus.random(params, np.random.default_rng(seed), 64)
    for k in rand1:
        assert np.array_equal(rand1[k], rand2[k]), "random stimulus must be a function of the seed"
        assert len(rand1[k]) == 64
    out = unit.model(params, rand1)
    assert out and all(len(v) == 64 for v in out.values())
    ex = unit.stimulus.exhaustive(params)
    if ex is not None:
        assert len(next(iter(ex.values()))) <= EXHAUSTIVE_LIMIT
    if unit.sequential:
        assert ex is None


@pytest.mark.parametrize("unit", UNITS, ids=IDS)
def test_defaults_resolve(unit: Unit):
    params = unit.resolve({})
    assert set(params) == {p.name for p in unit.params}
