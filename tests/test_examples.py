"""examples/: an Amaranth design of the user's own with two hwgen components, simulated and converted."""

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mitchw_mac_requant.py"


def _load():
    spec = importlib.util.spec_from_file_location("mitchw_mac_requant", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_simulates_bit_exact_and_converts(tmp_path, capsys):
    ex = _load()
    assert ex.main(["--out", str(tmp_path), "--steps", "200", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "200 steps (seed 5), 0 mismatches" in out
    text = (tmp_path / "dot_product_requant.v").read_text()
    assert "module dot_product_requant(" in text
    assert "dot_product_requant.mac" in text and "dot_product_requant.requant" in text


def test_example_check_can_fail():
    """The same simulation against a requantizer model with another shift must disagree."""
    ex = _load()
    dut = ex.DotProductRequant()
    vec = ex.stimulus(8, 200, 5)
    got = np.asarray(ex.simulate(dut, vec))
    assert (got == ex.expected(dut.mac_params, dut.requant_params, vec)).all() and got.any()
    other = dict(dut.requant_params, shift=dut.requant_params["shift"] - 1)
    assert (got != ex.expected(dut.mac_params, other, vec)).any()
