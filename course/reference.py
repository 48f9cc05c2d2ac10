"""Reference code that later lessons reuse, written once (as d2l's ``#@save`` library is).

Each function here is the solution of an earlier lesson's exercise, or a small helper around the real
pretrained models; ``tests/test_reference.py`` checks each one against the lesson solution that teaches
it, so the two cannot drift. A later lesson imports from here instead of pasting an earlier lesson's
cells, and keeps its own exercises for its own new idea.

| function | taught in |
| --- | --- |
| ``train_step`` | 04 (one optimisation step) |
| ``mean_pooling`` | 04 (masked mean of token vectors) |
| ``embed`` | 04 / 11 (MiniLM sentence embeddings) |
| ``chat`` | 17 (the chat template in use; the exercise there is ``format_chat``) |
| ``normalize_answer``, ``exact_match``, ``token_f1`` | 18 (SQuAD metrics) |
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def train_step(model, x, y, loss_fn, optimizer) -> float:
    """One optimisation step on ``(x, y)``: zero the gradients, forward, ``loss_fn(model(x), y)``, backward,
    ``optimizer.step()``; returns the loss before the update as a float (lesson 04)."""
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def mean_pooling(last_hidden_state, attention_mask):
    """Average the token vectors of each sequence over its real tokens: ``(B, T, H), (B, T) -> (B, H)``
    (lesson 04); all-padding rows give zeros."""
    m = attention_mask.unsqueeze(-1).to(last_hidden_state.dtype)
    return (last_hidden_state * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)


def embed(texts: Sequence[str], batch_size: int = 64, normalize: bool = True, progress: bool = True,
          max_length: int = 128) -> np.ndarray:
    """all-MiniLM-L6-v2 sentence embeddings ``(len(texts), 384)`` float32, mean-pooled over real tokens,
    L2-normalised by default; encoded in batches with a progress bar (lessons 04 and 11)."""
    import torch
    from tqdm.auto import tqdm

    tok, model = _minilm()
    out = []
    steps = range(0, len(texts), batch_size)
    with torch.no_grad():
        for i in tqdm(steps, desc="MiniLM", disable=not progress or len(steps) < 2):
            batch = tok(list(texts[i:i + batch_size]), padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt")
            v = mean_pooling(model(**batch).last_hidden_state, batch["attention_mask"])
            if normalize:
                v = torch.nn.functional.normalize(v, dim=-1)
            out.append(v.float().numpy())
    return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)


_CACHE: dict = {}


def _minilm():
    if "minilm" not in _CACHE:
        from .models import load_minilm
        _CACHE["minilm"] = load_minilm()
    return _CACHE["minilm"]


def chat(tokenizer, model, messages: list[dict], max_new_tokens: int = 64, **generate_kwargs) -> str:
    """The assistant's reply to a conversation (``[{"role": ..., "content": ...}, ...]``), through the
    tokenizer's chat template; greedy unless ``generate_kwargs`` say otherwise (lesson 17)."""
    import torch

    enc = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                        return_dict=True)
    generate_kwargs.setdefault("do_sample", False)
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=max_new_tokens, pad_token_id=tokenizer.eos_token_id,
                             **generate_kwargs)
    return tokenizer.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower case, punctuation and the articles a/an/the removed,
    whitespace collapsed (lesson 18)."""
    import re
    import string

    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, truths: Sequence[str]) -> float:
    """1.0 if the normalised prediction equals any normalised gold answer, else 0.0 (lesson 18).
    No gold answers (an unanswerable question): 1.0 exactly when the prediction is empty."""
    if not truths:
        return float(normalize_answer(prediction) == "")
    return float(any(normalize_answer(prediction) == normalize_answer(t) for t in truths))


def token_f1(prediction: str, truths: Sequence[str]) -> float:
    """SQuAD token F1: the best, over the gold answers, of the F1 of the normalised token bags (lesson 18).
    No gold answers: 1.0 exactly when the prediction is empty."""
    from collections import Counter

    if not truths:
        return float(normalize_answer(prediction) == "")
    best = 0.0
    pred = normalize_answer(prediction).split()
    for t in truths:
        gold = normalize_answer(t).split()
        if not pred or not gold:
            best = max(best, float(pred == gold))
            continue
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            p, r = common / len(pred), common / len(gold)
            best = max(best, 2 * p * r / (p + r))
    return best
