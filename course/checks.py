"""The checks every lesson must pass (CONTRIBUTING.md).

:func:`check_lesson` executes a lesson's solution **once**, in a fresh kernel,
and in that same kernel runs every mutant against its exercise's tests; the
executed notebook is then scored by nbgrader's own autograder (without running
it again). The release is executed as a learner gets it and must score zero.
The test suite and ``course check`` both call this module.
"""
from __future__ import annotations

import contextlib
import copy
import importlib.util
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO_SLUG, ROOT, CourseError, catalog, mutate, nbg
from .catalog import Lesson

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
ALLOWED_NB_META = {"kernelspec", "language_info", "course"}
ALLOWED_CELL_META = {"nbgrader", "tags", "editable", "deletable", "slideshow"}
MUTANT_CELL_TIMEOUT = 120
AUTO_MUTANT_TIMEOUT = 20  # per cell; at least 3 × the solution's own time for that cell; a timeout counts as killed
AUTO_TARGET = 0.95  # share of the non-equivalent automatic mutants an exercise's tests must kill, per lesson


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


def _mutants_module(lesson_id: str, root: Path = ROOT):
    path = Path(root) / "tests" / "mutants" / f"{lesson_id}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"mutants_{lesson_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_mutants(lesson_id: str, root: Path = ROOT) -> dict[str, list[Mutant]]:
    """``tests/mutants/<lesson>.py``'s MUTANTS, keyed by answer-cell grade_id ({} when the file is missing)."""
    return dict(getattr(_mutants_module(lesson_id, root), "MUTANTS", {}))


def load_equivalent(lesson_id: str, root: Path = ROOT) -> dict[str, dict[str, str]]:
    """``tests/mutants/<lesson>.py``'s EQUIVALENT: grade_id → {automatic mutant name: why it is equivalent}."""
    return dict(getattr(_mutants_module(lesson_id, root), "EQUIVALENT", {}))


def verdicts_path(lesson_id: str, root: Path = ROOT) -> Path:
    return Path(root) / "tests" / "mutants" / "verdicts" / f"{lesson_id}.json"


@dataclass
class Report:
    """Everything :func:`check_lesson` found about one lesson."""

    lesson: Lesson
    problems: list[str] = field(default_factory=list)
    run_s: float | None = None
    cpu_s: float | None = None
    slowest_cell: tuple[int, float] = (0, 0.0)
    score: float | None = None
    release_score: float | None = None
    mutants: int = 0
    killed: int = 0
    survivors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    auto_generated: int = 0
    auto_killed: int = 0
    auto_equivalent: int = 0
    auto_survivors: list[str] = field(default_factory=list)
    auto_run: int = 0  # how many automatic mutants were executed (the others came from the verdict record)

    @property
    def auto_rate(self) -> float | None:
        """Killed share of the non-equivalent automatic mutants (None when there are none)."""
        n = self.auto_generated - self.auto_equivalent
        return self.auto_killed / n if n else None

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
                f"  solution  : {self.score:g} / {l.points:g} points, run {self.run_s:.1f}s wall, "
                f"{self.cpu_s if self.cpu_s is None else f'{self.cpu_s:.1f}'}s CPU (budget {l.budget_s:.0f}s CPU, "
                f"slowest cell #{self.slowest_cell[0]} {self.slowest_cell[1]:.1f}s)",
                f"  release   : {self.release_score if self.release_score is None else f'{self.release_score:g}'}"
                " points (must be 0)",
                f"  mutants   : {self.killed}/{self.mutants} caught",
                f"  automatic : {self.auto_generated} generated, {self.auto_killed} killed, {self.auto_equivalent} "
                f"listed as equivalent, {len(self.auto_survivors)} survive"
                + (f" ({self.auto_rate:.1%} of the non-equivalent killed)" if self.auto_rate is not None else "")
                + f"; {self.auto_run} run, {self.auto_generated - self.auto_run} from the verdict record",
            ]
            out += [f"  survivor  {s}" for s in self.auto_survivors]
        else:
            out.append("  not executed (static checks only, or the run failed: see below)")
        out += [f"  note {n}" for n in self.notes]
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
            p.append(f"cell {i} is committed with outputs or an execution count (Jupyter saved them: run "
                     f"`course build {lesson.id}`, which strips them)")
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
    if not ex:
        p.append("no exercises (an answer cell with nbgrader solution metadata)")
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
    if not _nbmeta(setup).get("locked") or not _src(setup).startswith(catalog.setup_preamble(lesson.needs)):
        p.append("cell 1 must be the locked setup cell that starts with the setup preamble for the metadata's needs "
                 f"(`course.setup(needs={list(lesson.needs)})`; run `course build`, or copy it from `course new`)")
    if not any(c["cell_type"] == "markdown" and "Glossary" in _src(c) and "术语表" in _src(c) for c in cells):
        p.append("no glossary cell ('## Glossary · 术语表')")
    return p


# ---------------------------------------------------------------- style (CONTRIBUTING.md, "Style")

EXERCISE_HEADING = re.compile(r"^### Exercise (\d+) · `([A-Za-z_]\w*)` \((\d+(?:\.\d+)?) points?\)$", re.M)
DEMO_CELL_LINES = 40


def snake(name: str) -> str:
    """``MultiHeadAttention`` → ``multi_head_attention``; snake_case names are returned as they are."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _hidden_blocks(src: str) -> list[str]:
    return re.findall(re.escape(HIDDEN_MARKERS[0]) + r"\n(.*?)" + re.escape(HIDDEN_MARKERS[1]), src, re.S)


def _top_level_names(code: str) -> list[str]:
    """Names bound at the top level of ``code`` (defs, classes, assignments, imports, for targets)."""
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if not isinstance(node, ast.With) else
                       [i.optional_vars for i in node.items if i.optional_vars is not None])
            for t in targets:
                names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


def _glossary_rows(nb: dict) -> list[tuple[str, str]]:
    for c in nb["cells"]:
        src = _src(c)
        if c["cell_type"] == "markdown" and src.startswith("## Glossary · 术语表"):
            return glossary_table(src)
    return []


def glossary_table(text: str) -> list[tuple[str, str]]:
    """``(English, 中文)`` of every row of the first ``| English | 中文 | meaning |`` table in ``text``."""
    rows = []
    for line in text.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 3 and line.strip().startswith("|") and cols[0] not in ("English", "") and not set(cols[0]) <= set("-: "):
            rows.append((cols[0], cols[1]))
    return rows


def course_glossary(root: Path = ROOT) -> dict[str, str]:
    """``GLOSSARY.md``: one Chinese rendering for every English term of the course."""
    path = Path(root) / "GLOSSARY.md"
    return dict(glossary_table(path.read_text(encoding="utf-8"))) if path.exists() else {}


def check_style(lesson: Lesson, nb: dict) -> tuple[list[str], list[str]]:
    """The one lesson style a machine can check: ``(problems, notes)``; notes are reported, not failed."""
    from .env import PACKAGES

    p: list[str] = []
    notes: list[str] = []
    cells = nb["cells"]
    header = _src(cells[0]) if cells else ""
    roadmap = f"*Roadmap · 路线图: {'; '.join(lesson.roadmap)}*"
    if roadmap not in header.splitlines():
        p.append(f"the header must cite the roadmap on one line, exactly: {roadmap}")
    # needs: every package the code imports is declared
    modules = {mod: name for name, (_, mod) in PACKAGES.items()}
    code = "\n".join(_src(c) for c in cells if c["cell_type"] == "code")
    imported = set(re.findall(r"^\s*(?:import|from)\s+(\w+)", code, re.M))
    undeclared = sorted(modules[m] for m in imported if m in modules and modules[m] not in lesson.needs)
    if undeclared:
        p.append(f"the code imports {undeclared} but the metadata's course.needs does not list them")
    from .env import registry
    unknown = sorted(set(lesson.needs) - set(registry()))
    if unknown:
        p.append(f"course.needs names {unknown}, which course.env does not know (packages, datasets or models)")
    # FULL_RUN: one switch, in the setup cell
    assigned = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and re.search(r"^FULL_RUN\s*=", _src(c), re.M)]
    if "FULL_RUN" in code and (assigned != [1] or len(re.findall(r"^FULL_RUN\s*=", _src(cells[1]), re.M)) != 1):
        p.append(f"FULL_RUN must be set exactly once, in the setup cell (cell 1); it is set in cells {assigned}")
    # exercises: heading, numbering, grade ids
    prev_end = 1
    for k, (a, tests) in enumerate(exercises(nb), start=1):
        gid = _nbmeta(cells[a])["grade_id"]
        names = re.findall(r"^(?:def|class)\s+(\w+)", _src(cells[a]), re.M)
        if not names or not (re.fullmatch(r"[a-z][a-z0-9_]*", gid) and
                             gid.replace("_", "") == names[0].replace("_", "").lower()):
            p.append(f"answer cell {gid!r}: its grade_id must be the snake_case name of the first function or "
                     f"class it defines, lowercase with underscores ({names[0] if names else 'none'} → "
                     f"{snake(names[0]) if names else '?'}; LoRALinear → lora_linear)")
        for t in tests:
            tid = _nbmeta(cells[t]).get("grade_id", "")
            if not (tid == f"test_{gid}" or tid.startswith(f"test_{gid}_")):
                p.append(f"test cell {tid!r} must be named test_{gid} (or test_{gid}_<part>)")
            for block in _hidden_blocks(_src(cells[t])):
                bad = sorted({n for n in _top_level_names(block) if not n.startswith("_")})
                if bad:
                    p.append(f"test cell {tid!r}: names defined in hidden tests must start with '_' "
                             f"(they share the learner's namespace): {bad}")
        points = sum(_nbmeta(cells[t]).get("points", 0) for t in tests)
        want = f"### Exercise {k} · `{names[0] if names else gid}` ({points:g} point{'' if points == 1 else 's'})"
        found = [m for c in cells[prev_end:a] if c["cell_type"] == "markdown"
                 for m in EXERCISE_HEADING.finditer(_src(c))]
        if [m.group(0) for m in found] != [want]:
            p.append(f"exercise {gid!r} must be introduced by one markdown heading line, exactly: {want}")
        prev_end = (tests[-1] if tests else a) + 1
    # wrap-up and glossary
    if not any(c["cell_type"] == "markdown" and _src(c).startswith("## Wrap-up · 小结") for c in cells):
        p.append("no wrap-up cell starting with '## Wrap-up · 小结'")
    glossary = course_glossary()
    for en, zh in _glossary_rows(nb):
        if en not in glossary:
            p.append(f"glossary term {en!r} is not in GLOSSARY.md (add it there with its one Chinese rendering)")
        elif glossary[en] != zh:
            p.append(f"glossary term {en!r} is rendered {zh!r}; GLOSSARY.md says {glossary[en]!r}")
    for i, c in enumerate(cells):
        n = len(_src(c).splitlines())
        if c["cell_type"] == "code" and not _nbmeta(c) and n > DEMO_CELL_LINES:
            notes.append(f"demo cell {i} has {n} lines (over {DEMO_CELL_LINES}: split it so one cell does one thing)")
    return p, notes


EDITOR_DROPPINGS = (".ipynb_checkpoints", "__pycache__", ".DS_Store", ".virtual_documents")


def _files(folder: Path) -> set[Path]:
    """Files of a release folder, without what editors leave behind (checkpoints, caches)."""
    return {f.relative_to(folder) for f in folder.rglob("*")
            if f.is_file() and not any(part in EDITOR_DROPPINGS for part in f.relative_to(folder).parts)}


def same_notebook(a: Path, b: Path) -> bool:
    """Equal up to what Jupyter rewrites on open and save (kernelspec, language_info, outputs)."""
    na, nb_ = (catalog.normalise(catalog.read_notebook(p)) for p in (a, b))
    for n in (na, nb_):
        for c in n["cells"]:
            c["source"] = _src(c)
    return json.dumps(na, sort_keys=True) == json.dumps(nb_, sort_keys=True)


def check_release(lesson: Lesson, generated: Path, source_nb: dict, committed: Path | None = None) -> list[str]:
    """The committed release equals what nbgrader generates now, and leaks nothing."""
    p = []
    committed = Path(committed or lesson.release)
    if not committed.exists():
        return [f"{committed} is missing (run `course build {lesson.id}`)"]
    if not same_notebook(committed, Path(generated)):
        p.append(f"release/{lesson.id}/{committed.name} is not what nbgrader generates from source now "
                 f"(run `course build {lesson.id}` and commit)")
    gen_files, rel_files = _files(Path(generated).parent), _files(committed.parent)
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


@contextlib.contextmanager
def _environ(**values: str):
    """Environment variables set for the kernels started inside the block."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _kernel_cpu(client) -> float | None:
    """CPU seconds (user + system) used so far by the client's kernel process and its children."""
    try:
        import psutil

        pid = getattr(client.km.provisioner, "pid", None) or client.km.provisioner.process.pid
        proc = psutil.Process(pid)
        t = proc.cpu_times()
        return t.user + t.system + t.children_user + t.children_system + sum(
            c.cpu_times().user + c.cpu_times().system for c in proc.children(recursive=True))
    except Exception:  # noqa: BLE001 - a measurement, never a reason to fail a run
        return None


def _execute(nb, cwd: Path, timeout: int, after=None, cpu: list | None = None) -> tuple[float, list[float]]:
    """Execute ``nb`` in place in a fresh kernel; then call ``after(client)`` in the same kernel.

    Returns the wall time of the run and of each cell; appends the kernel's CPU seconds to ``cpu``.
    """
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    times = [0.0] * len(nb.cells)
    t0 = time.perf_counter()
    with client.setup_kernel():
        cpu0 = _kernel_cpu(client)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                t = time.perf_counter()
                client.execute_cell(cell, i)
                times[i] = time.perf_counter() - t
        total = time.perf_counter() - t0
        cpu1 = _kernel_cpu(client)
        if cpu is not None and cpu0 is not None and cpu1 is not None:
            cpu.append(cpu1 - cpu0)
        client.cell_times = times  # the mutant runs size their timeouts by them
        if after is not None:
            after(client)
    return total, times


def _run_cell(client, source: str, index: int, timeout: int = MUTANT_CELL_TIMEOUT) -> list[dict]:
    """Run ``source`` in the client's kernel; the error outputs (a timeout counts as one)."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    cell = nbformat.v4.new_code_cell(source)
    old, kept, interrupt = client.timeout, client.nb.cells[index], client.interrupt_on_timeout
    client.timeout = timeout
    client.interrupt_on_timeout = True  # a looping mutant must not keep the kernel busy for the next cell
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        return [{"ename": "Timeout", "evalue": f"cell ran over {timeout}s"}]
    finally:
        client.timeout, client.interrupt_on_timeout = old, interrupt
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


def run_auto_mutants(client, nb, lesson_id: str, report: Report, equivalent: dict[str, dict[str, str]],
                     record: dict[str, dict], update: bool = False) -> dict[str, dict]:
    """Every automatic mutant (course/mutate.py) of every exercise against its tests, in the kernel that holds
    the lesson; verdicts found in ``record`` (keyed by :func:`mutate.verdict_key`) are reused, not run.

    Returns the record as it should be now. Survivors that ``equivalent`` lists count as equivalent; an
    EQUIVALENT entry that names no generated mutant, or names one the tests kill, is reported as stale.
    """
    cells, new_record = nb.cells, {}
    times = getattr(client, "cell_times", None) or [0.0] * len(cells)
    gids = {cells[a].metadata["nbgrader"]["grade_id"] for a, _ in exercises(nb)}
    for gid in sorted(set(equivalent) - gids):
        report.problems.append(f"[auto] EQUIVALENT has an entry for {gid!r}, which is no answer cell (stale: remove it)")
    for a, tests in exercises(nb):
        gid = cells[a].metadata["nbgrader"]["grade_id"]
        solution, test_src = _src(cells[a]), [_src(cells[t]) for t in tests]
        if any(_fails(client.nb.cells[t]) for t in tests):  # every mutant would look killed: record nothing
            report.problems.append(f"[auto] {gid}: the solution fails its own tests, so its automatic mutants "
                                   "were not run")
            continue
        generated = mutate.generate(solution, seed=f"{lesson_id}:{gid}")
        listed = equivalent.get(gid, {})
        for name in sorted(set(listed) - {m.name for m in generated}):
            report.problems.append(f"[auto] {gid}: EQUIVALENT lists {name!r}, which is no automatic mutant any more "
                                   "(stale: remove it)")
        for m in generated:
            report.auto_generated += 1
            key = mutate.verdict_key(solution, test_src, m.code)
            verdict = record.get(key, {}).get("verdict")
            if verdict is None:
                report.auto_run += 1
                if _run_cell(client, m.code, a, max(AUTO_MUTANT_TIMEOUT, int(3 * times[a]) + 1)):
                    verdict = "killed"  # it fails to define the function: a learner's grading run fails too
                elif any(_run_cell(client, src, t, max(AUTO_MUTANT_TIMEOUT, int(3 * times[t]) + 1))
                         for src, t in zip(test_src, tests)):
                    verdict = "killed"
                else:
                    verdict = "survived"
                if _run_cell(client, solution, a):
                    report.problems.append(f"[auto] {gid}: re-running the solution after mutant {m.name!r} failed")
            new_record[key] = {"mutant": f"{gid}: {m.name}", "verdict": verdict}
            if verdict == "killed":
                report.auto_killed += 1
                if m.name in listed:
                    report.problems.append(f"[auto] {gid}: EQUIVALENT lists {m.name!r}, but the tests kill it "
                                           "(stale: remove it)")
            elif m.name in listed:
                report.auto_equivalent += 1
            else:
                report.auto_survivors.append(f"{gid}: {m.name}")
    if report.auto_rate is not None and report.auto_rate < AUTO_TARGET:
        report.problems.append(f"[auto] the tests kill {report.auto_rate:.1%} of the non-equivalent automatic mutants "
                               f"(target {AUTO_TARGET:.0%}); kill each survivor with a test or list it in EQUIVALENT "
                               f"with a reason: {report.auto_survivors}")
    if not update and new_record != record:
        report.problems.append(f"[auto] the verdict record tests/mutants/verdicts/{lesson_id}.json is not current "
                               f"({report.auto_run} mutants run anew, {len(set(record) - set(new_record))} entries "
                               f"stale): run `course check {lesson_id} --update-verdicts` and commit it")
    return new_record


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


def check_lesson(lesson: Lesson, scratch: Path, run: bool = True, timeout: int = 600,
                 update_verdicts: bool = False) -> Report:
    """All checks of one lesson; ``run=False`` does only the static ones.

    ``update_verdicts``: run the automatic mutants missing from tests/mutants/verdicts/<lesson>.json and
    rewrite it (otherwise a record that is not current is a problem).
    """
    import nbformat

    report = Report(lesson)
    source_nb = catalog.read_notebook(lesson.source)
    mutants = load_mutants(lesson.id)
    equivalent = load_equivalent(lesson.id)
    vpath = verdicts_path(lesson.id)
    record = json.loads(vpath.read_text(encoding="utf-8")) if vpath.exists() else {}
    new_record: dict[str, dict] = {}
    report.problems += [f"[structure] {p}" for p in check_structure(lesson, source_nb, mutants)]
    style, report.notes = check_style(lesson, source_nb)
    report.problems += [f"[style] {p}" for p in style]

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
    def after(client):
        run_mutants(client, pristine, mutants, report)
        new_record.update(run_auto_mutants(client, pristine, lesson.id, report, equivalent, record, update_verdicts))

    try:
        cpu: list[float] = []
        with _environ(COURSE_STRICT_NEEDS="1"):
            total, times = _execute(nb, work, timeout, cpu=cpu, after=after)
        report.cpu_s = cpu[0] if cpu else None
    except Exception as e:  # a dead kernel or a broken notebook: report it, don't crash the suite
        report.problems.append(f"[solution] executing the solution failed: {type(e).__name__}: {e}")
        return report
    if update_verdicts:
        vpath.parent.mkdir(parents=True, exist_ok=True)
        vpath.write_text(json.dumps(dict(sorted(new_record.items())), indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
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
    # The budget is checked on the kernel's CPU time, which a busy machine does not inflate; wall time is
    # reported only (a shared machine can make it several times longer). Fallback: wall time, generously.
    if report.cpu_s is not None and report.cpu_s > lesson.budget_s:
        report.problems.append(f"[budget] solution used {report.cpu_s:.0f}s of CPU, over its budget of "
                               f"{lesson.budget_s:.0f}s (wall {total:.0f}s)")
    elif report.cpu_s is None and total > 4 * lesson.budget_s:
        report.problems.append(f"[budget] solution ran {total:.0f}s of wall time (CPU time unavailable), over four "
                               f"times its budget of {lesson.budget_s:.0f}s")

    # 2. the release, as a learner receives it
    # alone in an empty folder, as on Colab: no repository around it (COURSE_ROOT points at nothing), and
    # every dataset or model it reads must be one its setup cell declared (COURSE_STRICT_NEEDS)
    work = scratch / "release"
    shutil.copytree(course / "release" / lesson.id, work)
    (scratch / "no_repository").mkdir(exist_ok=True)
    rnb = nbformat.read(work / f"{lesson.id}.ipynb", as_version=4)
    try:
        with _environ(COURSE_ROOT=str(scratch / "no_repository"), COURSE_STRICT_NEEDS="1"):
            _execute(rnb, work, timeout)
    except Exception as e:
        report.problems.append(f"[zero] executing the release failed: {type(e).__name__}: {e}")
        return report
    report.problems += [f"[zero] {p}" for p in unexpected_release_errors(rnb)]
    report.release_score, notes = _score(course, lesson, rnb, "release")
    if report.release_score != 0:
        report.problems.append(f"[zero] release earns {report.release_score} points, not 0: {', '.join(notes)}")
    return report
