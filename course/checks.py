"""The checks every lesson must pass (COURSE_DESIGN.md, "The checks").

:func:`check_lesson` executes a lesson's solution **once**, in a fresh kernel,
and in that same kernel runs every mutant against its exercise's tests; the
executed notebook is then scored by nbgrader's own autograder (without running
it again). The release is executed as a learner gets it and must score zero.
The test suite and ``course check`` both call this module.
"""
from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO_SLUG, ROOT, CourseError, catalog, nbg
from .catalog import Lesson

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
ALLOWED_NB_META = {"kernelspec", "language_info", "course"}
ALLOWED_CELL_META = {"nbgrader", "tags", "editable", "deletable", "slideshow"}
MUTANT_CELL_TIMEOUT = 120


@dataclass
class Mutant:
    """A plausible wrong answer to one exercise.

    replace: ``(old, new)`` edits of the solution cell's text; each ``old`` must occur in it.
    code: the whole answer cell's replacement (instead of ``replace``).
    """

    name: str
    replace: list[tuple[str, str]] = field(default_factory=list)
    code: str | None = None

    def apply(self, solution: str) -> str:
        if self.code is not None:
            return self.code
        out = solution
        for old, new in self.replace:
            if old not in out:
                raise CourseError(f"mutant {self.name!r} is stale: {old!r} is not in the solution cell any more")
            out = out.replace(old, new)
        if out == solution:
            raise CourseError(f"mutant {self.name!r} changes nothing")
        return out


def load_mutants(lesson_id: str, root: Path = ROOT) -> dict[str, list[Mutant]]:
    """``tests/mutants/<lesson>.py``'s MUTANTS, keyed by answer-cell grade_id ({} when the file is missing)."""
    path = Path(root) / "tests" / "mutants" / f"{lesson_id}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"mutants_{lesson_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(getattr(module, "MUTANTS", {}))


@dataclass
class Report:
    """Everything :func:`check_lesson` found about one lesson."""

    lesson: Lesson
    problems: list[str] = field(default_factory=list)
    run_s: float | None = None
    slowest_cell: tuple[int, float] = (0, 0.0)
    score: float | None = None
    release_score: float | None = None
    mutants: int = 0
    killed: int = 0
    survivors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def of(self, kind: str) -> list[str]:
        """The problems found by one check: structure, release, solution, zero, mutants, budget."""
        return [p for p in self.problems if p.startswith(f"[{kind}]")]

    def lines(self) -> list[str]:
        l = self.lesson
        out = [f"{l.id}  {l.title_en} · {l.title_zh}"]
        if self.run_s is not None:
            out += [
                f"  solution  : {self.score:g} / {l.points:g} points, run {self.run_s:.1f}s (budget {l.budget_s:.0f}s, "
                f"slowest cell #{self.slowest_cell[0]} {self.slowest_cell[1]:.1f}s)",
                f"  release   : {self.release_score if self.release_score is None else f'{self.release_score:g}'}"
                " points (must be 0)",
                f"  mutants   : {self.killed}/{self.mutants} caught",
            ]
        else:
            out.append("  not executed (static checks only, or the run failed: see below)")
        out += [f"  FAIL {p}" for p in self.problems] or ["  OK"]
        return out


# ---------------------------------------------------------------- structure

def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _nbmeta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def exercises(nb: dict) -> list[tuple[int, list[int]]]:
    """``(answer cell index, [its test cell indices])`` for every exercise, in order.

    An exercise's tests are the graded cells after its answer cell and before the next one.
    """
    out: list[tuple[int, list[int]]] = []
    for i, cell in enumerate(nb["cells"]):
        m = _nbmeta(cell)
        if m.get("solution") and cell["cell_type"] == "code":
            out.append((i, []))
        elif m.get("grade") and cell["cell_type"] == "code" and out:
            out[-1][1].append(i)
    return out


def check_structure(lesson: Lesson, nb: dict, mutants: dict[str, list[Mutant]]) -> list[str]:
    """Static checks of a source notebook: metadata, header, cells, glossary, outputs, mutants."""
    p: list[str] = []
    cells = nb["cells"]
    extra = set(nb.get("metadata", {})) - ALLOWED_NB_META
    if extra:
        p.append(f"notebook metadata has unexpected keys {sorted(extra)} (clean it)")
    ids = [m["grade_id"] for c in cells if (m := _nbmeta(c)).get("grade_id")]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        p.append(f"duplicated grade_ids {dups}")
    for i, c in enumerate(cells):
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None):
            p.append(f"cell {i} is committed with outputs or an execution count")
        bad = set(c.get("metadata", {})) - ALLOWED_CELL_META
        if bad:
            p.append(f"cell {i} has unexpected metadata {sorted(bad)}")
        m, src = _nbmeta(c), _src(c)
        if m.get("grade") and c["cell_type"] == "code":
            if not m.get("points"):
                p.append(f"test cell {m.get('grade_id')} has no points")
            if HIDDEN_MARKERS[0] not in src or HIDDEN_MARKERS[1] not in src:
                p.append(f"test cell {m.get('grade_id')} has no hidden-test block")
            if not m.get("locked"):
                p.append(f"test cell {m.get('grade_id')} is not locked")
        if m.get("solution") and c["cell_type"] == "code" and SOLUTION_MARKERS[0] not in src:
            p.append(f"answer cell {m.get('grade_id')} has no solution block")
    ex = exercises(nb)
    if len(ex) < 5:
        p.append(f"{len(ex)} exercises; a lesson has at least five")
    for a, tests in ex:
        gid = _nbmeta(cells[a])["grade_id"]
        if not tests:
            p.append(f"exercise {gid} has no test cell after it")
        n = len(mutants.get(gid, []))
        if n < 2:
            p.append(f"exercise {gid} has {n} mutants in tests/mutants/{lesson.id}.py; at least two are needed")
    answer_ids = {_nbmeta(cells[a])["grade_id"] for a, _ in ex}
    for gid in sorted(set(mutants) - answer_ids):
        p.append(f"tests/mutants/{lesson.id}.py names {gid!r}, which is not an answer cell")
    # header
    header = _src(cells[0]) if cells and cells[0]["cell_type"] == "markdown" else ""
    first = header.splitlines()[0] if header else ""
    if not first.startswith("# ") or lesson.title_en not in first or lesson.title_zh not in first:
        p.append(f"header's first line must be '# NN · {lesson.title_en} · {lesson.title_zh}'")
    if catalog.badge(lesson.id) not in header:
        p.append("header lacks the Colab badge for this lesson (run `course build`)")
    for needle, what in (("What you will be able to do", "goals"), ("Prerequisites", "prerequisites"),
                         ("Run time", "run time")):
        if needle not in header:
            p.append(f"header lacks the {what} ('{needle}')")
    pts = f"**Points:** {lesson.points:g}"
    if pts not in header:
        p.append(f"header must state the points as '{pts}'")
    setup = cells[1] if len(cells) > 1 else {}
    if not _nbmeta(setup).get("locked") or f'COURSE_REPO = "{REPO_SLUG}"' not in _src(setup):
        p.append(f'cell 1 must be the locked setup cell with COURSE_REPO = "{REPO_SLUG}"')
    if not any(c["cell_type"] == "markdown" and "Glossary" in _src(c) and "术语表" in _src(c) for c in cells):
        p.append("no glossary cell ('## Glossary · 术语表')")
    return p


def check_release(lesson: Lesson, generated: Path, source_nb: dict) -> list[str]:
    """The committed release equals what nbgrader generates now, and leaks nothing."""
    p = []
    committed = lesson.release
    if not committed.exists():
        return [f"{committed.relative_to(ROOT)} is missing (run `course build {lesson.id}`)"]
    if committed.read_bytes() != Path(generated).read_bytes():
        p.append(f"{committed.relative_to(ROOT)} is not what nbgrader generates from source now "
                 f"(run `course build {lesson.id}` and commit)")
    gen_dir, rel_dir = Path(generated).parent, committed.parent
    gen_files = {f.relative_to(gen_dir) for f in gen_dir.rglob("*") if f.is_file()}
    rel_files = {f.relative_to(rel_dir) for f in rel_dir.rglob("*") if f.is_file()}
    if gen_files != rel_files:
        p.append(f"release/{lesson.id}/ files differ from a fresh build: {sorted(map(str, gen_files ^ rel_files))}")
    text = committed.read_text(encoding="utf-8")
    for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
        if marker in text:
            p.append(f"release holds {marker!r}")
    for c in source_nb["cells"]:
        src = _src(c)
        for begin, end in (SOLUTION_MARKERS, HIDDEN_MARKERS):
            for block in re.findall(re.escape(begin) + r"\n(.*?)" + re.escape(end), src, re.S):
                body = "\n".join(line.strip() for line in block.strip().splitlines())
                lines = [line for line in body.splitlines() if len(line) > 12]
                if len(lines) >= 2 and all(line in text for line in lines):
                    p.append(f"release holds the text of a {begin[4:].lower()} block of {_nbmeta(c).get('grade_id')}")
    return p


# ---------------------------------------------------------------- execution

def _errors(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _fails(cell) -> list[dict]:
    """What makes nbgrader score a test cell 0: an error, or anything written to stderr (a warning too)."""
    return _errors(cell) + [{"ename": "stderr", "evalue": o.get("text", "")[:200]} for o in cell.get("outputs", [])
                            if o.get("output_type") == "stream" and o.get("name") == "stderr"]


def _execute(nb, cwd: Path, timeout: int, after=None) -> tuple[float, list[float]]:
    """Execute ``nb`` in place in a fresh kernel; then call ``after(client)`` in the same kernel."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    times = [0.0] * len(nb.cells)
    t0 = time.perf_counter()
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                t = time.perf_counter()
                client.execute_cell(cell, i)
                times[i] = time.perf_counter() - t
        total = time.perf_counter() - t0
        if after is not None:
            after(client)
    return total, times


def _run_cell(client, source: str, index: int, timeout: int = MUTANT_CELL_TIMEOUT) -> list[dict]:
    """Run ``source`` in the client's kernel; the error outputs (a timeout counts as one)."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    cell = nbformat.v4.new_code_cell(source)
    old, kept = client.timeout, client.nb.cells[index]
    client.timeout = timeout
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        return [{"ename": "Timeout", "evalue": f"cell ran over {timeout}s"}]
    finally:
        client.timeout = old
        client.nb.cells[index] = kept  # nbclient stores the executed cell in the notebook: undo that
    return _fails(cell)


def run_mutants(client, nb, mutants: dict[str, list[Mutant]], report: Report) -> None:
    """Each mutant in turn: its answer cell, then the exercise's tests (which must fail), then the solution again."""
    cells = nb.cells
    for a, tests in exercises(nb):
        gid = cells[a].metadata["nbgrader"]["grade_id"]
        solution = _src(cells[a])
        for m in mutants.get(gid, []):
            report.mutants += 1
            try:
                code = m.apply(solution)
            except CourseError as e:
                report.problems.append(f"[mutants] {gid}: {e}")
                continue
            if _run_cell(client, code, a):
                report.problems.append(f"[mutants] {gid}: mutant {m.name!r} fails before any test runs (it must be a "
                                       "plausible answer that defines the function)")
            elif any(_run_cell(client, _src(cells[t]), t) for t in tests):
                report.killed += 1
            else:
                report.survivors.append(f"{gid}: {m.name}")
                report.problems.append(f"[mutants] {gid}: mutant {m.name!r} survives its tests")
            if _run_cell(client, solution, a):
                report.problems.append(f"[mutants] {gid}: re-running the solution after a mutant failed")


def unexpected_release_errors(nb) -> list[str]:
    """Errors in an executed release other than NotImplementedError or a NameError a failed cell explains."""
    failed_src = ""
    out = []
    for i, cell in enumerate(nb.cells):
        for e in _errors(cell):
            name = re.match(r"name '(\w+)' is not defined", e.get("evalue", ""))
            if e.get("ename") == "NotImplementedError":
                continue
            if e.get("ename") == "NameError" and name and re.search(rf"\b{name.group(1)}\b", failed_src):
                continue
            out.append(f"release cell {i}: {e.get('ename')}: {e.get('evalue')}")
        if _errors(cell):
            failed_src += "\n" + _src(cell)
    return out


def _score(course: Path, lesson: Lesson, nb, student: str) -> tuple[float, list[str]]:
    """Autograde an already executed notebook with nbgrader; total score and per-cell notes."""
    import nbformat

    sub = course / "submitted" / student / lesson.id
    sub.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, sub / f"{lesson.id}.ipynb")
    r = nbg.autograde(course, lesson.id, student, pre_executed=True)
    if not r.get("success"):
        raise CourseError(f"nbgrader autograde of {student}'s {lesson.id} failed: {(r.get('log') or '')[-2000:]}")
    cells = nbg.grades(course, lesson.id, student)
    return sum(c.score or 0 for c in cells), [f"{c.grade_id}={c.score}/{c.max_score}" for c in cells]


def check_lesson(lesson: Lesson, scratch: Path, run: bool = True, timeout: int = 600) -> Report:
    """All checks of one lesson; ``run=False`` does only the static ones."""
    import nbformat

    report = Report(lesson)
    source_nb = catalog.read_notebook(lesson.source)
    mutants = load_mutants(lesson.id)
    report.problems += [f"[structure] {p}" for p in check_structure(lesson, source_nb, mutants)]

    scratch = Path(scratch)
    if scratch.exists():
        shutil.rmtree(scratch)
    course = nbg.scratch_course(scratch / "course", [lesson.id])
    report.problems += [f"[release] {p}" for p in check_release(lesson, course / "release" / lesson.id / f"{lesson.id}.ipynb", source_nb)]
    if not run:
        return report

    # 1. the solution, once, in a fresh kernel; the mutants in the same kernel
    work = scratch / "solution"
    shutil.copytree(lesson.source.parent, work)
    nb = nbformat.read(work / f"{lesson.id}.ipynb", as_version=4)
    pristine = copy.deepcopy(nb)
    try:
        total, times = _execute(nb, work, timeout,
                                after=lambda client: run_mutants(client, pristine, mutants, report))
    except Exception as e:  # a dead kernel or a broken notebook: report it, don't crash the suite
        report.problems.append(f"[solution] executing the solution failed: {type(e).__name__}: {e}")
        return report
    report.run_s = total
    slow = max(range(len(times)), key=times.__getitem__)
    report.slowest_cell = (slow, times[slow])
    for i, cell in enumerate(nb.cells):
        for e in _errors(cell):
            report.problems.append(f"[solution] solution cell {i} raises {e.get('ename')}: {e.get('evalue')}")
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            for e in _fails(cell):
                if e["ename"] == "stderr":
                    report.problems.append(f"[solution] test cell {i} writes to stderr, which nbgrader scores 0 "
                                           f"(silence the warning in the test): {e['evalue']!r}")
    report.score, notes = _score(course, lesson, nb, "solution")
    if report.score != lesson.points:
        report.problems.append(f"[solution] solution earns {report.score}/{lesson.points}: {', '.join(notes)}")
    if total > 2 * lesson.budget_s:
        report.problems.append(f"[budget] solution ran {total:.0f}s, over twice its budget of {lesson.budget_s:.0f}s")

    # 2. the release, as a learner receives it
    work = scratch / "release"
    shutil.copytree(course / "release" / lesson.id, work)
    rnb = nbformat.read(work / f"{lesson.id}.ipynb", as_version=4)
    try:
        _execute(rnb, work, timeout)
    except Exception as e:
        report.problems.append(f"[zero] executing the release failed: {type(e).__name__}: {e}")
        return report
    report.problems += [f"[zero] {p}" for p in unexpected_release_errors(rnb)]
    report.release_score, notes = _score(course, lesson, rnb, "release")
    if report.release_score != 0:
        report.problems.append(f"[zero] release earns {report.release_score} points, not 0: {', '.join(notes)}")
    return report
