"""A class on JupyterHub with nbgrader's exchange (`course class`, course/classroom.py).

The fast tests (bad input, the hub's configuration, the merge of partial grading runs) run in `make test`.
The full cycle in a real headless browser runs in `make test-class` (CLASS_E2E=1; root, Debian's chromium):
a student fetches lesson 01, answers, validates and submits; a second submits it blank; the instructor
collects and grades with the sandboxed grader, sees the scores in the formgrader and grades.csv, releases
feedback; the student fetches and reads it. Each step's wall time is printed (a report, not an assertion).
Screenshots go to docs/class/ with UPDATE_SCREENSHOTS=1, else to a temporary folder.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import pwd
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from course import ROOT, CourseError, catalog, classroom
from course.reports import Result, write_csv

LESSON = "01_linear_algebra"


def _roster(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "roster.csv"
    p.write_text(text)
    return p


# ---------------------------------------------------------------- bad input: one line that says what to fix

@pytest.mark.parametrize("text, fragment", [
    ("username,role\nteach,instructor\nalice,student\nalice,student\n", "duplicate user name"),
    ("username,role\nteach,instructor\nAlice Smith,student\n", "invalid user name"),
    ("username,role\nteach,instructor\nroot,student\n", "invalid user name"),
    ("username,role\nteach,instructor\nbob,teacher\n", "neither 'instructor' nor 'student'"),
    ("username,role\nalice,student\n", "exactly one"),
    ("name;role\n", "header line 'username,role'"),
])
def test_bad_roster_is_one_line_naming_the_fix(tmp_path, text, fragment):
    with pytest.raises(CourseError) as e:
        classroom.read_roster(_roster(tmp_path, text))
    assert fragment in str(e.value) and "\n" not in str(e.value), str(e.value)


def test_example_roster_reads():
    members = classroom.read_roster(ROOT / "class" / "roster.example.csv")
    assert [m.role for m in members].count("instructor") == 1 and len(members) >= 3


def test_unknown_lesson_and_port_in_use_are_one_line_errors(tmp_path, capsys):
    from course.cli import main

    with pytest.raises(CourseError, match="unknown lesson id '99_nope'"):
        classroom.check_lessons(["99_nope"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(CourseError, match=f"port {port} on 127.0.0.1 is already in use"):
            classroom.check_port(port)
        # through the command line: exit 2 and one line on stderr, before anything is created
        roster = ROOT / "class" / "roster.example.csv"
        for argv, fragment in ((["--port", str(port)], "already in use"), (["--lesson", "99_nope"], "unknown lesson")):
            assert main(["class", "start", "--roster", str(roster), *argv]) == 2
            err = capsys.readouterr().err.strip()
            assert fragment in err and len(err.splitlines()) == 1, err
    bad = _roster(tmp_path, "username,role\nteach,instructor\nx,student\nx,student\n")
    assert main(["class", "start", "--roster", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "duplicate user name" in err and len(err.splitlines()) == 1, err


def test_hub_config_is_local_and_runs_servers_as_their_users():
    members = classroom.read_roster(ROOT / "class" / "roster.example.csv")
    text = classroom.hub_config(8123, members, "pw")
    compile(text, "jupyterhub_config.py", "exec")
    assert 'c.JupyterHub.ip = "127.0.0.1"' in text and "c.JupyterHub.port = 8123" in text
    assert 'spawner_class = "localprocess"' in text and "jupyterhub-singleuser" in text
    assert "c.Authenticator.admin_users = {'teacher'}" in text


# ---------------------------------------------------------------- grading spread over machines: the merge

def test_partial_grading_runs_merge_into_the_whole_run(tmp_path):
    """Two workers grade disjoint groups of students (each its own --out); merged, grades.csv equals one whole run."""
    def result(student, lesson, score):
        return Result(student, lesson, "graded" if score is not None else "missing", score or 0.0, 27.0,
                      "" if score is not None else f"no {lesson}.ipynb", graded_at="2026-12-06T00:00:00+00:00")

    rows = [result(s, l, sc) for s, l, sc in [("ann", LESSON, 27.0), ("ben", LESSON, 3.0), ("cat", LESSON, None),
                                               ("dan", LESSON, 11.5), ("ann", "02_calculus_autodiff", 9.0)]]
    whole = write_csv(rows, tmp_path / "whole")
    part_a = write_csv([r for r in rows if r.student in ("ann", "cat")], tmp_path / "worker-a" / "grades")
    part_b = write_csv([r for r in rows if r.student in ("ben", "dan")], tmp_path / "worker-b" / "grades")
    # an older run of ben in the merged folder is replaced, not duplicated
    write_csv([result("ben", LESSON, 0.0)], tmp_path / "merged")
    merged = classroom.merge_grades([part_a.parent.parent, part_b], tmp_path / "merged")
    assert merged.read_text() == whole.read_text()
    with pytest.raises(CourseError, match="no grades.csv"):
        classroom.merge_grades([tmp_path / "nowhere"], tmp_path / "merged")


# ---------------------------------------------------------------- the full cycle in a browser

E2E = os.environ.get("CLASS_E2E") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LONG = 600_000  # ms: a wait on a page condition, generous (2 cores shared by many processes)


class Steps:
    """Wall time of each step, printed as it ends and as a table at the end."""

    def __init__(self):
        self.rows: list[tuple[str, float]] = []
        self.t0 = time.perf_counter()

    @contextlib.contextmanager
    def __call__(self, name: str):
        t = time.perf_counter()
        print(f"\n[class] {name} …", flush=True)
        yield
        self.rows.append((name, time.perf_counter() - t))
        print(f"[class] {name}: {self.rows[-1][1]:.1f}s", flush=True)

    def table(self) -> str:
        lines = [f"  {n:58s} {s:7.1f}s" for n, s in self.rows]
        lines.append(f"  {'whole cycle (wall)':58s} {time.perf_counter() - self.t0:7.1f}s")
        return "\n".join(lines)


def _shots(tmp: Path) -> Path:
    d = ROOT / "docs" / "class" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _shot(page, folder: Path, name: str) -> None:
    """A screenshot, quantised to a small palette PNG (the README embeds these)."""
    from PIL import Image

    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)


def _answer(lesson: str, grade_id: str) -> str:
    """The source's solution of one answer cell, without the solution markers."""
    nb = catalog.read_notebook(catalog.get(lesson).source)
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    return "\n".join(l for l in "".join(cell["source"]).splitlines()
                     if l.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def _as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    pw = pwd.getpwnam(user)
    return subprocess.run(list(cmd), user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], capture_output=True, text=True,
                          env={"HOME": pw.pw_dir, "PATH": "/usr/bin:/bin"})


def _login(browser, url: str, user: str, password: str):
    ctx = browser.new_context(viewport={"width": 1200, "height": 760})
    page = ctx.new_page()
    page.set_default_timeout(LONG)
    page.goto(f"{url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf".*/user/{re.escape(user)}/lab.*"), timeout=LONG)
    page.wait_for_selector(".jp-LabShell", timeout=LONG)
    page.wait_for_selector(".jp-Launcher, .jp-DirListing-item", timeout=LONG)
    return ctx, page


def _assignment_list(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    page.wait_for_selector("#nbgrader-assignment-list", timeout=LONG)
    # the course list loads, then the released / fetched / submitted lists
    page.wait_for_selector("#released_assignments_list_loading", state="hidden", timeout=LONG)


def _fetch(page):
    _assignment_list(page)
    row = page.locator("#released_assignments_list .list_item", has_text=LESSON)
    row.locator("button", has_text="Fetch").click()
    page.locator("#fetched_assignments_list .list_item", has_text=LESSON).first.wait_for(timeout=LONG)


def _submit(page):
    page.locator(".lm-TabBar-tab", has_text="Assignments").first.click()
    row = page.locator("#fetched_assignments_list .list_item", has_text=LESSON).first
    row.locator("button", has_text="Submit").click()
    page.locator("#submitted_assignments_list .list_item", has_text=LESSON).first.wait_for(timeout=LONG)


@pytest.mark.skipif(not E2E, reason="the browser test of a class runs in `make test-class` (CLASS_E2E=1)")
def test_a_class_end_to_end_in_a_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    assert os.geteuid() == 0, "a class creates Unix users: run `make test-class` as root"
    assert Path("/usr/bin/chromium").exists(), "`make test-class` installs Debian's chromium first"
    teacher, alice, bob = "ct-teacher", "ct-alice", "ct-bob"
    roster = _roster(tmp_path, f"username,role\n{teacher},instructor\n{alice},student\n{bob},student\n")
    for name in (teacher, alice, bob):
        assert not classroom._exists(name) or name in classroom._state().get("created_users", []), \
            f"user {name} exists already on this machine"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    shots, steps = _shots(tmp_path), Steps()
    try:
        with steps("class environment (.class/env, pip; 0 when up to date)"):
            env_s = classroom.ensure_env()
        print(f"[class] class environment install: {env_s:.1f}s")
        with steps("course class start (users, hub, release lesson 01)"):
            info = classroom.start(roster, port=port, lessons=[LESSON])
        for k, v in info["times"].items():
            print(f"[class]   start: {k}: {v:.1f}s")
        url, password, course = info["url"], info["password"], Path(info["course_dir"])

        # isolation: other students' homes, the instructor's course directory and the exchange's inbound
        assert _as(alice, "ls", str(course / "source")).returncode != 0, "a student can read the instructor's source/"
        assert _as(alice, "ls", pwd.getpwnam(bob).pw_dir).returncode != 0, "a student can list another's home"
        inbound = classroom.EXCHANGE / classroom.course_id() / "inbound"
        assert _as(alice, "ls", str(inbound)).returncode != 0, "a student can list the exchange's inbound"

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
            try:
                with steps(f"{alice}: log in, JupyterLab starts"):
                    actx, page = _login(browser, url, alice, password)
                    _shot(page, shots, "01_login_lab")
                with steps(f"{alice}: Assignment List, fetch {LESSON}"):
                    _fetch(page)
                    _shot(page, shots, "02_assignment_list_fetched")
                home = Path(pwd.getpwnam(alice).pw_dir)
                nb_rel = f"{classroom.course_id()}/{LESSON}/{LESSON}.ipynb"
                assert (home / nb_rel).is_file(), "the fetched notebook is not in the student's home"
                with steps(f"{alice}: open the notebook, answer two exercises, save"):
                    row = page.locator("#fetched_assignments_list .list_item", has_text=LESSON).first
                    row.locator("a", has_text=LESSON).first.click()  # expand: the notebooks of the assignment
                    page.locator("#fetched_assignments_list a", has_text=f"{LESSON}").last.click()
                    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=LONG)
                    for func in ("lp_norm", "cosine_similarity"):
                        cell = page.locator(".jp-CodeCell", has_text=f"def {func}").first
                        cell.scroll_into_view_if_needed()
                        cell.locator(".cm-content").click()
                        page.keyboard.press("Control+A")
                        page.keyboard.insert_text(_answer(LESSON, func))
                        page.keyboard.press("Escape")
                    page.keyboard.press("Control+S")
                    page.wait_for_function(
                        "() => !document.querySelector('.jp-NotebookPanel-toolbar, .jp-Toolbar') || "
                        "!document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=LONG)
                    _wait_saved(home / nb_rel, ("def lp_norm", "def cosine_similarity"))
                    _shot(page, shots, "03_notebook_answered")
                with steps(f"{alice}: Validate (runs the notebook in her server)"):
                    page.locator(".jp-Toolbar button, .jp-Toolbar .jp-ToolbarButtonComponent", has_text="Validate") \
                        .first.click()
                    dialog = page.locator(".jp-Dialog")
                    dialog.wait_for(timeout=LONG)
                    page.wait_for_function("() => !/Validating/.test(document.body.innerText)", timeout=LONG)
                    text = dialog.inner_text()
                    assert "failed" in text.lower() or "passes" in text.lower(), text[:500]
                    _shot(page, shots, "04_validate")
                    page.locator(".jp-Dialog .jp-mod-accept, .jp-Dialog button").first.click()
                with steps(f"{alice}: Submit"):
                    _submit(page)
                    _shot(page, shots, "05_submitted")
                with steps(f"{bob}: log in, fetch, submit blank"):
                    bctx, bpage = _login(browser, url, bob, password)
                    _fetch(bpage)
                    _submit(bpage)
                    bctx.close()
                with steps("instructor: nbgrader collect + sandboxed `course grade` into the gradebook"):
                    results = classroom.collect_and_grade(LESSON)
                by = {r.student: r for r in results}
                print("[class] " + "; ".join(f"{r.student}: {r.status} {r.score:g}/{r.max_score:g}" for r in results))
                assert set(by) == {alice, bob}, by
                assert by[alice].status == "graded" and by[alice].score > 0, by[alice]
                assert by[bob].status == "graded" and by[bob].score == 0, by[bob]
                with open(course / "grades" / "grades.csv", newline="") as f:
                    table = {(r["student"], r["lesson"]): r for r in csv.DictReader(f)}
                assert float(table[(alice, LESSON)]["score"]) == by[alice].score
                with steps("instructor: formgrader shows the scores"):
                    tctx, tpage = _login(browser, url, teacher, password)
                    tpage.goto(f"{url}/user/{teacher}/formgrader/gradebook/{LESSON}/{LESSON}")
                    tpage.locator("tr", has_text="Submission #2").first.wait_for(timeout=LONG)  # the table loaded
                    tpage.locator("button", has_text="Show All Names").click()
                    for who in (alice, bob):
                        tpage.get_by_text(who).first.wait_for(state="visible", timeout=LONG)
                        tpage.locator("tr", has_text=who).filter(
                            has_text=f"{by[who].score:g} / {by[who].max_score:g}").first.wait_for(timeout=LONG)
                    _shot(tpage, shots, "06_formgrader_scores")
                    tctx.close()
                with steps("instructor: nbgrader release_feedback"):
                    classroom.release_feedback(LESSON)
                with steps(f"{alice}: fetch feedback and read it"):
                    _assignment_list(page)
                    row = page.locator("#submitted_assignments_list .list_item", has_text=LESSON).first
                    row.locator("button", has_text="Fetch Feedback").click()
                    page.locator("#submitted_assignments_list a", has_text="view feedback").first.click()
                    # the link takes the file browser to the feedback folder: open the page from there
                    page.locator(".jp-DirListing-item", has_text=f"{LESSON}.html").first.dblclick()
                    frame = page.frame_locator(".jp-HTMLViewer iframe").first
                    frame.locator("body", has_text="Score").first.wait_for(timeout=LONG)
                    assert f"{by[alice].score:g}" in frame.locator("body").inner_text()
                    _shot(page, shots, "07_feedback")
                    actx.close()
            except BaseException:
                for i, ctx in enumerate(browser.contexts):  # what each page showed when it failed
                    for j, pg in enumerate(ctx.pages):
                        with contextlib.suppress(Exception):
                            pg.screenshot(path=str(shots / f"failed_{i}_{j}.png"))
                            print(f"[class] failed page {i}/{j}: {pg.url}\n{pg.inner_text('body')[:1500]}")
                raise
            finally:
                browser.close()
        assert list((home / classroom.course_id() / LESSON / "feedback").rglob(f"{LESSON}.html"))
    finally:
        with steps("course class stop --remove-users"):
            classroom.stop(remove_users_too=True)
        print("\n[class] wall time per step:\n" + steps.table() + f"\n[class] screenshots: {shots}", flush=True)
    # nothing left: no users, no processes of theirs, the port free
    for name in (teacher, alice, bob):
        assert not classroom._exists(name), f"user {name} is still there"
    classroom.check_port(port)


def _wait_saved(path: Path, funcs: tuple[str, ...], timeout: float = 120) -> None:
    """The notebook on disk has each function answered (Lab saved it): polls the file, the condition itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cells = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
            if all(any(f in c and "YOUR CODE HERE" not in c for c in cells) for f in funcs):
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{path} was not saved with the answers")


def test_grader_takes_only_nbgraders_small_exchange_files(tmp_path):
    """`course grade` copies a collected submission's timestamp.txt and submission_secret.txt (release_feedback
    needs them) — regular files of at most 1 KB, never a link."""
    from course.grading import _copy_exchange_files

    src, dest = tmp_path / "src", tmp_path / "dest"
    src.mkdir(), dest.mkdir()
    (src / "timestamp.txt").write_text("2026-12-06 03:24:09.231374 UTC")
    (tmp_path / "secret").write_text("instructor's file")
    (src / "submission_secret.txt").symlink_to(tmp_path / "secret")
    (src / "other.py").write_text("x = 1")
    _copy_exchange_files(src, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["timestamp.txt"]
    (src / "submission_secret.txt").unlink()
    (src / "submission_secret.txt").write_text("x" * 2000)
    _copy_exchange_files(src, dest)
    assert not (dest / "submission_secret.txt").exists()
