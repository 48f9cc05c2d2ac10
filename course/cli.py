"""The ``course`` command: new, build, check, grade, demo, class, doctor, readme."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import ROOT, CourseError, catalog


def _scratch(name: str) -> Path:
    """A new scratch folder under .course_tmp/ (git-ignored): removed after success, kept after a failure."""
    base = ROOT / ".course_tmp"
    base.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))


def _done_with(scratch: Path, ok: bool) -> None:
    """Remove a scratch folder after a success; after a failure keep it, and say where, for inspection."""
    if ok:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"(the failed run's files are kept in {scratch.relative_to(ROOT)})", file=sys.stderr)


def cmd_build(args) -> int:
    from . import nbg

    lessons = [l.id for l in catalog.select(args.lessons)]
    scratch = _scratch("build")
    ok = False
    try:
        for path in nbg.build(lessons, scratch):
            print(f"built {path.relative_to(ROOT)}")
        ok = True
    finally:
        _done_with(scratch, ok)
    return 0


def cmd_check(args) -> int:
    from . import checks

    failed = 0
    rows = []
    for lesson in catalog.select(args.lessons):
        t = time.perf_counter()
        scratch = _scratch(f"check-{lesson.id}")
        report = None
        try:
            report = checks.check_lesson(lesson, scratch, run=not args.static, update_verdicts=args.update_verdicts)
        finally:
            _done_with(scratch, report is not None and report.ok)
        print("\n".join(report.lines()), flush=True)
        rows.append((lesson.id, report, time.perf_counter() - t))
        failed += not report.ok
    print("\nlesson                         cpu      wall    budget  mutants  automatic: killed/non-equiv (equiv)"
          "  check time  result")
    for lid, r, t in rows:
        run = f"{r.run_s:6.1f}s" if r.run_s is not None else "     -"
        cpu = f"{r.cpu_s:6.1f}s" if r.cpu_s is not None else "     -"
        auto = (f"{r.auto_killed:4d}/{r.auto_generated - r.auto_equivalent:<4d} {r.auto_rate or 0:6.1%} "
                f"({r.auto_equivalent:3d})")
        print(f"{lid:30s} {cpu}  {run}  {r.lesson.budget_s:5.0f}s  {r.killed:3d}/{r.mutants:<3d}  {auto:34s}  "
              f"{t:9.1f}s  {'ok' if r.ok else 'FAIL'}")
    return 1 if failed else 0


def cmd_grade(args) -> int:
    from . import grading

    out = Path(args.out).resolve() if args.out else ROOT
    if args.jobs != 1:
        print("course grade: --jobs is ignored: submissions are graded one at a time", file=sys.stderr)
    results = grading.grade_class(Path(args.submissions), out, lessons=args.lesson, timeout=args.timeout,
                                  memory_gb=args.memory_gb, trusted=args.trusted)
    grading.print_summary(results, out)
    return 0


def cmd_demo(args) -> int:
    from . import grading

    out = (ROOT / "demo_class").resolve()
    lesson = args.lesson or catalog.lessons()[0].id
    submitted = grading.make_demo_class(out, lesson)
    print(f"demo class: {', '.join(sorted(p.name for p in submitted.iterdir()))} submitted {lesson}")
    # the demo class is the course's own code: it may run unsandboxed where this machine cannot sandbox
    results = grading.grade_class(submitted, out, lessons=[lesson], timeout=args.timeout, trusted=True)
    grading.print_summary(results, out)
    return 0


def cmd_class(args) -> int:
    from . import classroom

    if args.action == "start":
        info = classroom.start(Path(args.roster), port=args.port, lessons=args.lesson)
        for step, secs in info["times"].items():
            print(f"  {step:28s} {secs:7.1f}s")
        print(f"open {info['url']}/ and log in as a roster user with the password in {classroom.HUB / 'password'}; "
              f"the instructor's course directory is {info['course_dir']}")
    elif args.action == "stop":
        for line in classroom.stop(remove_users_too=args.remove_users) or ["no class was running"]:
            print(f"course class: {line}")
    elif args.action == "status":
        print(classroom.status())
    elif args.action == "release":
        for lid in classroom.release(classroom.class_instructor(), args.lessons):
            print(f"released {lid} to the exchange")
    elif args.action == "grade":
        for lid in args.lessons:
            results = classroom.collect_and_grade(lid, timeout=args.timeout)
            from . import grading
            grading.print_summary(results, classroom.instructor_course_dir(classroom.class_instructor()))
    elif args.action == "merge":
        table = classroom.merge_grades([Path(p) for p in args.parts], Path(args.out))
        print(f"merged {len(args.parts)} partial runs into {table}")
    elif args.action == "feedback":
        for lid in args.lessons:
            classroom.release_feedback(lid)
            print(f"released the feedback of {lid}: students fetch it from the Assignment List")
    return 0


def cmd_new(args) -> int:
    from .template import new_lesson

    for path in new_lesson(args.lesson, args.title_en, args.title_zh):
        print(f"created {path.relative_to(ROOT)}")
    print(f"next: edit it, then `course build {args.lesson}`, `course check {args.lesson}` and `course readme --write`")
    return 0


def cmd_doctor(args) -> int:
    from . import doctor

    return doctor.main()


def cmd_readme(args) -> int:
    """Print the README's lesson table (paste it between the markers, or use --write)."""
    table = lesson_table()
    if args.write:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- lessons:start -->", "<!-- lessons:end -->"
        if start not in text or end not in text:
            raise CourseError(f"{readme}: no {start} … {end} markers to write the table between")
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")
        print(f"wrote the lesson table into {readme}")
    else:
        print(table)
    return 0


def lesson_table() -> str:
    """The README's table of lessons, one row each with its Colab badge."""
    rows = ["| # | Lesson | 课程 | Roadmap | Points | Run time | Open |", "|---|---|---|---|---|---|---|"]
    for l in catalog.lessons():
        link = f"[{l.title_en}](release/{l.id}/{l.id}.ipynb)"
        rows.append(f"| {l.number:02d} | {link} | {l.title_zh} | {'; '.join(l.roadmap)} | {l.points:g} | "
                    f"≤ {l.budget_s:.0f} s | {catalog.badge(l.id)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="course", description="LLM Zero to Hero: build, check and grade the course.")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("build", help="generate release/ from source/ through nbgrader")
    s.add_argument("lessons", nargs="*", metavar="LESSON")
    s.set_defaults(func=cmd_build)

    s = sub.add_parser("check", help="run the lesson checks and print a per-lesson report")
    s.add_argument("lessons", nargs="*", metavar="LESSON")
    s.add_argument("--static", action="store_true", help="only the checks that execute nothing")
    s.add_argument("--update-verdicts", action="store_true",
                   help="run the automatic mutants missing from tests/mutants/verdicts/<lesson>.json and rewrite it")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("grade", help="grade a folder of submissions: SUBMISSIONS/<student>/<lesson>/<lesson>.ipynb")
    s.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    s.add_argument("--lesson", action="append", help="grade only this lesson (repeatable); default: every lesson found")
    s.add_argument("--out", help="where autograded/, feedback/ and grades/ go (default: the course root)")
    s.add_argument("--timeout", type=float, default=None,
                   help="wall-clock limit per notebook in seconds (default: 5 × the lesson's budget + 120)")
    s.add_argument("--jobs", type=int, default=1, help="ignored (kept for old scripts): submissions are graded one at a time")
    s.add_argument("--memory-gb", type=float, default=8.0, help="address-space limit per kernel process (default 8)")
    s.add_argument("--trusted", action="store_true",
                   help="allow running the notebooks WITHOUT a sandbox where this machine cannot make one "
                        "(only for code you trust; the summary says which isolation was used)")
    s.set_defaults(func=cmd_grade)

    s = sub.add_parser("demo", help="grade a demo class (solved, blank, partly correct) made from the course")
    s.add_argument("--lesson", help="lesson to use (default: the first)")
    s.add_argument("--timeout", type=float, default=None)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("class", help="a class on a local JupyterHub with nbgrader's exchange (start, stop, "
                                     "release, grade, feedback, status)")
    cs = s.add_subparsers(dest="action", required=True)
    c = cs.add_parser("start", help="create the roster's users, start the hub on 127.0.0.1, release the lessons")
    c.add_argument("--roster", required=True, help="CSV with columns username,role (see class/roster.example.csv)")
    c.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default 8000)")
    c.add_argument("--lesson", action="append", help="lesson to release (repeatable; default: the first lesson)")
    c = cs.add_parser("stop", help="stop the hub, the proxy and every single-user server")
    c.add_argument("--remove-users", action="store_true", help="also delete the class's Unix users, their homes "
                   "(the instructor's course directory included) and the exchange")
    cs.add_parser("status", help="is a class hub running?")
    c = cs.add_parser("release", help="release more lessons to the exchange")
    c.add_argument("lessons", nargs="+", metavar="LESSON")
    c = cs.add_parser("grade", help="nbgrader collect, then the sandboxed grader into the formgrader's gradebook")
    c.add_argument("lessons", nargs="+", metavar="LESSON")
    c.add_argument("--timeout", type=float, default=None, help="wall-clock limit per notebook in seconds")
    c = cs.add_parser("feedback", help="nbgrader release_feedback: students fetch it in the Assignment List")
    c.add_argument("lessons", nargs="+", metavar="LESSON")
    c = cs.add_parser("merge", help="merge the grades.csv of grading runs on several machines into one")
    c.add_argument("parts", nargs="+", metavar="PART", help="a worker's --out folder (or its grades/ folder)")
    c.add_argument("--out", required=True, help="folder of the merged grades.csv (e.g. the course's grades/)")
    s.set_defaults(func=cmd_class)

    s = sub.add_parser("new", help="create a lesson from the template (it passes `course check` as created)")
    s.add_argument("lesson", metavar="NN_name")
    s.add_argument("title_en")
    s.add_argument("title_zh")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("doctor", help="check that this machine has everything the lessons need")
    s.set_defaults(func=cmd_doctor)

    s = sub.add_parser("readme", help="print (or --write) the README's lesson table")
    s.add_argument("--write", action="store_true")
    s.set_defaults(func=cmd_readme)

    args = p.parse_args(argv)
    try:
        return args.func(args)
    except CourseError as e:
        print(f"course {args.cmd}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.cmd}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
