"""Shared fixtures: each lesson's checks run once per session and are read by several tests.

The checks of the selected lessons run in ``COURSE_CHECK_JOBS`` worker processes (default 2, one per core of
the reference machine): each lesson's kernel is single-threaded, so two lessons at once nearly halve the
suite's wall time. Budgets are judged on CPU time, which running two at once does not inflate.
"""
from __future__ import annotations

import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import pytest

from course import catalog, checks, nbg

nbg.ensure_bin_on_path()  # nbgrader runs alembic; `make test` sets PATH, a bare `pytest` may not

warnings.filterwarnings("ignore", module="nbgrader")
_REPORTS: dict[str, checks.Report] = {}
_CHECK_TIME: dict[str, float] = {}
_START = time.perf_counter()

LESSON_IDS = [l.id for l in catalog.lessons()]


@pytest.fixture(scope="session")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("course")


_SELECTED: list[str] = []


def pytest_collection_modifyitems(items):
    """Remember which lessons the selected tests ask for, so the pool checks exactly those."""
    for item in items:
        lid = getattr(item, "callspec", None) and item.callspec.params.get("lesson_id")
        if lid and "report" in item.fixturenames and lid not in _SELECTED:
            _SELECTED.append(lid)


def _check(lesson_id: str, scratch) -> tuple[str, checks.Report, float]:
    nbg.ensure_bin_on_path()
    warnings.filterwarnings("ignore")
    t = time.perf_counter()
    report = checks.check_lesson(catalog.get(lesson_id), scratch / lesson_id)
    return lesson_id, report, time.perf_counter() - t


@pytest.fixture
def report(lesson_id, scratch) -> checks.Report:
    """The full check report of one lesson: the solution is executed once for all tests that read it."""
    if lesson_id not in _REPORTS:
        todo = [l for l in _SELECTED if l not in _REPORTS] or [lesson_id]
        jobs = max(1, int(os.environ.get("COURSE_CHECK_JOBS", "2")))
        if jobs == 1 or len(todo) == 1:
            for lid in todo:
                _, _REPORTS[lid], _CHECK_TIME[lid] = _check(lid, scratch)
        else:
            # slowest first (by budget), so that the two workers finish together
            todo.sort(key=lambda l: -catalog.get(l).budget_s)
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for lid, rep, t in pool.map(_check, todo, [scratch] * len(todo)):
                    _REPORTS[lid], _CHECK_TIME[lid] = rep, t
    return _REPORTS[lesson_id]


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    if _REPORTS:
        tr.section("lessons: solution CPU and wall time, budget (CPU), mutants")
        tr.write_line(f"{'lesson':32s} {'cpu':>8s} {'wall':>8s} {'budget':>7s} {'slowest cell':>13s} {'mutants':>9s} "
                      f"{'automatic killed/non-equiv (equiv)':>36s} {'check':>7s}  result")
        for lid, r in _REPORTS.items():
            run = f"{r.run_s:7.1f}s" if r.run_s is not None else "       -"
            cpu = f"{r.cpu_s:7.1f}s" if r.cpu_s is not None else "       -"
            auto = (f"{r.auto_killed:4d}/{r.auto_generated - r.auto_equivalent:<4d} {r.auto_rate or 0:6.1%} "
                    f"({r.auto_equivalent})")
            tr.write_line(f"{lid:32s} {cpu} {run} {r.lesson.budget_s:6.0f}s {r.slowest_cell[1]:12.1f}s "
                          f"{r.killed:4d}/{r.mutants:<4d} {auto:>36s} {_CHECK_TIME[lid]:6.1f}s  "
                          f"{'ok' if r.ok else 'FAIL'}")
        total_m = sum(r.mutants for r in _REPORTS.values())
        tr.write_line(f"mutants caught: {sum(r.killed for r in _REPORTS.values())}/{total_m}; automatic: "
                      f"{sum(r.auto_killed for r in _REPORTS.values())} killed of "
                      f"{sum(r.auto_generated - r.auto_equivalent for r in _REPORTS.values())} non-equivalent, "
                      f"{sum(r.auto_equivalent for r in _REPORTS.values())} listed as equivalent, "
                      f"{sum(r.auto_run for r in _REPORTS.values())} run (the rest from the verdict records)")
    tr.write_line(f"suite time: {time.perf_counter() - _START:.0f}s")
