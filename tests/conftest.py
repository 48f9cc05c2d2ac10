"""Shared fixtures: each lesson's checks run once per session and are read by several tests."""
from __future__ import annotations

import time
import warnings

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


@pytest.fixture
def report(lesson_id, scratch) -> checks.Report:
    """The full check report of one lesson: the solution is executed once for all tests that read it."""
    if lesson_id not in _REPORTS:
        t = time.perf_counter()
        _REPORTS[lesson_id] = checks.check_lesson(catalog.get(lesson_id), scratch / lesson_id)
        _CHECK_TIME[lesson_id] = time.perf_counter() - t
    return _REPORTS[lesson_id]


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    if _REPORTS:
        tr.section("lessons: solution CPU and wall time, budget (CPU), mutants")
        tr.write_line(f"{'lesson':32s} {'cpu':>8s} {'wall':>8s} {'budget':>7s} {'slowest cell':>13s} {'mutants':>9s} "
                      f"{'check':>7s}  result")
        for lid, r in _REPORTS.items():
            run = f"{r.run_s:7.1f}s" if r.run_s is not None else "       -"
            cpu = f"{r.cpu_s:7.1f}s" if r.cpu_s is not None else "       -"
            tr.write_line(f"{lid:32s} {cpu} {run} {r.lesson.budget_s:6.0f}s {r.slowest_cell[1]:12.1f}s "
                          f"{r.killed:4d}/{r.mutants:<4d} {_CHECK_TIME[lid]:6.1f}s  {'ok' if r.ok else 'FAIL'}")
        total_m = sum(r.mutants for r in _REPORTS.values())
        tr.write_line(f"mutants caught: {sum(r.killed for r in _REPORTS.values())}/{total_m}")
    tr.write_line(f"suite time: {time.perf_counter() - _START:.0f}s")
