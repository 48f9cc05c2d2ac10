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
| ``GPTConfig``, ``GPT``, ``CharTokenizer``, ``gpt_generate`` | 15 (the GPT-2 architecture, character level) |
| ``shakespeare_gpt`` | 15 (a small GPT pretrained on the course's Shakespeare, cached once) |
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


# ---- lesson 15: the GPT, its character tokenizer, generation, and a small pretrained copy

import math as _math
from dataclasses import asdict as _asdict, dataclass as _dataclass

import torch as _torch
from torch import nn as _nn
from torch.nn import functional as _F


@_dataclass
class GPTConfig:
    """Sizes of lesson 15's GPT (GPT-2 layout)."""

    vocab_size: int = 73
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0


class _CausalSelfAttention(_nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = _nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = _nn.Linear(config.n_embd, config.n_embd)
        self.attn_dropout = _nn.Dropout(config.dropout)
        self.resid_dropout = _nn.Dropout(config.dropout)
        self.register_buffer("allowed", _torch.tril(_torch.ones(config.block_size, config.block_size,
                                                                dtype=_torch.bool)), persistent=False)

    def forward(self, x: _torch.Tensor) -> _torch.Tensor:
        B, T, C = x.shape
        d = C // self.n_head
        q, k, v = (t.view(B, T, self.n_head, d).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2))
        scores = (q @ k.transpose(-2, -1)) / _math.sqrt(d)
        scores = scores.masked_fill(~self.allowed[:T, :T], float("-inf"))
        y = self.attn_dropout(_F.softmax(scores, dim=-1)) @ v
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))


class _MLP(_nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.c_fc = _nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = _nn.GELU()
        self.c_proj = _nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = _nn.Dropout(config.dropout)

    def forward(self, x: _torch.Tensor) -> _torch.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class _Block(_nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1 = _nn.LayerNorm(config.n_embd)
        self.attn = _CausalSelfAttention(config)
        self.ln_2 = _nn.LayerNorm(config.n_embd)
        self.mlp = _MLP(config)

    def forward(self, x: _torch.Tensor) -> _torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(_nn.Module):
    """Lesson 15's decoder-only Transformer: ``forward(idx (B, T) int64) -> logits (B, T, vocab_size)``.

    Parameter names are GPT-2's (``wte``, ``wpe``, ``h[i].ln_1 / attn.c_attn / attn.c_proj / ln_2 / mlp.c_fc /
    mlp.c_proj``, ``ln_f``, ``lm_head`` tied to ``wte``), so a lesson can reach into any layer.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = _nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = _nn.Embedding(config.block_size, config.n_embd)
        self.drop = _nn.Dropout(config.dropout)
        self.h = _nn.ModuleList([_Block(config) for _ in range(config.n_layer)])
        self.ln_f = _nn.LayerNorm(config.n_embd)
        self.lm_head = _nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight

    def forward(self, idx: _torch.Tensor) -> _torch.Tensor:
        T = idx.shape[1]
        if T > self.config.block_size:
            raise ValueError(f"a sequence of {T} tokens is longer than block_size = {self.config.block_size}")
        x = self.drop(self.wte(idx) + self.wpe(_torch.arange(T, device=idx.device)))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class CharTokenizer:
    """Lesson 15's character-level tokenizer: ids are positions in the sorted set of characters of ``text``."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}
        self.itos = dict(enumerate(self.chars))
        self.vocab_size = len(self.chars)

    def encode(self, s: str) -> list[int]:
        return [self.stoi[c] for c in s]

    def decode(self, ids) -> str:
        return "".join(self.itos[int(i)] for i in ids)


@_torch.no_grad()
def gpt_generate(model: _nn.Module, idx: _torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, generator: _torch.Generator | None = None) -> _torch.Tensor:
    """Extend ``idx`` (B, T0) by ``max_new_tokens`` tokens, feeding the model its last ``block_size`` tokens
    each step (no KV cache: lesson 27 adds one). ``temperature == 0`` is greedy. Restores the model's mode."""
    was_training = model.training
    model.eval()
    out = idx
    for _ in range(max_new_tokens):
        logits = model(out[:, -model.config.block_size:])[:, -1, :]
        if temperature == 0:
            nxt = logits.argmax(dim=-1, keepdim=True)
        else:
            logits = logits / temperature
            if top_k is not None:
                kth = _torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            nxt = _torch.multinomial(_F.softmax(logits, dim=-1), 1, generator=generator)
        out = _torch.cat([out, nxt], dim=1)
    model.train(was_training)
    return out


def shakespeare_gpt(steps: int = 800, config: GPTConfig | None = None, batch_size: int = 16, lr: float = 5e-3,
                    seed: int = 0, progress: bool = True) -> tuple[GPT, CharTokenizer]:
    """``(model, tokenizer)``: a GPT pretrained on the course's Shakespeare as in lesson 15, in eval mode.

    Trained once (AdamW, warm-up then cosine decay, one thread, seeded: the same weights on every machine)
    and cached under :func:`course.cache_dir` by its settings; later calls load it in a fraction of a second.
    The default (3 layers, 96 channels, 0.35 M parameters, 800 steps) takes about 36 s of CPU time once and
    reaches a validation loss near 2.1 nats per character: Shakespeare-shaped text, not Shakespeare.
    """
    import os
    from pathlib import Path

    from course import cache_dir
    from course.data import shakespeare

    config = config or GPTConfig(n_layer=3, n_head=4, n_embd=96)
    text = shakespeare()
    tok = CharTokenizer(text)
    config = GPTConfig(**{**_asdict(config), "vocab_size": tok.vocab_size})
    key = "-".join(f"{v}" for v in _asdict(config).values()) + f"-s{steps}-b{batch_size}-lr{lr}-seed{seed}"
    name = f"shakespeare-gpt-{key}.pt"
    shared = [Path(p) for p in os.environ.get("COURSE_SHARED_CACHE", "").split(os.pathsep) if p]
    model = GPT(config)
    for folder in [cache_dir(), *shared]:
        if (folder / name).exists():
            model.load_state_dict(_torch.load(folder / name, weights_only=True))
            return model.eval(), tok
    from tqdm.auto import tqdm

    threads = _torch.get_num_threads()
    _torch.set_num_threads(1)
    try:
        g = _torch.Generator().manual_seed(seed)
        _torch.manual_seed(seed)
        model = GPT(config)
        data = _torch.tensor(tok.encode(text), dtype=_torch.long)
        train = data[: int(0.9 * len(data))]
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        opt = _torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                 lr=lr, betas=(0.9, 0.99))
        warmup = max(1, steps // 20)
        model.train()
        bar = tqdm(range(steps), desc="pretraining the Shakespeare GPT (once; cached)", disable=not progress)
        for step in bar:
            ratio = (step + 1) / warmup if step < warmup else \
                0.1 + 0.45 * (1 + _math.cos(_math.pi * (step - warmup) / max(1, steps - warmup)))
            for group in opt.param_groups:
                group["lr"] = lr * ratio
            starts = _torch.randint(len(train) - config.block_size, (batch_size,), generator=g)
            x = _torch.stack([train[s: s + config.block_size] for s in starts.tolist()])
            y = _torch.stack([train[s + 1: s + config.block_size + 1] for s in starts.tolist()])
            loss = _F.cross_entropy(model(x).reshape(-1, config.vocab_size), y.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            _nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if step % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
    finally:
        _torch.set_num_threads(threads)
    model.eval()
    dest = cache_dir() / name
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    _torch.save(model.state_dict(), tmp)
    os.replace(tmp, dest)  # atomic: a half-written file is never loaded
    return model, tok
