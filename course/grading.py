"""Grading a class: every student's submission in its own process, an explicit status per row.

Layout read:   SUBMISSIONS_DIR/<student>/<lesson>/<lesson>.ipynb   (nbgrader's ``submitted/`` shape)
Layout written (under ``out``, the course root by default):

- ``autograded/<student>/<lesson>/``      nbgrader's autograded notebook
- ``feedback/<student>/<lesson>/<lesson>.html``
- ``grades/grades.csv``                   one row per student and lesson, merged with earlier runs
- ``grades/history.csv``                  every row of every run, appended
- ``grades/scores.png``                   a histogram of scores per lesson

Statuses: ``graded``, ``tampered`` (graded, but a test cell was changed or deleted, or the
answers reach into the test machinery), ``timeout``, ``crashed`` (the kernel or the grader died),
``unreadable`` (not a notebook), ``missing`` (no notebook for that lesson). Never a silent zero.
"""
from __future__ import annotations

import csv
import html
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import ROOT, CourseError, catalog, nbg

STATUSES = ("graded", "tampered", "timeout", "crashed", "unreadable", "missing")
FIELDS = ["student", "lesson", "status", "score", "max_score", "detail", "graded_at"]

# Answer cells that reach into the test machinery (checked on the submitted text).
SUSPICIOUS = [
    (re.compile(r"\b(np|numpy|torch)\.testing\.\w+\s*=(?!=)"), "replaces a testing function"),
    (re.compile(r"\bbuiltins\b|__builtins__"), "touches builtins"),
    (re.compile(r"sys\.modules\s*\["), "edits sys.modules"),
    (re.compile(r"(input|ast)_transformers|register_magic|events\.register"), "installs an IPython hook"),
    (re.compile(r"sys\.settrace|sys\.setprofile|sys\.excepthook"), "installs an interpreter hook"),
]


@dataclass
class Result:
    student: str
    lesson: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    detail: str = ""
    graded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


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
    students = sorted(p.name for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
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


# ---------------------------------------------------------------- one submission (in a worker process)

def _cells_by_id(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb.get("cells", [])
            if isinstance(c, dict) and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def tamper_findings(submitted: dict, release: dict) -> list[str]:
    """What a submission changed that a learner must not: locked and test cells, the test machinery."""
    import nbformat
    from nbgrader.utils import compute_checksum

    found = []
    sub = _cells_by_id(nbformat.reads(json.dumps(submitted), as_version=4))  # joins list sources
    for gid, cell in _cells_by_id(release).items():
        m = cell["metadata"]["nbgrader"]
        if not (m.get("grade") or m.get("locked")) or m.get("solution"):
            continue
        if gid not in sub:
            found.append(f"deleted cell {gid}")
            continue
        try:
            if compute_checksum(sub[gid]) != m.get("checksum"):
                found.append(f"changed locked cell {gid}")
        except Exception:
            found.append(f"broken metadata in cell {gid}")
    for gid, cell in sub.items():
        if cell["metadata"]["nbgrader"].get("solution"):
            src = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else cell.get("source", "")
            for pattern, what in SUSPICIOUS:
                if pattern.search(src):
                    found.append(f"answer {gid} {what}")
    return found


def _worker(course: Path, student: str, lesson: str, points: float, result_path: Path) -> None:
    """Grade ``course/submitted/<student>/<lesson>/`` (a private copy of the course); write a JSON result."""
    dest = course / "submitted" / student / lesson
    submitted = json.loads((dest / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    release = json.loads((course / "release" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    findings = tamper_findings(submitted, release)

    r = nbg.autograde(course, lesson, student)
    log = (r.get("log") or "") + (r.get("error") or "")
    res = Result(student, lesson, "graded")
    if not r.get("success") or not (course / "autograded" / student / lesson / f"{lesson}.ipynb").exists():
        died = re.search(r"Kernel died|DeadKernelError|kernel.*(died|dead)", log, re.I)
        res.status = "crashed"
        res.detail = "the kernel died while running the notebook" if died else _tail(log)
    else:
        cells = nbg.grades(course, lesson, student)
        res.score = float(sum(c.score or 0 for c in cells))
        res.max_score = float(sum(c.max_score for c in cells))
        if findings:
            res.status, res.detail = "tampered", "; ".join(findings) + " (graded with the original tests)"
        nbg.feedback(course, lesson, student)
    if res.max_score == 0:
        res.max_score = points
    result_path.write_text(json.dumps(asdict(res)), encoding="utf-8")


def _tail(text: str, n: int = 300) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-3:])[-n:] if lines else "the grader stopped without a message"


def _limits(memory_gb: float):
    def apply():
        gb = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (gb, gb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**30, 2**30))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


_SANDBOX: bool | None = None


def can_sandbox() -> bool:
    """Whether this machine lets the grader isolate a submission (root, unshare, ip): probed once."""
    global _SANDBOX
    if _SANDBOX is None:
        _SANDBOX = False
        if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip"):
            probe = subprocess.run(["unshare", "-m", "-n", "sh", "-c", "mount --make-rprivate / && ip link set lo up"],
                                   capture_output=True, timeout=30)
            _SANDBOX = probe.returncode == 0
    return _SANDBOX


def sandbox_prefix(hide: list[Path], readonly: list[Path]) -> list[str]:
    """A command prefix that runs a worker with no network, ``readonly`` read-only and ``hide`` emptied.

    Linux namespaces (util-linux ``unshare``) as root; an empty prefix where that is not possible.
    """
    if not can_sandbox():
        return []
    steps = ["mount --make-rprivate /"]
    for p in readonly:
        q = shlex.quote(str(Path(p).resolve()))
        steps += [f"mount --bind {q} {q}", f"mount -o remount,bind,ro {q}"]
    for p in hide:
        if Path(p).is_dir():
            steps.append(f"mount -t tmpfs -o size=1m none {shlex.quote(str(Path(p).resolve()))}")
    steps += ["ip link set lo up", 'exec "$@"']
    return ["unshare", "-m", "-n", "sh", "-c", " && ".join(steps), "sandbox"]


def grade_one(template: Path, student: str, lesson: str, notebook: Path, out: Path, timeout: float,
              memory_gb: float = 8.0) -> Result:
    """Grade one submission in a separate process with a wall-clock limit; copy its outputs to ``out``."""
    try:
        if Path(notebook).is_symlink():  # never follow a link out of the submission (it could name any file)
            raise CourseError(f"{notebook}: is a symbolic link, not a notebook file")
        nb = catalog.read_notebook(notebook)
        import nbformat
        nbformat.validate(nbformat.from_dict(nb), relax_add_props=True)
    except Exception as e:  # CourseError or a validation error
        res = Result(student, lesson, "unreadable", 0.0, catalog.get(lesson).points, str(e).split("\n")[0][:300])
        _collect(Path("/nonexistent"), student, lesson, out, res)
        return res

    points = catalog.get(lesson).points
    work = Path(tempfile.mkdtemp(prefix=f"grade-{student}-{lesson}-"))
    course = work / "nbgrader"  # not "course": that would shadow the package for the worker
    shutil.copytree(template, course)
    dest = course / "submitted" / student / lesson
    dest.mkdir(parents=True)
    # The notebook's bytes only: never follow or keep links, never take files submitted beside it.
    (dest / f"{lesson}.ipynb").write_bytes(Path(notebook).read_bytes())
    home = work / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER_", "IPYTHON"))}
    env.update(HOME=str(home), IPYTHONDIR=str(home / ".ipython"), HF_HUB_OFFLINE="1", PYTHONNOUSERSITE="1",
               PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
               MPLCONFIGDIR=str(home / ".mpl"), PYTHONWARNINGS="ignore")
    env.pop("MPLBACKEND", None)
    result_path = work / "result.json"
    cmd = [sys.executable, "-m", "course.grading", str(course), student, lesson, str(points), str(result_path)]
    hide = [Path(notebook).resolve().parents[2], template, out / "autograded", out / "feedback", out / "grades",
            ROOT / "source"]
    cmd = sandbox_prefix(hide=hide, readonly=[ROOT]) + cmd
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=_limits(memory_gb), start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc.pid)
        proc.communicate()
        res = Result(student, lesson, "timeout", 0.0, catalog.get(lesson).points,
                     f"still running after {timeout:.0f}s (an endless loop, or far too slow); stopped")
    else:
        if result_path.exists():
            res = Result(**json.loads(result_path.read_text(encoding="utf-8")))
        else:
            res = Result(student, lesson, "crashed", 0.0, catalog.get(lesson).points,
                         f"the grader exited with code {proc.returncode}: {_tail(output.decode(errors='replace'))}")
    res.detail = (res.detail + f" [{time.perf_counter() - t0:.0f}s]").strip()
    _collect(course, student, lesson, out, res)
    shutil.rmtree(work, ignore_errors=True)
    return res


def _collect(course: Path, student: str, lesson: str, out: Path, res: Result) -> None:
    """Copy autograded notebook and feedback to ``out``; write a feedback page for any non-graded status."""
    for kind in ("autograded", "feedback"):
        src, dst = course / kind / student / lesson, out / kind / student / lesson
        if src.is_dir():
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, symlinks=True)
    page = out / "feedback" / student / lesson / f"{lesson}.html"
    if res.status not in ("graded", "tampered") or not page.exists():
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(_status_page(res), encoding="utf-8")
    elif res.status == "tampered":
        text = page.read_text(encoding="utf-8")
        note = f'<div style="border:2px solid #c00;padding:8px;margin:8px">{html.escape(res.detail)}</div>'
        page.write_text(text.replace("<body>", "<body>" + note, 1) if "<body>" in text else note + text,
                        encoding="utf-8")


def _status_page(res: Result) -> str:
    advice = {
        "timeout": "Your notebook did not finish in time. Look for a loop that never ends, or training far longer "
                   "than the lesson asks for, then Restart & Run All before submitting again.",
        "crashed": "The Python kernel stopped while running your notebook (for instance os._exit, or too much "
                   "memory). Restart & Run All locally to find the cell.",
        "unreadable": "The file is not a valid notebook (it may be truncated or edited outside Jupyter). Download "
                      "it again from Jupyter and resubmit.",
        "missing": "No notebook was submitted for this lesson.",
    }.get(res.status, "")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{res.lesson} — {res.student}</title></head>"
            f"<body><h1>{html.escape(res.lesson)}: {html.escape(res.status)}</h1>"
            f"<p>Score: {res.score:g} / {res.max_score:g}</p><p>{html.escape(advice)}</p>"
            f"<pre>{html.escape(res.detail)}</pre></body></html>")


# ---------------------------------------------------------------- a class

def grade_class(submissions: Path, out: Path = ROOT, lessons: list[str] | None = None, timeout: float | None = None,
                jobs: int = 1, memory_gb: float = 8.0, progress: bool = True) -> list[Result]:
    """Grade every student's submission of every lesson; write CSVs, feedback and a plot under ``out``."""
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    students, wanted = discover(submissions, lessons)
    template = Path(tempfile.mkdtemp(prefix="grade-template-"))
    nbg.scratch_course(template, wanted)
    for lid in wanted:  # a worker sees the gradebook and release, never the solutions
        (template / "source" / lid / f"{lid}.ipynb").unlink()

    jobs_list, results = [], []
    for s in students:
        for lid in wanted:
            nb = submissions / s / lid / f"{lid}.ipynb"
            if nb.is_file():
                limit = timeout if timeout is not None else 5 * catalog.get(lid).budget_s + 120
                jobs_list.append((s, lid, nb, limit))
            else:
                others = sorted(p.name for p in (submissions / s / lid).glob("*")) if (submissions / s / lid).is_dir() else []
                detail = f"no {lid}.ipynb" + (f" (found {', '.join(others[:3])})" if others else "")
                r = Result(s, lid, "missing", 0.0, catalog.get(lid).points, detail)
                _collect(Path("/nonexistent"), s, lid, out, r)
                results.append(r)

    from tqdm.auto import tqdm
    bar = tqdm(total=len(jobs_list), desc="grading", unit="nb", disable=not progress)

    def run(job):
        s, lid, nb, limit = job
        r = grade_one(template, s, lid, nb, out, limit, memory_gb)
        bar.update(1)
        bar.set_postfix_str(f"{s}/{lid}: {r.status}")
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results += list(pool.map(run, jobs_list))
    bar.close()
    shutil.rmtree(template, ignore_errors=True)
    results.sort(key=lambda r: (r.student, r.lesson))
    write_csv(results, out / "grades")
    plot_scores(results, out / "grades" / "scores.png")
    return results


def write_csv(results: list[Result], folder: Path) -> Path:
    """Merge this run into ``grades.csv`` (keyed by student and lesson) and append it to ``history.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    table, history = folder / "grades.csv", folder / "history.csv"
    rows: dict[tuple[str, str], dict] = {}
    if table.exists():
        with open(table, newline="", encoding="utf-8") as f:
            rows = {(r["student"], r["lesson"]): r for r in csv.DictReader(f)}
    for r in results:
        rows[(r.student, r.lesson)] = {k: v for k, v in asdict(r).items()}
    with open(table, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        for key in sorted(rows):
            w.writerow(rows[key])
    new = not history.exists()
    with open(history, "a", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        if new:
            w.writeheader()
        for r in results:
            w.writerow(asdict(r))
    return table


def print_summary(results: list[Result], out: Path) -> None:
    """The grade table, counts per status, mean score per lesson, and a histogram saved as PNG."""
    print(f"\n{'student':20s} {'lesson':28s} {'status':10s} {'score':>11s}  detail")
    for r in results:
        print(f"{r.student:20s} {r.lesson:28s} {r.status:10s} {r.score:5g} / {r.max_score:<3g}  {r.detail[:70]}")
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    print("\nstatus: " + ", ".join(f"{s} {n}" for s, n in counts.items() if n))
    by_lesson: dict[str, list[Result]] = {}
    for r in results:
        by_lesson.setdefault(r.lesson, []).append(r)
    for lid, rs in sorted(by_lesson.items()):
        mean = sum(r.score for r in rs) / len(rs)
        print(f"mean score {lid}: {mean:.2f} / {rs[0].max_score:g} over {len(rs)} students")
    print("isolation: " + ("each submission ran with no network, the course read-only and other students' files "
                           "hidden (Linux namespaces)" if can_sandbox() else
                           "none beyond a process, a private HOME and limits (needs root and util-linux unshare)"))
    png = Path(out) / "grades" / "scores.png"
    print(f"\ngrades: {Path(out) / 'grades' / 'grades.csv'}\nfeedback: {Path(out) / 'feedback'}/<student>/<lesson>/"
          f"\nhistogram: {png}")


def plot_scores(results: list[Result], path: Path) -> Path:
    """A histogram of score fractions per lesson, saved to ``path``."""
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lessons = sorted({r.lesson for r in results})
    fig, axes = plt.subplots(1, len(lessons), figsize=(4 * len(lessons), 3), squeeze=False)
    for ax, lid in zip(axes[0], lessons):
        rs = [r for r in results if r.lesson == lid]
        ax.hist([100 * r.score / r.max_score if r.max_score else 0 for r in rs], bins=10, range=(0, 100),
                color="#4C72B0", edgecolor="white")
        ax.set(title=lid, xlabel="score (%)", ylabel="students")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ---------------------------------------------------------------- the demo class

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


if __name__ == "__main__":  # the worker: python -m course.grading COURSE STUDENT LESSON POINTS RESULT
    import warnings
    warnings.filterwarnings("ignore")
    c, s, l, p, r = sys.argv[1:6]
    _worker(Path(c), s, l, float(p), Path(r))
