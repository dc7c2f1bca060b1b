"""`hwgen export`: the exported packages run on their own (FuseSoC + Icarus/Verilator, cocotb make and
runner), pass on the real Verilog, fail on a mutant naming the first mismatching vector, lint clean with
the waiver, and are byte-identical run to run; bad input writes nothing."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.emit import Generated, elaborate
from hwgen.export.lint_waiver import lint_waiver
from hwgen.ports import Port
from hwgen.registry import all_units
from hwgen.toolchain import prepare_simulator, simulator_available
from hwgen.verify.layout import layout_for
from hwgen.verify.mutate import flip_output_bit

BIN = Path(sys.executable).parent
needs_icarus = pytest.mark.skipif(simulator_available("icarus") is not None,
                                  reason=str(simulator_available("icarus")))
needs_verilator = pytest.mark.skipif(simulator_available("verilator") is not None,
                                     reason=str(simulator_available("verilator")))

# A multiplier, a MAC (pipelined: latency 2), a bf16 unit and a Winograd tile, at small widths.
UNITS = {
    "mitchw": (["-p", "width=4"], "exhaustive"),
    "mac": (["-p", "width=4", "-p", "pipeline=1"], "150"),
    "bf16_mul": (["-p", "exp_bits=5", "-p", "man_bits=3", "-p", "multiplier=mitchw"], "150"),
    "wino_adder": (["-p", "d_width=4"], "100"),
}
FLOWS = ["fusesoc-icarus", "fusesoc-verilator", "cocotb-make-icarus", "cocotb-runner-verilator"]


def _export(out: Path, unit: str, seed: int = 3, cwd=None) -> int:
    params, vectors = UNITS[unit]
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        return main(["export", unit, *params, "--vectors", vectors, "--seed", str(seed), "-o", str(out)])
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    return {u: root / u for u in UNITS if _export(root / u, u) == 0}


def _module(pkg: Path) -> str:
    return json.loads((pkg / "vectors" / "layout.json").read_text())["module"]


def _mutate(pkg: Path, dest: Path) -> int:
    """Copy the package with output bit 0 inverted whenever bit 0 of the first input is 1; return the
    first vector whose result must then mismatch."""
    shutil.copytree(pkg, dest, ignore=shutil.ignore_patterns("build", "sim_build"))  # no stale builds
    mod = _module(dest)
    v, man = dest / "rtl" / f"{mod}.v", json.loads((dest / "rtl" / f"{mod}.json").read_text())
    first_in = next(p for p in man["ports"] if p["direction"] == "in")["name"]
    gen = Generated(None, man["params"], mod, v.read_text(), man)
    v.write_text(flip_output_bit(None, 0, first_in)(gen).verilog)
    # The flip follows the inputs applied when the result of vector k is sampled: vector k + latency.
    ins = layout_for([Port.from_json(p) for p in man["ports"] if p["direction"] == "in"])
    n, latency = json.loads((dest / "vectors" / "layout.json").read_text())["vectors"], man["latency"]
    fv, _ = ins.decode((dest / "vectors" / "inputs.hex").read_bytes(), n)
    col = next(i for i, f in enumerate(ins.fields) if f.port == first_in and f.port_lo == 0)
    applied = np.concatenate([fv[:, col] & np.uint64(1), np.zeros(latency, dtype=np.uint64)])[latency:]
    hits = np.flatnonzero(applied)
    assert len(hits), "the vectors never set the mutant's condition: pick another input"
    return int(hits[0])


def _run(flow: str, pkg: Path) -> subprocess.CompletedProcess:
    mod = _module(pkg)
    core = f"hwgen:units:{mod}:0.1.0"
    prepare_simulator("verilator" if "verilator" in flow else "icarus")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"  # fusesoc, cocotb-config, python
    if flow.startswith("fusesoc"):
        cmd = [str(BIN / "fusesoc"), "--cores-root", ".", "run", "--build-root", "build", "--target", "sim",
               "--tool", flow.split("-")[1], core]
        cwd = pkg
    elif flow == "cocotb-make-icarus":
        cmd, cwd = ["make", "SIM=icarus"], pkg / "cocotb"
    else:
        cmd, cwd = [sys.executable, f"test_{mod}.py", "verilator"], pkg / "cocotb"
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def _cases():
    """Every unit x flow. A Verilator case builds twice (10-15 s on a busy 2-core machine): the
    multiplier's run by default, the others with -m slow."""
    for unit in UNITS:
        for flow in FLOWS:
            marks = [needs_verilator if "verilator" in flow else needs_icarus]
            if "verilator" in flow and unit != "mitchw":
                marks.append(pytest.mark.slow)
            yield pytest.param(unit, flow, marks=marks, id=f"{unit}-{flow}")


@pytest.mark.parametrize("unit, flow", list(_cases()))
def test_exported_bench_passes_and_catches_a_mutant(unit, flow, packages, tmp_path):
    pkg = packages[unit]
    n = json.loads((pkg / "vectors" / "layout.json").read_text())["vectors"]
    mod = _module(pkg)
    good = _run(flow, pkg)
    log = good.stdout + good.stderr
    assert good.returncode == 0, log[-3000:]
    assert f"PASS: {mod}: {n} vectors checked, 0 mismatches" in log

    first = _mutate(pkg, tmp_path / "mutant")
    bad = _run(flow, tmp_path / "mutant")
    log = bad.stdout + bad.stderr
    assert bad.returncode != 0, log[-3000:]
    assert f"MISMATCH vector {first}: inputs " in log, log[-3000:]
    assert f"vectors mismatched; first mismatching vector {first}" in log, log[-3000:]
    assert f"PASS: {mod}" not in log


@needs_icarus
def test_verilog_bench_fails_on_zero_or_missing_vectors(packages, tmp_path):
    pkg = tmp_path / "p"
    shutil.copytree(packages["mitchw"], pkg)
    mod = _module(pkg)
    tb = pkg / "tb" / f"{mod}_tb.v"

    def run_icarus():
        subprocess.run(["iverilog", "-g2012", "-o", "tb.vvp", f"rtl/{mod}.v", str(tb)], cwd=pkg, check=True)
        r = subprocess.run(["vvp", "-n", "../tb.vvp"], cwd=pkg / "vectors", capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr

    rc, log = run_icarus()
    assert rc == 0 and f"PASS: {mod}: 256 vectors" in log
    lines = (pkg / "vectors" / "expected.hex").read_text().splitlines()
    (pkg / "vectors" / "expected.hex").write_text("\n".join(lines[:-1]) + "\n")  # one line short
    rc, log = run_icarus()
    assert rc != 0 and "could not read 256 vectors" in log
    tb.write_text(tb.read_text().replace("localparam integer N = 256;", "localparam integer N = 0;"))
    rc, log = run_icarus()
    assert rc != 0 and "zero vectors to check" in log


@needs_icarus
def test_cocotb_bench_fails_on_zero_vectors(packages, tmp_path):
    pkg = tmp_path / "p"
    shutil.copytree(packages["mitchw"], pkg)
    shutil.rmtree(pkg / "cocotb" / "sim_build", ignore_errors=True)
    spec = json.loads((pkg / "vectors" / "layout.json").read_text())
    spec["vectors"] = 0
    (pkg / "vectors" / "layout.json").write_text(json.dumps(spec))
    for name in ("inputs.hex", "expected.hex"):
        (pkg / "vectors" / name).write_text("")
    r = _run("cocotb-make-icarus", pkg)
    assert r.returncode != 0 and "zero vectors to check" in r.stdout + r.stderr


def test_an_existing_file_as_output_exits_2(tmp_path, capsys):
    (tmp_path / "f").write_text("mine")
    assert main(["export", "mitchw", "-p", "width=4", "-o", str(tmp_path / "f")]) == 2
    assert "must be a directory" in capsys.readouterr().err
    assert (tmp_path / "f").read_text() == "mine"


@pytest.mark.parametrize("obstacle", ["folder README.md", "file rtl"])
def test_a_package_file_that_cannot_be_written_exits_2_and_writes_nothing(obstacle, tmp_path, capsys):
    """All or nothing, as `generate`: a folder where a package file goes, or a file where its folder goes,
    is refused before any file is written."""
    out = tmp_path / "pkg"
    kind, name = obstacle.split()
    if kind == "folder":
        (out / name).mkdir(parents=True)
    else:
        out.mkdir()
        (out / name).write_text("mine")
    assert main(["export", "mul", "-p", "width=4", "--vectors", "10", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0] and "cannot be written" in err[0]
    assert sorted(p.name for p in out.rglob("*")) == [name]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_export_is_byte_identical(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    assert _export(tmp_path / "one", "mac") == 0
    assert _export(tmp_path / "two", "mac", cwd=tmp_path / "elsewhere") == 0
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one == two and len(one) == 12
    assert str(tmp_path) not in "".join(v.decode() for v in one.values())  # no absolute paths
    assert _export(tmp_path / "three", "mac", seed=4) == 0  # the seed matters
    assert _tree(tmp_path / "three")["vectors/inputs.hex"] != one["vectors/inputs.hex"]


@pytest.mark.parametrize("argv", [
    ["export", "mitchw", "-p", "width=99"],
    ["export", "nosuchunit"],
    ["export", "mitchw", "--vectors", "lots"],
    ["export", "mac", "--vectors", "exhaustive"],  # a MAC has no exhaustive set
    ["export"],
    ["export", "mitchw", "--all-demo"],
    ["export", "mitchw", "--seed", "-1"],
    ["export", "mul", "-p", "width=16", "--vectors", "exhaustive"],  # 2^32: beyond any exported file
], ids=lambda a: " ".join(a[1:]) or "no unit")
def test_bad_input_exits_2_and_writes_nothing(argv, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("hwgen: error:")
    assert not out.exists()


@needs_verilator
def test_every_unit_lints_clean_with_the_waiver(tmp_path):
    prepare_simulator("verilator")
    for unit in all_units():
        gen = elaborate(unit, unit.resolve({}))
        (tmp_path / f"{gen.module}.v").write_text(gen.verilog)
        (tmp_path / f"{gen.module}.vlt").write_text(lint_waiver(gen.module, "0"))
        r = subprocess.run(["verilator", "--lint-only", "-Wall", f"{gen.module}.vlt", f"{gen.module}.v"],
                           cwd=tmp_path, capture_output=True, text=True)
        assert r.returncode == 0 and "%Warning" not in r.stderr, (gen.module, r.stderr[-2000:])
    # without the waiver the last file does warn: the waiver is what makes it clean
    r = subprocess.run(["verilator", "--lint-only", "-Wall", f"{gen.module}.v"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert "%Warning" in r.stderr, gen.module


@needs_verilator
def test_the_waiver_is_scoped_to_its_module(tmp_path):
    prepare_simulator("verilator")
    gen = elaborate(all_units()[0], all_units()[0].resolve({}))
    (tmp_path / "w.vlt").write_text(lint_waiver(gen.module, "0"))
    (tmp_path / "user.v").write_text("module user(input [1:0] x, output y);\n  assign y = x[0];\nendmodule\n")
    r = subprocess.run(["verilator", "--lint-only", "-Wall", "w.vlt", "user.v"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert "%Warning-UNUSEDSIGNAL" in r.stderr


def test_fusesoc_lint_target_is_clean(packages, tmp_path):
    if simulator_available("verilator"):
        pytest.skip(simulator_available("verilator"))
    pkg = packages["wino_adder"]
    prepare_simulator("verilator")
    r = subprocess.run([str(BIN / "fusesoc"), "--cores-root", ".", "run", "--build-root", str(tmp_path),
                        "--target", "lint", f"hwgen:units:{_module(pkg)}:0.1.0"], cwd=pkg,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "%Warning" not in r.stdout + r.stderr, (r.stdout + r.stderr)[-2000:]


@pytest.mark.slow
@needs_verilator
def test_exhaustive_8bit_bench_under_verilator_within_a_minute(tmp_path):
    """The issue's target: all 65,536 vectors of an 8-bit unit, FuseSoC + Verilator, build included."""
    import time
    assert main(["export", "mitchw", "-p", "width=8", "--vectors", "exhaustive", "-o", str(tmp_path / "m")]) == 0
    t0 = time.perf_counter()
    r = _run("fusesoc-verilator", tmp_path / "m")
    seconds = time.perf_counter() - t0
    print(f"exhaustive 8-bit Mitch-w under Verilator through FuseSoC: {seconds:.1f} s, build included")
    assert r.returncode == 0 and "PASS: mitchw_w8_k6_sunsigned_u0_p0: 65536 vectors checked" in r.stdout
    assert seconds < 60


def test_all_demo_is_one_fusesoc_library(tmp_path, monkeypatch):
    """--all-demo over two units (all of them take half a minute): one folder and core per demo config."""
    from hwgen.commands import export as export_cmd
    from hwgen.registry import get_unit
    units = [get_unit("mul"), get_unit("shift_mul")]
    monkeypatch.setattr(export_cmd, "all_units", lambda: units)
    assert main(["export", "--all-demo", "-o", str(tmp_path / "lib")]) == 0
    modules = [u.module_name(u.resolve(c)) for u in units for c in u.demo]
    assert sorted(p.name for p in (tmp_path / "lib").iterdir() if p.is_dir()) == sorted(modules)
    r = subprocess.run([str(BIN / "fusesoc"), "--cores-root", str(tmp_path / "lib"), "list-cores"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    for m in modules:
        assert f"hwgen:units:{m}:0.1.0" in r.stdout
        assert f"`hwgen:units:{m}:0.1.0`" in (tmp_path / "lib" / "README.md").read_text()
