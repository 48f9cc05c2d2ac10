"""Plausible wrong answers for 09_word_vectors; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "cooccurrence_matrix": [
        Mutant("counts only the context to the right: C is not symmetric",
               replace=[("return C + C.T", "return C")]),
        Mutant("off by one: offsets 1 .. window - 1",
               replace=[("range(1, window + 1)", "range(1, window)")]),
        Mutant("fancy-index += adds once per distinct pair, losing repeated pairs",
               replace=[("np.add.at(C, (ids[:-d], ids[d:]), 1.0)", "C[ids[:-d], ids[d:]] += 1.0")]),
        Mutant("counts each word as its own context (offset 0 included)",
               code=("def cooccurrence_matrix(ids, vocab_size, window):\n"
                     "    ids = np.asarray(ids)\n"
                     "    C = np.zeros((vocab_size, vocab_size))\n"
                     "    for t in range(len(ids)):\n"
                     "        for u in range(max(0, t - window), min(len(ids), t + window + 1)):\n"
                     "            C[ids[t], ids[u]] += 1\n"
                     "    return C\n")),
    ],
    "ppmi": [
        Mutant("returns PMI: forgets to clip negative values at 0",
               replace=[("return np.maximum(pmi, 0.0)", "return pmi")]),
        Mutant("ignores alpha (no context smoothing)",
               replace=[("c_alpha = C.sum(axis=0, keepdims=True) ** alpha", "c_alpha = C.sum(axis=0, keepdims=True)")]),
        Mutant("smoothed context counts divided by N instead of renormalised",
               replace=[("p_context = c_alpha / c_alpha.sum()", "p_context = c_alpha / N")]),
        Mutant("joint probability without dividing by N",
               replace=[("pmi = np.log((C / N) / (p_word * p_context))", "pmi = np.log(C / (p_word * p_context))")]),
        Mutant("leaves nan for all-zero rows (no clean-up of non-finite values)",
               replace=[("pmi[~np.isfinite(pmi)] = 0.0", "pmi = pmi")]),
        Mutant("uses the row sums for the context distribution too (assumes a symmetric C)",
               replace=[("c_alpha = C.sum(axis=0, keepdims=True) ** alpha", "c_alpha = C.sum(axis=1, keepdims=True).T ** alpha")]),
    ],
    "most_similar": [
        Mutant("ranks by the raw dot product (no normalisation)",
               replace=[("norms = np.linalg.norm(E, axis=1) * np.linalg.norm(query)", "norms = np.ones(len(E))")]),
        Mutant("normalises the rows of E but not the query",
               replace=[("norms = np.linalg.norm(E, axis=1) * np.linalg.norm(query)", "norms = np.linalg.norm(E, axis=1)")]),
        Mutant("forgets to exclude",
               replace=[("ranked[excluded] = -np.inf", "ranked = ranked")]),
        Mutant("sorts in increasing order",
               replace=[("order = np.argsort(-ranked, kind=\"stable\")", "order = np.argsort(ranked, kind=\"stable\")")]),
        Mutant("always returns k rows, excluded ones included when k is large",
               replace=[("[:min(k, len(E) - len(excluded))]", "[:k]")]),
        Mutant("divides by zero norms: nan cosines for zero vectors",
               replace=[("sims = np.divide(E @ query, norms, out=np.zeros(len(E)), where=norms > 0)",
                         "sims = (E @ query) / norms")]),
    ],
    "analogy": [
        Mutant("divides by the norms without guarding zero rows: a zero row among a, b, c turns q into nan",
               replace=[("U = E / np.where(norms > 0, norms, 1.0)", "U = E / norms")]),
        Mutant("wrong sign: a - b + c",
               replace=[("q = U[b] - U[a] + U[c]", "q = U[a] - U[b] + U[c]")]),
        Mutant("adds the raw vectors without normalising them",
               replace=[("q = U[b] - U[a] + U[c]", "q = E[b] - E[a] + E[c]")]),
        Mutant("does not exclude the query words",
               replace=[("exclude=(a, b, c)", "exclude=()")]),
        Mutant("excludes only c",
               replace=[("exclude=(a, b, c)", "exclude=(c,)")]),
    ],
    "skipgram_pairs": [
        Mutant("only the context to the right of the center",
               replace=[("        parts.append(np.stack([ids[d:], ids[:-d]], axis=1))  # context to the left\n", "")]),
        Mutant("off by one: offsets 1 .. window - 1",
               replace=[("range(1, window + 1)", "range(1, window)")]),
        Mutant("pairs each word with itself too",
               replace=[("parts = [np.zeros((0, 2), dtype=np.int64)]", "parts = [np.stack([ids, ids], axis=1)]")]),
        Mutant("np.roll wraps around the ends of the text",
               code=("def skipgram_pairs(ids, window):\n"
                     "    ids = np.asarray(ids, dtype=np.int64)\n"
                     "    parts = [np.zeros((0, 2), dtype=np.int64)]\n"
                     "    for d in range(1, window + 1):\n"
                     "        parts.append(np.stack([ids, np.roll(ids, -d)], axis=1))\n"
                     "        parts.append(np.stack([ids, np.roll(ids, d)], axis=1))\n"
                     "    return np.concatenate(parts)\n")),
    ],
    "sgns_sampling": [
        Mutant("returns the discard probability 1 - sqrt(t/f) instead of the keep probability",
               replace=[("keep_prob = np.minimum(1.0, np.sqrt(t / f))", "keep_prob = np.maximum(0.0, 1.0 - np.sqrt(t / f))")]),
        Mutant("ratio upside down: sqrt(f / t)",
               replace=[("np.sqrt(t / f)", "np.sqrt(f / t)")]),
        Mutant("forgets the min(1, ...) cap",
               replace=[("keep_prob = np.minimum(1.0, np.sqrt(t / f))", "keep_prob = np.sqrt(t / f)")]),
        Mutant("uses raw counts instead of relative frequencies",
               replace=[("f = counts / counts.sum()", "f = counts")]),
        Mutant("noise distribution without the power",
               replace=[("noise = counts ** power", "noise = counts.copy()")]),
        Mutant("noise weights not normalised to sum to 1",
               replace=[("return keep_prob, noise / noise.sum()", "return keep_prob, noise")]),
    ],
    "sgns_loss": [
        Mutant("log(sigmoid(x)) and log(1 - sigmoid(x)): inf for large scores",
               replace=[("loss = -F.logsigmoid(pos_score) - F.logsigmoid(-neg_score).sum(dim=-1)",
                         "loss = -torch.log(torch.sigmoid(pos_score)) - torch.log(1 - torch.sigmoid(neg_score)).sum(dim=-1)")]),
        Mutant("wrong sign inside the negative term: log sigmoid(+u_n . v_c)",
               replace=[("F.logsigmoid(-neg_score)", "F.logsigmoid(neg_score)")]),
        Mutant("averages over the K negatives instead of summing",
               replace=[("F.logsigmoid(-neg_score).sum(dim=-1)", "F.logsigmoid(-neg_score).mean(dim=-1)")]),
        Mutant("sums over the batch instead of averaging",
               replace=[("return loss.mean()", "return loss.sum()")]),
        Mutant("returns the log-likelihood (forgets the minus sign)",
               replace=[("loss = -F.logsigmoid(pos_score) - F.logsigmoid(-neg_score).sum(dim=-1)",
                         "loss = F.logsigmoid(pos_score) + F.logsigmoid(-neg_score).sum(dim=-1)")]),
        Mutant("returns a Python float: nothing to backpropagate",
               replace=[("return loss.mean()", "return loss.mean().item()")]),
    ],
    "glove_loss": [
        Mutant("weighting function not capped at 1",
               replace=[("weight = torch.clamp((x / x_max) ** alpha, max=1.0)", "weight = (x / x_max) ** alpha")]),
        Mutant("forgets the context bias",
               replace=[("+ b + b_ctx -", "+ b -")]),
        Mutant("mean over the batch instead of the sum",
               replace=[("return (weight * err ** 2).sum()", "return (weight * err ** 2).mean()")]),
        Mutant("fits log(1 + x) instead of log x",
               replace=[("torch.log(x)", "torch.log1p(x)")]),
        Mutant("squares the weight too: (f * err)^2",
               replace=[("return (weight * err ** 2).sum()", "return ((weight * err) ** 2).sum()")]),
        Mutant("power in the wrong place: x**alpha / x_max",
               replace=[("(x / x_max) ** alpha", "x ** alpha / x_max")]),
    ],
    "char_ngrams": [
        Mutant("forgets the boundary markers",
               replace=[('s = "<" + word + ">"', "s = word")]),
        Mutant("n_max excluded: range(n_min, n_max)",
               replace=[("range(n_min, n_max + 1)", "range(n_min, n_max)")]),
        Mutant("off by one: misses the last start position",
               replace=[("range(len(s) - n + 1)", "range(len(s) - n)")]),
        Mutant("drops repeated n-grams",
               code=("def char_ngrams(word, n_min=3, n_max=5):\n"
                     "    s = '<' + word + '>'\n"
                     "    grams = [s[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(s) - n + 1)]\n"
                     "    return list(dict.fromkeys(grams))\n")),
    ],
    "subword_vector": [
        Mutant("sums instead of averaging",
               replace=[("return np.mean(rows, axis=0)", "return np.sum(rows, axis=0)")]),
        Mutant("ignores the word's own vector",
               replace=[("        rows.append(word_table[word_index[word]])", "        pass")]),
        Mutant("uses each distinct n-gram once",
               replace=[("for g in char_ngrams(word, n_min, n_max)]", "for g in set(char_ngrams(word, n_min, n_max))]")]),
        Mutant("ignores n_min and n_max (always 3..5)",
               replace=[("char_ngrams(word, n_min, n_max)", "char_ngrams(word)")]),
        Mutant("known words get only their word vector",
               code=("def subword_vector(word, word_index, word_table, ngram_table, n_min=3, n_max=5):\n"
                     "    if word in word_index:\n"
                     "        return word_table[word_index[word]]\n"
                     "    rows = [ngram_table[ngram_bucket(g, len(ngram_table))] for g in char_ngrams(word, n_min, n_max)]\n"
                     "    return np.mean(rows, axis=0) if rows else np.zeros(ngram_table.shape[1])\n")),
        Mutant("no guard for nothing to average: mean of an empty list is nan",
               replace=[("    if not rows:\n        return np.zeros(ngram_table.shape[1])\n", "")]),
    ],
}

_ASARRAY = "the contract's input is already a NumPy array of that kind: the conversion is a no-op"
_GUARD = "an offset d >= len(ids) gives empty slices, which add nothing: the early exit only saves time"
EQUIVALENT = {
    "cooccurrence_matrix": {
        "drop: ids = np.asarray(ids, dtype=np.int64)": _ASARRAY,
        "cast: drop dtype= in ids = np.asarray(ids, dtype=np.int64)": _ASARRAY,
        "drop: if d >= len(ids): …": _GUARD,
        "compare: d >= len(ids) → d > len(ids)": _GUARD,
        "drop: break": _GUARD,
    },
    "ppmi": {
        "drop: C = np.asarray(C, dtype=float)": "C is a count array; every operation on it gives floats already (C / N, ** alpha)",
        "cast: drop dtype= in C = np.asarray(C, dtype=float)": "C is a count array; every operation on it gives floats already (C / N, ** alpha)",
        "axis: drop keepdims= in c_alpha = C.sum(axis=0, keepdims=True) ** alpha": "a (V,) row broadcasts like a (1, V) row",
        "axis: keepdims flipped in c_alpha = C.sum(axis=0, keepdims=True) ** alpha": "a (V,) row broadcasts like a (1, V) row",
    },
    "most_similar": {
        "drop: E = np.asarray(E, dtype=float)": _ASARRAY,
        "cast: drop dtype= in E = np.asarray(E, dtype=float)": _ASARRAY,
        "drop: query = np.asarray(query, dtype=float)": _ASARRAY,
        "cast: drop dtype= in query = np.asarray(query, dtype=float)": _ASARRAY,
        "cast: int(i) → i": "NumPy integers index a list as well as Python ints do",
    },
    "analogy": {
        "drop: E = np.asarray(E, dtype=float)": _ASARRAY,
        "cast: drop dtype= in E = np.asarray(E, dtype=float)": _ASARRAY,
        "const: 1.0 → 2.0 in U = E / np.where(norms > 0, norms, 1.0)": "the divisor only applies to zero rows, and 0 / 2 = 0 / 1 = 0",
    },
    "skipgram_pairs": {
        "drop: ids = np.asarray(ids, dtype=np.int64)": _ASARRAY,
        "cast: drop dtype= in ids = np.asarray(ids, dtype=np.int64)": "ids is an integer array; the result is cast to int64 at the end anyway",
        "cast: drop dtype= in parts = [np.zeros((0, 2), dtype=np.int64)]": "the result is cast to int64 at the end",
        "drop: if d >= len(ids): …": _GUARD,
        "compare: d >= len(ids) → d > len(ids)": _GUARD,
        "drop: break": _GUARD,
        "cast: np.concatenate(parts).astype(np.int64) → np.concatenate(parts)": "ids was made int64 above, so the pairs already are",
    },
    "sgns_sampling": {
        "drop: counts = np.asarray(counts, dtype=float)": "counts is an array (the contract); counts / sum and counts ** power give floats for integer counts too",
        "cast: drop dtype= in counts = np.asarray(counts, dtype=float)": "counts / sum and counts ** power give floats for integer counts too",
    },
    "sgns_loss": {
        "arith: -1 → 1": "the contract fixes the shapes (B, d) and (B, K): dim=1 is the last dimension",
        "arith: -1 → 1 [2]": "the contract fixes the shapes (B, d) and (B, K): dim=1 is the last dimension",
    },
    "glove_loss": {
        "arith: -1 → 1": "the contract fixes the shape (B, d): dim=1 is the last dimension",
    },
}
