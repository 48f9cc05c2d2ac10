"""The lesson catalogue, discovered from ``source/<id>/<id>.ipynb``.

Each lesson keeps its facts in one place: the notebook's metadata under the key
``course`` (titles, roadmap topics, run-time budget). Points are counted from
the notebook's graded test cells, so they can never disagree with nbgrader.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import BRANCH, REPO_SLUG, ROOT, CourseError

LESSON_ID = re.compile(r"^\d\d_[a-z0-9_]+$")
BADGE_IMG = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(
    r"\[!\[Open In Colab\]\(" + re.escape(BADGE_IMG) + r"\)\]\(https://colab\.research\.google\.com/github/[^)\s]*\)"
)
REPO_LINE_RE = re.compile(r'^COURSE_REPO = "[^"]*"$', re.M)
NEEDS_LINE_RE = re.compile(r"^course\.setup\(needs=\[[^\]]*\]\)$", re.M)
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def setup_preamble(needs: tuple[str, ...] | list[str], slug: str = REPO_SLUG) -> str:
    """The first lines of every lesson's setup cell: the course package (installed on Colab), then the needs."""
    listed = ", ".join(f'"{n}"' for n in needs)
    return (
        "# Setup · 准备: this lesson's packages, data and models (installed on Colab), imports and seeds.\n"
        "import sys\n"
        f'COURSE_REPO = "{slug}"\n'
        'if "google.colab" in sys.modules:  # Colab: install the course\'s helper package first\n'
        "    import subprocess\n"
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+https://github.com/{COURSE_REPO}.git"],\n'
        "                   check=True)\n"
        "import course\n"
        f"course.setup(needs=[{listed}])\n"
    )


@dataclass(frozen=True)
class Lesson:
    """One lesson: an nbgrader assignment holding one notebook of the same name."""

    id: str
    title_en: str
    title_zh: str
    roadmap: tuple[str, ...]
    budget_s: float
    points: float
    exercises: tuple[str, ...] = field(default=())
    needs: tuple[str, ...] = field(default=())

    @property
    def source(self) -> Path:
        return ROOT / "source" / self.id / f"{self.id}.ipynb"

    @property
    def release(self) -> Path:
        return ROOT / "release" / self.id / f"{self.id}.ipynb"

    @property
    def number(self) -> int:
        return int(self.id[:2])


def read_notebook(path: Path) -> dict:
    """Read a notebook as JSON, with a one-line error naming the file when it is not one."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path}: no such notebook") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CourseError(f"{path}: not a readable notebook (invalid JSON: {e})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise CourseError(f"{path}: not a notebook (no list of cells)")
    return nb


def colab_url(lesson_id: str, slug: str = REPO_SLUG) -> str:
    """Colab link that opens the lesson's *release* notebook from GitHub."""
    return f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/release/{lesson_id}/{lesson_id}.ipynb"


def badge(lesson_id: str, slug: str = REPO_SLUG) -> str:
    """Markdown for the "Open in Colab" badge of a lesson."""
    return f"[![Open In Colab]({BADGE_IMG})]({colab_url(lesson_id, slug)})"


def _graded_tests(nb: dict) -> list[dict]:
    return [
        c for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c["cell_type"] == "code"
    ]


def load(path: Path) -> Lesson:
    """Read one lesson's facts from its source notebook."""
    nb = read_notebook(path)
    lesson_id = Path(path).parent.name
    meta = nb.get("metadata", {}).get("course")
    if not isinstance(meta, dict):
        raise CourseError(f"{path}: notebook metadata has no 'course' entry (id, title_en, title_zh, roadmap, budget_s)")
    missing = [k for k in ("id", "title_en", "title_zh", "roadmap", "budget_s") if k not in meta]
    if missing:
        raise CourseError(f"{path}: metadata 'course' lacks {', '.join(missing)}")
    if meta["id"] != lesson_id or Path(path).stem != lesson_id:
        raise CourseError(f"{path}: lesson id {meta['id']!r} must match its folder and file name {lesson_id!r}")
    tests = _graded_tests(nb)
    answers = [
        c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"
    ]
    return Lesson(
        id=lesson_id,
        title_en=meta["title_en"],
        title_zh=meta["title_zh"],
        roadmap=tuple(meta["roadmap"]),
        budget_s=float(meta["budget_s"]),
        points=float(sum(c["metadata"]["nbgrader"].get("points", 0) for c in tests)),
        exercises=tuple(answers),
        needs=tuple(meta.get("needs", ())),
    )


def lessons(root: Path = ROOT) -> list[Lesson]:
    """Every lesson in ``source/``, in order."""
    found = []
    for folder in sorted((Path(root) / "source").iterdir()) if (Path(root) / "source").is_dir() else []:
        if folder.is_dir() and LESSON_ID.match(folder.name):
            found.append(load(folder / f"{folder.name}.ipynb"))
    return found


def get(lesson_id: str) -> Lesson:
    """The lesson with this id, or an error listing the ids that exist."""
    if not LESSON_ID.match(lesson_id):
        raise CourseError(f"unknown lesson id {lesson_id!r}: ids look like '01_linear_algebra'")
    path = ROOT / "source" / lesson_id / f"{lesson_id}.ipynb"
    if path.exists():
        return load(path)
    known = ", ".join(sorted(p.name for p in (ROOT / "source").iterdir() if LESSON_ID.match(p.name))) or "none"
    raise CourseError(f"unknown lesson id {lesson_id!r}; lessons in source/: {known}")


def select(ids: list[str] | None) -> list[Lesson]:
    """The lessons named (all when none are)."""
    return [get(i) for i in ids] if ids else lessons()


def normalise(nb: dict) -> dict:
    """What Jupyter rewrites when it opens or runs a notebook, put back: outputs, execution counts,
    the kernelspec's display name and ``language_info``. Returns ``nb`` (changed in place)."""
    meta = nb.setdefault("metadata", {})
    meta["kernelspec"] = dict(KERNELSPEC)
    meta["language_info"] = {"name": "python"}
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in ("execution", "scrolled", "collapsed", "jupyter", "trusted"):
            cell.get("metadata", {}).pop(key, None)
    return nb


def stamp(path: Path, slug: str = REPO_SLUG) -> bool:
    """Bring a source notebook up to date before a build; True when the file changed.

    Writes the current Colab badge, the repository slug and the metadata's ``needs`` into the
    setup cell's ``course.setup(...)`` line, and strips what Jupyter adds on save (:func:`normalise`).
    """
    path = Path(path)
    nb = read_notebook(path)
    before = json.dumps(nb, sort_keys=True)
    lesson_id = path.parent.name
    needs = nb.get("metadata", {}).get("course", {}).get("needs", [])
    listed = ", ".join(f'"{n}"' for n in needs)
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        new = BADGE_RE.sub(badge(lesson_id, slug), src) if cell["cell_type"] == "markdown" else src
        if cell["cell_type"] == "code":
            new = REPO_LINE_RE.sub(f'COURSE_REPO = "{slug}"', new)
            new = NEEDS_LINE_RE.sub(f"course.setup(needs=[{listed}])", new)
        if new != src:
            cell["source"] = new.splitlines(keepends=True)
    normalise(nb)
    changed = json.dumps(nb, sort_keys=True) != before
    if changed:
        write_notebook(path, nb)
    return changed


def write_notebook(path: Path, nb: dict) -> None:
    """Write a notebook the way Jupyter does (1-space indent, trailing newline)."""
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
