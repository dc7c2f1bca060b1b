"""Meta-tests: every registered unit provides everything the CLI, tests and reports rely on."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hwgen.catalog import GROUPS
from hwgen.registry import EXHAUSTIVE_LIMIT, Stimulus, Unit, all_units, get_unit

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


# -- the "how to add a unit" checklist of docs/architecture.md, item by item ------------------------------

CHECKLIST = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


@pytest.mark.parametrize("unit", UNITS, ids=IDS)
def test_declaration_follows_the_checklist(unit: Unit, seed):
    """Each declaration states signedness in one vocabulary, its energy streams, its outputs per instance,
    and lives in its family folder with a numpy model (the layer contract checks the model's imports)."""
    params = unit.resolve({})
    assert isinstance(unit.is_signed(params), bool)
    assert set(unit.streams) <= {"cnn", "uniform"}
    for kind, fn in unit.streams.items():
        vec = fn(params, np.random.default_rng(seed), 8)
        assert vec and all(len(np.asarray(v)) == 8 for v in vec.values()), kind
    assert unit.outputs_per_instance(params) >= 1
    family = unit.build.__module__.split(".")
    assert family[:2] == ["hwgen", "units"] and len(family) >= 3, unit.build.__module__
    assert unit.model.__module__.startswith(".".join(family[:3])), (unit.model.__module__, family)
    if unit.reference is not None:
        assert unit.reference.quick and callable(unit.reference.body)
    assert unit.report_group in GROUPS, unit.report_group
    assert unit.label(params) and "\n" not in unit.label(params)


def test_labels_name_what_differs_from_the_defaults():
    drum = get_unit("drum")
    assert drum.label(drum.resolve({})) == "drum width=8"
    assert drum.label(drum.resolve({"k": 4, "signedness": "sign_magnitude"})) == \
        "drum width=8, k=4, signedness=sign_magnitude"
    # Derived defaults (acc_width follows width) do not count as changes.
    mac = get_unit("mac")
    assert mac.label(mac.resolve({"width": 12, "signed": True})) == "mac width=12, signed=true"


def test_checklist_names_every_declaration_field():
    """docs/architecture.md's checklist mentions every field a declaration has, so it cannot drift."""
    text = CHECKLIST.read_text()
    missing = [f.name for f in dataclasses.fields(Unit) if f"`{f.name}`" not in text]
    assert missing == []
