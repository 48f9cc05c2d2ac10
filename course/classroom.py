"""A class on one machine: a roster, a local JupyterHub, nbgrader's exchange, release, collect and grade.

Layout (``.class/`` in the repository, git-ignored)::

    .class/                 755  root
      env/                  755  the students' and instructor's Python (from /usr/bin/python3: the course's
                                 .venv interpreter lives under /root and other users cannot run it)
      node_modules/              configurable-http-proxy (npm, pinned)
      exchange/             1777 nbgrader's exchange (c.Exchange.root): outbound readable, inbound write-only
      hub/                  700  jupyterhub_config.py, its database, cookie secret, log, state.json

Every roster member is a Unix user of the same name (created by ``course class start``, removed by
``course class stop --remove-users``; a name that already exists on this machine and was not created
by the class is refused). Homes are mode 700. The instructor's course directory is
``~instructor/<course_id>/`` (source/, release/, submitted/, autograded/, feedback/, gradebook.db, grades/);
the hub starts each single-user server as its own user, in that user's home.

Grading runs as root with the course's sandboxed grader (:func:`course.grading.grade_class`) on the
collected ``submitted/`` folder and writes into the instructor's gradebook, so the formgrader shows it.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import ROOT, CourseError, catalog

STATE = ROOT / ".class"
ENV = STATE / "env"
EXCHANGE = STATE / "exchange"
HUB = STATE / "hub"
PROXY = STATE / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY_PIN = "configurable-http-proxy@5.3.0"
SYSTEM_PYTHON = "/usr/bin/python3"
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
ROLES = ("instructor", "student")
RESERVED = {"root", "admin", "nobody", "daemon", "bin", "sys", "www-data", "jupyter", "hub"}


def _log(msg: str) -> None:
    print(f"course class: {msg}", flush=True)


# ---------------------------------------------------------------- roster and inputs

@dataclass(frozen=True)
class Member:
    name: str
    role: str


def read_roster(path: Path) -> list[Member]:
    """The roster CSV (columns ``username,role``; role ``instructor`` or ``student``): exactly one instructor."""
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"{path}: no such roster file (a CSV with the columns username,role; "
                          f"see class/roster.example.csv)")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if line.strip() and not line.lstrip().startswith("#")))
    if not rows or "username" not in rows[0] or "role" not in rows[0]:
        raise CourseError(f"{path}: expected a header line 'username,role' and one line per person")
    members: list[Member] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=2):
        name, role = (row.get("username") or "").strip(), (row.get("role") or "").strip().lower()
        where = f"{path}: user {name!r} (row {i - 1})"
        if not NAME_RE.match(name) or name in RESERVED:
            raise CourseError(f"{where}: invalid user name; use 1-31 lowercase letters, digits, '_' or '-', "
                              f"starting with a letter (and not a system name)")
        if name in seen:
            raise CourseError(f"{where}: duplicate user name (also row {seen[name]}); give each person a unique name")
        if role not in ROLES:
            raise CourseError(f"{where}: role {role!r} is neither 'instructor' nor 'student'")
        seen[name] = i - 1
        members.append(Member(name, role))
    instructors = [m for m in members if m.role == "instructor"]
    if len(instructors) != 1:
        raise CourseError(f"{path}: {len(instructors)} instructors; the roster needs exactly one")
    if not any(m.role == "student" for m in members):
        raise CourseError(f"{path}: no students; add at least one line 'name,student'")
    return members


def check_lessons(lessons: list[str]) -> list[str]:
    """The lesson ids, each checked against source/ (an unknown id is a one-line error naming the ids that exist)."""
    return [catalog.get(l).id for l in lessons]


def check_port(port: int) -> None:
    """A clear error when the hub's port on 127.0.0.1 is taken."""
    if not 1 <= int(port) <= 65535:
        raise CourseError(f"port {port} is not a TCP port; pick one between 1024 and 65535 with --port")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", int(port)))
        except OSError:
            raise CourseError(f"port {port} on 127.0.0.1 is already in use (another hub or server?): "
                              f"stop it or pick another with --port") from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def course_id() -> str:
    from . import nbg

    cid = nbg.config(ROOT).CourseDirectory.course_id
    if not cid:
        raise CourseError("nbgrader_config.py sets no c.CourseDirectory.course_id; the exchange needs one")
    return cid


# ---------------------------------------------------------------- the class environment and the proxy

def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for f in paths:
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def ensure_env() -> float:
    """``.class/env``: a venv from Debian's Python with the course's pins and the course package (not editable,
    so the students' kernels never read the repository). Returns the seconds spent (0 when up to date).

    The pins are reinstalled when requirements*.txt change, the course package alone when course/ changes.
    """
    pins = _digest([ROOT / "requirements.txt", ROOT / "requirements-nodeps.txt", ROOT / "pyproject.toml"])
    code = _digest(sorted(f for f in (ROOT / "course").rglob("*") if f.is_file() and "__pycache__" not in f.parts))
    stamp_pins, stamp_code = ENV / ".installed", ENV / ".installed-course"
    if (stamp_pins.is_file() and stamp_pins.read_text() == pins
            and stamp_code.is_file() and stamp_code.read_text() == code):
        return 0.0
    if not Path(SYSTEM_PYTHON).exists():
        raise CourseError(f"{SYSTEM_PYTHON} is missing: install Debian's python3 and python3-venv "
                          f"(the class's users cannot run the course's .venv interpreter)")
    t = time.perf_counter()
    old = os.umask(0o022)
    try:
        STATE.mkdir(mode=0o755, exist_ok=True)
        os.chmod(STATE, 0o755)
        pip = [str(ENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        if not (stamp_pins.is_file() and stamp_pins.read_text() == pins):
            if not (ENV / "bin" / "python").exists():
                _run([SYSTEM_PYTHON, "-m", "venv", str(ENV)], "create the class environment")
            _run(pip + ["-r", str(ROOT / "requirements.txt")], "install requirements.txt into .class/env")
            _run(pip + ["--no-deps", "-r", str(ROOT / "requirements-nodeps.txt")], "install requirements-nodeps.txt")
            stamp_pins.write_text(pins)
        # from a copy of the package's files: building in the checkout would leave build/ there
        with tempfile.TemporaryDirectory(prefix="class-pkg-") as tmp:
            for name in ("pyproject.toml", "README.md", "LICENSE"):
                if (ROOT / name).is_file():
                    shutil.copy(ROOT / name, tmp)
            shutil.copytree(ROOT / "course", Path(tmp) / "course", ignore=shutil.ignore_patterns("__pycache__"))
            _run(pip + ["--no-deps", "--force-reinstall", "--no-build-isolation", tmp],
                 "install the course package into .class/env")
        _run(["chmod", "-R", "a+rX", str(ENV)], "make .class/env readable")
        stamp_code.write_text(code)
    finally:
        os.umask(old)
    return time.perf_counter() - t


def ensure_proxy() -> float:
    """configurable-http-proxy from npm (pinned) into .class/node_modules. Returns the seconds spent."""
    if PROXY.exists():
        return 0.0
    if not shutil.which("npm"):
        raise CourseError("npm is missing: install Node.js and npm (the hub's proxy, configurable-http-proxy, "
                          "comes from npm)")
    t = time.perf_counter()
    STATE.mkdir(mode=0o755, exist_ok=True)
    _run(["npm", "install", "--prefix", str(STATE), "--no-audit", "--no-fund", "--loglevel=error", PROXY_PIN],
         f"npm install {PROXY_PIN}")
    return time.perf_counter() - t


def _run(cmd: list[str], what: str, user: str | None = None, cwd: Path | None = None,
         env: dict | None = None) -> str:
    kw = {}
    if user is not None:
        pw = pwd.getpwnam(user)
        kw = dict(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        tail = (r.stdout + r.stderr).strip().splitlines()[-15:]
        raise CourseError(f"could not {what} (exit {r.returncode}):\n" + "\n".join(tail))
    return r.stdout + r.stderr


# ---------------------------------------------------------------- users

def _state() -> dict:
    f = HUB / "state.json"
    return json.loads(f.read_text()) if f.is_file() else {}


def _save_state(state: dict) -> None:
    HUB.mkdir(mode=0o700, parents=True, exist_ok=True)
    (HUB / "state.json").write_text(json.dumps(state, indent=1))


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_users(members: list[Member], state: dict) -> None:
    """A Unix user per member (home mode 700); refuses a name taken on this machine by someone else."""
    created = set(state.get("created_users", []))
    clash = [m.name for m in members if _exists(m.name) and m.name not in created]
    if clash:
        raise CourseError(f"user {clash[0]!r} already exists on this machine and is not one the class created: "
                          f"rename them in the roster")
    for m in members:
        if not _exists(m.name):
            _run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", m.name], f"create user {m.name}")
            created.add(m.name)
            state["created_users"] = sorted(created)
            _save_state(state)
        home = Path(pwd.getpwnam(m.name).pw_dir)
        os.chmod(home, 0o700)


def remove_users(state: dict) -> list[str]:
    removed = []
    for name in state.get("created_users", []):
        if _exists(name):
            _kill_user_processes([name])
            subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
            if _exists(name):
                subprocess.run(["userdel", "--force", "--remove", name], capture_output=True, text=True)
            removed.append(name)
    state["created_users"] = []
    return removed


def _kill_user_processes(names: list[str]) -> int:
    import psutil

    uids = set()
    for n in names:
        try:
            uids.add(pwd.getpwnam(n).pw_uid)
        except KeyError:
            pass
    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
    for p in procs:
        try:
            p.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=10)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    return len(procs)


# ---------------------------------------------------------------- nbgrader configuration

def instructor_course_dir(instructor: str) -> Path:
    return Path(pwd.getpwnam(instructor).pw_dir) / course_id()


def _user_env(user: str) -> dict:
    pw = pwd.getpwnam(user)
    return {"HOME": pw.pw_dir, "USER": user, "LOGNAME": user, "PATH": f"{ENV}/bin:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "HF_HUB_OFFLINE": "1"}


def configure_nbgrader(instructor: str) -> Path:
    """The students' settings (in the class environment) and the instructor's (in ~/.jupyter): one exchange."""
    cid = course_id()
    (ENV / "etc" / "jupyter").mkdir(parents=True, exist_ok=True)
    (ENV / "etc" / "jupyter" / "nbgrader_config.py").write_text(
        "# Written by `course class start`: every user of the class environment shares this exchange.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {cid!r}\n"
        f"c.Exchange.root = {str(EXCHANGE)!r}\n"
        "c.Exchange.path_includes_course = True\n")
    os.chmod(ENV / "etc" / "jupyter" / "nbgrader_config.py", 0o644)
    # no "Jupyter news" pop-up (it asks the internet) in a class
    labconfig = ENV / "etc" / "jupyter" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}, indent=1))
    os.chmod(labconfig / "page_config.json", 0o644)
    EXCHANGE.mkdir(parents=True, exist_ok=True)
    os.chown(EXCHANGE, 0, 0)
    os.chmod(EXCHANGE, 0o1777)

    pw = pwd.getpwnam(instructor)
    course = Path(pw.pw_dir) / cid
    jupyter = Path(pw.pw_dir) / ".jupyter"
    for d in (course, jupyter):
        d.mkdir(exist_ok=True)
    text = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    text += ("\n\n# --- written by `course class start`: this instructor's course directory and the class's exchange\n"
             f"c.CourseDirectory.root = {str(course)!r}\n"
             f"c.CourseDirectory.db_url = {'sqlite:///' + str(course / 'gradebook.db')!r}\n"
             f"c.Exchange.root = {str(EXCHANGE)!r}\n")
    (jupyter / "nbgrader_config.py").write_text(text, encoding="utf-8")
    _chown_tree(Path(pw.pw_dir), instructor)
    return course


def _chown_tree(path: Path, user: str) -> None:
    """Give ``path`` and what is in it to ``user`` (only paths the class made: the instructor's home)."""
    pw = pwd.getpwnam(user)
    for p in [path, *path.rglob("*")]:
        if not p.is_symlink():
            os.chown(p, pw.pw_uid, pw.pw_gid)


def release(instructor: str, lessons: list[str]) -> list[str]:
    """Copy each lesson's source into the instructor's course, ``nbgrader generate_assignment`` and
    ``release_assignment`` it to the exchange, as the instructor."""
    course = instructor_course_dir(instructor)
    done = []
    for lid in check_lessons(lessons):
        dest = course / "source" / lid
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(ROOT / "source" / lid, dest,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        _chown_tree(course, instructor)
        env = _user_env(instructor)
        nbgrader = str(ENV / "bin" / "nbgrader")
        _run([nbgrader, "generate_assignment", lid, "--force"], f"generate {lid}", user=instructor, cwd=course, env=env)
        _run([nbgrader, "release_assignment", lid, "--force"], f"release {lid} to the exchange", user=instructor,
             cwd=course, env=env)
        done.append(lid)
    return done


# ---------------------------------------------------------------- the hub

def hub_config(port: int, members: list[Member], password: str) -> str:
    instructor = next(m.name for m in members if m.role == "instructor")
    users = sorted(m.name for m in members)
    env = {"PATH": f"{ENV}/bin:/usr/local/bin:/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "LANG": "C.UTF-8"}
    return f'''# Written by `course class start` (course/classroom.py): a local class on 127.0.0.1.
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.auth_token = {secrets.token_hex(32)!r}
c.JupyterHub.db_url = "sqlite:///{HUB}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{HUB}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{HUB}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
# For trying a class on one machine: one shared password for the roster's users.
# For a real class use a real authenticator (NativeAuthenticator, OAuthenticator, LDAP/PAM) and TLS.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {set(users)!r}
c.Authenticator.admin_users = {{{instructor!r}}}
# Each single-user server runs as the user's own Unix user, in their home (mode 700).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(ENV / "bin" / "jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {env!r}
c.Spawner.start_timeout = 600
c.Spawner.http_timeout = 600
'''


def _get(url: str, timeout: float = 10) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status


def _hub_process(state: dict):
    import psutil

    pid = state.get("pid")
    if not pid:
        return None
    try:
        p = psutil.Process(pid)
        if str(HUB / "jupyterhub_config.py") in " ".join(p.cmdline()):
            return p
    except psutil.Error:
        pass
    return None


def start(roster: Path, port: int = 8000, lessons: list[str] | None = None, ready_timeout: float = 300) -> dict:
    """Start the class: check the inputs, environment, proxy, users, nbgrader config, hub, release. Returns timings."""
    members = read_roster(roster)
    lessons = check_lessons(lessons or [catalog.lessons()[0].id])
    check_port(port)
    state = _state()
    if _hub_process(state):
        raise CourseError(f"a class hub is already running (pid {state['pid']}, port {state.get('port')}): "
                          f"run `course class stop` first")
    if os.geteuid() != 0:
        raise CourseError("`course class start` creates Unix users and starts servers as them: run it as root")
    times: dict[str, float] = {}
    t = time.perf_counter()
    times["class environment"] = ensure_env()
    times["proxy (npm)"] = ensure_proxy()
    HUB.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(HUB, 0o700)
    t1 = time.perf_counter()
    create_users(members, state)
    instructor = next(m.name for m in members if m.role == "instructor")
    course = configure_nbgrader(instructor)
    times["users and nbgrader config"] = time.perf_counter() - t1

    password = secrets.token_urlsafe(12)
    (HUB / "jupyterhub_config.py").write_text(hub_config(port, members, password))
    (HUB / "password").write_text(password + "\n")
    t1 = time.perf_counter()
    log = open(HUB / "jupyterhub.log", "ab")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HUB / "jupyterhub_config.py")],
                            cwd=HUB, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    state.update(pid=proc.pid, port=port, instructor=instructor, students=[m.name for m in members if m.role == "student"],
                 course_dir=str(course), lessons=lessons)
    _save_state(state)
    deadline = time.monotonic() + ready_timeout
    while True:
        try:
            if _get(f"http://127.0.0.1:{port}/hub/api") == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = (HUB / "jupyterhub.log").read_text(errors="replace").strip().splitlines()[-10:]
            stop()
            raise CourseError("the hub did not start:\n" + "\n".join(tail))
        time.sleep(0.5)
    times["hub start"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    release(instructor, lessons)
    times["release to the exchange"] = time.perf_counter() - t1
    times["total"] = time.perf_counter() - t
    warn = _readable_by_others(ROOT / "source")
    if warn:
        _log(f"warning: {warn}")
    _log(f"hub on http://127.0.0.1:{port}/  users: {', '.join(m.name for m in members)}  "
         f"password: {HUB / 'password'}  released: {', '.join(lessons)}")
    return {"url": f"http://127.0.0.1:{port}", "password": password, "times": times, "course_dir": str(course),
            "instructor": instructor}


def _readable_by_others(path: Path) -> str:
    """A warning when other local users can read the repository's source/ (the solutions)."""
    p = path.resolve()
    for q in [p, *p.parents]:
        if q.exists() and not (q.stat().st_mode & 0o001):
            return ""
    return (f"{path} (the solutions) is readable by every local user: for a real class keep the checkout in a "
            f"folder only the instructor can enter (chmod 700)")


def stop(remove_users_too: bool = False) -> list[str]:
    """Stop the hub (it stops the proxy and the single-user servers), then anything the class users still run."""
    import psutil

    state = _state()
    did = []
    p = _hub_process(state)
    if p is not None:
        p.terminate()
        try:
            p.wait(timeout=60)
        except psutil.TimeoutExpired:
            p.kill()
        did.append(f"stopped the hub (pid {state['pid']})")
    proxy_pid = HUB / "jupyterhub-proxy.pid"
    if proxy_pid.is_file():
        try:
            q = psutil.Process(int(proxy_pid.read_text().strip()))
            if "configurable-http-proxy" in " ".join(q.cmdline()):
                q.terminate()
                q.wait(timeout=10)
                did.append("stopped the proxy")
        except (psutil.Error, ValueError):
            pass
        proxy_pid.unlink(missing_ok=True)
    n = _kill_user_processes(state.get("created_users", []))
    if n:
        did.append(f"stopped {n} processes of the class's users")
    state.pop("pid", None)
    if remove_users_too:
        removed = remove_users(state)
        if removed:
            did.append(f"removed users {', '.join(removed)} and their homes")
        if EXCHANGE.exists():
            shutil.rmtree(EXCHANGE)
            did.append("emptied the exchange")
        for f in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "password", "jupyterhub_config.py"):
            (HUB / f).unlink(missing_ok=True)
    if HUB.is_dir():
        _save_state(state)
    return did


# ---------------------------------------------------------------- instructor steps

def class_instructor() -> str:
    """The running class's instructor (the user whose course directory holds the gradebook)."""
    name = _state().get("instructor")
    if not name or not _exists(name):
        raise CourseError("no class is set up: run `course class start --roster ROSTER` first")
    return name


def collect_and_grade(lesson: str, timeout: float | None = None) -> list:
    """``nbgrader collect`` (as the instructor), then the course's sandboxed grader into the instructor's gradebook."""
    from . import grading

    lid = check_lessons([lesson])[0]
    instructor = class_instructor()
    course = instructor_course_dir(instructor)
    env = _user_env(instructor)
    _run([str(ENV / "bin" / "nbgrader"), "collect", lid, "--update"], f"collect {lid}", user=instructor, cwd=course,
         env=env)
    if not (course / "submitted").is_dir():
        raise CourseError(f"no submissions of {lid} in the exchange yet: students submit from the Assignment List")
    results = grading.grade_class(course / "submitted", course, lessons=[lid], timeout=timeout, progress=False)
    _chown_tree(course, instructor)  # the gradebook, autograded/, feedback/ and grades/ the grader wrote as root
    return results


def release_feedback(lesson: str) -> str:
    lid = check_lessons([lesson])[0]
    instructor = class_instructor()
    course = instructor_course_dir(instructor)
    return _run([str(ENV / "bin" / "nbgrader"), "release_feedback", lid], f"release feedback of {lid}",
                user=instructor, cwd=course, env=_user_env(instructor))


def status() -> str:
    state = _state()
    p = _hub_process(state)
    if not p:
        return "no class hub is running" + (f" (users kept: {', '.join(state['created_users'])})"
                                            if state.get("created_users") else "")
    return (f"hub running (pid {p.pid}) on http://127.0.0.1:{state['port']}/ — instructor {state['instructor']}, "
            f"students {', '.join(state['students'])}; password in {HUB / 'password'}")


# ---------------------------------------------------------------- grading spread over machines

def merge_grades(parts: list[Path], out: Path) -> Path:
    """Merge the ``grades.csv`` of partial grading runs (each worker's ``--out``, or its ``grades/`` folder) into
    ``out/grades.csv`` with the course's own CSV merge (:func:`course.reports.write_csv`: keyed by student and
    lesson, a later row replaces an earlier one)."""
    from .reports import FIELDS, Result, write_csv

    results = []
    for part in parts:
        part = Path(part)
        table = next((t for t in (part / "grades" / "grades.csv", part / "grades.csv", part) if t.is_file()), None)
        if table is None:
            raise CourseError(f"{part}: no grades.csv (expected a worker's --out folder or its grades/ folder)")
        with open(table, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                results.append(Result(**{k: row[k] for k in FIELDS if k in row}))
    for r in results:
        r.score, r.max_score = float(r.score), float(r.max_score)
    return write_csv(results, Path(out))
