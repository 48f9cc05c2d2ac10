"""The checks every lesson passes (CONTRIBUTING.md), for every lesson found in source/."""
from __future__ import annotations

import pytest

from conftest import LESSON_IDS


@pytest.fixture(params=LESSON_IDS)
def lesson_id(request):
    return request.param


def _ok(problems):
    assert not problems, "\n".join(problems)


def test_structure(report):
    """Unique grade_ids, points and a hidden block on every test cell, header, glossary, no outputs, mutants."""
    _ok(report.of("structure"))


def test_release_in_sync_and_clean(report):
    """release/ is exactly what nbgrader generates from source/ now, and holds no solution or hidden test."""
    _ok(report.of("release"))


def test_solution_earns_full_marks(report):
    _ok(report.of("solution"))
    assert report.score == report.lesson.points


def test_release_earns_zero(report):
    """As a learner receives it: zero on every test cell; only NotImplementedError (or what it causes)."""
    _ok(report.of("zero"))
    assert report.release_score == 0


def test_every_mutant_is_caught(report):
    _ok(report.of("mutants"))
    assert report.mutants >= 2 * len(report.lesson.exercises)
    assert report.killed == report.mutants, f"survivors: {report.survivors}"


def test_automatic_mutants_killed(report):
    """At least 95% of the non-equivalent automatic mutants (course/mutate.py) killed; EQUIVALENT and the
    verdict record (tests/mutants/verdicts/) current."""
    _ok(report.of("auto"))
    if report.auto_rate is not None:
        assert report.auto_rate >= 0.95, f"survivors: {report.auto_survivors}"


def test_within_budget(report):
    """A budget is a design limit on the solution's CPU time (a busy machine does not inflate it)."""
    _ok(report.of("budget"))


def test_enough_exercises(lesson_id):
    """Lessons 01–16 have at least five exercises; from lesson 17 on, at least seven."""
    from course import catalog

    lesson = catalog.get(lesson_id)
    need = 7 if lesson.number >= 17 else 5
    assert len(lesson.exercises) >= need, f"{lesson_id} has {len(lesson.exercises)} exercises; at least {need}"
