"""`hwgen quantize`: discretize a saved weight array to n-bit codes (see hwgen.quantize).

Writes OUT (the codes, .npy) and OUT with the suffix .json (scale, base, levels, squared error,
correlation), each atomically, and only after everything was read and checked.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from hwgen import __version__
from hwgen.atomic import atomic_write_group
from hwgen.commands.common import print_json
from hwgen.params import ParamError
from hwgen.quantize import FITS, MAX_BITS, METHODS, MIN_BITS, quantize

NAME = "quantize"
HELP = "discretize a weight array (.npy) to n-bit linear or exponential (shift) codes"


def add_arguments(p):
    p.add_argument("weights", metavar="WEIGHTS.npy", help="one layer's weights, a numpy .npy file")
    p.add_argument("--bits", type=int, required=True, metavar="N",
                   help=f"code bits, sign included ({MIN_BITS}..{MAX_BITS})")
    p.add_argument("--method", required=True, choices=METHODS,
                   help="exp: levels max|w| * q^j and 0; linear: uniform levels")
    p.add_argument("--base", default=None, metavar="Q|fit",
                   help="exp only: base q in (0, 1), e.g. 0.5 or 1/2 (default 1/2: shift_mul codes), "
                        "or 'fit' to fit q to this layer")
    p.add_argument("--fit", default=None, choices=FITS,
                   help="with --base fit: minimise squared error (mse, default) or maximise correlation")
    p.add_argument("-o", "--out", default=None, metavar="OUT",
                   help="codes file (.npy); the summary goes beside it with .json "
                        "(default: WEIGHTS_codes.npy next to the input)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def _base(text: str | None):
    if text is None or text == "fit":
        return text
    try:
        q = float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        q = None
    if q is None or not 0 < q < 1:
        raise ParamError(f"--base must be 'fit' or a number strictly between 0 and 1, not {text!r}")
    return q


def _load(path: Path) -> np.ndarray:
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
    except FileNotFoundError:
        raise ParamError(f"cannot read weights {str(path)!r}: no such file") from None
    except OSError as e:
        raise ParamError(f"cannot read weights {str(path)!r}: {e.strerror}") from None
    if magic.startswith(b"PK"):
        raise ParamError(f"weights {str(path)!r} is an .npz archive; save one layer per .npy file")
    if magic != b"\x93NUMPY":
        raise ParamError(f"weights {str(path)!r} is not a numpy .npy file")
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ParamError(f"cannot read weights {str(path)!r}: no such file") from None
    except (OSError, ValueError, EOFError) as e:
        raise ParamError(f"cannot read weights {str(path)!r} as a .npy array: {str(e).splitlines()[0]}") \
            from None
    return data


def _outputs(weights: Path, out: str | None) -> tuple[Path, Path]:
    codes = Path(out) if out else weights.with_name(weights.stem + "_codes.npy")
    if codes.suffix != ".npy":
        codes = codes.with_name(codes.name + ".npy")
    if codes.resolve() == weights.resolve():
        raise ParamError(f"-o {str(codes)!r} would overwrite the weights; choose another file")
    return codes, codes.with_suffix(".json")


def run(args):
    weights = Path(args.weights)
    base = _base(args.base)
    data = _load(weights)
    codes_path, summary_path = _outputs(weights, args.out)
    from hwgen.commands.checks import check_writable_dir
    check_writable_dir(codes_path.parent, "-o/--out folder")
    for p in (codes_path, summary_path):
        if p.is_dir():
            raise ParamError(f"-o/--out: {str(p)[:80]!r} is a folder; name a file")
    q = quantize(data, args.bits, args.method, base, args.fit)
    summary = {"hwgen_version": __version__, "weights": str(weights), "codes": codes_path.name,
               **q.summary()}
    buf = io.BytesIO()
    np.save(buf, q.codes, allow_pickle=False)
    try:
        atomic_write_group({codes_path: buf.getvalue(), summary_path: json.dumps(summary, indent=2) + "\n"})
    except OSError as e:
        raise ParamError(f"cannot write {e.filename or codes_path}: {e.strerror}") from None
    if args.json:
        print_json(summary)
        return 0
    base_text = "" if q.base is None else f", base {q.base:.6g}" + (f" (fitted, {q.fit})" if q.fit else "")
    corr = "n/a" if summary["correlation"] is None else f"{q.correlation:.6f}"
    print(f"{weights}: {q.codes.size} weights, {q.method} {q.bits} bits, scale {q.scale:.6g}{base_text}")
    print(f"  squared error {q.squared_error:.6g} (mean {q.mse:.6g}), correlation {corr}")
    print(codes_path)
    print(summary_path)
    return 0
