"""`hwgen prove`: formal equivalence of the generated RTL and the independent behavioural references.

Every reference proves its quick configurations, and refutes a mutant of the design with a
counterexample whose outputs differ exactly where the mutant differs, so a proof cannot pass vacuously."""

import json
import re

import pytest

from hwgen.cli import main
from hwgen.emit import elaborate
from hwgen.prove import prove
from hwgen.prove.reference import quick_configs, reference_units
from hwgen.registry import all_units, get_unit
from hwgen.verify.mutate import flip_output_bit

REFS = reference_units()
QUICK = [pytest.param(name, cfg, id=f"{name}-{get_unit(name).module_name(get_unit(name).resolve(cfg))}")
         for name in REFS for cfg in quick_configs(name)]


def _raw(value, port):
    elems = value if port.shape else [value]
    ew = port.elem_width
    return sum((int(v) & ((1 << ew) - 1)) << (i * ew) for i, v in enumerate(elems))


def test_every_reference_belongs_to_a_registered_unit():
    assert {"mul", "mac"} <= set(REFS) <= {u.name for u in all_units()}


@pytest.mark.parametrize("name, cfg", QUICK)
def test_quick_configs_prove(name, cfg, build_root):
    r = prove(get_unit(name), cfg, timeout=120, work_root=build_root)
    assert r.status == "proved" and r.ok and r.counterexample is None, r.to_json()


@pytest.mark.parametrize("name", REFS)
def test_a_mutant_gives_a_counterexample(name, build_root):
    unit = get_unit(name)
    cfg = quick_configs(name)[0]
    gen = elaborate(unit, unit.resolve(cfg))
    ins = [p for p in gen.ports if p.direction == "in"]
    out = next(p for p in gen.ports if p.direction == "out")
    bit = out.width - 1
    r = prove(unit, cfg, timeout=120, work_root=build_root, transform=flip_output_bit(out.name, bit, ins[0].name))
    assert r.status == "counterexample" and not r.ok, r.to_json()
    cex = r.counterexample
    # the outputs at the failing step differ in exactly the inverted bit
    assert _raw(cex["design"][out.name], out) ^ _raw(cex["reference"][out.name], out) == 1 << bit
    first = cex["inputs"] if "inputs" in cex else cex["steps"][cex["step"]]
    assert _raw(first[ins[0].name], ins[0]) & 1 == 1


def test_counterexample_inputs_and_outputs_are_consistent(build_root):
    r = prove(get_unit("mul"), {"width": 4, "signed": True}, work_root=build_root,
              transform=flip_output_bit("p", 0))
    cex = r.counterexample
    a, b = cex["inputs"]["a"], cex["inputs"]["b"]
    assert -8 <= a < 8 and -8 <= b < 8
    assert cex["reference"]["p"] == a * b and cex["design"]["p"] == (a * b) ^ 1


def test_a_hard_proof_times_out(build_root):
    r = prove(get_unit("mul"), {"width": 16}, timeout=2, work_root=build_root)
    assert r.status == "timeout" and not r.ok and r.seconds < 30 and r.counterexample is None


def test_cli_json(build_root, monkeypatch, capsys):
    monkeypatch.setenv("HWGEN_BUILD_DIR", str(build_root))
    assert main(["prove", "mitchw", "-p", "w=4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"status", "unit", "params", "seconds", "counterexample"} <= set(out)
    assert out["status"] == "proved" and out["unit"] == "mitchw" and out["params"]["w"] == 4
    assert out["counterexample"] is None and out["seconds"] > 0


@pytest.mark.parametrize("argv, message", [
    (["prove", "mul", "--timeout", "0"], r"^hwgen: error: --timeout must be a number of seconds > 0, not 0\.0\n$"),
    (["prove", "nosuchunit"], r"^hwgen: error: Unknown unit 'nosuchunit'; the units are: "),
    (["prove", "wino_input", "-p", "pipeline=1"],
     r"^hwgen: error: The wino_input reference covers pipeline=0 only, not pipeline=1; pipelined designs are "
     r"checked by simulation\n$"),
])
def test_cli_bad_input_exits_2(argv, message, capsys):
    assert main(argv) == 2
    assert re.match(message, capsys.readouterr().err)


def test_cli_unit_without_reference_exits_2(capsys):
    missing = sorted({u.name for u in all_units()} - set(REFS))
    if not missing:
        pytest.skip("every registered unit has a reference")
    assert main(["prove", missing[0]]) == 2
    err = capsys.readouterr().err
    assert re.match(rf"^hwgen: error: Unit '{missing[0]}' has no behavioural reference to prove against; "
                    r"the units with one are: .*\bmul\b", err), err


@pytest.mark.slow
@pytest.mark.parametrize("cfg", [{"width": 8}, {"width": 8, "signed": True}], ids=str)
def test_8bit_multipliers_prove(cfg, build_root):
    r = prove(get_unit("mul"), cfg, timeout=600, work_root=build_root)
    assert r.status == "proved", r.to_json()
