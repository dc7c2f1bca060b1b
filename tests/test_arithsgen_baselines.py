"""ArithsGen baselines (hwgen/baselines/arithsgen.py): Verilog simulated against the circuit's own Python
evaluation (exhaustive at 8 bits), errors against a*b with hwgen's metrics, cells on the generic flow."""

import shutil

import pytest

from hwgen.baselines.arithsgen import baseline_rows, baseline_specs

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="Icarus Verilog (iverilog) is not installed")


def test_specs_cover_exact_truncated_and_broken_at_8_and_16_bits():
    for width in (8, 16):
        classes = {cls for _, cls, _ in baseline_specs(width)}
        assert {"UnsignedArrayMultiplier", "UnsignedDaddaMultiplier", "UnsignedWallaceMultiplier",
                "UnsignedTruncatedArrayMultiplier", "UnsignedBrokenArrayMultiplier"} <= classes
    names = [n for n, _, _ in baseline_specs(8)]
    assert len(names) == len(set(names))


def test_rows_verified_and_measured(build_root):
    only = {"ag_dadda_cla8", "ag_tm8_c3", "ag_bam8_h2_v6"}
    rows = {r.name: r for r in baseline_rows((8,), out_dir=build_root / "arithsgen", only=only)}
    assert set(rows) == only
    for r in rows.values():
        assert r.vectors == 1 << 16 and r.mismatches == 0 and r.num_cells > 0, r.to_json()
        assert r.verilog.endswith(f"{r.name}.v") and r.top == r.name
    assert rows["ag_dadda_cla8"].metrics["mre"] == 0 and rows["ag_dadda_cla8"].metrics["wce"] == 0
    # Approximate circuits: errors measured, and they cost fewer cells than the exact one.
    for name in ("ag_tm8_c3", "ag_bam8_h2_v6"):
        assert rows[name].metrics["mre"] > 0.01 and rows[name].num_cells < rows["ag_dadda_cla8"].num_cells


def test_a_corrupted_verilog_shows_mismatches(build_root):
    def flip(text):  # invert one output bit whenever a[0] is set: only some vectors are wrong
        return text.replace("assign ag_array8_out[3] = ", "assign ag_array8_out[3] = a[0] ^ ", 1)

    (row,) = baseline_rows((8,), out_dir=build_root / "arithsgen_mutant", synth=False, only={"ag_array8"},
                           corrupt=flip)
    assert 0 < row.mismatches < row.vectors
