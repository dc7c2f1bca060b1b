"""Regenerate the measured tables under reports/ that the README shows (besides those of `hwgen demo`).

Each report is the output of one command of the tool, written atomically; then `render_readme.py`
copies the reports into README.md. Nothing in the README is typed by hand. Run: `make readme`.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from hwgen.atomic import atomic_write_text  # noqa: E402

PY = sys.executable
HWGEN = [PY, "-m", "hwgen"]

REPORTS = {
    "reports/mitchw_error.md": [PY, "bench/mitchw_error_table.py"],
    "reports/bf16_error.md": [PY, "scripts/bf16_tables.py", "--stdout"],
    "reports/accuracy.md": HWGEN + ["accuracy"],
    "reports/verify_speed.md": [PY, "bench/verify_speed.py"],
    # Fashion-MNIST (needs Debian's dataset-fashion-mnist; default 94 s to 4.5 min, quick 32-50 s, by machine load, on 2 cores)
    "reports/accuracy_fashion.md": HWGEN + ["accuracy", "--dataset", "fashion-mnist", "--plot",
                                            "docs/accuracy_fashion_energy.png"],
    "reports/accuracy_fashion_quick.md": HWGEN + ["accuracy", "--dataset", "fashion-mnist", "--quick"],
    "reports/accuracy_speed.md": [PY, "bench/accuracy_speed.py"],
}

#: Commands that write their report files themselves (into the folder of the named file).
SELF_WRITTEN = {
    # OpenSTA + OSU 0.18 um + nextpnr (Debian extras; about 10 minutes on 2 cores, cached reruns in seconds)
    "reports/compare_real/compare.md": HWGEN + ["compare", "--liberty", "osu018", "--pnr", "--out",
                                                "reports/compare_real"],
}


def main(names: list[str]) -> int:
    failed = 0
    jobs = [(out, cmd, True) for out, cmd in REPORTS.items()] + [(out, cmd, False) for out, cmd in SELF_WRITTEN.items()]
    for out, cmd, from_stdout in jobs:
        if names and not any(n in out for n in names):
            continue
        if not (ROOT / cmd[1]).exists() and cmd[1] != "-m":
            print(f"skip {out}: {cmd[1]} does not exist", file=sys.stderr)
            continue
        print(f"{out} <- {' '.join(cmd[1:])}", flush=True)
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if res.returncode != 0:
            print(f"  failed ({res.returncode}):\n{res.stderr[-2000:]}", file=sys.stderr)
            failed += 1
        elif from_stdout:  # the command prints its report; a failed run leaves the old one in place
            atomic_write_text(ROOT / out, res.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
