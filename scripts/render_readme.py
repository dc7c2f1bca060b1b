"""Refresh the generated blocks of README.md from the files the tool wrote.

A block looks like::

    <!-- generated: reports/verification.md -->
    ...anything...
    <!-- end generated -->

and is replaced by the current content of the named file (written by `hwgen demo`, `hwgen error`,
`hwgen compare`, ...). Figures in the README are therefore never typed by hand: run `make readme`.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- generated: (?P<src>[^ ]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def _demote(text: str) -> str:
    """Headings of an included report sit below the README section that includes it."""
    return re.sub(r"^(#+) ", lambda m: "##" + m.group(1) + " ", text, flags=re.M)


def render(text: str) -> str:
    missing = []

    def fill(m):
        src = ROOT / m.group("src")
        if not src.exists():
            missing.append(m.group("src"))
            return m.group(0)
        return m.group(1) + _demote(src.read_text().rstrip("\n")) + "\n" + m.group(4)

    out = BLOCK.sub(fill, text)
    for name in missing:
        print(f"render_readme: {name} does not exist yet; block left as it was", file=sys.stderr)
    return out


if __name__ == "__main__":
    readme = ROOT / "README.md"
    readme.write_text(render(readme.read_text()))
