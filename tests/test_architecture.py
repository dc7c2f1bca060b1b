"""The code's large-scale shape: the layer contract, lint, no import cycles, no unit names outside the units.

docs/architecture.md describes the layers these tests keep honest.
"""

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

import grimp
import pytest

from hwgen.registry import all_units

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: Infrastructure packages: they run units through their declarations and never name one. The only
#: cross-unit selections live in hwgen/catalog.py (the comparison) and hwgen/accuracy (the study).
INFRASTRUCTURE = ("verify", "synth", "energy", "prove", "report", "sweep", "evaluation", "export")


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_layer_contract_holds():
    r = _run([str(BIN / "lint-imports"), "--no-cache"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_ruff_is_clean():
    r = _run([str(BIN / "ruff"), "check", "hwgen", "tests", "bench", "scripts", "sim", "synth"])
    assert r.returncode == 0, r.stdout + r.stderr


def _cycles(graph, depth: int | None) -> list[list[str]]:
    """Strongly connected components of the import graph (function-local imports included), with
    modules collapsed to ``depth`` name parts; a parent package importing its own child is not an edge."""
    edges: dict[str, set[str]] = {}
    for m in graph.modules:
        for i in graph.find_modules_directly_imported_by(m):
            a, b = (".".join(x.split(".")[:depth]) if depth else x for x in (m, i))
            if a != b and not b.startswith(a + "."):
                edges.setdefault(a, set()).add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("depth", [None, 2, 3], ids=["modules", "packages", "subpackages"])
def test_no_import_cycles(depth):
    assert _cycles(grimp.build_graph("hwgen"), depth) == []


def test_cycle_finder_sees_a_cycle():
    """The check above can fail: a made-up graph with a cycle is found."""
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a")):
        graph.add_import(importer=a, imported=b)
    graph.add_import(importer="p.d", imported="p.a")
    assert _cycles(graph, None) == [["p.a", "p.b", "p.c"]]
    assert _cycles(graph, 1) == []


def _named_units(path: Path, names: set[str]) -> list[str]:
    hits = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type != tokenize.STRING:
            continue
        try:
            value = ast.literal_eval(tok.string)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) and value in names:
            hits.append(f"{path.relative_to(REPO)}:{tok.start[0]}: {value!r}")
    return hits


def test_infrastructure_never_names_a_unit():
    names = {u.name for u in all_units()}
    hits = [h for pkg in INFRASTRUCTURE for f in sorted((REPO / "hwgen" / pkg).rglob("*.py"))
            for h in _named_units(f, names)]
    assert hits == []


def test_unit_name_finder_finds_names():
    """The scan above can fail: a file with a quoted unit name is reported."""
    probe = REPO / "build" / "test" / "probe_names.py"
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text('UNIT = "mitchw"\nTEXT = "a mitchw multiplier"\n')
    assert len(_named_units(probe, {"mitchw"})) == 1


#: Layers whose functions take their options as small dataclasses instead of long parameter lists.
PARAMETER_LIMITED = ("verify", "energy", "synth", "evaluation", "sweep", "prove")
MAX_PARAMETERS = 8


def _parameter_counts(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            n = (len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None)
                 + (a.kwarg is not None))
            if a.args and a.args[0].arg in ("self", "cls"):
                n -= 1
            out.append((f"{path.relative_to(REPO)}:{node.lineno} {node.name}", n))
    return out


def test_no_long_parameter_lists():
    long = [(name, n) for pkg in PARAMETER_LIMITED for f in sorted((REPO / "hwgen" / pkg).rglob("*.py"))
            for name, n in _parameter_counts(f) if n > MAX_PARAMETERS]
    assert long == []


def test_every_module_is_in_the_layer_contract():
    """The contract covers every package and top-level module of hwgen (a new one must be placed)."""
    import tomllib
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in config if c["type"] == "layers")["layers"]
    listed = {name.strip() for layer in layers for name in layer.split("|")}
    present = {f"hwgen.{p.stem}" for p in (REPO / "hwgen").glob("*.py") if p.stem != "__init__"}
    present |= {f"hwgen.{p.name}" for p in (REPO / "hwgen").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert present - listed == set()


def test_only_the_command_line_reads_the_environment():
    """Settings come from the environment in hwgen/cli.py only (hwgen/settings.py parses what it is given);
    hwgen/toolchain.py locates tools (PATH, the Yosys override) and sets them up."""
    allowed = {"hwgen/cli.py", "hwgen/toolchain.py"}
    readers = []
    for f in sorted((REPO / "hwgen").rglob("*.py")):
        rel = str(f.relative_to(REPO))
        if rel in allowed:
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
                    isinstance(node.value, ast.Name) and node.value.id == "os":
                readers.append(rel)
    assert readers == []


def test_every_package_is_installed():
    """pyproject.toml lists every package of hwgen, so a non-editable install carries all of them."""
    import tomllib
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    present = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "hwgen").rglob("__init__.py")}
    assert present - listed == set()
