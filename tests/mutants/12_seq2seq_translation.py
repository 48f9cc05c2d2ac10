"""Plausible wrong answers for 12_seq2seq_translation; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "build_vocab": [
        Mutant("keeps words seen more than min_count times (> instead of >=)",
               replace=[("c >= min_count", "c > min_count")]),
        Mutant("no alphabetical tie-break: equal counts stay in first-seen order",
               replace=[("words.sort(key=lambda w: (-counts[w], w))", "words.sort(key=lambda w: -counts[w])")]),
        Mutant("sorts by increasing count",
               replace=[("words.sort(key=lambda w: (-counts[w], w))", "words.sort(key=lambda w: (counts[w], w))")]),
        Mutant("forgets the special tokens",
               replace=[("return SPECIALS + words", "return words")]),
    ],
    "encode_batch": [
        Mutant("forgets to append <eos>",
               replace=[("for tok in sentence] + [eos]", "for tok in sentence]")]),
        Mutant("maps unknown words to <pad> instead of <unk>",
               replace=[("stoi.get(tok, unk)", "stoi.get(tok, pad)")]),
        Mutant("pads with <eos> instead of <pad>",
               replace=[("[pad] * (width - len(r))", "[eos] * (width - len(r))")]),
        Mutant("returns a float tensor",
               replace=[("dtype=torch.long)", "dtype=torch.float32)")]),
        Mutant("uses the module's constants UNK, EOS, PAD instead of the ids in stoi",
               replace=[('unk, eos, pad = stoi["<unk>"], stoi["<eos>"], stoi["<pad>"]', "unk, eos, pad = UNK, EOS, PAD")]),
        Mutant("hard-codes the usual order <pad>=0, <eos>=2, <unk>=3",
               replace=[('unk, eos, pad = stoi["<unk>"], stoi["<eos>"], stoi["<pad>"]', "unk, eos, pad = 3, 2, 0")]),
    ],
    "masked_softmax": [
        Mutant("ignores the mask",
               replace=[('scores = scores.masked_fill(~mask, float("-inf"))', "scores = scores + 0.0")]),
        Mutant("sets masked scores to 0 instead of -inf: padding still gets weight",
               replace=[('masked_fill(~mask, float("-inf"))', "masked_fill(~mask, 0.0)")]),
        Mutant("no max shift: exp overflows for large scores",
               replace=[("scores = scores - scores.max(dim=-1, keepdim=True).values", "scores = scores * 1.0")]),
        Mutant("normalises over the first dimension",
               replace=[("return e / e.sum(dim=-1, keepdim=True)", "return e / e.sum(dim=0, keepdim=True)")]),
        Mutant("plain softmax, then zeroes the masked positions without renormalising",
               code=("def masked_softmax(scores, mask):\n"
                     "    return torch.softmax(scores, dim=-1) * mask\n")),
    ],
    "additive_attention": [
        Mutant("forgets the tanh",
               replace=[("self.v(torch.tanh(q + k))", "self.v(q + k)")]),
        Mutant("no mask: padded source positions get weight",
               replace=[("weights = masked_softmax(scores, mask.unsqueeze(1))",
                         "weights = torch.softmax(scores, dim=-1)")]),
        Mutant("averages the keys instead of the values",
               replace=[("torch.bmm(weights, values)", "torch.bmm(weights, keys)")]),
        Mutant("sums the projected features instead of applying v",
               replace=[("scores = self.v(torch.tanh(q + k)).squeeze(-1)", "scores = torch.tanh(q + k).sum(-1)")]),
        Mutant("softmax over the decoder positions instead of the source positions",
               replace=[("weights = masked_softmax(scores, mask.unsqueeze(1))",
                         "weights = masked_softmax(scores.transpose(1, 2), mask.unsqueeze(2)).transpose(1, 2)")]),
    ],
    "teacher_forcing_loss": [
        Mutant("hard-codes the start id: the module's SOS instead of sos_id",
               replace=[("torch.full((tgt.shape[0], 1), sos_id", "torch.full((tgt.shape[0], 1), SOS")]),
        Mutant("hard-codes the start id 1",
               replace=[("torch.full((tgt.shape[0], 1), sos_id", "torch.full((tgt.shape[0], 1), 1")]),
        Mutant("no shift: the decoder sees the token it must predict",
               replace=[("tgt_in = torch.cat([sos, tgt[:, :-1]], dim=1)", "tgt_in = tgt")]),
        Mutant("padding is not ignored in the loss",
               replace=[(", ignore_index=pad_id)", ")")]),
        Mutant("sums the token losses instead of averaging",
               replace=[(", ignore_index=pad_id)", ", ignore_index=pad_id, reduction='sum')")]),
        Mutant("starts the decoder input with <pad> instead of <sos>",
               replace=[("torch.full((tgt.shape[0], 1), sos_id", "torch.full((tgt.shape[0], 1), pad_id")]),
        Mutant("language-model shift without <sos>: predicts tgt[1:] from tgt[:-1], never the first token",
               code=("def teacher_forcing_loss(model, src, tgt, sos_id=SOS, pad_id=PAD):\n"
                     "    logits = model(src, tgt[:, :-1])\n"
                     "    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1),\n"
                     "                           ignore_index=pad_id)\n")),
    ],
    "greedy_decode": [
        Mutant("keeps the final <eos> in the output",
               replace=[("        if token == eos_id:\n            break\n        tokens.append(token)",
                         "        tokens.append(token)\n        if token == eos_id:\n            break")]),
        Mutant("feeds <sos> at every step instead of the token just chosen",
               replace=[("log_probs, state = step_fn(token, state)", "log_probs, state = step_fn(sos_id, state)")]),
        Mutant("does not stop at <eos>",
               replace=[("            break\n", "            continue\n")]),
        Mutant("one step too few",
               replace=[("for _ in range(max_len):", "for _ in range(max_len - 1):")]),
        Mutant("passes the initial state at every step",
               replace=[("log_probs, state = step_fn(token, state)",
                         "log_probs, _ = step_fn(token, state)")]),
    ],
    "beam_search": [
        Mutant("ranks candidates by the last token's log-probability, not the running sum",
               replace=[("candidates.append((score + float(log_probs[tok])",
                         "candidates.append((float(log_probs[tok])")]),
        Mutant("keeps beam_size candidates per hypothesis (the beam grows)",
               replace=[("for score, tokens, state in candidates[:beam_size]:",
                         "for score, tokens, state in candidates[:beam_size * len(beam)]:")]),
        Mutant("never finishes a hypothesis at <eos>: keeps extending it",
               replace=[("if tokens[-1] == eos_id:", "if False:")]),
        Mutant("returns the first finished hypothesis instead of the best",
               replace=[("return max(finished, key=lambda f: f[0])[1]", "return finished[0][1]")]),
        Mutant("length normalisation does not count <eos>",
               replace=[("finished.append((score / len(tokens) ** alpha, tokens[:-1]))",
                         "finished.append((score / max(len(tokens) - 1, 1) ** alpha, tokens[:-1]))")]),
        Mutant("stops as soon as the first hypothesis finishes",
               replace=[("        if not beam:\n            break", "        if finished or not beam:\n            break")]),
    ],
    "modified_precision": [
        Mutant("no clipping: every hypothesis n-gram found in the reference counts fully",
               replace=[("min(c, ref_counts[g])", "(c if ref_counts[g] else 0)")]),
        Mutant("total off by one: len(hyp) - n",
               replace=[("max(len(hyp) - n + 1, 0)", "max(len(hyp) - n, 0)")]),
        Mutant("total counts the reference n-grams",
               replace=[("max(len(hyp) - n + 1, 0)", "max(len(ref) - n + 1, 0)")]),
        Mutant("n-gram extraction misses the last n-gram",
               replace=[("for i in range(len(tokens) - n + 1))", "for i in range(len(tokens) - n))")]),
    ],
    "corpus_bleu": [
        Mutant("no brevity penalty",
               replace=[("bp = 1.0 if c > r else math.exp(1.0 - r / c)", "bp = 1.0")]),
        Mutant("brevity penalty upside down: exp(1 - c / r)",
               replace=[("math.exp(1.0 - r / c)", "math.exp(1.0 - c / r)")]),
        Mutant("returns BLEU on the 0-1 scale",
               replace=[("return 100.0 * bp * math.exp(log_precision)", "return bp * math.exp(log_precision)")]),
        Mutant("off by one: n-gram orders 1..max_n-1 only",
               replace=[("for n in range(1, max_n + 1):", "for n in range(1, max_n):")]),
        Mutant("arithmetic mean of the precisions instead of the geometric mean",
               replace=[("log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n",
                         "log_precision = math.log(sum(m / t for m, t in zip(matches, totals)) / max_n)")]),
        Mutant("averages sentence-level BLEU scores",
               code=("def corpus_bleu(hyps, refs, max_n=4):\n"
                     "    scores = []\n"
                     "    for hyp, ref in zip(hyps, refs):\n"
                     "        ps = [modified_precision(hyp, ref, n) for n in range(1, max_n + 1)]\n"
                     "        if min(m for m, t in ps) == 0:\n"
                     "            scores.append(0.0)\n"
                     "            continue\n"
                     "        bp = 1.0 if len(hyp) > len(ref) else math.exp(1.0 - len(ref) / len(hyp))\n"
                     "        scores.append(100.0 * bp * math.exp(sum(math.log(m / t) for m, t in ps) / max_n))\n"
                     "    return float(sum(scores) / len(scores))\n")),
    ],
}

_PERM = ("moves every order's count one slot along (a cyclic shift of the list): BLEU uses only the product of the "
         "precisions, which a permutation leaves unchanged, and a zero stays a zero")
EQUIVALENT = {
    "encode_batch": {
        "cast: drop dtype= in return torch.tensor([r + [pad] * (width - len(r)) for r in rows], dty…":
            "torch.tensor of Python ints is int64 (torch.long) by default",
    },
    "teacher_forcing_loss": {
        "cast: drop dtype= in sos = torch.full((tgt.shape[0], 1), sos_id, dtype=tgt.dtype)":
            "torch.full with an int fill is int64, the dtype of the contract's id tensors",
    },
    "beam_search": {
        "drop: log_probs = np.asarray(log_probs, dtype=float)": "the step_fn contract returns a 1-D NumPy array already",
        "drop: k = min(beam_size, log_probs.size)":
            "the per-hypothesis cut only saves time: the best beam_size candidates overall are among each "
            "hypothesis' best beam_size, so keeping more per hypothesis changes nothing",
        "slice: upper +1 in :k": "keeping one more candidate per hypothesis changes nothing (see the cut above)",
        "drop: if not beam: …": "with an empty beam the remaining steps add no candidates: the finished list is the same",
    },
    "modified_precision": {
        "cast: int(matches) → matches": "a sum of min() of int counts is already a Python int (0 for no n-gram)",
    },
    "corpus_bleu": {
        "const: 1 → 2 in matches[n - 1] += m": _PERM,
        "const: 1 → 2 in totals[n - 1] += t": _PERM,
        "compare: c > r → c >= r": "at c == r the brevity penalty exp(1 - r / c) is exp(0) = 1 as well",
    },
}
