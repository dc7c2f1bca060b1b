"""Regenerate the generated tables of docs/bf16.md by running the tool.

    python scripts/bf16_tables.py            # error table (`hwgen error`, a few seconds)
    python scripts/bf16_tables.py --verify   # also the verification table (`hwgen verify`, minutes)

Each table sits between ``<!-- bf16:NAME ... -->`` and ``<!-- bf16:end -->`` markers and is replaced
whole; every figure comes from the JSON the commands print, none is typed by hand.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "bf16.md"

ERROR_RUNS = [
    ("exact, rounded to bf16", {"multiplier": "exact", "out_format": "bf16"}),
    ("Mitchell (Mitch-w8)", {"multiplier": "mitchw", "w": 8}),
    *[(f"Mitch-w{w}", {"multiplier": "mitchw", "w": w}) for w in (7, 6, 5, 4, 3, 2)],
]

VERIFY_RUNS = [
    ("bf16_mul", {"multiplier": "exact"}), ("bf16_mul", {"multiplier": "exact", "out_format": "bf16"}),
    ("bf16_mul", {"multiplier": "mitchw", "w": 6}), ("bf16_mul", {"multiplier": "mitchw", "w": 6, "out_format": "bf16"}),
    ("bf16_mul", {"multiplier": "mitchw", "w": 8}), ("bf16_mul", {"multiplier": "mitchw", "w": 8, "out_format": "bf16"}),
    ("bf16_mac", {"multiplier": "exact"}), ("bf16_mac", {"multiplier": "mitchw", "w": 6}),
    ("bf16_mac", {"multiplier": "mitchw", "w": 8}),
]
VERIFY_VECTORS, VERIFY_SEED = 1_000_000, 1


def _args(params: dict) -> list[str]:
    out = []
    for k, v in params.items():
        out += ["-p", f"{k}={v}"]
    return out


def hwgen(*args: str) -> dict:
    res = subprocess.run([sys.executable, "-m", "hwgen", *args, "--json"], cwd=ROOT, capture_output=True,
                         text=True)
    if res.returncode not in (0, 1) or not res.stdout.strip():
        sys.exit(f"hwgen {' '.join(args)} failed:\n{res.stderr}")
    return json.loads(res.stdout)


def _cmd(unit: str, params: dict, extra: str = "") -> str:
    return f"`hwgen {unit} {' '.join(_args(params))}{extra}`"


def error_table() -> str:
    rows = ["| multiplier | vectors | MRE | bias (mean RE) | WCRE | EP | MAE | WCE | command |",
            "|---|---|---|---|---|---|---|---|---|"]
    for label, params in ERROR_RUNS:
        r = hwgen("error", "bf16_mul", *_args(params))
        how = "exhaustive" if r["exhaustive"] else f"{r['distribution']}, seed {r['seed']}"
        rows.append(f"| {label} | {r['vectors']:,} ({how}) | {100 * r['mre']:.3f}% | {100 * r['bias']:+.3f}% | "
                    f"{100 * r['wcre']:.2f}% | {100 * r['ep']:.1f}% | {r['mae']:.4g} | {r['wce']:.4g} | "
                    f"{_cmd('error bf16_mul', params)} |")
    return "\n".join(rows)


def verify_table() -> str:
    rows = ["| module | vectors | mismatches | result |", "|---|---|---|---|"]
    for unit, params in VERIFY_RUNS:
        r = hwgen("verify", unit, *_args(params), "--vectors", str(VERIFY_VECTORS), "--seed", str(VERIFY_SEED))
        rows.append(f"| `{r['module']}` | {r['vectors']:,} | {r['mismatches']} | {'PASS' if r['ok'] else 'FAIL'} |")
    return "\n".join(rows)


def replace(text: str, name: str, body: str) -> str:
    pat = re.compile(rf"(<!-- bf16:{name} [^>]*-->\n).*?(<!-- bf16:end -->)", re.S)
    if not pat.search(text):
        sys.exit(f"docs/bf16.md has no bf16:{name} block")
    return pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


if __name__ == "__main__":
    text = DOC.read_text()
    text = replace(text, "error", error_table())
    if "--verify" in sys.argv[1:]:
        text = replace(text, "verify", verify_table())
    DOC.write_text(text)
