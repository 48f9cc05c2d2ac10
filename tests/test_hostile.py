"""A hostile class (issue 10): every attack is graded in one batch, beside honest students.

Attackers submit wrong answers (each exercise's first mutant from tests/mutants/, which its tests
catch) plus an attack, so any point they get is undeserved. Each test checks: no undeserved
point, nothing changed outside the attacker's sandbox, and the rest of the batch graded right.
The batch runs as the user running pytest (root in CI: the root sandbox). The last tests
build the user-namespace sandbox as uid 65534 (checked from a shell inside it), and grade a
few attackers again through `course grade` as uid 65534 where that user can run this
Python environment.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from course import ROOT, catalog, checks, grading, sandbox

LESSON = catalog.get("01_linear_algebra")
TIMEOUT = 600.0   # far above a real run: only the endless loops below may reach a limit
SHORT = 20.0      # the limit of the small batch of endless loops

pytestmark = pytest.mark.skipif(sandbox.mode() is None, reason="this machine cannot sandbox (no root, no user namespaces)")


def _cells(nb, what):
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get(what)]


def wrong_answers() -> dict:
    """The release notebook with every answer cell replaced by its first mutant (each caught by its tests)."""
    nb = grading._answers_from_source(LESSON.id)
    mutants = checks.load_mutants(LESSON.id)
    for cell in _cells(nb, "solution"):
        gid = cell["metadata"]["nbgrader"]["grade_id"]
        cell["source"] = mutants[gid][0].apply("".join(cell["source"]))
    return nb


def with_attack(code: str, base: dict | None = None) -> dict:
    """``base`` (default: wrong answers) with a code cell holding ``code`` right after the setup cell."""
    nb = json.loads(json.dumps(base or wrong_answers()))
    setup = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    nb["cells"].insert(setup + 1, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                   "source": code})
    return nb


def write(subs: Path, student: str, nb) -> Path:
    path = subs / student / LESSON.id / f"{LESSON.id}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, (bytes, str)):
        path.write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        catalog.write_notebook(path, nb)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


# ---------------------------------------------------------------- the attacks (kernel-side code)

AST_STRIP = '''
import ast
class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip = get_ipython()
getattr(ip, "ast_" + "transformers").append(NoAsserts())
'''

INPUT_HOOK = '''
def drop_asserts(lines):
    return [l for l in lines if not l.lstrip().startswith("assert")]
get_ipython().input_transformers_cleanup.append(drop_asserts)
'''

HIDE_ERRORS = '''
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
'''

TRACE_AND_BUILTINS = '''
import sys, builtins, threading
sys.settrace(lambda *a: None)
threading.setprofile(lambda *a: None)
builtins.abs = lambda x: 0
'''

BREAKS_THE_KERNEL = '''
import builtins
builtins.isinstance = lambda obj, cls: True
'''

NP_PROXY = '''
import numpy, types, sys, os
class Proxy:
    def __getattr__(self, name):
        if name == "testing":
            return types.SimpleNamespace(assert_allclose=lambda *a, **k: None, assert_array_equal=lambda *a, **k: None)
        return getattr(numpy, name)
np = Proxy()
open("math.py", "w").write("pi = 3\\ndef isclose(*a, **k):\\n    return True\\n")
sys.path.insert(0, os.getcwd())
del sys.modules["math"]
import math
'''

ALWAYS_EQUAL = '''
import numpy as _np
class AlwaysEqual(_np.ndarray):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    def __float__(self): return 1.0
def _fake(*a, **k):
    return _np.zeros((2, 2)).view(AlwaysEqual)
'''


def escape_code(targets: dict) -> str:
    """Try to read, write, delete and chmod the grader's and others' files, reach the network and escape."""
    return f'''
import os, sys, glob, socket, sqlite3, ctypes, signal
T = {targets!r}
found = []
for p in T["read"] + glob.glob("/proc/*/root" + T["secret"]):
    try:
        with open(p, "rb") as f:
            data = f.read(4000)
        found.append(("LEAK", p, data[:200]))
    except Exception as e:
        pass
for p in T["write"]:
    for mode in ("ab", "wb"):
        try:
            with open(p, mode) as f:
                f.write(b"pwned")
            found.append(("WROTE", p))
        except Exception:
            pass
    for op in (os.remove, lambda q: os.chmod(q, 0o777), lambda q: os.chown(q, 65534, 65534)):
        try:
            op(p)
            found.append(("CHANGED", p))
        except Exception:
            pass
try:
    db = sqlite3.connect(T["gradebook"])
    db.execute("CREATE TRIGGER pwn AFTER UPDATE ON grade BEGIN UPDATE grade SET auto_score = max_score; END")
    db.commit()
    found.append(("TRIGGER",))
except Exception:
    pass
for host, port in (("127.0.0.1", 22), ("pypi.org", 443), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=2).close()
        found.append(("NET", host))
    except Exception:
        pass
libc = ctypes.CDLL(None, use_errno=True)
for ns in glob.glob("/proc/*/ns/net") + glob.glob("/proc/*/ns/mnt"):
    try:
        fd = os.open(ns, os.O_RDONLY)
        if libc.setns(fd, 0) == 0:
            found.append(("SETNS", ns))
    except Exception:
        pass
os.makedirs(os.path.expanduser("~/.ipython/profile_default/startup"), exist_ok=True)
with open(os.path.expanduser("~/.ipython/profile_default/startup/00-evil.py"), "w") as f:
    f.write("import numpy\\nnumpy.testing.assert_allclose = lambda *a, **k: None\\n")
try:
    os.symlink(T["secret"], "stolen.txt")
except Exception:
    pass
print("ESCAPE-REPORT", found)
'''


BOMBS = '''
import os, sys, time, subprocess
n = 0
try:
    for i in range(600):
        pid = os.fork()
        if pid == 0:
            time.sleep(100000)
            os._exit(0)
        n += 1
except OSError as e:
    print("fork stopped after", n, type(e).__name__)
if os.fork() == 0:  # a daemon that outlives the notebook and keeps rewriting the grades
    os.setsid()
    if os.fork() == 0:
        while True:
            for p in GRADER_FILES:
                try:
                    open(p, "w").write("student,lesson,status,score\\nbombs,x,graded,999\\n")
                except Exception:
                    pass
            time.sleep(0.2)
    os._exit(0)
try:
    hog = bytearray(40 * 2**30)
except MemoryError:
    print("memory limit")
for d in (".", "/tmp", "/dev/shm"):
    try:
        with open(os.path.join(d, "big.bin"), "wb") as f:
            for _ in range(300):
                f.write(b"\\0" * 2**20)
    except OSError as e:
        print("file limit", d, type(e).__name__)
for _ in range(40):
    sys.stdout.write("y" * 2**20)
sys.stdout.flush()
'''

KILLER = '''
import os, signal
me = os.getpid()
for pid in range(1, 70000):
    if pid != me:
        try:
            os.kill(pid, signal.SIGKILL)
        except Exception:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except Exception:
    pass
os.kill(os.getppid() or me, signal.SIGKILL)
'''

ENDLESS_NO_SIGINT = '''
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    pass
'''


# ---------------------------------------------------------------- the batch

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs, out = root / "submitted", root / "out"
    scratch = root / "scratch"  # the grader's temporary folders go here, so the test can see them all go
    scratch.mkdir()
    secret = root / "secret.txt"
    secret.write_text("TOP-SECRET-" + uuid.uuid4().hex)
    secret.chmod(0o644)
    solved = grading._answers_from_source(LESSON.id)
    first_solved = write(subs, "a_solved", solved)
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    startup = Path.home() / ".ipython" / "profile_default" / "startup"
    watched = [secret, first_solved, ROOT / "source" / LESSON.id / f"{LESSON.id}.ipynb", LESSON.release,
               Path(grading.__file__), site / "zz_evil.pth", startup / "00-evil.py", out / "grades" / "grades.csv"]
    targets = {
        "secret": str(secret),
        "read": [str(secret), str(first_solved), str(ROOT / "source" / LESSON.id / f"{LESSON.id}.ipynb"),
                 str(out / "gradebook.db"), "/root/.bash_history", "/etc/shadow"],
        "write": [str(p) for p in watched if p != out / "grades" / "grades.csv"] + [str(out / "grades" / "grades.csv")],
        "gradebook": str(out / "gradebook.db"),
    }
    expected = {  # student: (allowed statuses, score)
        "a_solved": ({"graded"}, LESSON.points),
        "c_wrong": ({"graded"}, 0.0),  # the answers every attacker submits, without an attack
    }
    write(subs, "c_wrong", wrong_answers())

    attacks = {
        "h_testing_replaced": "import numpy as np\nfor f in dir(np.testing):\n    if f.startswith('assert'):\n"
                              "        setattr(np.testing, f, lambda *a, **k: None)\n",
        "h_ast_transformer": AST_STRIP,
        "h_input_transformer": INPUT_HOOK,
        "h_hidden_errors": HIDE_ERRORS,
        "h_trace_builtins": TRACE_AND_BUILTINS,
        "h_np_proxy_shadow_math": NP_PROXY,
        "x_escape": escape_code(targets),
        "x_bombs": f"GRADER_FILES = {[str(out / 'grades' / 'grades.csv'), str(out / 'gradebook.db')]!r}\n" + BOMBS,
        "x_killer": KILLER,
        "x_os_exit": "import os\nos._exit(3)\n",
    }
    for student, code in attacks.items():
        write(subs, student, with_attack(code))
        expected[student] = ({"tampered"} if student.startswith("h_") else {"graded", "crashed", "tampered"}, 0.0)
    expected["x_os_exit"] = ({"crashed"}, 0.0)

    nb = wrong_answers()  # answers that return always-equal arrays
    for cell in _cells(nb, "solution"):
        name = "".join(cell["source"]).split("def ", 1)[1].split("(", 1)[0]
        cell["source"] = ALWAYS_EQUAL + f"\ndef {name}(*a, **k):\n    return _fake()\n"
    write(subs, "h_always_equal", nb)
    expected["h_always_equal"] = ({"graded", "tampered"}, 0.0)

    # the shape of the submission itself
    write(subs, "u_corrupt", json.dumps(solved)[:3000])
    expected["u_corrupt"] = ({"unreadable"}, 0.0)
    link = subs / "u_symlink" / LESSON.id / f"{LESSON.id}.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    expected["u_symlink"] = ({"unreadable"}, 0.0)
    # graded last: nothing an attacker did reaches it; a module and a link beside its notebook are never copied
    besides = write(subs, "z_solved", solved).parent
    (besides / "numpy.py").write_text("raise SystemExit('shadowed')\n")
    (besides / "data.csv").symlink_to(secret)
    expected["z_solved"] = ({"graded"}, LESSON.points)

    before = {str(p): digest(p) for p in watched}
    modes = {str(p): p.stat().st_mode for p in watched if p.exists()}
    site_before = sorted(os.listdir(site))
    old_tempdir = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        results = grading.grade_class(subs, out, lessons=[LESSON.id], timeout=TIMEOUT, progress=False)
        with open(out / "grades" / "grades.csv", newline="") as f:
            rows_at_exit = {r["student"]: dict(r) for r in csv.DictReader(f)}
    finally:
        tempfile.tempdir = old_tempdir
    return dict(results={r.student: r for r in results}, expected=expected, out=out, subs=subs, secret=secret,
                before=before, modes=modes, watched=watched, site=site, site_before=site_before, scratch=scratch,
                rows_at_exit=rows_at_exit)


def test_every_row_has_its_status_and_no_undeserved_point(hostile):
    got, expected = hostile["results"], hostile["expected"]
    assert sorted(got) == sorted(expected)
    for student, (statuses, score) in expected.items():
        r = got[student]
        assert r.status in statuses, f"{student}: {r.status} ({r.detail})"
        assert r.score == pytest.approx(score), f"{student}: {r.score} ({r.detail})"
        assert r.max_score == LESSON.points


@pytest.mark.parametrize("student, needle", [
    ("h_testing_replaced", "testing function numpy.testing.assert_allclose"),
    ("h_ast_transformer", "ast_transformers"),
    ("h_input_transformer", "input_transformers_cleanup"),
    ("h_hidden_errors", "showtraceback"),
    ("h_trace_builtins", "sys.settrace hook"),
    ("h_trace_builtins", "threading.setprofile hook"),
    ("h_trace_builtins", "builtins.abs"),
    ("h_np_proxy_shadow_math", "the name np is bound to a Proxy"),
    ("h_np_proxy_shadow_math", "sys.modules['math']"),
])
def test_tampering_is_found_by_behaviour(hostile, student, needle):
    """Each hook, found at run time whatever its spelling; the tests run after it scored 0."""
    r = hostile["results"][student]
    assert r.status == "tampered" and needle in r.detail, f"{student}: {r.status} ({r.detail})"


def test_nothing_outside_the_sandbox_changed(hostile):
    for p in hostile["watched"][:-1]:
        assert digest(p) == hostile["before"][str(p)], f"{p} was changed"
        if str(p) in hostile["modes"]:
            assert p.stat().st_mode == hostile["modes"][str(p)], f"{p}: mode changed"
    assert sorted(os.listdir(hostile["site"])) == hostile["site_before"], "a file was planted in site-packages"
    db = sqlite3.connect(hostile["out"] / "gradebook.db")
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0


def test_nothing_leaked_into_outputs_or_files(hostile):
    out, secret = hostile["out"], hostile["secret"].read_text()
    for nb in (out / "autograded").rglob("*.ipynb"):
        text = nb.read_text()
        assert secret not in text, f"{nb}: holds the secret"
        answers = [c for c in json.loads(text)["cells"] if not c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        assert "BEGIN HIDDEN TESTS" not in json.dumps([c.get("outputs", []) for c in answers]), f"{nb}: read source/"
        for what in ("LEAK", "WROTE", "CHANGED", "NET", "SETNS", "TRIGGER"):
            assert f"('{what}'" not in text, f"{nb}: {what}"
    report = out / "autograded" / "x_escape" / LESSON.id / f"{LESSON.id}.ipynb"
    assert "ESCAPE-REPORT" in report.read_text(), "the escape attempt did not run"
    for f in (out / "autograded").rglob("*"):
        assert not f.is_symlink(), f"{f}: a link in autograded/"
    beside = out / "autograded" / "z_solved" / LESSON.id
    assert not (beside / "numpy.py").exists() and not (beside / "data.csv").exists()


def test_limits_hold_and_nothing_is_left_behind(hostile):
    out = hostile["out"]
    bombs = hostile["results"]["x_bombs"]
    assert "dropped" in bombs.detail or bombs.status == "crashed", bombs.detail
    nb = out / "autograded" / "x_bombs" / LESSON.id / f"{LESSON.id}.ipynb"
    if nb.exists():
        assert nb.stat().st_size < 40 * 2**20
    assert list(hostile["scratch"].iterdir()) == [], "temporary folders were left behind"
    ps = subprocess.run(["ps", "-u", str(sandbox.UID), "-o", "pid=,cmd="], capture_output=True, text=True)
    assert ps.stdout.strip() == "", f"processes of the sandbox uid still run:\n{ps.stdout}"
    with open(out / "grades" / "grades.csv", newline="") as f:  # the daemon did not rewrite it
        assert {r["student"]: r for r in csv.DictReader(f)} == hostile["rows_at_exit"]


def test_batch_survives_and_every_row_is_on_disk(hostile):
    with open(hostile["out"] / "grades" / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(hostile["expected"])
    assert rows["z_solved"]["status"] == "graded" and float(rows["z_solved"]["score"]) == LESSON.points
    assert not (Path.home() / ".ipython" / "profile_default" / "startup" / "00-evil.py").exists()


@pytest.fixture(scope="module")
def endless(tmp_path_factory):
    """A small batch with a short limit: loops that ignore SIGINT and SIGTERM, sleeping forks, a broken kernel."""
    root = tmp_path_factory.mktemp("endless")
    subs, out = root / "submitted", root / "out"
    write(subs, "loop_ignoring_signals", with_attack(ENDLESS_NO_SIGINT))
    write(subs, "sleeping_forks", with_attack(
        "import os, time\nfor _ in range(5):\n    if os.fork() == 0:\n        os.setsid()\n"
        "        time.sleep(10**6)\ntime.sleep(10**6)\n"))
    write(subs, "breaks_the_kernel", with_attack(BREAKS_THE_KERNEL))
    results = grading.grade_class(subs, out, lessons=[LESSON.id], timeout=SHORT, progress=False)
    return {r.student: r for r in results}


def test_endless_loops_time_out_and_leave_nothing_running(endless):
    for student, r in endless.items():
        allowed = ("timeout", "tampered", "crashed") if student == "breaks_the_kernel" else ("timeout",)
        assert r.status in allowed and r.score == 0, f"{student}: {r.status} ({r.detail})"
    ps = subprocess.run(["ps", "-u", str(sandbox.UID), "-o", "pid=,cmd="], capture_output=True, text=True)
    assert ps.stdout.strip() == "", ps.stdout


# ---------------------------------------------------------------- the same attacks, graded by an unprivileged user

def _as_nobody(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run ``cmd`` as uid 65534 with no capabilities at all (not even while it starts)."""
    return subprocess.run(["setpriv", f"--reuid={sandbox.UID}", f"--regid={sandbox.UID}", "--clear-groups",
                           "--inh-caps=-all", "--bounding-set=-all", "--", *cmd], capture_output=True, text=True, **kw)


def _unprivileged_possible() -> str:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return "needs root to start the grader as uid 65534"
    if _as_nobody(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "true"]).returncode:
        return "this machine has no unprivileged user namespaces"
    return ""


def test_userns_sandbox_started_by_an_unprivileged_user():
    """The user-namespace sandbox, built by uid 65534 without capabilities: the same walls, seen from a shell."""
    why = _unprivileged_possible()
    if why:
        pytest.skip(why)
    work = Path(tempfile.mkdtemp(prefix="userns-"))
    try:
        for sub in ("root", "ipc", "files"):
            (work / sub).mkdir()
        (work / "files" / "data.txt").write_text("release file")
        secret = work / "secret.txt"
        secret.write_text("SECRET")
        secret.chmod(0o644)
        for p in (work, work / "root", work / "ipc", work / "files", work / "files" / "data.txt"):
            os.chown(p, sandbox.UID, sandbox.UID)  # the test's own folders, handed to the grader's user
        probe = (f"id -u; grep CapEff /proc/self/status; cat data.txt; echo; touch /usr/pwn 2>/dev/null && echo WROTE; "
                 f"cat {secret} 2>/dev/null && echo LEAK; echo x > ok && echo HOME-OK; "
                 f"echo pids $(ls /proc | grep -c '^[0-9]'); echo netdevs $(grep -c : /proc/net/dev)")
        cmd = sandbox.command(["/bin/sh", "-c", probe], "userns", work / "root", work / "ipc", work / "files",
                              sandbox.Limits(), readonly=["/usr", "/etc"])
        p = _as_nobody(cmd, cwd="/", timeout=120)
        assert p.returncode == 0, p.stderr[-1000:]
        lines = p.stdout.split("\n")
        assert lines[0] == str(sandbox.UID) and lines[1].split() == ["CapEff:", "0000000000000000"], p.stdout
        assert "release file" in p.stdout and "HOME-OK" in p.stdout
        assert "WROTE" not in p.stdout and "LEAK" not in p.stdout
        assert "pids 3" in p.stdout or "pids 4" in p.stdout, p.stdout  # its own PID namespace
        assert "netdevs 1" in p.stdout, p.stdout  # only its own loopback
        assert not Path("/usr/pwn").exists()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _python_usable_by_nobody() -> bool:
    p = _as_nobody(["/bin/sh", "-c", 'exec "$0" -c "import sys; print(sys.base_prefix)"', sys.executable])
    return p.returncode == 0 and p.stdout.strip() == sys.base_prefix


@pytest.fixture(scope="module")
def unprivileged(tmp_path_factory):
    why = _unprivileged_possible()
    if why:
        pytest.skip(why)
    if not _python_usable_by_nobody():
        pytest.skip(f"uid {sandbox.UID} cannot use this Python environment ({os.path.realpath(sys.executable)} "
                    "is in a folder it may not read), so it cannot run the grader")
    root = Path(tempfile.mkdtemp(prefix="hostile-nobody-"))
    try:
        subs, out, home = root / "submitted", root / "out", root / "home"
        secret = root / "secret.txt"
        secret.write_text("NOBODY-SECRET-" + uuid.uuid4().hex)
        secret.chmod(0o644)
        write(subs, "a_solved", grading._answers_from_source(LESSON.id))
        write(subs, "h_ast_transformer", with_attack(AST_STRIP))
        write(subs, "h_testing_replaced", with_attack(
            "import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None\n"))
        targets = {"secret": str(secret), "read": [str(secret)], "write": [str(secret)],
                   "gradebook": str(out / "gradebook.db")}
        write(subs, "x_escape", with_attack(escape_code(targets)))
        home.mkdir()
        out.mkdir()
        for p in [root, *root.rglob("*")]:  # the grader's own test folders, handed to uid 65534
            if not p.is_symlink() and p != secret:
                os.chown(p, sandbox.UID, sandbox.UID)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER"))}
        env.update(HOME=str(home), PYTHONPATH=str(Path(grading.__file__).resolve().parents[1]),
                   PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}", TMPDIR=str(home))
        p = subprocess.run(["setpriv", f"--reuid={sandbox.UID}", f"--regid={sandbox.UID}", "--clear-groups",
                            sys.executable, "-m", "course.cli", "grade", str(subs), "--out", str(out),
                            "--lesson", LESSON.id, "--timeout", str(TIMEOUT)],
                           capture_output=True, text=True, env=env, cwd=home, timeout=3000)
        with open(out / "grades" / "grades.csv", newline="") as f:
            rows = {r["student"]: r for r in csv.DictReader(f)}
        texts = "".join(nb.read_text() for nb in (out / "autograded").rglob("*.ipynb"))
        yield dict(proc=p, rows=rows, texts=texts, secret=secret.read_text(), secret_mode=secret.stat().st_mode)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_unprivileged_grader_uses_the_user_namespace_sandbox(unprivileged):
    p, rows = unprivileged["proc"], unprivileged["rows"]
    assert p.returncode == 0, p.stderr[-2000:]
    assert "sandbox (user-namespace mode)" in p.stdout
    assert rows["a_solved"]["status"] == "graded" and float(rows["a_solved"]["score"]) == LESSON.points
    for student in ("h_ast_transformer", "h_testing_replaced"):
        assert rows[student]["status"] == "tampered" and float(rows[student]["score"]) == 0, rows[student]
    assert float(rows["x_escape"]["score"]) == 0
    assert "ESCAPE-REPORT" in unprivileged["texts"]
    assert unprivileged["secret"] not in unprivileged["texts"]
    assert unprivileged["secret"].startswith("NOBODY-SECRET-") and "pwned" not in unprivileged["secret"]
    for what in ("LEAK", "WROTE", "CHANGED", "NET", "SETNS", "TRIGGER"):
        assert f"('{what}'" not in unprivileged["texts"], what
