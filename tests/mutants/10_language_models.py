"""Plausible wrong answers for 10_language_models; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "ngram_counts": [
        Mutant("off by one: the last n-gram of the text is never counted",
               replace=[("for i in range(len(text) - n + 1)", "for i in range(len(text) - n)")]),
        Mutant("keys the counts by the whole n-gram instead of its first n - 1 characters",
               replace=[("counts.setdefault(gram[:-1], Counter())", "counts.setdefault(gram, Counter())")]),
        Mutant("context taken after the character: predicts the previous character from the following ones",
               replace=[("counts.setdefault(gram[:-1], Counter())[gram[-1]] = c",
                         "counts.setdefault(gram[1:], Counter())[gram[0]] = c")]),
        Mutant("plain dicts instead of Counters: the lesson's later .most_common() crashes",
               replace=[("counts.setdefault(gram[:-1], Counter())", "counts.setdefault(gram[:-1], {})")]),
        Mutant("slices n - 1 characters per gram: counts (n-1)-grams",
               replace=[("Counter(text[i:i + n] for i in range(len(text) - n + 1))",
                         "Counter(text[i:i + n - 1] for i in range(len(text) - n + 1))")]),
    ],
    "addk_prob": [
        Mutant("forgets the k * |V| in the denominator: not normalised",
               replace=[("(total + k * vocab_size)", "(total + k)")]),
        Mutant("adds k only to the denominator",
               replace=[("(followers.get(char, 0) + k)", "followers.get(char, 0)")]),
        Mutant("divides by the number of distinct followers instead of the context count",
               replace=[("total = sum(followers.values()) if followers else 0",
                         "total = len(followers) if followers else 0")]),
        Mutant("no special case for an unseen context: crashes or divides by zero",
               code=("def addk_prob(counts, context, char, k, vocab_size):\n"
                     "    followers = counts.get(context, {})\n"
                     "    total = sum(followers.values())\n"
                     "    return (followers.get(char, 0) + k) / (total + k * vocab_size)\n")),
    ],
    "perplexity": [
        Mutant("log base 2 inside, exp outside",
               replace=[("total += math.log(p)", "total += math.log2(p)")]),
        Mutant("the context includes the target character (off by one)",
               replace=[("prob_fn(text[t - context_len:t], text[t])", "prob_fn(text[t - context_len + 1:t + 1], text[t])")]),
        Mutant("skips the first scored position",
               replace=[("for t in range(start, len(text)):", "for t in range(start + 1, len(text)):")]),
        Mutant("forgets the minus sign: returns 1 / perplexity",
               replace=[("return math.exp(-total / count)", "return math.exp(total / count)")]),
        Mutant("returns the mean negative log-probability (cross-entropy), not its exponential",
               replace=[("return math.exp(-total / count)", "return -total / count")]),
        Mutant("inverse of the arithmetic mean of the probabilities",
               code=("def perplexity(prob_fn, text, start, context_len):\n"
                     "    ps = [prob_fn(text[t - context_len:t], text[t]) for t in range(start, len(text))]\n"
                     "    return float(len(ps) / sum(ps))\n")),
        Mutant("product of the probabilities, then the -1/N power: underflows to 0 on a long text",
               code=("def perplexity(prob_fn, text, start, context_len):\n"
                     "    prod, n = 1.0, 0\n"
                     "    for t in range(start, len(text)):\n"
                     "        prod *= prob_fn(text[t - context_len:t], text[t])\n"
                     "        n += 1\n"
                     "    if prod == 0.0:\n"
                     "        return math.inf\n"
                     "    return float(prod ** (-1.0 / n))\n")),
        Mutant("math.log(0) raises instead of returning inf",
               replace=[("        if p <= 0.0:\n            return math.inf\n", "")]),
    ],
    "interpolated_prob": [
        Mutant("context[-(j - 1):] for the unigram is the whole context, not ''",
               replace=[("h = context[len(context) - (j - 1):]", "h = context[-(j - 1):]")]),
        Mutant("treats an unseen context as an ML estimate of 0 instead of skipping it: loses mass",
               code=("def interpolated_prob(counts_by_order, context, char, lambdas, vocab_size):\n"
                     "    p = 1.0 / vocab_size\n"
                     "    for j, (counts, lam) in enumerate(zip(counts_by_order, lambdas), start=1):\n"
                     "        h = context[len(context) - (j - 1):]\n"
                     "        followers = counts.get(h) or {}\n"
                     "        total = sum(followers.values())\n"
                     "        ml = followers.get(char, 0) / total if total else 0.0\n"
                     "        p = lam * ml + (1.0 - lam) * p\n"
                     "    return float(p)\n")),
        Mutant("recursion runs from the highest order down: the unigram ends up with the last word",
               replace=[("enumerate(zip(counts_by_order, lambdas), start=1)",
                         "reversed(list(enumerate(zip(counts_by_order, lambdas), start=1)))")]),
        Mutant("no uniform base distribution: starts from p = 0",
               replace=[("p = 1.0 / vocab_size", "p = 0.0")]),
        Mutant("swaps lambda and 1 - lambda",
               replace=[("p = lam * followers.get(char, 0) / total + (1.0 - lam) * p",
                         "p = (1.0 - lam) * followers.get(char, 0) / total + lam * p")]),
    ],
    "rnn_cell": [
        Mutant("forgets the recurrent bias b_hh",
               replace=[("h @ W_hh.T + b_hh)", "h @ W_hh.T)")]),
        Mutant("multiplies by W_hh instead of its transpose",
               replace=[("h @ W_hh.T", "h @ W_hh")]),
        Mutant("sigmoid instead of tanh",
               replace=[("torch.tanh(", "torch.sigmoid(")]),
        Mutant("ReLU instead of tanh",
               replace=[("torch.tanh(", "torch.relu(")]),
    ],
    "lstm_cell": [
        Mutant("gate order i, f, o, g instead of PyTorch's i, f, g, o",
               replace=[("i, f, g, o = gates.chunk(4, dim=-1)", "i, f, o, g = gates.chunk(4, dim=-1)")]),
        Mutant("h' = o * c' without the tanh",
               replace=[("h_new = o * torch.tanh(c_new)", "h_new = o * c_new")]),
        Mutant("forgets the input gate: c' = f * c + g",
               replace=[("c_new = f * c + i * g", "c_new = f * c + g")]),
        Mutant("sigmoid on the candidate g instead of tanh",
               replace=[("torch.tanh(g)", "torch.sigmoid(g)")]),
        Mutant("returns (c', h') instead of (h', c')",
               replace=[("return h_new, c_new", "return c_new, h_new")]),
    ],
    "gru_cell": [
        Mutant("roles of z swapped: h' = z * n + (1 - z) * h",
               replace=[("return (1 - z) * n + z * h", "return z * n + (1 - z) * h")]),
        Mutant("gate order z, r, n",
               replace=[("i_r, i_z, i_n = gi.chunk(3, dim=-1)", "i_z, i_r, i_n = gi.chunk(3, dim=-1)"),
                        ("h_r, h_z, h_n = gh.chunk(3, dim=-1)", "h_z, h_r, h_n = gh.chunk(3, dim=-1)")]),
        Mutant("Cho et al.'s original form: reset applied to h before W_hn",
               code=("def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):\n"
                     "    H = h.shape[-1]\n"
                     "    gi = x @ W_ih.T + b_ih\n"
                     "    i_r, i_z, i_n = gi.chunk(3, dim=-1)\n"
                     "    r = torch.sigmoid(i_r + h @ W_hh[:H].T + b_hh[:H])\n"
                     "    z = torch.sigmoid(i_z + h @ W_hh[H:2 * H].T + b_hh[H:2 * H])\n"
                     "    n = torch.tanh(i_n + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])\n"
                     "    return (1 - z) * n + z * h\n")),
        Mutant("reset gate applied to W_hn h but not to its bias b_hn",
               code=("def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):\n"
                     "    H = h.shape[-1]\n"
                     "    gi = x @ W_ih.T + b_ih\n"
                     "    gh = h @ W_hh.T\n"
                     "    i_r, i_z, i_n = gi.chunk(3, dim=-1)\n"
                     "    h_r, h_z, h_n = gh.chunk(3, dim=-1)\n"
                     "    r = torch.sigmoid(i_r + h_r + b_hh[:H])\n"
                     "    z = torch.sigmoid(i_z + h_z + b_hh[H:2 * H])\n"
                     "    n = torch.tanh(i_n + r * h_n + b_hh[2 * H:])\n"
                     "    return (1 - z) * n + z * h\n")),
        Mutant("forgets the reset gate",
               replace=[("n = torch.tanh(i_n + r * h_n)", "n = torch.tanh(i_n + h_n)")]),
    ],
    "clip_grad_norm": [
        Mutant("forgets the 1e-6 of the contract: scales by max_norm / total",
               replace=[("scale = max_norm / (total + 1e-6)", "scale = max_norm / total")]),
        Mutant("clips every tensor separately instead of the global norm",
               code=("def clip_grad_norm(params, max_norm):\n"
                     "    params = [p for p in params if p.grad is not None]\n"
                     "    total = float(torch.sqrt(sum((p.grad ** 2).sum() for p in params))) if params else 0.0\n"
                     "    for p in params:\n"
                     "        n = float(p.grad.norm())\n"
                     "        if n > max_norm:\n"
                     "            p.grad.mul_(max_norm / (n + 1e-6))\n"
                     "    return total\n")),
        Mutant("always rescales to max_norm, even small gradients",
               replace=[("if total > max_norm:", "if True:")]),
        Mutant("sum of the per-tensor norms instead of the global L2 norm",
               replace=[("torch.sqrt(sum((p.grad.detach() ** 2).sum() for p in params))",
                         "sum(p.grad.detach().norm() for p in params)")]),
        Mutant("returns the norm after clipping",
               replace=[("    return total\n", "    return min(total, max_norm)\n")]),
        Mutant("iterates the generator twice: the second pass sees nothing and clips nothing",
               code=("def clip_grad_norm(params, max_norm):\n"
                     "    grads = [p.grad for p in params if p.grad is not None]\n"
                     "    if not grads:\n"
                     "        return 0.0\n"
                     "    total = float(torch.sqrt(sum((g ** 2).sum() for g in grads)))\n"
                     "    if total > max_norm:\n"
                     "        for p in params:\n"
                     "            if p.grad is not None:\n"
                     "                p.grad.mul_(max_norm / (total + 1e-6))\n"
                     "    return total\n")),
        Mutant("not in place: rescales a copy and throws it away",
               replace=[("p.grad.mul_(scale)", "p.grad.mul(scale)")]),
    ],
    "lm_batch": [
        Mutant("targets not shifted: y == x",
               replace=[("return ids[idx], ids[idx + 1]", "return ids[idx], ids[idx]")]),
        Mutant("inputs and targets swapped",
               replace=[("return ids[idx], ids[idx + 1]", "return ids[idx + 1], ids[idx]")]),
        Mutant("windows of seq_len + 1 characters",
               replace=[("torch.arange(seq_len)", "torch.arange(seq_len + 1)")]),
        Mutant("windows start one character late",
               replace=[("idx = starts[:, None] + torch.arange(seq_len)[None, :]",
                         "idx = starts[:, None] + 1 + torch.arange(seq_len)[None, :]")]),
    ],
}

_SHORT = ("a context shorter than j - 1 characters gives a shorter key, and the order-j counts have only keys of "
          "length j - 1: the lookup fails and the order is skipped anyway")
EQUIVALENT = {
    "perplexity": {
        "cast: float(prob_fn(text[t - context_len:t], text[t])) → prob_fn(text[t - context_len:t], text[t])":
            "prob_fn returns a float (the contract); math.log takes it as it is",
    },
    "interpolated_prob": {
        "drop: if len(context) < j - 1: …": _SHORT,
        "const: 1 → 2 in 1 [2]": _SHORT,
        "drop: continue": _SHORT,
        "cast: float(p) → p": "p is already a float (or np.float64, a float subclass)",
    },
    "lstm_cell": {
        "arith: -1 → 1": "the contract fixes 2-D (B, 4H) gates: dim=1 is the last dimension",
    },
    "gru_cell": {
        "arith: -1 → 1": "the contract fixes 2-D (B, 3H) gates: dim=1 is the last dimension",
        "arith: -1 → 1 [2]": "the contract fixes 2-D (B, 3H) gates: dim=1 is the last dimension",
    },
    "clip_grad_norm": {
        "compare: total > max_norm → total >= max_norm":
            "differs only when the float total equals max_norm exactly, which correct implementations "
            "(float32 or float64 sums, torch.norm) do not reproduce bit for bit; then the scale is 1 - 1e-6/total",
    },
}
