"""Fashion-MNIST (Xiao et al. 2017: 60,000 training and 10,000 test images of 28x28 grey pixels, 10
clothing classes), read from the four IDX files Debian's ``dataset-fashion-mnist`` package installs in
/usr/share/datasets/fashion-mnist/ (gzip-compressed or not), so the study runs offline.

Pixels are integers 0..255 (the fp32 network sees pixel / 256). The official train/test split is used
as it is. A missing or malformed file is a :class:`DataMissing` (``hwgen accuracy`` turns it into exit 1
with a one-line hint: a missing resource, per the README's exit-code rule).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["FashionMNIST", "DataMissing", "DEFAULT_DIR", "FILES", "CLASSES", "read_idx", "load_fashion",
           "missing_hint"]

DEFAULT_DIR = Path("/usr/share/datasets/fashion-mnist")
#: The four files, by role (the names of the original distribution).
FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle boot")
#: IDX element type codes -> numpy types (big-endian).
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataMissing(RuntimeError):
    """The data set's files are absent or unreadable."""


def missing_hint(data_dir: Path) -> str:
    return (f"Fashion-MNIST not found in {data_dir}: install it with `apt-get install dataset-fashion-mnist` "
            "or give --data-dir DIR holding the four IDX files")


@dataclass(frozen=True)
class FashionMNIST:
    """Images as integer pixels (n, 1, 28, 28) (0..255, int64) and labels 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def _find(data_dir: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        p = data_dir / name
        if p.is_file():
            return p
    raise DataMissing(missing_hint(data_dir))


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (magic 0x0000TTDD: element type TT, DD dimensions, big-endian sizes)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise DataMissing(f"cannot read {path}: {e}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise DataMissing(f"{path} is not an IDX file (bad magic number)")
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    start = 4 + 4 * ndim
    count = int(np.prod(dims)) if dims else 0
    if len(raw) - start != count * dtype.itemsize:
        raise DataMissing(f"{path}: {len(raw) - start} data bytes, the header promises {count * dtype.itemsize}")
    return np.frombuffer(raw, dtype=dtype, offset=start).reshape(dims)


@lru_cache(maxsize=4)
def load_fashion(data_dir: str | Path | None = None) -> FashionMNIST:
    """The official split from ``data_dir`` (default :data:`DEFAULT_DIR`)."""
    d = Path(data_dir) if data_dir else DEFAULT_DIR
    if not d.is_dir():
        raise DataMissing(missing_hint(d))
    arrays = {k: read_idx(_find(d, stem)) for k, stem in FILES.items()}
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.ndim != 1 or len(x) != len(y):
            raise DataMissing(f"{d}: {part} images {x.shape} and labels {y.shape} are not 28x28 images with "
                              "one label each")
        if y.size and (y.min() < 0 or y.max() > 9):
            raise DataMissing(f"{d}: {part} labels outside 0..9")
    out = {}
    for k, a in arrays.items():
        a = a.astype(np.int64)
        if k.startswith("x"):
            a = a.reshape(-1, 1, 28, 28)
        a.setflags(write=False)
        out[k] = a
    return FashionMNIST(source=str(d), **out)
