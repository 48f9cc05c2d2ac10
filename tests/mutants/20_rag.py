"""Plausible wrong answers for 20_rag: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "chunk_text": [
        Mutant("steps by size, ignoring the overlap", replace=[("start += size - overlap", "start += size")]),
        Mutant("range(0, n, step): an extra window that only repeats the tail",
               code="def chunk_text(text, meta, size, overlap):\n"
                    "    if not 0 <= overlap < size:\n        raise ValueError('bad')\n"
                    "    toks = text.split()\n"
                    "    return [{**meta, 'text': ' '.join(toks[s:s + size]), 'start': s}\n"
                    "            for s in range(0, len(toks), size - overlap)]\n"),
        Mutant("updates and reuses the caller's meta dict",
               replace=[('chunks.append({**meta, "text": " ".join(tokens[start:start + size]), "start": start})',
                         'meta.update({"text": " ".join(tokens[start:start + size]), "start": start}); '
                         'chunks.append(meta)')]),
        Mutant("no check of overlap < size", replace=[("if not 0 <= overlap < size:", "if size <= 0:")]),
    ],
    "cache_key": [
        Mutant("plain concatenation", code="def cache_key(texts, model_name):\n"
                                            "    return hashlib.sha256((model_name + ''.join(texts)).encode()).hexdigest()\n"),
        Mutant("newline separator", code="def cache_key(texts, model_name):\n"
                                         "    return hashlib.sha256('\\n'.join([model_name] + list(texts)).encode()).hexdigest()\n"),
        Mutant("ignores the model name", replace=[("json.dumps([model_name, list(texts)]", "json.dumps([list(texts)]")]),
        Mutant("order-insensitive", replace=[("list(texts)]", "sorted(texts)]")]),
    ],
    "cosine_top_k": [
        Mutant("does not normalise the documents",
               replace=[("dn = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-300)", "dn = d")]),
        Mutant("ties broken by the larger index",
               replace=[('order = np.argsort(-sims, axis=1, kind="stable")[:, :k]',
                         'order = np.argsort(sims, axis=1, kind="stable")[:, ::-1][:, :k]')]),
        Mutant("divides by a zero norm (nan scores)",
               replace=[("dn = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-300)",
                         "dn = d / np.linalg.norm(d, axis=1, keepdims=True)")]),
        Mutant("returns float32 scores",
               replace=[("np.take_along_axis(sims, order, axis=1)",
                         "np.take_along_axis(sims, order, axis=1).astype(np.float32)")]),
    ],
    "recall_at_k": [
        Mutant("divides by k instead of the number of relevant items",
               replace=[("/ len(rel) for r, rel", "/ k for r, rel")]),
        Mutant("counts a repeated item every time",
               replace=[("len(set(r[:k]) & rel)", "len([x for x in r[:k] if x in rel])")]),
        Mutant("hit rate: 1 if anything relevant is found", replace=[("len(set(r[:k]) & rel) / len(rel)",
                                                                      "float(bool(set(r[:k]) & rel))")]),
    ],
    "bm25_scores": [
        Mutant("no idf floor", replace=[("idf = {t: (floor if v < 0 else v) for t, v in idf.items()}", "")]),
        Mutant("floors at zero instead of epsilon times the mean idf",
               replace=[("(floor if v < 0 else v)", "(0.0 if v < 0 else v)")]),
        Mutant("no length normalisation (b ignored)", replace=[("(1 - b + b * doc_len / avgdl)", "1")]),
        Mutant("query terms counted once", replace=[("for term in query:", "for term in set(query):")]),
        Mutant("mean idf taken after flooring",
               replace=[("floor = epsilon * (sum(idf.values()) / len(idf))\n",
                         "floor = epsilon * (sum(max(v, 0) for v in idf.values()) / len(idf))\n")]),
    ],
    "reciprocal_rank_fusion": [
        Mutant("ranks from 0", replace=[("enumerate(ranking, start=1)", "enumerate(ranking, start=0)")]),
        Mutant("ignores k", replace=[("1.0 / (k + rank)", "1.0 / (60 + rank)")]),
        Mutant("ties by larger id", replace=[("key=lambda d: (-scores[d], d)", "key=lambda d: (-scores[d], -d)")]),
        Mutant("only the first ranking's ids", replace=[("return sorted(scores,",
                                                          "return sorted([d for d in scores if d in rankings[0]],")]),
    ],
    "mmr": [
        Mutant("lambda on the wrong term", replace=[("lam * relevance - (1 - lam) * redundancy",
                                                     "(1 - lam) * relevance - lam * redundancy")]),
        Mutant("mean instead of max similarity to the picked",
               code="def mmr(query, docs, k, lam=0.5):\n"
                    "    docs = np.asarray(docs, float)\n    rel = docs @ query\n    S = docs @ docs.T\n    out = []\n"
                    "    for _ in range(min(k, len(docs))):\n"
                    "        s = rel.copy() if not out else lam * rel - (1 - lam) * S[:, out].mean(axis=1)\n"
                    "        s[out] = -np.inf\n        out.append(int(np.argmax(s)))\n    return out\n"),
        Mutant("can pick the same document twice", replace=[("score[picked] = -np.inf", "pass")]),
        Mutant("returns numpy integers", replace=[("best = int(np.argmax(score))", "best = np.argmax(score)")]),
    ],
    "build_prompt": [
        Mutant("one stripping pass only", replace=[("            if new == text:\n                return text.strip()\n"
                                                     "            text = new",
                                                     "            return new.strip()")]),
        Mutant("source tags stripped case-sensitively", replace=[('r"(?i)</?source[^>]*>"', 'r"</?source[^>]*>"')]),
        Mutant("special tokens kept", replace=[("new = new.replace(tok, \"\")", "pass")]),
        Mutant("source ids from 0", replace=[("enumerate(chunks, start=1)", "enumerate(chunks)")]),
    ],
    "answer_or_abstain": [
        Mutant("strict > threshold", replace=[("if s >= threshold", "if s > threshold")]),
        Mutant("ignores max_sources", replace=[("if s >= threshold][:max_sources]", "if s >= threshold]")]),
        Mutant("keeps the order of the hits", replace=[("sorted(hits, key=lambda h: -h[0])", "hits")]),
        Mutant("abstains only on the best score, keeps low-scoring sources",
               code="def answer_or_abstain(question, hits, threshold, generate, max_sources=3):\n"
                    "    hits = sorted(hits, key=lambda h: -h[0])\n"
                    "    if not hits or hits[0][0] < threshold:\n        return ABSTAIN\n"
                    "    return generate(build_prompt(question, [c for _, c in hits[:max_sources]]))\n"),
        Mutant("calls generate before deciding", code="def answer_or_abstain(question, hits, threshold, generate, max_sources=3):\n"
                    "    kept = [c for s, c in sorted(hits, key=lambda h: -h[0]) if s >= threshold][:max_sources]\n"
                    "    reply = generate(build_prompt(question, kept or [{'lesson': '', 'section': '', 'text': ''}]))\n"
                    "    return reply if kept else ABSTAIN\n"),
    ],
}

EQUIVALENT = {
    "cache_key": {
        "const: False → True in payload = json.dumps([model_name, list(texts)], ensure_ascii=False)":
            "ASCII escapes are just another unambiguous, deterministic encoding of the same input",
    },
    "cosine_top_k": {
        "const: 1e-300 → 2e-300 in qn = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-300)":
            "the floor only keeps a zero norm from dividing by zero; any tiny positive floor gives the same scores",
        "const: 1e-300 → 2e-300 in dn = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-300)":
            "the floor only keeps a zero norm from dividing by zero; any tiny positive floor gives the same scores",
        "drop: k = min(k, d.shape[0])": "slicing [:, :k] already stops at n columns",
        "cast: drop dtype= in q = np.asarray(queries, dtype=np.float64)":
            "the other operand stays float64, so the scores are float64 still; only rounding changes",
        "cast: drop dtype= in d = np.asarray(docs, dtype=np.float64)":
            "the other operand stays float64, so the scores are float64 still; only rounding changes",
        "cast: order.astype(np.int64) → order": "np.argsort returns int64 (intp) on the 64-bit platforms NumPy 2 supports",
    },
    "recall_at_k": {
        "cast: float(np.mean(fractions)) → np.mean(fractions)": "np.float64 subclasses float: the cast changes nothing",
    },
    "bm25_scores": {
        "cast: drop dtype= in scores = np.zeros(n_docs, dtype=np.float64)": "np.zeros is float64 by default",
    },
    "reciprocal_rank_fusion": {
        "const: 1.0 → 2.0 in parts.setdefault(doc, []).append(1.0 / (k + rank))":
            "doubling every score keeps the order, and only the order is returned",
    },
    "mmr": {
        "drop: docs = np.asarray(docs, dtype=np.float64)":
            "the inputs are float arrays already; the precision only changes rounding, and indices are returned",
        "cast: drop dtype= in docs = np.asarray(docs, dtype=np.float64)":
            "the inputs are float arrays already; the precision only changes rounding, and indices are returned",
        "cast: drop dtype= in relevance = docs @ np.asarray(query, dtype=np.float64)":
            "the inputs are float arrays already; the precision only changes rounding, and indices are returned",
    },
}
