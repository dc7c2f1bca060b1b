"""The 16-bit default configurations of `drum`, `ilm` and `mitchw_ec` over all 2^32 operand pairs (native
path), through bench/exhaustive16.py. Minutes per unit: run it on an otherwise idle machine.

Usage: PYTHONPATH=. .venv/bin/python bench/multiplier_exhaustive16.py [SPEC ...]
       (default: drum:width=16 ilm:width=16 mitchw_ec:width=16)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exhaustive16

DEFAULT = ["drum:width=16", "ilm:width=16", "mitchw_ec:width=16"]

if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv += DEFAULT
    exhaustive16.main()
