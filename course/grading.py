"""Grading a class: find the submissions, grade each in a sandboxed kernel, record every row.

Layout read:   SUBMISSIONS_DIR/<student>/<lesson>/<lesson>.ipynb   (nbgrader's ``submitted/`` shape)
Layout written (under ``out``, the course root by default):

- ``gradebook.db``                        nbgrader's gradebook: every graded submission, per-cell scores
- ``autograded/<student>/<lesson>/``      nbgrader's autograded notebook
- ``feedback/<student>/<lesson>/<lesson>.html``
- ``grades/grades.csv``                   one row per student and lesson, merged with earlier runs
- ``grades/history.csv``                  every row of every run, appended
- ``grades/scores.png``                   a histogram of scores per lesson

Only the student's kernel runs untrusted (see :mod:`course.sandbox`). nbgrader,
the gradebook and the CSV files stay in this process: a score comes from the
messages the kernel sent, never from a file the kernel could write.

Statuses: ``graded``, ``tampered`` (graded, but a test cell was changed, deleted or duplicated,
or the test machinery was changed at run time: the tests run after that score 0), ``timeout``,
``crashed`` (the kernel died or the grader could not finish), ``unreadable`` (not a notebook),
``missing`` (no notebook for that lesson). Never a silent zero.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from . import ROOT, CourseError, catalog, nbg, sandbox, tamper
from .reports import STATUSES, Result, plot_scores, print_summary as _print_summary, write_csv  # noqa: F401

MAX_NOTEBOOK_MB = 50


# ---------------------------------------------------------------- discovery

def discover(submissions: Path, lessons: list[str] | None) -> tuple[list[str], list[str]]:
    """Students and lessons in a submissions folder; a clear error when its shape is wrong."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise CourseError(f"{submissions}: no such folder of submissions")
    stray = sorted(p.name for p in submissions.iterdir() if p.is_file() and not p.name.startswith("."))
    if stray:
        raise CourseError(f"{submissions}: holds files {stray[:3]} at the top level; expected one folder per "
                          f"student: {submissions}/<student>/<lesson>/<lesson>.ipynb")
    students = sorted(p.name for p in submissions.iterdir()
                      if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))
    if not students:
        raise CourseError(f"{submissions}: no student folders; expected {submissions}/<student>/<lesson>/<lesson>.ipynb")
    if lessons:
        wanted = [catalog.get(l).id for l in lessons]
    else:
        known = {l.id for l in catalog.lessons()}
        found = {p.name for s in students for p in (submissions / s).iterdir() if p.is_dir()}
        wanted = sorted(found & known)
        if not wanted:
            raise CourseError(f"{submissions}: no folder named after a lesson ({', '.join(sorted(known))}) in any "
                              f"student folder; expected {submissions}/<student>/<lesson>/<lesson>.ipynb")
    return students, wanted


def read_submission(path: Path) -> dict:
    """The notebook at ``path`` as a dict: a regular file (never a link, a pipe or a device), valid nbformat."""
    import nbformat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        if Path(path).is_symlink():
            raise CourseError(f"{path.name}: is a symbolic link, not a notebook file") from None
        raise CourseError(f"{path.name}: cannot be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise CourseError(f"{path.name}: is not a regular file")
        if st.st_size > MAX_NOTEBOOK_MB * 2**20:
            raise CourseError(f"{path.name}: is {st.st_size / 2**20:.0f} MB, larger than the {MAX_NOTEBOOK_MB} MB limit")
        data = f.read()
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise CourseError(f"{path.name}: invalid JSON ({str(e)[:120]})") from None
    try:
        nbformat.validate(nbformat.from_dict(nb), relax_add_props=True)
    except Exception as e:
        raise CourseError(f"{path.name}: not a valid notebook ({str(e).splitlines()[0][:160]})") from None
    return nb


# ---------------------------------------------------------------- one submission

def grade_one(course: Path, student: str, lesson: str, notebook: Path, out: Path, timeout: float,
              memory_gb: float = 8.0, kind: str | None = None) -> Result:
    """Grade one submission in a sandboxed kernel; record it in ``out``'s gradebook and copy its files to ``out``.

    ``course`` is the grader's scratch course (made by :func:`grade_class`); ``kind`` a :func:`sandbox.mode`.
    """
    out = Path(out)
    points = catalog.get(lesson).points
    try:
        nb = read_submission(Path(notebook))
    except CourseError as e:
        res = Result(student, lesson, "unreadable", 0.0, points, str(e)[:300])
        _collect(None, student, lesson, out, res)
        return res

    release = catalog.read_notebook(course / "release" / lesson / f"{lesson}.ipynb")
    findings, notes = tamper.deduplicate(nb)
    findings += tamper.notebook_findings(nb, release)
    dest = course / "submitted" / student / lesson
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / f"{lesson}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    _copy_exchange_files(Path(notebook).parent, dest)

    db = out / "gradebook.db"
    run = sandbox.Run(mode=kind, limits=sandbox.Limits(memory_gb=memory_gb, cpu_s=int(2 * timeout) + 60),
                      deadline=time.monotonic() + timeout, files=course / "release" / lesson, work=course.parent)
    t0 = time.perf_counter()
    sandbox.GuardedExecute.run = run
    try:
        r = nbg.autograde(course, lesson, student, db=db, guarded=True)
    except Exception as e:  # the grader itself failed on this submission: its row says so, the batch goes on
        r = {"success": False, "error": f"{type(e).__name__}: {e}"}
    finally:
        sandbox.GuardedExecute.run = None
    took = f" [{time.perf_counter() - t0:.0f}s]"

    res = Result(student, lesson, "graded", 0.0, points)
    ok = r.get("success") and (course / "autograded" / student / lesson / f"{lesson}.ipynb").exists()
    if run.hung:
        res.status = "tampered"
        res.detail = "; ".join([run.hung] + findings) + " (not scored)"
    elif run.timed_out:
        res.status = "timeout"
        res.detail = f"still running after {timeout:.0f}s ({run.timed_out}; an endless loop, or far too slow); stopped"
    elif run.died:
        res.status = "crashed"
        res.detail = ("the kernel died while running the notebook (os._exit, a fatal signal, or a limit: memory, "
                      "processes, CPU time, file size)")
    elif not ok:
        res.status = "crashed"
        res.detail = "the grader could not grade this notebook: " + _scrub(r, course, out)
    if res.status != "graded":
        nbg.forget(db, lesson, student)
    else:
        cells = nbg.grades(course, lesson, student, db=db)
        res.score = float(sum(c.score or 0 for c in cells))
        res.max_score = float(sum(c.max_score for c in cells)) or points
        by_finding: dict[str, list[str]] = {}
        for gid, what in run.findings.items():
            for w in what:
                by_finding.setdefault(w, []).append(gid)
        for w, gids in by_finding.items():
            findings.append(f"{w} (before {', '.join(gids)}: scored 0)")
        if findings:
            res.status = "tampered"
        res.detail = "; ".join(findings + notes)
        try:
            nbg.feedback(course, lesson, student, db=db)
        except Exception as e:  # noqa: BLE001 - a feedback page is not worth the row
            res.detail = (res.detail + f"; no feedback page ({type(e).__name__})").lstrip("; ")
    if run.output_dropped:
        res.detail = (res.detail + f"; {run.output_dropped / 2**20:.1f} MB of output over the "
                      f"{run.limits.output_mb:g} MB limit dropped").lstrip("; ")
    res.detail = (res.detail + took).strip()
    _collect(course, student, lesson, out, res)
    shutil.rmtree(dest, ignore_errors=True)
    return res


EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def _copy_exchange_files(src: Path, dest: Path) -> None:
    """nbgrader's ``timestamp.txt`` and ``submission_secret.txt`` of a collected submission (small regular files,
    never links): autograde reads the timestamp, and ``nbgrader release_feedback`` needs both in feedback/."""
    for name in EXCHANGE_FILES:
        try:
            fd = os.open(src / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                continue
            data = f.read(1025)
        if len(data) <= 1024:
            (dest / name).write_bytes(data)


def _scrub(r: dict, course: Path, out: Path) -> str:
    """The last line of nbgrader's error, without the grader's paths."""
    text = (r.get("error") or "") + "\n" + (r.get("log") or "")
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith(("[", "File", "Traceback"))]
    last = lines[-1] if lines else "no message"
    for p in (str(course.parent), str(out), str(ROOT)):
        last = last.replace(p, "…")
    return last[:200]


def _collect(course: Path | None, student: str, lesson: str, out: Path, res: Result) -> None:
    """Copy the autograded notebook and feedback (regular files the grader wrote) to ``out``; a status page otherwise."""
    for kind in ("autograded", "feedback"):
        dst = out / kind / student / lesson
        if dst.is_symlink() or dst.is_file():
            dst.unlink()
        elif dst.exists():
            shutil.rmtree(dst)
        src = course / kind / student / lesson if course else None
        if src is not None and src.is_dir():
            for f in src.rglob("*"):
                if f.is_file() and not f.is_symlink():
                    target = dst / f.relative_to(src)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(f, target)
    from .reports import mark_tampered, status_page

    page = out / "feedback" / student / lesson / f"{lesson}.html"
    if res.status not in ("graded", "tampered") or not page.exists():
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(status_page(res), encoding="utf-8")
    elif res.status == "tampered":
        mark_tampered(page, res.detail)


# ---------------------------------------------------------------- a class

def prepare_needs(lesson_ids: list[str]) -> None:
    """Make the lessons' models ready in the trusted process (the SmolLM2 fp32 conversion, lesson 15's
    pretrained GPT; once each), so that the sandboxed kernels only read the shared cache."""
    from . import models, reference

    needs = {n for lid in lesson_ids for n in catalog.get(lid).needs}
    if "smollm2" in needs:
        models.smollm2_path()
    if any("shakespeare_gpt()" in catalog.get(lid).source.read_text(encoding="utf-8") for lid in lesson_ids):
        reference.shakespeare_gpt(progress=False)  # about 36 s of CPU once, instead of once per submission


def grade_class(submissions: Path, out: Path = ROOT, lessons: list[str] | None = None, timeout: float | None = None,
                jobs: int = 1, memory_gb: float = 8.0, progress: bool = True, trusted: bool = False) -> list[Result]:
    """Grade every student's submission of every lesson; write the gradebook, CSVs, feedback and a plot under ``out``.

    Refuses to run student code unsandboxed unless ``trusted``. ``jobs`` is accepted for compatibility;
    submissions are graded one at a time (the gradebook has one writer, and 2 cores gain nothing).
    """
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    students, wanted = discover(submissions, lessons)
    kind = sandbox.mode()
    if kind is None and not trusted:
        raise CourseError("this machine cannot sandbox student code (it needs Linux with util-linux unshare, setpriv, "
                          "prlimit and pivot_root, and either root or unprivileged user namespaces). Grade as root, "
                          "or in a VM or container, or pass --trusted if you trust every submission")
    out.mkdir(parents=True, exist_ok=True)
    prepare_needs(wanted)
    work = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        course = work / "course"
        nbg.scratch_course(course, wanted, db=out / "gradebook.db")  # the assignments, into the course's gradebook
        results = []
        todo = []
        for s in students:
            for lid in wanted:
                nb = submissions / s / lid / f"{lid}.ipynb"
                if os.path.lexists(nb):
                    limit = timeout if timeout is not None else 5 * catalog.get(lid).budget_s + 120
                    todo.append((s, lid, nb, limit))
                else:
                    folder = submissions / s / lid
                    others = sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []
                    detail = f"no {lid}.ipynb" + (f" (found {', '.join(others[:3])})" if others else "")
                    r = Result(s, lid, "missing", 0.0, catalog.get(lid).points, detail)
                    nbg.forget(out / "gradebook.db", lid, s)
                    _collect(None, s, lid, out, r)
                    write_csv([r], out / "grades")
                    results.append(r)

        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), desc="grading", unit="nb", disable=not progress)
        for s, lid, nb, limit in todo:
            try:
                r = grade_one(course, s, lid, nb, out, limit, memory_gb, kind)
            except Exception as e:  # noqa: BLE001 - one submission never stops the batch
                r = Result(s, lid, "crashed", 0.0, catalog.get(lid).points,
                           f"the grader failed on this submission ({type(e).__name__})")
            write_csv([r], out / "grades")  # on disk as soon as it is graded
            results.append(r)
            bar.update(1)
            bar.set_postfix_str(f"{s}/{lid}: {r.status}")
        bar.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results.sort(key=lambda r: (r.student, r.lesson))
    plot_scores(results, out / "grades" / "scores.png")
    return results


def isolation() -> str:
    """What the summary says about the isolation the kernels got."""
    return sandbox.describe(sandbox.mode())


def print_summary(results: list[Result], out: Path) -> None:
    """The grade table, counts per status, mean score per lesson and the isolation the kernels got."""
    _print_summary(results, out, isolation())


# ---------------------------------------------------------------- the demo class

def _cells_by_id(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb.get("cells", [])
            if isinstance(c, dict) and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def _answers_from_source(lesson_id: str, keep: int | None = None) -> dict:
    """The release notebook with the first ``keep`` answer cells (all when None) filled from the source."""
    source = catalog.read_notebook(catalog.get(lesson_id).source)
    release = catalog.read_notebook(catalog.get(lesson_id).release)
    solutions = {gid: c for gid, c in _cells_by_id(source).items() if c["metadata"]["nbgrader"].get("solution")}
    filled = 0
    for cell in release["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in solutions and (keep is None or filled < keep):
            text = "".join(solutions[gid]["source"])
            text = "\n".join(l for l in text.splitlines() if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            cell["source"] = text
            filled += 1
    return release


def make_demo_class(out: Path, lesson_id: str) -> Path:
    """``out/submitted/`` with three students: solved, blank and partly correct."""
    submitted = Path(out) / "submitted"
    if submitted.exists():
        shutil.rmtree(submitted)
    n = len(catalog.get(lesson_id).exercises)
    for student, nb in (("alice_solved", _answers_from_source(lesson_id)),
                        ("bob_blank", catalog.read_notebook(catalog.get(lesson_id).release)),
                        ("carol_partial", _answers_from_source(lesson_id, keep=n // 2))):
        path = submitted / student / lesson_id / f"{lesson_id}.ipynb"
        path.parent.mkdir(parents=True)
        catalog.write_notebook(path, nb)
    return submitted
