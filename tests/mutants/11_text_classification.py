"""Plausible wrong answers for 11_text_classification; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "tokenize": [
        Mutant("forgets to lower-case",
               replace=[('text = text.lower().replace("\\u2019", "\'")', 'text = text.replace("\\u2019", "\'")')]),
        Mutant("uses \\w, which keeps the underscore inside words",
               replace=[(r"[^\W_]+(?:'[^\W_]+)*", r"\w+(?:'\w+)*")]),
        Mutant("ASCII letters only: splits café and naïve",
               replace=[(r"[^\W_]+(?:'[^\W_]+)*", r"[a-z0-9]+(?:'[a-z0-9]+)*")]),
        Mutant("drops ! and ?",
               replace=[("|[!?]", "")]),
        Mutant("splits on whitespace and strips punctuation from the ends",
               code=("def tokenize(text):\n"
                     "    return [w.strip('.,;:\"()-') for w in text.lower().split() if w.strip('.,;:\"()-')]\n")),
        Mutant("forgets the typographic apostrophe",
               replace=[('.replace("\\u2019", "\'")', "")]),
    ],
    "build_vocab": [
        Mutant("keeps only words seen MORE than min_count times",
               replace=[("c >= min_count", "c > min_count")]),
        Mutant("no alphabetical tie-break: ties stay in first-seen order",
               replace=[("kept.sort(key=lambda w: (-counts[w], w))", "kept.sort(key=lambda w: -counts[w])")]),
        Mutant("word ids start at 0, colliding with <pad> and <unk>",
               code=("PAD, UNK = '<pad>', '<unk>'\n"
                     "def build_vocab(token_lists, min_count=2):\n"
                     "    counts = Counter(t for ts in token_lists for t in ts)\n"
                     "    kept = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], w))\n"
                     "    vocab = {w: i for i, w in enumerate(kept)}\n"
                     "    vocab[PAD] = len(vocab)\n"
                     "    vocab[UNK] = len(vocab)\n"
                     "    return vocab\n")),
        Mutant("sorts by increasing count",
               replace=[("kept.sort(key=lambda w: (-counts[w], w))", "kept.sort(key=lambda w: (counts[w], w))")]),
    ],
    "bag_of_words": [
        Mutant("counts unknown words in the <unk> column",
               replace=[("j = vocab.get(tok)", "j = vocab.get(tok, 1)")]),
        Mutant("presence (0/1) instead of counts",
               replace=[("    return sp.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(vocab)))",
                         "    X = sp.csr_matrix((data, (rows, cols)), shape=(len(token_lists), len(vocab)))\n"
                         "    X.data[:] = 1\n"
                         "    return X")]),
        Mutant("returns a dense numpy array",
               replace=[("shape=(len(token_lists), len(vocab)))", "shape=(len(token_lists), len(vocab))).toarray()")]),
        Mutant("lets scipy infer the shape from the largest index seen",
               replace=[(", shape=(len(token_lists), len(vocab)))", ")")]),
    ],
    "fit_idf": [
        Mutant("unsmoothed idf ln(n / df) + 1 (inf for unseen words)",
               replace=[("np.log((1.0 + n) / (1.0 + df)) + 1.0", "np.log(n / df) + 1.0")]),
        Mutant("forgets the final + 1 of the idf",
               replace=[("np.log((1.0 + n) / (1.0 + df)) + 1.0", "np.log((1.0 + n) / (1.0 + df))")]),
        Mutant("document frequency from total counts instead of number of documents",
               replace=[("df = np.asarray((counts > 0).sum(axis=0)).ravel()", "df = np.asarray(counts.sum(axis=0)).ravel()")]),
        Mutant("log10 instead of the natural log",
               replace=[("np.log((1.0 + n) / (1.0 + df)) + 1.0", "np.log10((1.0 + n) / (1.0 + df)) + 1.0")]),
        Mutant("no L2 normalisation of the rows",
               replace=[("    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)", "    return sp.csr_matrix(X)")]),
        Mutant("L1 instead of L2 normalisation",
               replace=[("norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())",
                         "norms = np.asarray(abs(X).sum(axis=1)).ravel()")]),
        Mutant("dense row normalisation without a guard: an empty document gives 0 / 0 = nan",
               code=("def fit_idf(counts):\n"
                     "    counts = sp.csr_matrix(counts)\n"
                     "    df = np.asarray((counts > 0).sum(axis=0)).ravel()\n"
                     "    return np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0\n"
                     "def tfidf_transform(counts, idf):\n"
                     "    X = sp.csr_matrix(counts).toarray() * idf\n"
                     "    with np.errstate(all='ignore'):\n"
                     "        X = X / np.linalg.norm(X, axis=1, keepdims=True)\n"
                     "    return sp.csr_matrix(X)\n")),
    ],
    "naive_bayes_fit": [
        Mutant("no smoothing in the denominator (only + alpha on top)",
               replace=[("log_lik[c] = np.log(word_counts / word_counts.sum())",
                         "log_lik[c] = np.log(word_counts / (word_counts.sum() - alpha * n_words + alpha))")]),
        Mutant("no Laplace smoothing at all",
               replace=[(".ravel() + alpha", ".ravel() + 1e-300")]),
        Mutant("uniform prior instead of the class shares",
               replace=[("log_prior[c] = np.log(rows.shape[0] / n_docs)", "log_prior[c] = np.log(1.0 / n_classes)")]),
        Mutant("prior from word counts instead of document counts",
               replace=[("log_prior[c] = np.log(rows.shape[0] / n_docs)", "log_prior[c] = np.log(rows.sum() / counts.sum())")]),
        Mutant("normalises over classes instead of over words",
               code=("def naive_bayes_fit(counts, y, alpha=1.0):\n"
                     "    counts = sp.csr_matrix(counts); y = np.asarray(y); K = int(y.max()) + 1\n"
                     "    N = np.vstack([np.asarray(counts[y == c].sum(axis=0)).ravel() for c in range(K)]) + alpha\n"
                     "    prior = np.array([np.mean(y == c) for c in range(K)])\n"
                     "    return np.log(prior), np.log(N / N.sum(axis=0, keepdims=True))\n")),
    ],
    "naive_bayes_predict_log_proba": [
        Mutant("exponentiates and normalises in probability space: underflow, nan",
               replace=[("    return joint - logsumexp(joint, axis=1, keepdims=True)",
                         "    p = np.exp(joint)\n    return np.log(p / p.sum(axis=1, keepdims=True))")]),
        Mutant("forgets the prior",
               replace=[(" @ log_likelihood.T) + log_prior", " @ log_likelihood.T)")]),
        Mutant("returns the unnormalised joint log probability",
               replace=[("    return joint - logsumexp(joint, axis=1, keepdims=True)", "    return joint")]),
        Mutant("subtracts the row maximum instead of the logsumexp",
               replace=[("logsumexp(joint, axis=1, keepdims=True)", "joint.max(axis=1, keepdims=True)")]),
    ],
    "classification_metrics": [
        Mutant("confusion matrix transposed (rows = predicted)",
               replace=[("np.add.at(cm, (y_true, y_pred), 1)", "np.add.at(cm, (y_pred, y_true), 1)")]),
        Mutant("precision and recall swapped (wrong axis)",
               replace=[("predicted = cm.sum(axis=0)", "predicted = cm.sum(axis=1)"),
                        ("actual = cm.sum(axis=1)", "actual = cm.sum(axis=0)")]),
        Mutant("macro-F1 as the F1 of macro precision and macro recall",
               replace=[('"macro_f1": float(f1.mean())',
                         '"macro_f1": float(2 * precision.mean() * recall.mean() / (precision.mean() + recall.mean()))')]),
        Mutant("plain division: nan for a class that is never predicted",
               code=("def classification_metrics(y_true, y_pred, n_classes):\n"
                     "    y_true = np.asarray(y_true); y_pred = np.asarray(y_pred)\n"
                     "    cm = np.zeros((n_classes, n_classes), dtype=np.int64)\n"
                     "    np.add.at(cm, (y_true, y_pred), 1)\n"
                     "    tp = np.diag(cm).astype(float)\n"
                     "    with np.errstate(all='ignore'):\n"
                     "        p = tp / cm.sum(axis=0); r = tp / cm.sum(axis=1); f = 2 * p * r / (p + r)\n"
                     "    return {'accuracy': float(tp.sum() / len(y_true)), 'confusion': cm, 'precision': p,\n"
                     "            'recall': r, 'f1': f, 'macro_f1': float(np.nanmean(f))}\n")),
        Mutant("macro-F1 weighted by class support",
               replace=[('"macro_f1": float(f1.mean())', '"macro_f1": float(np.sum(f1 * actual) / actual.sum())')]),
    ],
    "pad_and_mask": [
        Mutant("pads on the left",
               replace=[("        ids[i, :n] = torch.as_tensor(list(s[:n]), dtype=torch.long)\n        mask[i, :n] = True",
                         "        if n:\n"
                         "            ids[i, T - n:] = torch.as_tensor(list(s[:n]), dtype=torch.long)\n"
                         "            mask[i, T - n:] = True")]),
        Mutant("ignores max_len (no truncation)",
               replace=[("lengths = [len(s) if max_len is None else min(len(s), max_len) for s in seqs]",
                         "lengths = [len(s) for s in seqs]")]),
        Mutant("truncates by keeping the LAST ids",
               replace=[("torch.as_tensor(list(s[:n]), dtype=torch.long)",
                         "torch.as_tensor(list(s[len(s) - n:]), dtype=torch.long)")]),
        Mutant("always pads to max_len",
               replace=[("T = max(lengths)", "T = max(lengths) if max_len is None else max_len")]),
        Mutant("float mask instead of bool",
               replace=[("mask = torch.zeros((len(seqs), T), dtype=torch.bool)", "mask = torch.zeros((len(seqs), T))")]),
        Mutant("ignores pad_id and pads with 0",
               replace=[("torch.full((len(seqs), T), pad_id, dtype=torch.long)", "torch.zeros((len(seqs), T), dtype=torch.long)")]),
    ],
    "masked_mean_pool": [
        Mutant("ignores the mask: plain mean over all positions",
               code="def masked_mean_pool(h, mask):\n    return h.mean(dim=1)\n"),
        Mutant("divides by T instead of the number of real tokens",
               replace=[("count = m.sum(dim=1).clamp(min=1.0)", "count = float(h.shape[1])")]),
        Mutant("no guard for empty rows: 0 / 0 = nan",
               replace=[(".clamp(min=1.0)", "")]),
        Mutant("returns the masked sum",
               replace=[("    return total / count", "    return total")]),
    ],
    "masked_max_pool": [
        Mutant("fills padding with 0 instead of a very negative number",
               replace=[("very_negative = torch.finfo(h.dtype).min", "very_negative = 0.0")]),
        Mutant("ignores the mask",
               code="def masked_max_pool(h, mask):\n    return h.max(dim=1).values\n"),
        Mutant("multiplies by the mask, then takes the max",
               code="def masked_max_pool(h, mask):\n    return (h * mask.unsqueeze(-1).to(h.dtype)).max(dim=1).values\n"),
        Mutant("no special case for empty rows: returns the fill value",
               replace=[("    return torch.where(mask.any(dim=1, keepdim=True), best, torch.zeros_like(best))",
                         "    return best")]),
    ],
}

EQUIVALENT = {
    'bag_of_words': {
        'cast: drop dtype= in data = np.ones(len(rows), dtype=np.int64)':
            'the contract fixes the values (integer counts), not the dtype: float ones sum to the same counts',
    },
    'fit_idf': {
        'drop: counts = sp.csr_matrix(counts)':
            '(counts > 0).sum(axis=0) works on any scipy.sparse format: the conversion is a no-op here',
        'arith: sp.csr_matrix(counts, dtype=np.float64) @ sp.diags(np.asarray(idf, dt… → sp.csr_matrix(counts, dtype=np.float64) * sp.diags(np.asarray(idf, dt…':
            'for scipy.sparse matrices * is the matrix product, like @',
        'cast: drop dtype= in X = sp.csr_matrix(counts, dtype=np.float64) @ sp.diags(np.asarray(idf…':
            'an integer matrix times the float64 idf diagonal is float64 anyway',
        'drop: norms[norms == 0] = 1.0':
            'a zero row stores no entries, so the sparse product never multiplies them by 1/0: the row stays empty',
        'const: 0 → 1 in norms[norms == 0] = 1.0':
            'setting norms equal to 1 to 1 is a no-op, and zero rows stay empty in the sparse product (see above)',
        'const: 1.0 → 2.0 in norms[norms == 0] = 1.0':
            'the replacement norm only scales rows that are all zero',
        'arith: sp.diags(1.0 / norms) @ X → sp.diags(1.0 / norms) * X':
            'for scipy.sparse matrices * is the matrix product, like @',
    },
    'naive_bayes_fit': {
        'drop: counts = sp.csr_matrix(counts)':
            "the lesson and the tests pass bag_of_words' CSR matrices: the conversion is a no-op",
        'drop: y = np.asarray(y)':
            'y is an np.ndarray (the contract)',
        'cast: int(y.max()) → y.max()':
            'range() and np.empty accept a NumPy integer as well',
        'cast: drop dtype= in word_counts = np.asarray(rows.sum(axis=0), dtype=np.float64).ravel() …':
            'adding the float alpha makes the counts float64 anyway',
    },
    'naive_bayes_predict_log_proba': {
        'arith: sp.csr_matrix(counts) @ log_likelihood.T → sp.csr_matrix(counts) * log_likelihood.T':
            'for a scipy.sparse matrix * is the matrix product, like @',
    },
    'classification_metrics': {
        'drop: y_true = np.asarray(y_true)':
            'y_true is an np.ndarray (the contract)',
        'drop: y_pred = np.asarray(y_pred)':
            'y_pred is an np.ndarray (the contract)',
        'cast: np.diag(cm).astype(np.float64) → np.diag(cm)':
            'the later true divisions give float64 anyway',
        'cast: float(tp.sum() / len(y_true)) → tp.sum() / len(y_true)':
            'np.float64 is a float subclass: the value and isinstance(x, float) are the same',
        'cast: float(f1.mean()) → f1.mean()':
            'np.float64 is a float subclass: the value and isinstance(x, float) are the same',
    },
    'pad_and_mask': {
        'cast: drop dtype= in ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)':
            'torch.full with an int fill is int64 (torch.long) already',
        'cast: drop dtype= in ids[i, :n] = torch.as_tensor(list(s[:n]), dtype=torch.long)':
            'assigning into the long tensor ids casts anyway (and a list of ints is int64)',
    },
}
