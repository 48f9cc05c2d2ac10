"""A thin wrapper over nbgrader's Python API.

Everything runs in-process through ``NbGraderAPI`` on a course directory that
is either the repository or a scratch copy made by :func:`scratch_course`.
Settings come from the repository's ``nbgrader_config.py``; only the course
root and the (absolute) gradebook URL are changed for a scratch copy.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from . import ROOT, CourseError, catalog


def ensure_bin_on_path() -> None:
    """nbgrader runs ``alembic`` as a subprocess: this environment's bin/ must be on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def config(root: Path, pre_executed: bool = False, timeout: int | None = None, db: Path | None = None,
           guarded: bool = False):
    """The course's nbgrader config, pointed at ``root``.

    pre_executed: autograde a notebook that has already been executed (its
    outputs are kept and scored as they are). The lesson checks use this to
    score a run they made themselves, so a solution is executed only once.
    db: the gradebook file (default ``root/gradebook.db``).
    guarded: execute with :class:`course.sandbox.GuardedExecute` (a sandboxed
    kernel, a tamper probe before each test cell) instead of nbgrader's Execute.
    """
    from traitlets.config.loader import PyFileConfigLoader
    from nbgrader.preprocessors import (
        AssignLatePenalties, CheckCellMetadata, DeduplicateIds, IgnorePattern,
        LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
    )
    from nbconvert.preprocessors import ClearMetadataPreprocessor

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    root = Path(root).resolve()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.db_url = "sqlite:///" + str(Path(db).resolve() if db else root / "gradebook.db")
    if timeout is not None:
        cfg.Execute.timeout = timeout
    if pre_executed:
        cfg.Autograde.sanitize_preprocessors = [DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
        cfg.Autograde.autograde_preprocessors = [
            IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
        ]
    if guarded:
        from .sandbox import GuardedExecute
        cfg.Autograde.autograde_preprocessors = [
            GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
            CheckCellMetadata,
        ]
    return cfg


def api(root: Path, **kw):
    """An ``NbGraderAPI`` on the course directory ``root``."""
    ensure_bin_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = config(root, **kw)
    coursedir = CourseDirectory(config=cfg)
    a = NbGraderAPI(coursedir=coursedir, config=cfg)
    a.log.setLevel(logging.ERROR)
    return a


def _check(result: dict, what: str) -> dict:
    if not result.get("success"):
        log = (result.get("error") or "") + (result.get("log") or "")
        raise CourseError(f"{what} failed:\n{log.strip()[-3000:]}")
    return result


def scratch_course(dest: Path, lessons: list[str], db: Path | None = None) -> Path:
    """A scratch course at ``dest`` with the given lessons' sources, released into its own gradebook (or ``db``)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for lid in lessons:
        src = ROOT / "source" / lid
        if not src.is_dir():
            raise CourseError(f"unknown lesson id {lid!r}: no folder {src}")
        shutil.copytree(src, dest / "source" / lid, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    a = api(dest, db=db)
    with contextlib.redirect_stdout(io.StringIO()):
        for lid in lessons:
            _check(a.generate_assignment(lid, force=True, create=True), f"nbgrader generate_assignment {lid}")
    return dest


def build(lessons: list[str], scratch: Path) -> list[Path]:
    """Regenerate ``release/<id>/`` from ``source/<id>/`` (badges stamped first)."""
    for lid in lessons:
        catalog.stamp(ROOT / "source" / lid / f"{lid}.ipynb")
    scratch_course(scratch, lessons)
    written = []
    for lid in lessons:
        out = ROOT / "release" / lid
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(Path(scratch) / "release" / lid, out)
        written.append(out / f"{lid}.ipynb")
    return written


@dataclass
class CellGrade:
    grade_id: str
    score: float | None
    max_score: float


def grades(root: Path, lesson_id: str, student: str, db: Path | None = None) -> list[CellGrade]:
    """Per-test-cell autograded scores for one submission, read from the gradebook (``root``'s, or ``db``)."""
    from nbgrader.api import Gradebook

    url = "sqlite:///" + str(Path(db).resolve() if db else Path(root).resolve() / "gradebook.db")
    out = []
    with Gradebook(url) as gb:
        nb = gb.find_submission_notebook(lesson_id, lesson_id, student)
        for g in nb.grades:
            if g.cell.cell_type == "code" or g.auto_score is not None:
                out.append(CellGrade(g.name, g.auto_score, float(g.max_score)))
    return sorted(out, key=lambda g: g.grade_id)


def autograde(root: Path, lesson_id: str, student: str, **kw) -> dict:
    """Autograde ``submitted/<student>/<lesson>/`` in the course at ``root``; nbgrader's result dict."""
    a = api(root, **kw)
    with contextlib.redirect_stdout(io.StringIO()):
        return a.autograde(lesson_id, student, force=True, create=True)


def forget(db: Path, lesson_id: str, student: str) -> None:
    """Remove one submission from the gradebook ``db`` if it is there (it could not be graded this time)."""
    from nbgrader.api import Gradebook, MissingEntry

    if not Path(db).exists():
        return
    with Gradebook("sqlite:///" + str(Path(db).resolve())) as gb:
        try:
            gb.remove_submission(lesson_id, student)
        except MissingEntry:
            pass


def feedback(root: Path, lesson_id: str, student: str, **kw) -> Path | None:
    """Generate the feedback HTML of one autograded submission; its path, or None."""
    a = api(root, **kw)
    with contextlib.redirect_stdout(io.StringIO()):
        r = a.generate_feedback(lesson_id, student, force=True)
    html = Path(root) / "feedback" / student / lesson_id / f"{lesson_id}.html"
    return html if r.get("success") and html.exists() else None
