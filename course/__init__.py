"""LLM Zero to Hero: the helper package shared by the lessons and the grading pipeline.

Modules, one job each:

- ``catalog``  the lessons, discovered from ``source/`` (ids, titles, budgets, badges)
- ``nbg``      a thin wrapper over nbgrader (config, releases, autograde, gradebook)
- ``grading``  grading a class: discovery, one sandboxed run per submission, statuses, the gradebook
- ``sandbox``  the student's kernel in Linux namespaces as an unprivileged user, with limits
- ``tamper``   tamper detection: changed or duplicated test cells, and a probe of the test machinery
- ``reports``  result rows, grades.csv/history.csv (atomic), status pages, summary, histogram
- ``checks``   the checks every lesson must pass (used by the test suite and ``course check``)
- ``mutate``   automatic mutants derived from each solution (standard operators)
- ``doctor``   is this machine ready for the course?
- ``env``      what a lesson needs (packages, data, models) and ``course.setup``, which provides it
- ``data``     offline-first datasets for the lessons
- ``models``   the pretrained models, from pinned packages (a registry: one entry per model)
- ``reference`` code later lessons reuse from earlier ones, each piece checked against its lesson
- ``template`` ``course new``: a new lesson in the one style
- ``cli``      the ``course`` command
"""
from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.1.0"

#: The GitHub repository that hosts the course: the one place the slug lives.
#: `course build` stamps it into every notebook's Colab badge and setup cell.
REPO_SLUG = "llm-zero-to-hero/llm-zero-to-hero"
BRANCH = "main"

#: The course directory (repository root). Override with $COURSE_ROOT.
ROOT = Path(os.environ.get("COURSE_ROOT", Path(__file__).resolve().parents[1]))


def cache_dir() -> Path:
    """Where converted models and embeddings are cached: $COURSE_CACHE, else ~/.cache/llm-zero-to-hero."""
    path = Path(os.environ.get("COURSE_CACHE") or Path.home() / ".cache" / "llm-zero-to-hero")
    path.mkdir(parents=True, exist_ok=True)
    return path


class CourseError(Exception):
    """An error with a message meant for a person: what is wrong and how to fix it."""


from .env import setup  # noqa: E402  (``course.setup(needs=[...])`` opens every lesson's setup cell)
