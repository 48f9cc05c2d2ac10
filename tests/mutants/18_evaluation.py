"""Plausible wrong answers for 18_evaluation; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "flatten_squad": [
        Mutant("never checks the offsets",
               replace=[("if start < 0 or context[start:start + len(text)] != text:",
                         "if False:")]),
        Mutant("checks only that the answer occurs somewhere in the context",
               replace=[("if start < 0 or context[start:start + len(text)] != text:",
                         "if text not in context:")]),
        Mutant("lets a negative offset slice from the end",
               replace=[("if start < 0 or context[start:start + len(text)] != text:",
                         "if context[start:start + len(text)] != text:")]),
        Mutant("ignores is_impossible",
               replace=[("if impossible == bool(texts):", "if False:")]),
        Mutant("keeps only the first answer",
               replace=[('texts = [a["text"] for a in qa["answers"]]', 'texts = [a["text"] for a in qa["answers"]][:1]'),
                        ('starts = [a["answer_start"] for a in qa["answers"]]',
                         'starts = [a["answer_start"] for a in qa["answers"]][:1]')]),
        Mutant("offsets counted in UTF-8 bytes",
               replace=[("context[start:start + len(text)] != text",
                         "context.encode()[start:start + len(text.encode())].decode(errors='replace') != text")]),
    ],
    "normalize_answer": [
        Mutant("removes articles before punctuation",
               code=("def normalize_answer(text):\n"
                     "    text = re.sub(r'\\b(a|an|the)\\b', ' ', text.lower())\n"
                     "    text = ''.join(ch for ch in text if ch not in set(string.punctuation))\n"
                     "    return ' '.join(text.split())\n")),
        Mutant("articles removed as substrings, not whole words",
               replace=[(r're.sub(r"\b(a|an|the)\b", " ", text)', r're.sub(r"(the|an|a)", " ", text)')]),
        Mutant("punctuation replaced by a space instead of removed",
               replace=[('"".join(ch for ch in text.lower() if ch not in set(string.punctuation))',
                         '"".join(ch if ch not in set(string.punctuation) else " " for ch in text.lower())')]),
        Mutant("forgets to lower-case",
               replace=[("text.lower()", "text")]),
        Mutant("strips the ends but does not collapse inner spaces",
               replace=[('return " ".join(text.split())', "return text.strip()")]),
    ],
    "exact_match": [
        Mutant("compares raw strings",
               replace=[("normalize_answer(prediction) == normalize_answer(t)", "prediction == t")]),
        Mutant("unanswerable questions always score 0",
               replace=[('return float(normalize_answer(prediction) == "")', "return 0.0")]),
        Mutant("unanswerable: compares the raw prediction with the empty string",
               replace=[('return float(normalize_answer(prediction) == "")', 'return float(prediction == "")')]),
        Mutant("uses only the first gold answer",
               replace=[("for t in truths", "for t in truths[:1]")]),
    ],
    "token_f1": [
        Mutant("shared tokens counted as a set",
               replace=[("common = sum((Counter(pred) & Counter(gold)).values())", "common = len(set(pred) & set(gold))")]),
        Mutant("averages over the gold answers instead of taking the best",
               code=("def token_f1(prediction, truths):\n"
                     "    if not truths:\n"
                     "        return float(normalize_answer(prediction) == '')\n"
                     "    pred, out = normalize_answer(prediction).split(), []\n"
                     "    for truth in truths:\n"
                     "        gold = normalize_answer(truth).split()\n"
                     "        if not pred or not gold:\n"
                     "            out.append(float(pred == gold))\n"
                     "            continue\n"
                     "        c = sum((Counter(pred) & Counter(gold)).values())\n"
                     "        out.append(0.0 if c == 0 else 2 * c / (len(pred) + len(gold)))\n"
                     "    return sum(out) / len(out)\n")),
        Mutant("skips empty gold answers instead of scoring them",
               replace=[("best = max(best, float(pred == gold))", "pass")]),
        Mutant("precision and recall swapped in a plain mean",
               replace=[("best = max(best, 2 * p * r / (p + r))", "best = max(best, (p + r) / 2)")]),
        Mutant("tokens not normalised",
               replace=[("pred = normalize_answer(prediction).split()", "pred = prediction.lower().split()")]),
    ],
    "bio_spans": [
        Mutant("inclusive end, as seqeval reports it",
               replace=[("spans[-1] = (kind, spans[-1][1], i + 1)", "spans[-1] = (kind, spans[-1][1], i)"),
                        ("spans.append((kind, i, i + 1))", "spans.append((kind, i, i))")]),
        Mutant("a stray I- tag is dropped (strict mode)",
               replace=[("        else:\n            spans.append((kind, i, i + 1))",
                         "        elif prefix == 'B':\n            spans.append((kind, i, i + 1))")]),
        Mutant("I- continues an entity of any type",
               replace=[("spans[-1][0] == kind and spans[-1][2] == i", "spans[-1][2] == i")]),
        Mutant("I- continues the last entity even after an O",
               replace=[("spans[-1][0] == kind and spans[-1][2] == i", "spans[-1][0] == kind")]),
        Mutant("B- after B- of the same type merges them",
               replace=[('if prefix == "I" and spans', 'if spans')]),
    ],
    "entity_prf": [
        Mutant("pools the spans of all sentences, so equal offsets in different sentences collide",
               code=("def entity_prf(gold, pred):\n"
                     "    gs = set(s for g in gold for s in bio_spans(g))\n"
                     "    ps = set(s for p in pred for s in bio_spans(p))\n"
                     "    c = len(gs & ps)\n"
                     "    pr = c / len(ps) if ps else 0.0\n"
                     "    rc = c / len(gs) if gs else 0.0\n"
                     "    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)\n")),
        Mutant("macro-averages over sentences",
               code=("def entity_prf(gold, pred):\n"
                     "    ps, rs = [], []\n"
                     "    for g, p in zip(gold, pred):\n"
                     "        gs, qs = set(bio_spans(g)), set(bio_spans(p))\n"
                     "        ps.append(len(gs & qs) / len(qs) if qs else 0.0)\n"
                     "        rs.append(len(gs & qs) / len(gs) if gs else 0.0)\n"
                     "    pr, rc = sum(ps) / len(ps), sum(rs) / len(rs)\n"
                     "    return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)\n")),
        Mutant("ignores the entity type",
               replace=[("gs, ps = set(bio_spans(g)), set(bio_spans(p))",
                         "gs, ps = {s[1:] for s in bio_spans(g)}, {s[1:] for s in bio_spans(p)}")]),
        Mutant("precision and recall swapped",
               replace=[("precision = n_correct / n_pred if n_pred else 0.0", "precision = n_correct / n_gold if n_gold else 0.0"),
                        ("recall = n_correct / n_gold if n_gold else 0.0", "recall = n_correct / n_pred if n_pred else 0.0")]),
    ],
    "rouge_n": [
        Mutant("unclipped: every candidate n-gram found in the reference counts",
               replace=[("overlap = sum((cand & ref).values())",
                         "overlap = sum(v for g, v in cand.items() if g in ref)")]),
        Mutant("n-grams as a set",
               replace=[("overlap = sum((cand & ref).values())", "overlap = len(set(cand) & set(ref))")]),
        Mutant("ignores n",
               replace=[("tuple(candidate[i:i + n]) for i in range(len(candidate) - n + 1)",
                         "tuple(candidate[i:i + 1]) for i in range(len(candidate))"),
                        ("tuple(reference[i:i + n]) for i in range(len(reference) - n + 1)",
                         "tuple(reference[i:i + 1]) for i in range(len(reference))")]),
        Mutant("misses the last n-gram",
               replace=[("range(len(candidate) - n + 1)", "range(len(candidate) - n)"),
                        ("range(len(reference) - n + 1)", "range(len(reference) - n)")]),
    ],
    "rouge_l": [
        Mutant("longest common substring (contiguous) instead of subsequence",
               replace=[("table[i][j] = max(table[i - 1][j], table[i][j - 1])", "table[i][j] = 0"),
                        ("lcs = table[-1][-1]", "lcs = max(max(row) for row in table)")]),
        Mutant("precision and recall swapped",
               replace=[("precision, recall = lcs / len(candidate), lcs / len(reference)",
                         "precision, recall = lcs / len(reference), lcs / len(candidate)")]),
        Mutant("counts common tokens, ignoring order",
               code=("def rouge_l(candidate, reference):\n"
                     "    if not candidate or not reference:\n"
                     "        return 0.0, 0.0, 0.0\n"
                     "    lcs = sum((Counter(candidate) & Counter(reference)).values())\n"
                     "    p, r = lcs / len(candidate), lcs / len(reference)\n"
                     "    return p, r, (2 * p * r / (p + r) if lcs else 0.0)\n")),
    ],
    "chrf": [
        Mutant("keeps the spaces",
               replace=[('hyp, ref = "".join(hypothesis.split()), "".join(reference.split())',
                         "hyp, ref = hypothesis, reference")]),
        Mutant("averages over all orders, absent ones counting as 0",
               replace=[("        if not h or not r:\n            continue\n",
                         "        if not h or not r:\n            precisions.append(0.0)\n            recalls.append(0.0)\n            continue\n")]),
        Mutant("F-score per order, then averaged (chrF's eps-smoothing variant)",
               code=("def chrf(hypothesis, reference, char_order=6, beta=2.0):\n"
                     "    hyp, ref = ''.join(hypothesis.split()), ''.join(reference.split())\n"
                     "    fs = []\n"
                     "    for n in range(1, char_order + 1):\n"
                     "        h = Counter(hyp[i:i + n] for i in range(len(hyp) - n + 1))\n"
                     "        r = Counter(ref[i:i + n] for i in range(len(ref) - n + 1))\n"
                     "        if not h or not r:\n"
                     "            continue\n"
                     "        m = sum((h & r).values())\n"
                     "        p, rc = m / sum(h.values()), m / sum(r.values())\n"
                     "        fs.append(0.0 if p + rc == 0 else (1 + beta ** 2) * p * rc / (beta ** 2 * p + rc))\n"
                     "    return 100 * sum(fs) / len(fs) if fs else 0.0\n")),
        Mutant("beta on the wrong side: precision weighed more",
               replace=[("return 100 * (1 + beta ** 2) * p * r / (beta ** 2 * p + r)",
                         "return 100 * (1 + beta ** 2) * p * r / (p + beta ** 2 * r)")]),
        Mutant("ignores char_order",
               replace=[("for n in range(1, char_order + 1):", "for n in range(1, 7):")]),
    ],
    "matthews_corrcoef": [
        Mutant("binary formula on labels 0/1 only",
               code=("def matthews_corrcoef(y_true, y_pred):\n"
                     "    tp = float(np.sum((y_true == 1) & (y_pred == 1)))\n"
                     "    tn = float(np.sum((y_true == 0) & (y_pred == 0)))\n"
                     "    fp = float(np.sum((y_true == 0) & (y_pred == 1)))\n"
                     "    fn = float(np.sum((y_true == 1) & (y_pred == 0)))\n"
                     "    d = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))\n"
                     "    return float((tp * tn - fp * fn) / d) if d else 0.0\n")),
        Mutant("accuracy instead of MCC",
               code="def matthews_corrcoef(y_true, y_pred):\n    return float(np.mean(y_true == y_pred))\n"),
        Mutant("integer arithmetic that overflows",
               replace=[(".reshape(k, k).astype(float)", ".reshape(k, k)")]),
        Mutant("classes taken from y_true only",
               replace=[("labels = np.union1d(y_true, y_pred)", "labels = np.unique(y_true)")]),
    ],
    "spearman": [
        Mutant("ordinal ranks: ties broken by position",
               replace=[("        for value in np.unique(v):  # ties: the average of the ranks they occupy\n"
                         "            tied = v == value\n            r[tied] = r[tied].mean()\n", "")]),
        Mutant("the no-ties shortcut 1 - 6 sum d^2 / (n (n^2 - 1))",
               replace=[("    rx, ry = rx - rx.mean(), ry - ry.mean()\n"
                         "    return rx @ ry / np.sqrt((rx @ rx) * (ry @ ry))",
                         "    n = len(x)\n    return float(1 - 6 * np.sum((rx - ry) ** 2) / (n * (n * n - 1)))")]),
        Mutant("Pearson on the raw values",
               replace=[("rx, ry = ranks(x), ranks(y)", "rx, ry = x.astype(float), y.astype(float)")]),
    ],
    "sliding_window_perplexity": [
        Mutant("scores every token of every window (overlaps counted twice)",
               replace=[("first = max(scored_until, begin + 1)", "first = begin + 1")]),
        Mutant("forgets eval mode: dropout stays on",
               replace=[("    model.eval()\n", "")]),
        Mutant("off by one: compares each position's logits with its own token",
               replace=[("nll = F.cross_entropy(logits[:-1], chunk[1:], reduction=\"none\")",
                         "nll = F.cross_entropy(logits[1:], chunk[1:], reduction=\"none\")")]),
        Mutant("averages the per-window perplexities",
               code=("def sliding_window_perplexity(model, ids, window, stride):\n"
                     "    model.eval()\n"
                     "    n, done, ppls = len(ids), 1, []\n"
                     "    with torch.no_grad():\n"
                     "        for b in range(0, n, stride):\n"
                     "            e = min(b + window, n)\n"
                     "            lp = torch.log_softmax(model(ids[b:e][None]).logits[0].double(), -1)\n"
                     "            f = max(done, b + 1)\n"
                     "            if f < e:\n"
                     "                nll = -lp[f - b - 1:e - b - 1].gather(1, ids[f:e][:, None]).mean().item()\n"
                     "                ppls.append(math.exp(nll))\n"
                     "            done = max(done, e)\n"
                     "            if e == n:\n"
                     "                break\n"
                     "    return float(np.mean(ppls))\n")),
        Mutant("stops before the end of the text",
               replace=[("for begin in range(0, n, stride):", "for begin in range(0, max(n - window, 1), stride):")]),
    ],
    "bootstrap_ci": [
        Mutant("draws without replacement (a permutation: no spread)",
               replace=[("idx = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))",
                         "g = np.random.default_rng(seed)\n    idx = np.array([g.permutation(n) for _ in range(n_resamples)])")]),
        Mutant("percentiles at c/2 and 1 - c/2",
               replace=[("[100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2]",
                         "[100 * confidence / 2, 100 * (1 - confidence / 2)]")]),
        Mutant("ignores the seed",
               replace=[("np.random.default_rng(seed)", "np.random.default_rng(0)")]),
        Mutant("normal interval instead of percentiles",
               replace=[("    low, high = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])\n",
                         "    low, high = scores.mean() - 1.96 * means.std(), scores.mean() + 1.96 * means.std()\n")]),
    ],
    "paired_bootstrap": [
        Mutant("resamples the two systems independently",
               replace=[("    wins = scores_a[idx].mean(axis=1) > scores_b[idx].mean(axis=1)\n",
                         "    idx_b = np.random.default_rng(seed + 1).integers(0, n, size=(n_resamples, n))\n"
                         "    wins = scores_a[idx].mean(axis=1) > scores_b[idx_b].mean(axis=1)\n")]),
        Mutant("counts ties as wins",
               replace=[("scores_a[idx].mean(axis=1) > scores_b[idx].mean(axis=1)",
                         "scores_a[idx].mean(axis=1) >= scores_b[idx].mean(axis=1)")]),
        Mutant("draws one resample at a time with a fresh generator",
               replace=[("idx = np.random.default_rng(seed).integers(0, n, size=(n_resamples, n))",
                         "idx = np.array([np.random.default_rng(seed + b).integers(0, n, size=n) for b in range(n_resamples)])")]),
    ],
    "expected_calibration_error": [
        Mutant("bins closed on the left: [edges[m], edges[m + 1])",
               replace=[("bins = np.digitize(confidence, edges[1:-1], right=True)",
                         "bins = np.digitize(confidence, edges[1:-1], right=False)")]),
        Mutant("bins from ceil(c * M) - 1, which floating point puts across edges",
               replace=[("bins = np.digitize(confidence, edges[1:-1], right=True)",
                         "bins = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)")]),
        Mutant("unweighted mean over the bins",
               replace=[("ece += in_bin.mean() * abs(", "ece += 1 / n_bins * abs(")]),
        Mutant("global gap |accuracy - mean confidence| without bins",
               code=("def expected_calibration_error(confidence, correct, n_bins=10):\n"
                     "    return float(abs(np.mean(correct) - np.mean(confidence)))\n")),
    ],
}

EQUIVALENT = {
    "sliding_window_perplexity": {
        "drop: if end == n: …": "the windows after the one that reaches the end score no position (each scored "
                                  "position is counted once), so going on changes nothing but the run time",
        "drop: break": "the same: after the window that reaches the end, the remaining windows score no position",
    },
}
