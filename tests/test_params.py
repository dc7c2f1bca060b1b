"""Parameter validation: every message pinned, bad input exits 2 and writes nothing."""

import re
import subprocess
import sys

import pytest

from hwgen.cli import main
from hwgen.params import Param, ParamError, parse_assignments
from hwgen.registry import get_unit


@pytest.mark.parametrize("given, message", [
    ({"width": "99"}, r"^Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 99$"),
    ({"width": "1"}, r"^Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 1$"),
    ({"width": "eight"}, r"^Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 'eight'$"),
    ({"width": True}, r"^Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not True$"),
    ({"width": 8.0}, r"^Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 8\.0$"),
    ({"signed": "maybe"}, r"^Parameter 'signed' of unit 'mul' must be a boolean \(true/false\), not 'maybe'$"),
    ({"pipeline": "-1"}, r"^Parameter 'pipeline' of unit 'mul' must be an integer in 0\.\.8, not -1$"),
    ({"depth": "3"}, r"^Unit 'mul' has no parameter 'depth'; its parameters are: width, signed, pipeline$"),
])
def test_mul_parameter_errors(given, message):
    with pytest.raises(ParamError, match=message):
        get_unit("mul").resolve(given)


def test_incompatible_combination():
    with pytest.raises(ParamError, match=r"^Parameter 'acc_width' of unit 'mac' must be at least 2\*width = 16 "
                                         r"to hold one product, not 15$"):
        get_unit("mac").resolve({"width": 8, "acc_width": 15})


def test_unknown_unit():
    with pytest.raises(ParamError, match=r"^Unknown unit 'mult'; the units are: .*\bmul\b"):
        get_unit("mult")


def test_choice_message():
    p = Param("mode", "choice", "a", "mode", choices=("a", "b"))
    with pytest.raises(ParamError, match=r"^Parameter 'mode' of unit 'u' must be one of 'a', 'b', not 'c'$"):
        p.coerce("u", "c", {})


@pytest.mark.parametrize("items, message", [
    (["width"], r"^Parameter assignment must look like NAME=VALUE, not 'width'$"),
    (["=8"], r"^Parameter assignment must look like NAME=VALUE, not '=8'$"),
    (["width=8", "width=9"], r"^Parameter 'width' is given twice$"),
])
def test_assignment_syntax(items, message):
    with pytest.raises(ParamError, match=message):
        parse_assignments(items)


def test_defaults_and_derived_defaults():
    assert get_unit("mul").resolve({}) == {"width": 8, "signed": False, "pipeline": 0}
    assert get_unit("mac").resolve({"width": "12"})["acc_width"] == 2 * 12 + 16


@pytest.mark.parametrize("argv", [
    ["generate", "mul", "-p", "width=0"],
    ["generate", "nosuchunit"],
    ["generate", "mul", "-p", "colour=red"],
    ["generate", "mac", "-p", "width=8", "-p", "acc_width=4"],
    ["verify", "mul", "-p", "width=8", "--vectors", "-3"],
    ["verify", "mul", "-p", "width=16", "--vectors", "exhaustive", "--path", "vector"],
])
def test_cli_bad_input_exits_2_and_writes_nothing(argv, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(argv + (["-o", str(out)] if argv[0] == "generate" else []))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("hwgen: error: ") and err.count("\n") == 1, err
    assert not out.exists()


def test_cli_subprocess_no_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "hwgen", "generate", "mul", "-p", "width=65", "-o", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert re.fullmatch(r"hwgen: error: Parameter 'width' of unit 'mul' must be an integer in 2\.\.64, not 65\n",
                        r.stderr)
    assert list(tmp_path.iterdir()) == []
