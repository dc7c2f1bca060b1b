"""The vector file layout: round trips for wide, signed and array ports, and unknown-value detection."""

import numpy as np
import pytest

from hwgen.ports import Port
from hwgen.verify.layout import layout_for
from hwgen.verify.wrapper import bulk_wrapper

PORTS = [Port("a", "in", 3, True), Port("w", "in", 100, False),
         Port("d", "in", 6 * 5, True, (2, 3), 5), Port("e", "in", 1, False)]


def _values(rng, n):
    return {"a": rng.integers(-4, 4, n),
            "w": np.array([int(rng.integers(0, 1 << 50)) << 50 | int(rng.integers(0, 1 << 50)) for _ in range(n)],
                          dtype=object),
            "d": rng.integers(-16, 16, (n, 2, 3)), "e": rng.integers(0, 2, n)}


def test_fields_split_wide_ports_and_arrays():
    lay = layout_for(PORTS)
    assert [(f.port, f.element, f.lo, f.width) for f in lay.fields][:4] == [
        ("a", 0, 0, 3), ("w", 0, 0, 64), ("w", 0, 64, 36), ("d", 0, 0, 5)]
    assert lay.digits == 1 + 16 + 9 + 6 * 2 + 1


def test_encode_decode_round_trip(seed):
    rng = np.random.default_rng(seed)
    lay = layout_for(PORTS)
    vals = _values(rng, 300)
    text = lay.encode(vals, 300)
    fv, unknown = lay.decode(text, 300)
    assert not unknown.any()
    assert np.array_equal(fv, lay.field_values(vals, 300))
    row = lay.port_values(fv[7])
    assert row["a"] == int(vals["a"][7]) and row["w"] == int(vals["w"][7])
    assert row["d"] == [int(x) for x in vals["d"][7].reshape(-1)]


def test_unknown_digits_are_flagged():
    lay = layout_for([Port("p", "out", 8, False)])
    fv, unknown = lay.decode(b"1f\nxx\n0z\n", 3)
    assert unknown.tolist() == [False, True, True] and fv[0, 0] == 0x1F


@pytest.mark.parametrize("text", [b"1f\n", b"1f\n2\n", b"1f\n123\n"])
def test_wrong_line_count_or_width_is_an_error(text):
    with pytest.raises(ValueError):
        layout_for([Port("p", "out", 8, False)]).decode(text, 2)


def test_wrapper_slices_every_field():
    ins = layout_for(PORTS)
    outs = layout_for([Port("p", "out", 70, False)])
    v = bulk_wrapper("dut_mod", ins, outs, 2, "clk", "rst", 16)
    assert "wire [99:0] w = {cur[" in v and "dut_mod dut (.clk(clk), .rst(rst)" in v
    assert "if (j >= 2) $fwrite" in v
