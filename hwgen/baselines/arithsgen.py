"""ArithsGen baselines (PyPI ``ariths-gen`` 1.1.4; units.md §8): exact array / Dadda / Wallace multipliers and
truncated / broken-array approximate multipliers at 8 and 16 bits, over their cut parameters.

They are baselines, not units: the Verilog is ArithsGen's own (``get_v_code_flat``) and the reference is the
circuit's own Python evaluation (``circuit(a, b)``), never a golden model of ours. Each row is

1. generated into ``out_dir/<name>.v`` (top module ``<name>``, ports ``a``, ``b``, ``<name>_out``);
2. verified: its Verilog simulated with Icarus Verilog (a generated test bench replaying a vector file)
   against the circuit's Python evaluation, exhaustively at 8 bits, on 65,536 seeded uniform pairs at 16;
3. measured: the §5 error metrics (:func:`hwgen.metrics.metrics`) of the evaluation against a * b on the
   same set, and ``num_cells`` through hwgen's generic Yosys flow (:func:`hwgen.synth.synthesize`).

:func:`baseline_rows` returns one :class:`BaselineRow` per design.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hwgen.atomic import atomic_write_text
from hwgen.metrics import metrics
from hwgen.toolchain import ToolError

__all__ = ["ARITHSGEN_VERSION", "SAMPLES", "SEED", "BaselineRow", "baseline_rows", "baseline_specs"]

ARITHSGEN_VERSION = "1.1.4"
#: Pairs simulated and measured above 8 bits (uniform, seeded).
SAMPLES = 1 << 16
SEED = 1


@dataclass
class BaselineRow:
    name: str
    source: str
    params: dict
    verilog: str
    top: str
    error_set: str
    vectors: int
    mismatches: int  # Verilog simulation against the circuit's Python evaluation
    num_cells: int | None
    metrics: dict = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _classes():
    try:
        from ariths_gen.multi_bit_circuits import approximate_multipliers as approx
        from ariths_gen.multi_bit_circuits import multipliers as exact
        from ariths_gen.multi_bit_circuits.adders import UnsignedRippleCarryAdder
    except ImportError:
        raise ToolError(f"ArithsGen is not installed: pip install ariths-gen=={ARITHSGEN_VERSION}") from None
    return exact, approx, UnsignedRippleCarryAdder


def baseline_specs(width: int) -> list[tuple[str, str, dict]]:
    """(name, ArithsGen class name, constructor keyword arguments) of every baseline at ``width``."""
    specs = [(f"ag_array{width}", "UnsignedArrayMultiplier", {}),
             (f"ag_dadda_cla{width}", "UnsignedDaddaMultiplier", {}),
             (f"ag_dadda_rca{width}", "UnsignedDaddaMultiplier", {"adder": "rca"}),
             (f"ag_wallace_cla{width}", "UnsignedWallaceMultiplier", {}),
             (f"ag_wallace_rca{width}", "UnsignedWallaceMultiplier", {"adder": "rca"})]
    cuts = range(1, width) if width <= 8 else range(2, width, 2)
    specs += [(f"ag_tm{width}_c{c}", "UnsignedTruncatedArrayMultiplier", {"truncation_cut": c}) for c in cuts]
    hs = range(width // 2 + 1) if width <= 8 else range(0, width // 2 + 1, 2)
    vs = range(width // 2, width + 1) if width <= 8 else range(width // 2, width + 1, 2)
    specs += [(f"ag_bam{width}_h{h}_v{v}", "UnsignedBrokenArrayMultiplier", {"horizontal_cut": h, "vertical_cut": v})
              for h in hs for v in vs if h or v]
    return specs


def _circuit(name: str, cls_name: str, kwargs: dict, width: int):
    from ariths_gen.wire_components import Bus

    exact, approx, rca = _classes()
    cls = getattr(exact, cls_name, None) or getattr(approx, cls_name)
    args = dict(kwargs)
    if args.pop("adder", None) == "rca":
        args["unsigned_adder_class_name"] = rca
    return cls(Bus("a", width), Bus("b", width), name=name, **args)


def _operands(width: int) -> tuple[np.ndarray, np.ndarray, str]:
    if width <= 8:
        a, b = np.divmod(np.arange(1 << (2 * width), dtype=np.int64), 1 << width)
        return a, b, f"exhaustive, all {1 << (2 * width)} pairs"
    rng = np.random.default_rng(SEED)
    a = rng.integers(0, 1 << width, SAMPLES, dtype=np.int64)
    b = rng.integers(0, 1 << width, SAMPLES, dtype=np.int64)
    return a, b, f"{SAMPLES} uniform pairs, seed {SEED}"


def _simulate(work: Path, verilog: Path, top: str, width: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Run the design's Verilog in Icarus over (a, b); returns its outputs."""
    if shutil.which("iverilog") is None or shutil.which("vvp") is None:
        raise ToolError("Icarus Verilog is needed to simulate the baselines: apt-get install iverilog")
    n = len(a)
    hexw = (width + 3) // 4
    atomic_write_text(work / f"{top}_vec.hex", "".join(f"{x:0{hexw}x}{y:0{hexw}x}\n" for x, y in zip(a, b)))
    tb = f"""module tb;
  reg [{2 * width - 1}:0] mem [0:{n - 1}];
  reg [{width - 1}:0] a, b;
  wire [{2 * width - 1}:0] p;
  integer i, f;
  {top} dut(.a(a), .b(b), .{top}_out(p));
  initial begin
    $readmemh("{top}_vec.hex", mem);
    f = $fopen("{top}_out.hex", "w");
    for (i = 0; i < {n}; i = i + 1) begin
      {{a, b}} = mem[i];
      #1 $fdisplay(f, "%h", p);
    end
    $fclose(f);
    $finish;
  end
endmodule
"""
    atomic_write_text(work / f"{top}_tb.v", tb)
    for cmd in (["iverilog", "-g2012", "-o", f"{top}.vvp", f"{top}_tb.v", verilog.name], ["vvp", "-n", f"{top}.vvp"]):
        r = subprocess.run(cmd, check=False, cwd=work, capture_output=True, text=True)
        if r.returncode:
            raise ToolError(f"{' '.join(cmd[:1])} failed on {top}: {(r.stderr or r.stdout).strip()[:300]}")
    text = (work / f"{top}_out.hex").read_text().split()
    if len(text) != n:
        raise ToolError(f"{top}: the simulation wrote {len(text)} results for {n} vectors")
    return np.array([int(t, 16) if "x" not in t.lower() else -1 for t in text], dtype=np.int64)


def _cells(verilog: Path, top: str) -> int:
    from hwgen.synth import file_design, synthesize

    return int(synthesize(file_design(verilog, top), "generic").data["num_cells"])


def baseline_rows(widths=(8, 16), out_dir: str | Path = "build/baselines/arithsgen", synth: bool = True,
                  only: set[str] | None = None, corrupt=None) -> list[BaselineRow]:
    """Generate, verify and measure every ArithsGen baseline at ``widths`` (``only``: a subset of names).

    ``corrupt(text) -> text``, for tests only, rewrites the Verilog before simulation (a mutant must
    show mismatches). ``out_dir`` must be visible to Yosys (not under /tmp)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for width in widths:
        a, b, how = _operands(width)
        exact = a * b
        for name, cls_name, kwargs in baseline_specs(width):
            if only is not None and name not in only:
                continue
            circuit = _circuit(name, cls_name, kwargs, width)
            path = out / f"{name}.v"
            text = io.StringIO()
            circuit.get_v_code_flat(text)
            atomic_write_text(path, corrupt(text.getvalue()) if corrupt else text.getvalue())
            reference = np.asarray(circuit(a, b), dtype=np.int64)
            got = _simulate(out, path, name, width, a, b)
            m = metrics(reference, exact)
            rows.append(BaselineRow(
                name=name, source=f"arithsgen {ARITHSGEN_VERSION}",
                params={"width": width, "class": cls_name, **kwargs}, verilog=str(path), top=name,
                error_set=how + ", the circuit's Python evaluation against a*b", vectors=len(a),
                mismatches=int(np.count_nonzero(got != reference)),
                num_cells=_cells(path, name) if synth else None, metrics=m))
    return rows
