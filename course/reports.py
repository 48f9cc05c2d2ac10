"""Grading results: the row per submission, the CSV files, the status pages, the summary and the plot.

Written only by the trusted grader. ``grades.csv`` is rewritten atomically after
every submission (a crash mid-batch keeps every row graded so far), and each
row is appended to ``history.csv`` as it is graded.
"""
from __future__ import annotations

import csv
import html
import io
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

STATUSES = ("graded", "tampered", "timeout", "crashed", "unreadable", "missing")
FIELDS = ["student", "lesson", "status", "score", "max_score", "detail", "graded_at"]


@dataclass
class Result:
    student: str
    lesson: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    detail: str = ""
    graded_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(results: list[Result], folder: Path) -> Path:
    """Merge ``results`` into ``grades.csv`` (keyed by student and lesson, replaced atomically); append to ``history.csv``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table, history = folder / "grades.csv", folder / "history.csv"
    rows: dict[tuple[str, str], dict] = {}
    if table.is_file():
        with open(table, newline="", encoding="utf-8") as f:
            rows = {(r["student"], r["lesson"]): r for r in csv.DictReader(f)}
    for r in results:
        rows[(r.student, r.lesson)] = asdict(r)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, extrasaction="ignore")
    w.writeheader()
    for key in sorted(rows):
        w.writerow(rows[key])
    _atomic_write(table, buf.getvalue())
    new = not history.exists()
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS)
    if new:
        w.writeheader()
    for r in results:
        w.writerow(asdict(r))
    with open(history, "a", newline="", encoding="utf-8") as f:
        f.write(buf.getvalue())
    return table


def status_page(res: Result) -> str:
    """The feedback page for a submission nbgrader could not give feedback on."""
    advice = {
        "timeout": "Your notebook did not finish in time. Look for a loop that never ends, or training far longer "
                   "than the lesson asks for, then Restart & Run All before submitting again.",
        "crashed": "The Python kernel stopped while running your notebook (for instance os._exit, too much memory, "
                   "or too many processes). Restart & Run All locally to find the cell.",
        "unreadable": "The file is not a valid notebook (it may be truncated or edited outside Jupyter). Download "
                      "it again from Jupyter and resubmit.",
        "missing": "No notebook was submitted for this lesson.",
    }.get(res.status, "")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(res.lesson)} — "
            f"{html.escape(res.student)}</title></head>"
            f"<body><h1>{html.escape(res.lesson)}: {html.escape(res.status)}</h1>"
            f"<p>Score: {res.score:g} / {res.max_score:g}</p><p>{html.escape(advice)}</p>"
            f"<pre>{html.escape(res.detail)}</pre></body></html>")


def mark_tampered(page: Path, detail: str) -> None:
    """Put the tamper findings at the top of an nbgrader feedback page."""
    text = page.read_text(encoding="utf-8")
    note = f'<div style="border:2px solid #c00;padding:8px;margin:8px">{html.escape(detail)}</div>'
    page.write_text(text.replace("<body>", "<body>" + note, 1) if "<body>" in text else note + text, encoding="utf-8")


def print_summary(results: list[Result], out: Path, isolation: str) -> None:
    """The grade table, counts per status, mean score per lesson, the isolation line and where files are."""
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
    print("isolation: " + isolation)
    out = Path(out)
    print(f"\ngrades: {out / 'grades' / 'grades.csv'}\ngradebook: {out / 'gradebook.db'}\n"
          f"feedback: {out / 'feedback'}/<student>/<lesson>/\nhistogram: {out / 'grades' / 'scores.png'}")


def plot_scores(results: list[Result], path: Path) -> Path:
    """A histogram of score fractions per lesson, saved to ``path``."""
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lessons = sorted({r.lesson for r in results})
    fig, axes = plt.subplots(1, max(1, len(lessons)), figsize=(4 * max(1, len(lessons)), 3), squeeze=False)
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
