"""The data set: scikit-learn's handwritten digits (1,797 8x8 images, 10 classes), shipped inside the
scikit-learn package, so the study runs offline.

Pixels are integers 0..16. The split is fixed and seeded (stratified, 30 % test), so every run, the
training script and the tests see the same images.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = ["Digits", "load", "SPLIT_SEED", "TEST_FRACTION", "PIXEL_MAX"]

#: Seed of the train/test split (never change it: the committed weights were trained on this split).
SPLIT_SEED = 20261122
TEST_FRACTION = 0.3
#: Largest pixel value of the data set (4x4 blocks of a 32x32 bitmap, counted).
PIXEL_MAX = 16


@dataclass(frozen=True)
class Digits:
    """Images as integer pixels of shape (n, 1, 8, 8) (values 0..16) and labels 0..9."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@lru_cache(maxsize=1)
def load() -> Digits:
    """The fixed split. Stratified per class with a seeded permutation (no scikit-learn splitter, so the
    split does not change with the scikit-learn version's splitting code)."""
    try:
        from sklearn.datasets import load_digits  # lazy: only the accuracy study needs scikit-learn
    except ImportError:  # a missing resource the user did not name: exit 1 with how to get it
        from hwgen.toolchain import ToolError
        raise ToolError("the accuracy study needs scikit-learn's digits data set: pip install scikit-learn") \
            from None

    d = load_digits()
    x = d.images.astype(np.int64).reshape(-1, 1, 8, 8)
    y = d.target.astype(np.int64)
    rng = np.random.default_rng(SPLIT_SEED)
    test = np.zeros(len(y), dtype=bool)
    for c in range(10):
        idx = np.flatnonzero(y == c)
        idx = rng.permutation(idx)
        test[idx[: int(round(TEST_FRACTION * len(idx)))]] = True
    for a in (x, y, test):
        a.setflags(write=False)
    return Digits(x[~test], y[~test], x[test], y[test])
