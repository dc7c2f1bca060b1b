"""`hwgen export-lut`: the table equals the golden model in the stated index order, the RTL agrees with
the table on every operand pair (through the verification path), files and sidecar are well formed."""

import dataclasses
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.lut import index_of, lut_spec, product_table, table_model
from hwgen.registry import get_unit
from hwgen.verify import verify

CASES = [("mul", {"width": 8, "signed": True}),
         ("mitchw", {"width": 8, "w": 6, "signedness": "sign_magnitude"}),
         ("mitchw", {"width": 8, "w": 4, "signedness": "unsigned"})]


def _table(name, given):
    unit = get_unit(name)
    params = unit.resolve(given)
    spec = lut_spec(unit, params)
    return unit, params, spec, product_table(unit, spec)


@pytest.mark.parametrize("name,given", CASES)
def test_table_equals_the_golden_model_in_the_stated_order(name, given, seed):
    unit, params, spec, table = _table(name, given)
    assert table.size == 65536
    rng = np.random.default_rng(seed)
    lo, hi = (-128, 127) if spec.a_signed else (0, 255)
    a = rng.integers(lo, hi + 1, 5000)
    lo, hi = (-128, 127) if spec.b_signed else (0, 255)
    b = rng.integers(lo, hi + 1, 5000)
    want = unit.model(params, {"a": a, "b": b})["p"]
    assert np.array_equal(table[index_of(spec, a, b)], want)
    t2 = table.reshape(256, 256)
    assert t2[a[0] & 0xFF, b[0] & 0xFF] == want[0]  # [code(a), code(b)]
    if name == "mul":
        assert spec.a_signed and t2[0xFF, 0x02] == -2 and t2[0x80, 0x80] == 16384


def test_rtl_equals_the_exported_table_on_every_operand_pair(build_root):
    unit, params, spec, table = _table("mitchw", {"width": 8, "w": 6, "signedness": "sign_magnitude"})
    as_table = dataclasses.replace(unit, model=table_model(spec, table))
    r = verify(as_table, params, vectors="exhaustive", seed=0, build_root=build_root)
    assert r.exhaustive and r.vectors == 65536 and r.mismatches == 0 and r.ok
    wrong = table.copy()
    wrong[index_of(spec, -3, 77)] += 1  # one wrong entry must be found
    r = verify(dataclasses.replace(unit, model=table_model(spec, wrong)), params, vectors="exhaustive", seed=0,
               build_root=build_root)
    assert r.mismatches == 1 and r.examples[0]["inputs"] == {"a": -3, "b": 77}


def _export(tmp_path, fmt, extra=()):
    out = tmp_path / f"lut.{fmt}"
    assert main(["export-lut", "mitchw", "-p", "width=8", "-p", "w=6", "-p", "signedness=sign_magnitude",
                 "--format", fmt, "-o", str(out), *extra]) == 0
    return out, json.loads((tmp_path / f"lut.{fmt}.json").read_text())


@pytest.mark.parametrize("fmt", ["npy", "bin", "c"])
def test_every_format_holds_the_table_and_says_what_it_is(tmp_path, fmt):
    *_, spec, table = _table("mitchw", {"width": 8, "w": 6, "signedness": "sign_magnitude"})
    out, meta = _export(tmp_path, fmt)
    assert meta["unit"] == "mitchw" and meta["params"]["w"] == 6 and meta["hwgen_version"]
    assert meta["dtype"] == "int16" and meta["operands"]["a"]["signed"] and "code(a) * 256" in meta["index_order"]
    first = out.read_bytes()
    if fmt == "npy":
        got = np.load(out, allow_pickle=False)
        assert got.shape == (256, 256)
        got = got.ravel()
    elif fmt == "bin":
        got = np.frombuffer(first, dtype="<i2")
    else:
        text = first.decode()
        assert '"unit": "mitchw"' in text and "static const int16_t" in text
        body = text[text.index("= {") + 3:text.index("};")]
        got = np.array([int(v) for v in re.findall(r"-?\d+", body)])
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc:
            r = subprocess.run([cc, "-fsyntax-only", "-Wall", "-Werror", "-x", "c", str(out)],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
    assert np.array_equal(got, table)
    out2, _ = _export(tmp_path, fmt)
    assert out2.read_bytes() == first  # byte-identical run to run


@pytest.mark.parametrize("argv,needle", [
    (["shift_mul", "--format", "npy"], "two 8-bit operands"),
    (["mac", "-p", "width=8", "--format", "npy"], "(sequential)"),
    (["mul", "-p", "width=6", "--format", "npy"], "a:6, b:6"),
    (["mul", "-p", "width=8", "--format", "npy", "--symbol", "x"], "--symbol applies to --format c"),
    (["mul", "-p", "width=8", "--format", "c", "--symbol", "9x"], "C identifier"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, argv, needle):
    out = tmp_path / "t.out"
    assert main(["export-lut", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_output_into_a_missing_folder_is_bad_input(tmp_path, capsys):
    assert main(["export-lut", "mul", "-p", "width=8", "--format", "bin", "-o", str(tmp_path / "no" / "t.bin")]) == 2
    assert "does not exist" in capsys.readouterr().err
