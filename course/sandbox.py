"""Sandboxed execution: the student's kernel is the only untrusted process.

The trusted grader (nbgrader, the gradebook, the CSV) talks to the kernel over
ZeroMQ ``ipc`` sockets in a folder it created. The kernel runs in its own user,
PID, mount, network, IPC and UTS namespaces (util-linux ``unshare``), with its
root moved (``pivot_root``, the old root unmounted) to a fresh tmpfs that holds only read-only binds of the system (``/usr``,
``/etc``), the Python environment, the ``course`` package and the model cache,
plus a private HOME (holding a copy of the lesson's release files), ``/tmp`` and
``/dev/shm`` on size-limited tmpfs, and a fresh ``/proc``. It runs as uid 65534
with no capabilities and ``no_new_privs``, with limits on memory, processes,
CPU time, file size and open files. The kernel is PID 1 of its namespace: when
it exits or is killed, every process it started dies with it.

Modes (:func:`mode`): ``root`` (the grader runs as root: ``setpriv`` drops to
uid 65534), ``userns`` (an unprivileged grader: a user namespace maps it to
root for the mounts, then the kernel drops every capability and runs as 65534
in a nested user namespace), or ``None`` (neither works here).
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_locked

from . import tamper

UID = 65534  # "nobody": the uid the kernel runs as
HOME = "/home/student"
PROBE_TIMEOUT = 120  # seconds a probe may take (it takes well under one)
MAX_MESSAGE = 256 * 2**20  # one kernel message larger than this drops the connection (the cell then times out)

# Runs as PID 1 of the new namespaces (root, or root of a user namespace), builds the
# sandbox root on tmpfs, moves into it, then execs the kernel (so PID 1 is the kernel).
_SETUP = r'''
set -eu
R=$1 IPC=$2 FILES=$3 SIZE=$4; shift 4
mount --make-rprivate /
# the new network namespace has only a loopback, down: bring it up (lessons run gloo and HTTP on 127.0.0.1)
ip link set lo up 2>/dev/null || true
mount -t tmpfs -o size=16m,mode=755,nosuid,nodev sandbox-root "$R"
# /tmp first: the read-only binds below may lie under /tmp (a course cloned there) and must stay visible
mkdir -p "$R/tmp"
mount -t tmpfs -o "size=${SIZE}m,mode=1777,nosuid,nodev" tmp "$R/tmp"
while [ "$1" != "--" ]; do
  p=$1; shift
  if [ -d "$p" ]; then mkdir -p "$R$p"; else mkdir -p "$R$(dirname "$p")"; touch "$R$p"; fi
  mount --bind "$p" "$R$p"
  mount -o remount,bind,ro,nosuid,nodev "$R$p"
done
shift
for l in bin lib lib32 lib64 libx32 sbin; do
  if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$R/$l"; fi
done
mkdir -p "$R/dev" "$R/proc" "$R/tmp" "$R$HOME"
mount -t tmpfs -o size=1m,mode=755,nosuid dev "$R/dev"
for d in null zero full random urandom; do touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mkdir "$R/dev/shm"
mount -t tmpfs -o "size=${SIZE}m,mode=1777,nosuid,nodev" shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t tmpfs -o "size=${SIZE}m,mode=1777,nosuid,nodev" home "$R$HOME"
cp -R -P "$FILES/." "$R$HOME/"
chmod -R a+rwX "$R$HOME"
mkdir -p "$R$IPC"
mount --bind "$IPC" "$R$IPC"
mount -o remount,bind,nosuid,nodev,noexec "$R$IPC"
mount -o remount,bind,ro,nosuid,nodev "$R"
cd "$R"
pivot_root . .
umount -l .
cd /
exec "$@"
'''


@dataclass
class Limits:
    """What one submission may use. Sizes in MiB unless named otherwise."""
    memory_gb: float = 8.0   # address space of each process
    procs: int = 256         # processes and threads of the sandbox uid
    cpu_s: int = 3600        # CPU seconds of each process
    file_mb: int = 1024      # largest file
    tmpfs_mb: int = 1024     # each of HOME, /tmp, /dev/shm (memory-backed, gone with the sandbox)
    output_mb: float = 16.0  # output bytes the grader keeps from the kernel; the rest is dropped


_MODE: dict[str, str | None] = {}


def mode() -> str | None:
    """``"root"``, ``"userns"`` or ``None``: which sandbox this machine allows (probed once)."""
    if "m" not in _MODE:
        _MODE["m"] = None
        if sys.platform.startswith("linux") and all(shutil.which(t) for t in ("unshare", "setpriv", "prlimit", "pivot_root")):
            kind = "root" if os.geteuid() == 0 else "userns"
            try:
                with tempfile.TemporaryDirectory(prefix="sandbox-probe-") as d:
                    for sub in ("root", "ipc", "files"):
                        os.mkdir(os.path.join(d, sub))
                    os.chmod(os.path.join(d, "ipc"), 0o777)
                    cmd = command(["/bin/true"], kind, Path(d) / "root", Path(d) / "ipc", Path(d) / "files", Limits())
                    ok = subprocess.run(cmd, capture_output=True, timeout=60).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            _MODE["m"] = kind if ok else None
    return _MODE["m"]


def describe(kind: str | None) -> str:
    """One line for the grading summary: what isolation the kernels got."""
    return {
        "root": "sandbox (root mode): each kernel ran as uid 65534 without capabilities in its own user, PID, mount, "
                "network and IPC namespaces, seeing only the Python environment (read-only) and a private HOME",
        "userns": "sandbox (user-namespace mode): each kernel ran without capabilities in its own user, PID, mount, "
                  "network and IPC namespaces, seeing only the Python environment (read-only) and a private HOME",
    }.get(kind, "NO SANDBOX (--trusted): the kernels ran as you, with your files and network; "
                "only for code you trust")


def readonly_paths() -> list[str]:
    """What a kernel needs to see, read-only: the system, the Python environment, ``course``, the model cache."""
    import course

    paths = ["/usr", "/etc", "/opt"]
    for top in ("bin", "lib", "lib32", "lib64", "libx32", "sbin"):
        p = Path("/") / top
        if p.is_dir() and not p.is_symlink():
            paths.append(str(p))
    paths += [os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix), sys.prefix,
              str(Path(os.path.realpath(sys.executable)).parents[1]), str(Path(course.__file__).resolve().parent)]
    cache = course.cache_dir()  # read-only inside: converted models (the kernel's own cache is in its HOME)
    if cache.is_dir():
        paths.append(str(cache.resolve()))
    seen: list[str] = []
    for p in paths:  # drop missing paths and those inside one already listed
        if os.path.exists(p) and not any(p == s or p.startswith(s.rstrip("/") + "/") for s in seen):
            seen = [s for s in seen if not s.startswith(p.rstrip("/") + "/")] + [p]
    return seen


def kernel_env() -> list[str]:
    """The kernel's whole environment, as ``KEY=VALUE`` (nothing is inherited from the grader)."""
    import course

    cache = course.cache_dir()
    env = {
        "HOME": HOME, "USER": "student", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "IPYTHONDIR": f"{HOME}/.ipython", "MPLCONFIGDIR": f"{HOME}/.config/matplotlib",
        "PYTHONNOUSERSITE": "1", "PYTHONPATH": str(Path(course.__file__).resolve().parents[1]),
        "PYTHONWARNINGS": "ignore", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1", "COURSE_CACHE": f"{HOME}/.cache/llm-zero-to-hero",
        "COURSE_SHARED_CACHE": str(cache.resolve()), "NBGRADER_EXECUTION": "autograde",
    }
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TORCH_NUM_THREADS"):
        if k in os.environ:
            env[k] = os.environ[k]
    return [f"{k}={v}" for k, v in env.items()]


def command(kernel_cmd: list[str], kind: str, root: Path, ipc: Path, files: Path, limits: Limits,
            readonly: list[str] | None = None) -> list[str]:
    """The command line that runs ``kernel_cmd`` sandboxed (see the module docstring).

    readonly: the paths bound read-only (default :func:`readonly_paths`).
    """
    outer = ["setpriv", "--pdeathsig", "KILL", "unshare", "--pid", "--fork", "--kill-child", "--mount", "--net",
             "--ipc", "--uts"]
    if kind == "userns":  # the grader's uid is 65534 inside, with the namespace's capabilities kept for set-up
        outer += ["--user", f"--map-user={UID}", f"--map-group={UID}", "--keep-caps"]
    mem = int(limits.memory_gb * 2**30)
    fsize = limits.file_mb * 2**20
    inner = ["prlimit", f"--as={mem}", f"--nproc={limits.procs}", f"--cpu={limits.cpu_s}", f"--fsize={fsize}",
             "--core=0", "--nofile=1024", "--"]
    drop = ["--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--pdeathsig=keep"]
    if kind == "root":
        drop = [f"--reuid={UID}", f"--regid={UID}", "--clear-groups"] + drop
    inner += ["setpriv", *drop, "--", "unshare", "--user", f"--map-user={UID}", f"--map-group={UID}", "--",
              "env", "-i", "-C", HOME, *kernel_env(), *kernel_cmd]
    setup = _SETUP.replace("$HOME", HOME)
    return outer + ["sh", "-c", setup, "sandbox", str(root), str(ipc), str(files), str(limits.tmpfs_mb),
                    *(readonly_paths() if readonly is None else readonly), "--", *inner]


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the sandbox and connects over ipc sockets in ``ipc_dir``."""

    run: "Run | None" = None  # set by GuardedExecute before the kernel starts

    def __init__(self, **kw):
        run = SandboxKernelManager.run
        assert run is not None and run.ipc is not None, "SandboxKernelManager needs a Run with an ipc folder"
        kw.setdefault("transport", "ipc")
        kw.setdefault("ip", str(run.ipc / "k"))
        kw.setdefault("connection_file", str(run.ipc / "kernel.json"))
        super().__init__(**kw)
        self._run = run

    def client(self, **kwargs):
        """A client whose sockets refuse any single message over ``MAX_MESSAGE`` (it would be held in memory here)."""
        kc = super().client(**kwargs)
        try:
            import zmq
            kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
        except Exception:  # noqa: BLE001 - an option this libzmq lacks; the output cap still holds
            pass
        return kc

    def write_connection_file(self, **kwargs) -> None:
        """Write it readable by the sandbox uid (the file and its folder are the grader's own)."""
        super().write_connection_file(**kwargs)
        if self._run.mode == "root":
            os.chmod(self.connection_file, 0o644)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL  # the kernel's own streams never reach the grader
        kw["stdin"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        r = self._run
        if r.mode is None:
            return cmd
        return command(cmd, r.mode, r.root, r.ipc, r.files, r.limits)


@dataclass
class Run:
    """One notebook's execution: its settings (from the grader) and what happened (for the grader)."""
    mode: str | None
    limits: Limits
    deadline: float                      # time.monotonic() by which the whole notebook must be done
    files: Path                          # the release files copied into the kernel's HOME
    work: Path                           # a folder the grader created for this run
    root: Path | None = None
    ipc: Path | None = None
    timed_out: str = ""                  # where the time ran out
    hung: str = ""                       # the kernel stopped answering a probe
    died: bool = False
    output_dropped: int = 0              # bytes of output not kept
    findings: dict[str, list[str]] = field(default_factory=dict)   # grade id -> what the probe found
    zeroed: list[str] = field(default_factory=list)                 # test cells scored 0 for it
    probe_s: float = 0.0                 # seconds spent in tamper probes


class NotebookTimeout(Exception):
    """The whole-notebook wall-clock limit ran out."""


class GuardedExecute(Execute):
    """nbgrader's Execute, with the kernel in the sandbox and a tamper probe before each test cell.

    A test cell run after the probe found the test machinery changed gets an error output
    added, so nbgrader scores it 0; ``Run.findings`` says what was found.
    """

    run: Run | None = None  # set by the grader around each autograde call

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self.interrupt_on_timeout = False  # a timeout ends the notebook (a loop may ignore SIGINT)
        self._baseline: dict | None = None
        self._kept = 0

    # -- setup and teardown of the sandbox folders (all created here, removed here)
    def preprocess(self, nb, resources=None, km=None):
        run = GuardedExecute.run
        if run is None:
            raise RuntimeError("GuardedExecute needs GuardedExecute.run set by the grader")
        self._baseline, self._kept = None, 0
        self._cell_limit = int(self.timeout or 600)
        base = Path(tempfile.mkdtemp(prefix="k-", dir=run.work))
        run.root, run.ipc = base / "root", base / "ipc"
        run.root.mkdir()
        run.ipc.mkdir()
        if run.mode == "root":
            os.chmod(run.ipc, 0o777)  # the kernel (uid 65534) binds its sockets here
        SandboxKernelManager.run = run
        self._torch = any("torch" in "".join(c.get("source", "")) for c in nb.cells if c.cell_type == "code")
        try:
            return super().preprocess(nb, resources, km)
        except NotebookTimeout:
            raise
        except Exception as e:
            if type(e).__name__ == "CellTimeoutError":
                run.timed_out = run.timed_out or "a cell ran past the time limit"
            elif type(e).__name__ == "DeadKernelError":
                run.died = True
            raise
        finally:
            SandboxKernelManager.run = None
            shutil.rmtree(base, ignore_errors=True)

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        run = GuardedExecute.run
        if run and run.mode == "root":
            os.chmod(run.ipc, 0o755)  # sockets are bound: the kernel may not write here any more
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _remaining(self, where: str) -> int:
        run = GuardedExecute.run
        left = run.deadline - time.monotonic()
        if left <= 0:
            run.timed_out = f"time ran out {where}"
            raise NotebookTimeout(run.timed_out)
        return max(1, int(left) + 1)

    def _execute(self, cell, index, store_history=True, probe=False):
        limit = PROBE_TIMEOUT if probe else self._cell_limit
        self.timeout = min(limit, self._remaining(f"before cell {index}"))
        try:
            return self.execute_cell(cell, index, store_history=store_history)
        except Exception as e:
            if type(e).__name__ == "CellTimeoutError":
                run = GuardedExecute.run
                if probe and self.timeout >= limit:  # the probe's own limit ran out, not the notebook's
                    run.hung = (f"the kernel did not answer the grader's check before cell {index} "
                                f"within {limit}s (its machinery is broken or hooked)")
                    raise NotebookTimeout(run.hung) from None
                run.timed_out = f"cell {index} ran past the time limit"
                raise NotebookTimeout(run.timed_out) from None
            raise

    def preprocess_cell(self, cell, resources, index):
        self._check_assign_resources(resources)
        run = GuardedExecute.run
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        findings: list[str] = []
        # The baseline is taken before the first cell a student could have written (locked cells are restored).
        if (self._baseline is None and not is_locked(cell)) or (self._baseline is not None and is_grade(cell)):
            findings = self._probe(index)
        cell = self._execute(cell, index)
        if findings and is_grade(cell):
            gid = cell.metadata.nbgrader.get("grade_id", f"cell {index}")
            run.findings[gid] = findings
            run.zeroed.append(gid)
            cell.outputs.append(NotebookNode(
                output_type="error", ename="TestMachineryChanged",
                evalue="scored 0: before this test the grader found " + "; ".join(findings),
                traceback=["TestMachineryChanged: scored 0: before this test the grader found " + "; ".join(findings)]))
        return cell, self.resources

    def _probe(self, index: int) -> list[str]:
        nonce = "p" + uuid.uuid4().hex
        first = self._baseline is None
        code = tamper.probe_code(nonce, preload=first, torch=self._torch)
        probe = NotebookNode(cell_type="code", source=code, metadata=NotebookNode(), outputs=[], execution_count=None)
        saved, t0 = self._kept, time.perf_counter()
        self._execute(probe, index, store_history=False, probe=True)
        GuardedExecute.run.probe_s += time.perf_counter() - t0
        self._kept = saved  # the probe's output does not count towards the student's output cap
        report, behaviour = tamper.read_probe(probe.outputs, nonce)
        if first:
            if report is None:
                raise RuntimeError("the sandboxed kernel did not answer the grader's first check")
            self._baseline = report
            return []
        return behaviour + tamper.compare(self._baseline, report)

    def output(self, outs, msg, display_id, cell_index):
        size = sum(len(str(v)) for v in msg.get("content", {}).values())
        cap = GuardedExecute.run.limits.output_mb * 2**20
        if self._kept + size > cap:
            GuardedExecute.run.output_dropped += size
            return None
        self._kept += size
        return super().output(outs, msg, display_id, cell_index)
