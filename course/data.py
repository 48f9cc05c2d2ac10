"""Offline-first datasets for the lessons.

Every loader reads a copy that is already on the machine (a dataset bundled
with a pinned package, or a small file committed to the repository with its
sha256). None downloads anything unless the learner asks for it. A loader that
cannot find its data raises :class:`course.CourseError` saying what is missing
and how to get it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from . import CourseError

SKLEARN_SETS = ("iris", "wine", "breast_cancer", "digits", "diabetes")


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path: Path, expected: str) -> Path:
    """Return ``path`` if its sha256 is ``expected``; otherwise raise saying so."""
    got = sha256(path)
    if got != expected:
        raise CourseError(f"{path}: sha256 is {got}, expected {expected}; the file is corrupt or a different version. "
                          "Reinstall it with `make venv` (or delete .venv and run `make test`).")
    return path


def sklearn_dataset(name: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """One of the datasets scikit-learn bundles: ``(X, y, target_names)``.

    name: one of iris, wine, breast_cancer, digits, diabetes (diabetes has no
    target names; an empty list is returned).
    """
    if name not in SKLEARN_SETS:
        raise CourseError(f"unknown dataset {name!r}: the bundled ones are {', '.join(SKLEARN_SETS)}")
    try:
        from sklearn import datasets
    except ImportError:
        raise CourseError("scikit-learn is not installed: run `pip install scikit-learn` (or `make venv`)") from None
    bunch = getattr(datasets, f"load_{name}")()
    names = [str(n) for n in getattr(bunch, "target_names", [])]
    return np.asarray(bunch.data), np.asarray(bunch.target), names


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 handwritten digits: images ``(1797, 8, 8)`` in [0, 16] and labels."""
    X, y, _ = sklearn_dataset("digits")
    return X.reshape(-1, 8, 8), y
