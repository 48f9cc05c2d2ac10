"""Plausible wrong answers for 24_prompt_engineering: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "label_logprobs": [
        Mutant("reads each label token at its own position (off by one)",
               replace=[("logp[n - 1 + j, t]", "logp[n + j, t]")]),
        Mutant("scores only the first token of each label",
               replace=[("for j, t in enumerate(lab))", "for j, t in enumerate(lab[:1]))")]),
        Mutant("averages the token log-probabilities instead of summing them",
               replace=[("scores.append(sum(logp[n - 1 + j, t] for j, t in enumerate(lab)))",
                         "scores.append(sum(logp[n - 1 + j, t] for j, t in enumerate(lab)) / len(lab))")]),
        Mutant("raw logits instead of log-softmax",
               replace=[("torch.log_softmax(model(ids).logits[0].float(), dim=-1)", "model(ids).logits[0].float()")]),
    ],
    "few_shot_prompt": [
        Mutant("ignores k: uses every example",
               replace=[("for text, label in examples[:k])", "for text, label in examples)")]),
        Mutant("examples in reverse order (most relevant last)",
               replace=[("for text, label in examples[:k])", "for text, label in examples[:k][::-1])")]),
        Mutant("label words swapped",
               replace=[("{label_words[label]}", "{label_words[1 - label]}")]),
        Mutant("always adds the instruction separator",
               replace=[('head = instruction + "\\n\\n" if instruction else ""', 'head = instruction + "\\n\\n"')]),
    ],
    "calibrate": [
        Mutant("forgets to renormalise", replace=[("return q / q.sum(axis=1, keepdims=True)", "return q")]),
        Mutant("multiplies by p_cf instead of dividing",
               replace=[("np.asarray(probs, dtype=np.float64) / np.asarray(p_cf, dtype=np.float64)",
                         "np.asarray(probs, dtype=np.float64) * np.asarray(p_cf, dtype=np.float64)")]),
        Mutant("subtracts p_cf (a bias term) instead of dividing",
               replace=[("np.asarray(probs, dtype=np.float64) / np.asarray(p_cf, dtype=np.float64)",
                         "np.clip(np.asarray(probs, dtype=np.float64) - np.asarray(p_cf, dtype=np.float64), 1e-12, None)")]),
        Mutant("normalises over the wrong axis",
               replace=[("q.sum(axis=1, keepdims=True)", "q.sum(axis=0, keepdims=True)")]),
    ],
    "allowed_token_mask": [
        Mutant("allows the empty token", code=(
            "def allowed_token_mask(text, vocab, completions):\n"
            "    return torch.tensor([any(c.startswith(text + v) for c in completions) for v in vocab], dtype=torch.bool)\n")),
        Mutant("only checks the token's first character", code=(
            "def allowed_token_mask(text, vocab, completions):\n"
            "    return torch.tensor([bool(v) and any(c.startswith(text + v[0]) for c in completions) for v in vocab],\n"
            "                        dtype=torch.bool)\n")),
        Mutant("forgets the text generated so far", code=(
            "def allowed_token_mask(text, vocab, completions):\n"
            "    return torch.tensor([bool(v) and any(c.startswith(v) for c in completions) for v in vocab], dtype=torch.bool)\n")),
        Mutant("only allows tokens that finish a completion",
               replace=[("prefixes = {r[:j] for r in rests for j in range(1, len(r) + 1)}", "prefixes = set(rests)")]),
    ],
    "validate_and_retry": [
        Mutant("retries without telling the model what was wrong",
               replace=[('f"Invalid answer: {error}. Reply with JSON only."', '"Invalid answer. Reply with JSON only."')]),
        Mutant("str(e) for schema errors (the long multi-line message)",
               replace=[("error = e.message", "error = str(e)")]),
        Mutant("modifies the caller's list", replace=[("conversation = list(messages)", "conversation = messages")]),
        Mutant("one try too many", replace=[("for _ in range(max_tries):", "for _ in range(max_tries + 1):")]),
        Mutant("only checks that the reply parses",
               replace=[("            jsonschema.validate(obj, schema)\n", "")]),
    ],
    "majority_vote": [
        Mutant("None votes too", code=(
            "def majority_vote(answers):\n"
            "    if not answers:\n        return None\n"
            "    return max(answers, key=lambda a: (answers.count(a), -answers.index(a)))\n")),
        Mutant("a tie goes to the answer that occurs last", code=(
            "def majority_vote(answers):\n"
            "    seen = [a for a in answers if a is not None]\n"
            "    return max(reversed(seen), key=seen.count) if seen else None\n")),
        Mutant("a tie goes to the smallest answer", code=(
            "def majority_vote(answers):\n"
            "    seen = sorted(a for a in answers if a is not None)\n"
            "    return max(seen, key=seen.count) if seen else None\n")),
    ],
    "detect_injection": [
        Mutant("no Unicode normalisation", replace=[('s = unicodedata.normalize("NFKC", s)', "s = s")]),
        Mutant("zero-width characters kept",
               replace=[('s = "".join(ch for ch in s if ch not in ZERO_WIDTH)', "s = s")]),
        Mutant("whitespace not collapsed", replace=[('return " ".join(s.lower().split())', "return s.lower().strip()")]),
        Mutant("patterns not normalised", replace=[("if norm(p) in t]", "if p in t]")]),
    ],
    "run_tests": [
        Mutant("the tests are evaluated but not asserted",
               replace=[('"".join(f"assert {t}\\n" for t in tests)', '"".join(f"{t}\\n" for t in tests)')]),
        Mutant("no time limit handling: the timeout escapes as an exception",
               replace=[("    except subprocess.TimeoutExpired:\n        return False\n",
                         "    except ValueError:\n        return False\n")]),
        Mutant("ignores the timeout argument", replace=[("timeout=timeout)", "timeout=5.0)")]),
        Mutant("only the last test is asserted",
               replace=[('"".join(f"assert {t}\\n" for t in tests)', '"".join(f"assert {t}\\n" for t in tests[-1:])')]),
    ],
    "pass_at_k": [
        Mutant("the biased estimate 1 - (1 - c/n)^k", code=(
            "def pass_at_k(n, c, k):\n    return float(1 - (1 - c / n) ** k)\n")),
        Mutant("c/n whatever k", code="def pass_at_k(n, c, k):\n    return float(c / n)\n"),
        Mutant("product starts one too early",
               replace=[("np.arange(n - c + 1, n + 1)", "np.arange(n - c, n + 1)")]),
        Mutant("c and n - c swapped",
               replace=[("np.arange(n - c + 1, n + 1)", "np.arange(c + 1, n + 1)"), ("if n - c < k:", "if c < k:")]),
    ],
}

EQUIVALENT = {
    "label_logprobs": {
        "cast: model(ids).logits[0].float() → model(ids).logits[0]":
            "the final torch.stack(...).float() casts anyway, and float32 models give float32 logits",
        "cast: torch.stack(scores).float() → torch.stack(scores)":
            "the log-probabilities are float32 already (logits cast by .float())",
        "arith: -1 → 1": "log_softmax over dim=1 of the 2-D logits[0] is the same as dim=-1",
    },
    "calibrate": {
        "cast: drop dtype= in q = np.asarray(probs, dtype=np.float64) / np.asarray(p_cf, dtype=np.f…":
            "the other operand is float64, so the quotient is float64 and exact either way",
        "cast: drop dtype= in q = np.asarray(probs, dtype=np.float64) / np.asarray(p_cf, dtype=np.f… [2]":
            "the other operand is float64, so the quotient is float64 and exact either way",
    },
    "pass_at_k": {
        "drop: if n - c < k: …": "when n - c < k the product has the factor 1 - k/k = 0, so it gives 1.0 anyway",
        "arith: n - c → n + c": "the early return is a shortcut only: the product gives 1.0 for n - c < k anyway",
        "cast: float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))) → 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))":
            "np.float64 is a subclass of float: the cast changes nothing",
    },
}
