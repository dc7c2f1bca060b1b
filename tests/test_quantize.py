"""Offline weight quantization (hwgen.quantize) and `hwgen quantize`: hand-computed cases, properties,
the base fit against brute force, the round trip of base-1/2 codes through `shift_mul`, and the CLI."""

import json
import math
import re

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.params import ParamError
from hwgen.quantize import _Sorted, dequantize, fit_base, levels_for, quantize
from hwgen.units.shiftmul.model import shift_emax, shift_mul_model, shift_weight_value

TINY = np.array([0.9, -0.5, 0.26, -0.24, 0.0, 0.1, -1.0])


def _gauss(seed, n=20_000):
    return np.random.default_rng(seed).normal(0.0, 0.05, n)


def test_exp_half_hand_computed():
    q = quantize(TINY, 3, "exp")  # levels 1, 1/2, 1/4, 0; midpoints 3/4, 3/8, 1/8
    assert q.scale == 1.0 and q.base == 0.5 and q.fit is None
    assert q.levels.tolist() == [1.0, 0.5, 0.25, 0.0]
    assert q.codes.tolist() == [0, 5, 2, 6, 3, 3, 4]  # sign bit 4; zero code 3 for 0.0 and 0.1
    assert q.weights.tolist() == [1.0, -0.5, 0.25, -0.25, 0.0, 0.0, -1.0]
    assert q.squared_error == pytest.approx(0.01 + 0.0001 + 0.0001 + 0.01, rel=1e-12)
    assert q.codes.dtype == np.uint8


def test_linear_hand_computed():
    q = quantize(TINY, 3, "linear")  # levels 0, 1/3, 2/3, 1; -0.5 is a tie between 1/3 and 2/3: goes up
    assert q.base is None and q.levels.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert q.codes.tolist() == [3, 6, 1, 5, 0, 0, 7]
    want = 0.1 ** 2 + (1 / 6) ** 2 + (0.26 - 1 / 3) ** 2 + (0.24 - 1 / 3) ** 2 + 0.1 ** 2
    assert q.squared_error == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("criterion", ["mse", "corr"])
def test_fit_recovers_a_geometric_layer(criterion):
    """Weights 1, 0.6, 0.36 (and negatives) are exactly the 3-bit levels of q = 0.6: both criteria
    must find it (zero error, correlation 1)."""
    w = np.array([1.0, 0.6, 0.36, -0.6, -0.36, 0.0])
    q = quantize(w, 3, "exp", base="fit", fit=criterion)
    assert q.fit == criterion and q.base == pytest.approx(0.6, abs=1e-4)
    assert q.squared_error < 1e-7 and q.correlation > 1 - 1e-7


def test_levels_monotone(seed):
    w = _gauss(seed, 5000)
    for bits in (2, 3, 4, 6):
        for base in (0.5, "fit"):
            q = quantize(w, bits, "exp", base=base)
            nz = q.levels[:-1]
            assert q.levels[-1] == 0 and nz[0] == np.abs(w).max()
            assert np.all(np.diff(nz) < 0) and np.all(nz > 0)
        lin = quantize(w, bits, "linear").levels
        assert lin[0] == 0 and np.all(np.diff(lin) > 0) and lin[-1] == np.abs(w).max()


@pytest.mark.parametrize("method, base", [("exp", None), ("exp", "fit"), ("linear", None)])
def test_error_non_increasing_with_bits(method, base, seed):
    w = _gauss(seed)
    errors = [quantize(w, bits, method, base=base).squared_error for bits in range(2, 9)]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < errors[0] / 10


def test_fixed_half_levels_are_nested():
    """With q = 1/2 the n-bit levels are a subset of the (n+1)-bit levels, so the error can only fall."""
    for bits in range(2, 8):
        assert set(levels_for("exp", bits, 1.0, 0.5)) <= set(levels_for("exp", bits + 1, 1.0, 0.5))


@pytest.mark.parametrize("q", [0.1, 0.37, 0.5, 0.8, 0.99])
def test_prefix_sum_statistics_match_a_direct_pass(q, seed):
    w = _gauss(seed, 3000)
    w[:5] = 0.0  # zeros have no sign
    direct = quantize(w, 4, "exp", base=q)
    se, corr = _Sorted(w).stats(direct.levels)
    assert se == pytest.approx(direct.squared_error, rel=1e-9)
    assert corr == pytest.approx(direct.correlation, rel=1e-9)


@pytest.mark.parametrize("bits", [3, 4, 5])
def test_fit_is_as_good_as_brute_force(bits, seed):
    w = np.random.default_rng(seed).laplace(0.0, 0.03, 5000)
    grid = np.arange(0.001, 1.0, 0.001)
    brute_se = min(quantize(w, bits, "exp", base=float(g)).squared_error for g in grid)
    fitted = quantize(w, bits, "exp", base="fit", fit="mse")
    assert fitted.squared_error <= brute_se * (1 + 1e-9)
    by_corr = quantize(w, bits, "exp", base="fit", fit="corr")
    assert by_corr.correlation >= fitted.correlation - 1e-12
    assert fitted.squared_error <= by_corr.squared_error + 1e-15


@pytest.mark.parametrize("bits", [2, 3, 4, 5])
def test_half_codes_round_trip_through_shift_mul(bits, seed):
    """q = 1/2 codes are shift_mul codes: scale * shift_mul(a, code) / 2^emax == a * dequantized w."""
    rng = np.random.default_rng(seed)
    w = _gauss(seed, 4000)
    q = quantize(w, bits, "exp", base=0.5)
    assert np.array_equal(q.scale * shift_weight_value(q.codes, bits), q.weights)
    a = rng.integers(-128, 128, size=w.size)
    params = {"width": 8, "signed": True, "code_bits": bits}
    p = shift_mul_model(params, {"a": a, "b": q.codes.astype(np.int64)})["p"]
    assert np.array_equal(q.scale * p.astype(np.float64) / (1 << shift_emax(bits)), a * q.weights)


def test_zero_handling():
    q = quantize(np.array([-1e-9, 0.0, 1.0, -1.0]), 4, "exp")
    assert q.codes.tolist() == [7, 7, 0, 8]  # a negative weight rounding to 0 gets the canonical zero code
    z = quantize(np.zeros((2, 3)), 4, "exp")
    assert z.codes.shape == (2, 3) and np.all(z.codes == 7) and z.scale == 0.0
    assert math.isnan(z.correlation) and z.summary()["correlation"] is None
    assert np.all(quantize(np.zeros(3), 4, "linear").codes == 0)


def test_dequantize_and_shapes(seed):
    w = _gauss(seed, 60).reshape(3, 4, 5).astype(np.float32)
    q = quantize(w, 10, "linear")
    assert q.codes.shape == (3, 4, 5) and q.codes.dtype == np.uint16
    assert np.array_equal(dequantize(q.codes, q.levels, 10), q.weights)
    assert np.abs(q.weights - w).max() <= q.levels[1] / 2 * (1 + 1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: quantize(TINY, 1), r"^--bits must be an integer in 2\.\.16, not 1$"),
    (lambda: quantize(TINY, 4, "log"), r"^--method must be one of exp, linear, not 'log'$"),
    (lambda: quantize(TINY, 4, "exp", base=1.0), r"^--base must be 'fit' or a number strictly between 0 "
                                                  r"and 1, not 1\.0$"),
    (lambda: quantize(TINY, 4, "linear", base=0.5), r"^--base applies to --method exp only"),
    (lambda: quantize(TINY, 4, "exp", fit="corr"), r"^--fit needs --base fit"),
    (lambda: quantize(TINY, 4, "exp", base="fit", fit="l1"), r"^--fit must be one of mse, corr, not 'l1'$"),
    (lambda: quantize(np.array([1.0, np.inf]), 4), r"^weights must be finite"),
    (lambda: quantize(np.array([], dtype=float), 4), r"^weights must not be empty$"),
    (lambda: quantize(np.array([True]), 4), r"^weights must be a real integer or floating-point array, "
                                            r"not dtype bool$"),
    (lambda: fit_base(TINY, 4, "max"), r"^--fit must be one of mse, corr, not 'max'$"),
], ids=range(10))
def test_api_errors(call, message):
    with pytest.raises(ParamError, match=message):
        call()


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_writes_codes_and_summary(tmp_path, capsys, seed):
    w = _gauss(seed, 600).reshape(20, 30)
    src = tmp_path / "layer.npy"
    np.save(src, w)
    assert main(["quantize", str(src), "--bits", "4", "--method", "exp", "--base", "fit", "--fit", "corr"]) == 0
    out = capsys.readouterr().out
    codes_path, summary_path = tmp_path / "layer_codes.npy", tmp_path / "layer_codes.json"
    assert f"{codes_path}\n{summary_path}\n" in out
    codes = np.load(codes_path)
    summary = json.loads(summary_path.read_text())
    api = quantize(w, 4, "exp", base="fit", fit="corr")
    assert np.array_equal(codes, api.codes) and codes.shape == (20, 30)
    assert summary["base"] == api.base and summary["fit"] == "corr" and summary["scale"] == api.scale
    assert summary["squared_error"] == pytest.approx(api.squared_error)
    assert summary["correlation"] == pytest.approx(api.correlation) and summary["codes"] == "layer_codes.npy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer.npy", "layer_codes.json", "layer_codes.npy"]


def test_cli_out_and_json(tmp_path, capsys):
    src = tmp_path / "w.npy"
    np.save(src, TINY)
    out = tmp_path / "sub" / "codes"
    assert main(["quantize", str(src), "--bits", "3", "--method", "exp", "--base", "1/2", "-o", str(out),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["shift_codes"] is True and summary["zero_code"] == 3 and summary["levels"] == [1, .5, .25, 0]
    assert np.load(tmp_path / "sub" / "codes.npy").tolist() == [0, 5, 2, 6, 3, 3, 4]
    assert json.loads((tmp_path / "sub" / "codes.json").read_text()) == summary


@pytest.mark.parametrize("setup, argv, message", [
    (None, ["--bits", "4", "--method", "exp"], r"^hwgen: error: cannot read weights '.*missing\.npy': no such file$"),
    ("text", ["--bits", "4", "--method", "exp"], r"^hwgen: error: weights '.*' is not a numpy \.npy file$"),
    ("npz", ["--bits", "4", "--method", "exp"], r"^hwgen: error: weights '.*' is an \.npz archive"),
    ("ok", ["--bits", "17", "--method", "exp"], r"^hwgen: error: --bits must be an integer in 2\.\.16, not 17$"),
    ("ok", ["--bits", "4", "--method", "exp", "--base", "2"],
     r"^hwgen: error: --base must be 'fit' or a number strictly between 0 and 1, not '2'$"),
    ("ok", ["--bits", "4", "--method", "linear", "--base", "fit"], r"^hwgen: error: --base applies to"),
    ("ok", ["--bits", "4", "--method", "cubic"], r"^hwgen: error: argument --method: invalid choice"),
    ("nan", ["--bits", "4", "--method", "exp"], r"^hwgen: error: weights must be finite"),
], ids=range(8))
def test_cli_bad_input_exits_2_and_writes_nothing(setup, argv, message, tmp_path, capsys):
    src = tmp_path / ("missing.npy" if setup is None else "w.npy")
    if setup == "text":
        src.write_text("1 2 3\n")
    elif setup == "npz":
        np.savez(src, w=TINY)
        src = tmp_path / "w.npy.npz"
    elif setup == "nan":
        np.save(src, np.array([1.0, np.nan]))
    elif setup == "ok":
        np.save(src, TINY)
    before = sorted(p.name for p in tmp_path.iterdir())
    try:
        code = main(["quantize", str(src), *argv])
    except SystemExit as e:  # argparse's own usage errors exit from inside the parser
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert re.match(message, err.strip()), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
