"""``course new NN_name "Title" "中文标题"``: a new lesson from the template, already passing ``course check``.

The template holds every part CONTRIBUTING.md asks for, in the one style: header, setup cell, one
concept → example → exercise section (answer cell, test cell with visible and hidden tests, mutants),
wrap-up and glossary. Replace its example with the lesson's own and grow it to seven exercises.
"""
from __future__ import annotations

from pathlib import Path

from . import ROOT, CourseError, catalog

HEADER = """# {nn} · {title_en} · {title_zh}

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab})

One paragraph: what this lesson builds and why it matters on the way to large language models.

*Roadmap · 路线图: {roadmap}*

**What you will be able to do**

- scale a vector by a factor (replace this with the lesson's real goals).

**Prerequisites:** lesson 01 (vectors).

**Points:** 1

**Run time:** about 1 s of CPU time on the reference machine (2 cores)
"""

CONCEPT = """## 1 · Scaling a vector

Explain the idea before the exercise, then show it working: a figure where a reader would rather look
than read, a table, or a sample."""

EXAMPLE = """x = np.array([1.0, -2.0, 3.0])
print("x =", x, "| 2x =", 2 * x)"""

EXERCISE = """### Exercise 1 · `scale` (1 point)

State the contract in words: what comes in, what goes out, which types and shapes."""

ANSWER = '''def scale(x: np.ndarray, factor: float) -> np.ndarray:
    """x multiplied by factor, entry by entry.

    x: a 1-D float array. factor: a number.
    Returns a new float array of x's shape; x is not modified.
    """
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) * factor
    ### END SOLUTION'''

TEST = '''r = scale(np.array([1.0, -2.0]), 3.0)
assert isinstance(r, np.ndarray), f"scale should return a numpy array, got {type(r).__name__}"
np.testing.assert_allclose(r, [3.0, -6.0], err_msg="scale([1, -2], 3) should be [3, -6]")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(1)
for _ in range(5):
    _x, _f = _rng.normal(size=_rng.integers(1, 9)), float(_rng.normal())
    _before = _x.copy()
    np.testing.assert_allclose(scale(_x, _f), _x * _f)
    np.testing.assert_array_equal(_x, _before, err_msg="scale must not modify its input")
### END HIDDEN TESTS'''

WRAP_UP = """## Wrap-up · 小结

- What was learned, in a few bullets, and where it comes back later in the course.

**Papers**

- The papers the roadmap names for this topic."""

GLOSSARY = """## Glossary · 术语表

| English | 中文 | meaning |
| --- | --- | --- |
| vector | 向量 | an ordered list of numbers; an arrow or a row of features |"""

MUTANTS = '''"""Plausible wrong answers for {lid}: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {{
    "scale": [
        Mutant("ignores the factor", replace=[("* factor", "* 2.0")]),
        Mutant("scales in place", code="def scale(x, factor):\\n    x *= factor\\n    return x\\n"),
    ],
}}
'''


def new_lesson(lesson_id: str, title_en: str, title_zh: str, root: Path = ROOT) -> list[Path]:
    """Create ``source/<id>/<id>.ipynb`` and ``tests/mutants/<id>.py``; refuse to overwrite anything."""
    import nbformat

    if not catalog.LESSON_ID.match(lesson_id):
        raise CourseError(f"lesson id {lesson_id!r} must look like '17_huggingface_in_practice' (NN_snake_name)")
    nb_path = Path(root) / "source" / lesson_id / f"{lesson_id}.ipynb"
    mut_path = Path(root) / "tests" / "mutants" / f"{lesson_id}.py"
    for p in (nb_path, mut_path):
        if p.exists():
            raise CourseError(f"{p} exists already; pick another id or delete it first")
    roadmap = ["N.N topic: subtopic (copy the item from ROADMAP.zh.md)"]
    v4 = nbformat.v4
    meta = lambda gid, **kw: {"nbgrader": {"grade": False, "solution": False, "locked": True,  # noqa: E731
                                           "grade_id": gid, "schema_version": 3, **kw}}
    cells = [
        v4.new_markdown_cell(HEADER.format(nn=lesson_id[:2], title_en=title_en, title_zh=title_zh,
                                           colab=catalog.colab_url(lesson_id), roadmap="; ".join(roadmap)).strip()),
        v4.new_code_cell(catalog.setup_preamble([]) + "\nimport numpy as np\n\nrng = np.random.default_rng(0)",
                         metadata=meta("setup")),
        v4.new_markdown_cell(CONCEPT),
        v4.new_code_cell(EXAMPLE),
        v4.new_markdown_cell(EXERCISE),
        v4.new_code_cell(ANSWER, metadata=meta("scale", solution=True, locked=False)),
        v4.new_code_cell(TEST, metadata=meta("test_scale", grade=True, points=1)),
        v4.new_markdown_cell(WRAP_UP),
        v4.new_markdown_cell(GLOSSARY),
    ]
    for i, c in enumerate(cells):
        c["id"] = f"cell-{i:02d}"
    nb = v4.new_notebook(cells=cells)
    nb["metadata"] = {"kernelspec": dict(catalog.KERNELSPEC), "language_info": {"name": "python"},
                      "course": {"id": lesson_id, "title_en": title_en, "title_zh": title_zh,
                                 "roadmap": roadmap, "budget_s": 30, "needs": []}}
    nb_path.parent.mkdir(parents=True)
    catalog.write_notebook(nb_path, catalog.normalise(dict(nb)))
    mut_path.parent.mkdir(parents=True, exist_ok=True)
    mut_path.write_text(MUTANTS.format(lid=lesson_id), encoding="utf-8")
    return [nb_path, mut_path]
