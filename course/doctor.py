"""``course doctor``: is this machine ready for the course? One [OK]/[FAIL] line per need, with the fix."""
from __future__ import annotations

import importlib
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path

from . import ROOT, CourseError

FIX_ALL = "run `make venv` (it installs requirements.txt into .venv)"


def _pins(filename: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def checks() -> list[tuple[bool, str, str]]:
    """``(ok, what, fix)`` for every dependency, data package and model the lessons need."""
    out = []
    out.append((sys.version_info >= (3, 10), f"Python {sys.version.split()[0]} (3.10 or newer)",
                "install Python 3.11 and re-create .venv"))
    for name, version in {**_pins("requirements.txt"), **_pins("requirements-nodeps.txt")}.items():
        try:
            got = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append((False, f"{name}=={version}", f"not installed: {FIX_ALL}"))
            continue
        ok = got.split("+")[0] == version
        out.append((ok, f"{name}=={version}" + ("" if ok else f" (found {got})"),
                    f"pip install {name}=={version}"))
    bindir = Path(sys.executable).parent
    on_path = str(bindir) in os.environ.get("PATH", "").split(os.pathsep) or shutil.which("alembic") is not None
    out.append((on_path, "alembic on PATH (nbgrader creates gradebooks with it)",
                f"export PATH={bindir}:$PATH (the Makefile does this)"))
    from . import catalog
    from .env import registry

    reg = registry()
    try:
        wanted = sorted({n for lesson in catalog.lessons() for n in lesson.needs})
    except CourseError:
        wanted = sorted(reg)
    for name in wanted:  # what the lessons' setup cells ask for: datasets and models with their sha256
        need = reg.get(name)
        if need is None:
            out.append((False, f"need {name}", "a lesson names it but course/env.py does not know it"))
            continue
        try:
            out.append((True, f"need {name} ({need.kind}): {need.check()}", ""))
        except CourseError as e:
            out.append((False, f"need {name} ({need.kind})", str(e)))
    from .data import DATAFILES, _sums, verify
    for name, digest in _sums().items():  # every committed data file, needed by a lesson or not
        try:
            verify(DATAFILES / name, digest)
            out.append((True, f"data file course/datafiles/{name}: sha256 ok", ""))
        except (CourseError, OSError) as e:
            out.append((False, f"data file course/datafiles/{name}", f"{e}; restore it with `git checkout -- course/datafiles`"))
    try:
        n = len(catalog.lessons())
        out.append((n > 0, f"{n} lessons in source/", "clone the whole repository"))
    except CourseError as e:
        out.append((False, "lesson catalogue", str(e)))
    try:
        importlib.import_module("ipykernel")
        from jupyter_client.kernelspec import KernelSpecManager
        KernelSpecManager().get_kernel_spec("python3")
        out.append((True, "Jupyter kernel 'python3'", ""))
    except Exception as e:  # noqa: BLE001
        out.append((False, "Jupyter kernel 'python3'", f"{e}; {FIX_ALL}"))
    return out


def main() -> int:
    results = checks()
    for ok, what, fix in results:
        print(f"[{'OK' if ok else 'FAIL'}] {what}" + ("" if ok else f"\n       fix: {fix}"))
    failed = sum(not ok for ok, _, _ in results)
    print(f"\n{len(results) - failed} OK, {failed} FAIL")
    return 1 if failed else 0
