"""course.reference holds code later lessons reuse: each piece equals the lesson solution that teaches it."""
from __future__ import annotations

import numpy as np
import torch

from course import catalog, reference


def lesson_function(lesson_id: str, grade_id: str, name: str | None = None, extra: dict | None = None):
    """The function defined by a lesson's answer cell (its solution), executed in a fresh namespace."""
    nb = catalog.read_notebook(catalog.get(lesson_id).source)
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    ns = {"np": np, "torch": torch, "nn": torch.nn, "F": torch.nn.functional, **(extra or {})}
    exec("".join(cell["source"]), ns)
    return ns[name or grade_id]


def test_mean_pooling_is_lesson_04s():
    taught = lesson_function("04_pytorch_and_hf_toolbox", "mean_pooling")
    g = torch.Generator().manual_seed(0)
    for _ in range(5):
        h = torch.randn(3, 7, 5, generator=g)
        mask = (torch.rand(3, 7, generator=g) > 0.4).long()
        mask[2] = 0  # an all-padding row
        torch.testing.assert_close(reference.mean_pooling(h, mask), taught(h, mask))


def test_train_step_is_lesson_04s():
    taught = lesson_function("04_pytorch_and_hf_toolbox", "train_step")
    losses = []
    for fn in (taught, reference.train_step):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.2), torch.nn.Linear(8, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
        losses.append([fn(model, x, y, torch.nn.CrossEntropyLoss(), opt) for _ in range(5)])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)


def test_embed_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    from course.models import minilm_path

    texts = ["a short sentence", "a much longer sentence about language models and retrieval", "x"]
    ours = reference.embed(texts, batch_size=2, progress=False)
    theirs = SentenceTransformer(str(minilm_path()), device="cpu").encode(texts, normalize_embeddings=True)
    assert ours.shape == (3, 384) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_squad_metrics_are_lesson_18s():
    import re
    import string
    from collections import Counter

    base = {"re": re, "string": string, "Counter": Counter}
    norm = lesson_function("18_evaluation", "normalize_answer", extra=base)
    em = lesson_function("18_evaluation", "exact_match", extra={**base, "normalize_answer": norm})
    f1 = lesson_function("18_evaluation", "token_f1", extra={**base, "normalize_answer": norm})
    cases = [("", []), ("the", []), ("x", []), ("", [""]), ("", ["the"]), ("cat", ["the"]), ("The cat.", ["cat"]),
             ("cat cat", ["cat cat dog"]), ("Diederik Kingma", ["Diederik Kingma and Jimmy Ba", "Kingma"]),
             ("The-End", ["end"]), ("a—b", ["b"]), ("  don't\tstop ", ["dont stop"])]
    g = np.random.default_rng(0)
    words = ["The", "the", "a", "An", "an", "cat", "Cat.", "(mat)", "2,014", "don't", "—", "é", "x-y", "", "\t"]
    for _ in range(500):
        p = " ".join(g.choice(words, size=g.integers(0, 6)))
        cases.append((p, [" ".join(g.choice(words, size=g.integers(0, 6))) for _ in range(g.integers(0, 4))]))
    for p, truths in cases:
        assert reference.normalize_answer(p) == norm(p), p
        assert reference.exact_match(p, truths) == em(p, truths), (p, truths)
        np.testing.assert_allclose(reference.token_f1(p, truths), f1(p, truths), rtol=1e-12, atol=0,
                                   err_msg=f"{p!r} {truths!r}")


def test_gpt_is_lesson_15s():
    import math
    from dataclasses import dataclass  # noqa: F401

    base = {"math": math, "GPTConfig": reference.GPTConfig}
    ns = dict(base)
    for gid in ("causal_self_attention", "mlp", "block", "gpt"):
        name = {"causal_self_attention": "CausalSelfAttention", "mlp": "MLP", "block": "Block", "gpt": "GPT"}[gid]
        ns[name] = lesson_function("15_gpt_pretraining", gid, name, extra=ns)
    cfg = reference.GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)
    torch.manual_seed(0)
    taught, ours = ns["GPT"](cfg), reference.GPT(cfg)
    assert [n for n, _ in taught.named_parameters()] == [n for n, _ in ours.named_parameters()]
    ours.load_state_dict(taught.state_dict())
    idx = torch.randint(0, 11, (3, 8), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        torch.testing.assert_close(ours(idx), taught(idx))
    # greedy generation slides the window past block_size
    out = reference.gpt_generate(ours, idx[:, :3], 10, temperature=0)
    assert out.shape == (3, 13) and torch.equal(out[:, :3], idx[:, :3])


def test_char_tokenizer_round_trip():
    tok = reference.CharTokenizer("hello, world")
    assert tok.vocab_size == len(set("hello, world"))
    assert tok.decode(tok.encode("low row")) == "low row"
