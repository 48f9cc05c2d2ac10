"""The grading pipeline on a scratch class: every student gets a row with the right status and grade."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from course import catalog, grading

LESSON = min(catalog.lessons(), key=lambda l: (l.id != "01_linear_algebra", l.budget_s))
TIMEOUT = max(90.0, 3 * LESSON.budget_s)  # far above a real run (notes: tight timeouts flake under load); the endless loop costs this much


def _write(root, student, nb):
    path = root / student / LESSON.id / f"{LESSON.id}.ipynb"
    path.parent.mkdir(parents=True)
    if isinstance(nb, (bytes, str)):
        path.write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        catalog.write_notebook(path, nb)
    return path


def _answer_cells(nb):
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _test_cells(nb):
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs, out = root / "submitted", root / "out"
    solved = grading._answers_from_source(LESSON.id)
    first_test_points = _test_cells(solved)[0]["metadata"]["nbgrader"]["points"]
    last_test = _test_cells(solved)[-1]
    expected = {"solved": ("graded", LESSON.points), "blank": ("graded", 0.0)}

    _write(subs, "solved", solved)
    _write(subs, "blank", catalog.read_notebook(LESSON.release))

    nb = grading._answers_from_source(LESSON.id)  # answers right, a test cell gutted: restored, still full marks
    _test_cells(nb)[0]["source"] = "pass\n"
    _write(subs, "tampered_test", nb)
    expected["tampered_test"] = ("tampered", LESSON.points)

    nb = catalog.read_notebook(LESSON.release)  # blank answers, first test cell gutted: the gut does not help
    _test_cells(nb)[0]["source"] = "pass\n"
    _write(subs, "tampered_blank", nb)
    expected["tampered_blank"] = ("tampered", 0.0)

    nb = grading._answers_from_source(LESSON.id)  # the last test cell deleted: re-added and scored
    nb["cells"] = [c for c in nb["cells"] if c is not _test_cells(nb)[-1]]
    _write(subs, "deleted_test", nb)
    expected["deleted_test"] = ("tampered", None)

    nb = grading._answers_from_source(LESSON.id)  # answers that switch the tests off
    _answer_cells(nb)[0]["source"] = "np.testing.assert_allclose = lambda *a, **k: None\n" + "".join(_answer_cells(nb)[0]["source"])
    _write(subs, "hooked", nb)
    expected["hooked"] = ("tampered", None)

    _write(subs, "corrupt", json.dumps(solved)[:5000])
    expected["corrupt"] = ("unreadable", 0.0)

    nb = grading._answers_from_source(LESSON.id)
    _answer_cells(nb)[0]["source"] = "while True:\n    pass\n"
    _write(subs, "endless", nb)
    expected["endless"] = ("timeout", 0.0)

    nb = grading._answers_from_source(LESSON.id)
    _answer_cells(nb)[0]["source"] = "import os\nos._exit(1)\n"
    _write(subs, "dies", nb)
    expected["dies"] = ("crashed", 0.0)

    (subs / "absent" / LESSON.id).mkdir(parents=True)
    (subs / "absent" / LESSON.id / "notes.txt").write_text("forgot the notebook")
    expected["absent"] = ("missing", 0.0)

    results = grading.grade_class(subs, out, lessons=[LESSON.id], timeout=TIMEOUT, progress=False)
    return results, expected, out, subs, first_test_points, last_test


def test_every_student_gets_the_right_status_and_grade(graded):
    results, expected, *_ = graded
    got = {r.student: r for r in results}
    assert sorted(got) == sorted(expected)
    for student, (status, score) in expected.items():
        r = got[student]
        assert r.status == status, f"{student}: {r.status} ({r.detail})"
        if score is not None:
            assert r.score == pytest.approx(score), f"{student}: {r.score} ({r.detail})"
        assert r.max_score == LESSON.points


def test_tampering_never_raises_a_score(graded):
    results, *_ = graded
    got = {r.student: r for r in results}
    assert got["deleted_test"].score <= LESSON.points
    assert "deleted cell" in got["deleted_test"].detail
    assert "testing function" in got["hooked"].detail


def test_csv_feedback_and_plot(graded):
    results, expected, out, *_ = graded
    with open(out / "grades" / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(expected)
    assert all(rows[s]["status"] == expected[s][0] for s in expected)
    for s in expected:
        page = out / "feedback" / s / LESSON.id / f"{LESSON.id}.html"
        assert page.exists(), f"no feedback for {s}"
    assert (out / "autograded" / "solved" / LESSON.id / f"{LESSON.id}.ipynb").exists()
    assert (out / "grades" / "scores.png").stat().st_size > 1000


def test_regrading_keeps_earlier_results(graded, tmp_path):
    results, expected, out, subs, *_ = graded
    again = tmp_path / "again"
    (again / "blank" / LESSON.id).mkdir(parents=True)
    (again / "blank" / LESSON.id / f"{LESSON.id}.ipynb").write_bytes(
        (subs / "solved" / LESSON.id / f"{LESSON.id}.ipynb").read_bytes())
    grading.grade_class(again, out, lessons=[LESSON.id], timeout=TIMEOUT, progress=False)
    with open(out / "grades" / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(expected), "re-grading one student dropped the others"
    assert float(rows["blank"]["score"]) == LESSON.points, rows["blank"]
    with open(out / "grades" / "history.csv", newline="") as f:
        assert sum(1 for r in csv.DictReader(f) if r["student"] == "blank") == 2


def _course(*args):
    return subprocess.run([sys.executable, "-m", "course.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, needle", [
    (["check", "77_no_such_lesson"], "unknown lesson id '77_no_such_lesson'"),
    (["check", "linear algebra"], "unknown lesson id"),
    (["grade", "/nonexistent/folder"], "no such folder of submissions"),
])
def test_bad_input_gets_one_line_error(args, needle):
    r = _course(*args)
    assert r.returncode == 2
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_wrong_shape_submission_folder(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    r = _course("grade", str(tmp_path))
    assert r.returncode == 2 and "expected one folder per student" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "alice.ipynb").unlink()
    (tmp_path / "alice" / "lesson1").mkdir(parents=True)
    r = _course("grade", str(tmp_path))
    assert r.returncode == 2 and "no folder named after a lesson" in r.stderr


def test_corrupt_notebook_is_named(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text('{"cells": [')
    with pytest.raises(Exception) as e:
        catalog.read_notebook(bad)
    assert str(bad) in str(e.value) and "invalid JSON" in str(e.value)


def test_symlinked_notebook_is_not_followed(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text("instructor's file")
    link = tmp_path / "sub" / "eve" / LESSON.id / f"{LESSON.id}.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    r = grading.grade_one(tmp_path / "no-template", "eve", LESSON.id, link, tmp_path / "out", timeout=10)
    assert r.status == "unreadable" and "symbolic link" in r.detail
    assert "instructor" not in (tmp_path / "out" / "feedback" / "eve" / LESSON.id / f"{LESSON.id}.html").read_text()
