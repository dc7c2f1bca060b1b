"""Mutation checks: for every registered unit, a design with one output bit inverted must fail
verification, so no check can pass vacuously. The mutant wraps the generated module (see
hwgen.verify.mutate) and inverts the bit whenever bit 0 of the first input port is 1, so only some
vectors are wrong and the comparison must find which."""

import pytest

from hwgen.cli import main
from hwgen.emit import elaborate
from hwgen.registry import all_units, get_unit
from hwgen.verify import verify
from hwgen.verify.mutate import flip_output_bit

UNITS = [u.name for u in all_units()]


def _ports(unit):
    gen = elaborate(unit, unit.resolve({}))
    ins = [p for p in gen.ports if p.direction == "in"]
    outs = [p for p in gen.ports if p.direction == "out"]
    return ins, outs


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_catches_an_inverted_output_bit(name, build_root, seed):
    unit = get_unit(name)
    ins, outs = _ports(unit)
    # The top bit of the first output, conditional on the first data input: some vectors fail.
    out = outs[0]
    mutant = flip_output_bit(out.name, out.width - 1, ins[0].name)
    r = verify(unit, {}, vectors=2000, path="native", seed=seed, build_root=build_root, transform=mutant)
    assert r.vectors >= 2000 and 0 < r.mismatches < r.vectors and not r.ok, (r.vectors, r.mismatches)
    ex = r.examples[0]
    assert ex["expected"] != ex["got"]


@pytest.mark.parametrize("argv", [
    ["verify", "mul", "--mutate", "p:0", "--vectors", "exhaustive"],
    ["verify", "mac", "--mutate", "acc:7:b", "--vectors", "3000"],
])
def test_cli_mutant_fails_with_exit_1(argv, build_root, monkeypatch, capsys):
    monkeypatch.setenv("HWGEN_BUILD_DIR", str(build_root))
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "mismatch at vector" in out and out.rstrip().endswith("FAIL")


@pytest.mark.parametrize("spec, message", [
    ("q:0", r"^hwgen: error: --mutate: mul_w8_s0_p0 has no output port 'q'; its outputs are: p\n$"),
    ("p:16", r"^hwgen: error: --mutate: bit 16 is outside output port 'p' \(bits 0 \.\. 15\)\n$"),
    ("p", r"^hwgen: error: --mutate must be PORT:BIT or PORT:BIT:INPUT \(e\.g\. p:0 or p:0:a\), not 'p'\n$"),
])
def test_cli_bad_mutation_exits_2(spec, message, capsys):
    assert main(["verify", "mul", "--mutate", spec]) == 2
    assert __import__("re").match(message, capsys.readouterr().err)
