"""Plausible wrong answers for lesson 04 (the PyTorch and Hugging Face toolbox)."""
from course.checks import Mutant

MUTANTS = {
    "pairwise_sq_distances": [
        Mutant("returns Euclidean distances (takes the square root)",
               replace=[("return np.sum(diff ** 2, axis=-1)", "return np.sqrt(np.sum(diff ** 2, axis=-1))")]),
        Mutant("broadcasts the wrong way round (returns the (m, n) transpose)",
               replace=[("diff = X[:, None, :] - Y[None, :, :]", "diff = X[None, :, :] - Y[:, None, :]")]),
        Mutant("sums over the wrong axis",
               replace=[("np.sum(diff ** 2, axis=-1)", "np.sum(diff ** 2, axis=0)")]),
        Mutant("expansion trick with the wrong sign on the cross term",
               code="def pairwise_sq_distances(X, Y):\n"
                    "    X = np.asarray(X, dtype=float); Y = np.asarray(Y, dtype=float)\n"
                    "    return (X ** 2).sum(1)[:, None] + (Y ** 2).sum(1)[None, :] + 2 * X @ Y.T\n"),
    ],
    "split_heads": [
        Mutant("views straight to (B, h, T, d): right shape, time steps and channels mixed",
               replace=[("x.reshape(B, T, n_heads, C // n_heads).transpose(1, 2)",
                         "x.reshape(B, n_heads, T, C // n_heads)")]),
        Mutant("splits the channels as (d, h): heads get interleaved channels",
               replace=[("x.reshape(B, T, n_heads, C // n_heads).transpose(1, 2)",
                         "x.reshape(B, T, C // n_heads, n_heads).permute(0, 3, 1, 2)")]),
        Mutant("transposes the wrong axes (returns (B, T, d, h)-like layout)",
               replace=[(".transpose(1, 2)", ".transpose(2, 3)")]),
        Mutant("no divisibility check (fails with a RuntimeError instead of ValueError)",
               replace=[("    if C % n_heads != 0:\n        raise ValueError(f\"C={C} is not divisible by n_heads={n_heads}\")\n",
                         "")]),
    ],
    "next_token_dataset": [
        Mutant("target not shifted (y is a copy of x)",
               replace=[("y = self.tokens[i + 1:i + 1 + self.block_size]", "y = self.tokens[i:i + self.block_size]")]),
        Mutant("length off by one (counts an incomplete last window)",
               replace=[("return max(0, len(self.tokens) - self.block_size)",
                         "return max(0, len(self.tokens) - self.block_size + 1)")]),
        Mutant("negative length when there are too few tokens",
               replace=[("return max(0, len(self.tokens) - self.block_size)",
                         "return len(self.tokens) - self.block_size")]),
        Mutant("no IndexError past the end (returns short windows)",
               replace=[("        if not 0 <= i < len(self):\n"
                         "            raise IndexError(f\"index {i} out of range for a dataset of {len(self)} examples\")\n",
                         "")]),
    ],
    "mlp": [
        Mutant("ReLU after the output layer too",
               replace=[("nn.Linear(d_hidden, d_out),\n", "nn.Linear(d_hidden, d_out),\n            nn.ReLU(),\n")]),
        Mutant("layers without biases",
               replace=[("nn.Linear(d_in, d_hidden)", "nn.Linear(d_in, d_hidden, bias=False)"),
                        ("nn.Linear(d_hidden, d_hidden)", "nn.Linear(d_hidden, d_hidden, bias=False)"),
                        ("nn.Linear(d_hidden, d_out)", "nn.Linear(d_hidden, d_out, bias=False)")]),
        Mutant("only one hidden layer",
               replace=[("            nn.Linear(d_hidden, d_hidden),\n            nn.ReLU(),\n", "")]),
        Mutant("sigmoid instead of ReLU",
               replace=[("nn.ReLU()", "nn.Sigmoid()")]),
    ],
    "train_step": [
        Mutant("leaves the model in whatever mode it is in (no model.train())",
               replace=[("    model.train()\n", "")]),
        Mutant("forgets optimizer.zero_grad() (gradients accumulate)",
               replace=[("    optimizer.zero_grad()\n", "")]),
        Mutant("returns the loss tensor, not a float",
               replace=[("return loss.item()", "return loss")]),
        Mutant("zero_grad after backward (the step uses no gradient)",
               replace=[("    optimizer.zero_grad()\n    loss = loss_fn(model(x), y)\n    loss.backward()\n",
                         "    loss = loss_fn(model(x), y)\n    loss.backward()\n    optimizer.zero_grad()\n")]),
        Mutant("steps before backward (uses the previous gradients)",
               replace=[("    loss.backward()\n    optimizer.step()\n", "    optimizer.step()\n    loss.backward()\n")]),
        Mutant("forgets optimizer.step()",
               replace=[("    optimizer.step()\n", "")]),
    ],
    "pad_batch": [
        Mutant("mask built by comparing ids with pad_id",
               replace=[("return input_ids, attention_mask", "return input_ids, (input_ids != pad_id).long()")]),
        Mutant("pads with 0 whatever pad_id is",
               replace=[("torch.full((len(seqs), T), pad_id, dtype=torch.long)",
                         "torch.zeros((len(seqs), T), dtype=torch.long)")]),
        Mutant("inverted mask (1 on padding)",
               replace=[("return input_ids, attention_mask", "return input_ids, 1 - attention_mask")]),
        Mutant("pads on the left",
               replace=[("input_ids[b, :len(s)] = torch.tensor(s, dtype=torch.long)\n        attention_mask[b, :len(s)] = 1",
                         "input_ids[b, T - len(s):] = torch.tensor(s, dtype=torch.long)\n        attention_mask[b, T - len(s):] = 1")]),
        Mutant("float mask", replace=[("attention_mask = torch.zeros((len(seqs), T), dtype=torch.long)",
                                       "attention_mask = torch.zeros((len(seqs), T))")]),
    ],
    "mean_pooling": [
        Mutant("plain mean over all positions, padding included",
               code="def mean_pooling(last_hidden_state, attention_mask):\n"
                    "    return last_hidden_state.mean(dim=1)\n"),
        Mutant("masked sum divided by T instead of by the number of real tokens",
               replace=[("return summed / count", "return summed / last_hidden_state.shape[1]")]),
        Mutant("no clamp: an all-padding row gives nan",
               replace=[("count = m.sum(dim=1).clamp(min=1e-9)", "count = m.sum(dim=1)")]),
        Mutant("averages over the hidden axis instead of over tokens",
               replace=[("summed = (last_hidden_state * m).sum(dim=1)", "summed = (last_hidden_state * m).sum(dim=2)")]),
    ],
    "cosine_similarity_matrix": [
        Mutant("ignores eps: always clamps the norms at 1e-12",
               replace=[("clamp(min=eps)", "clamp(min=1e-12)")]),
        Mutant("normalises along the wrong axis (columns instead of rows)",
               replace=[("A.norm(dim=1, keepdim=True)", "A.norm(dim=0, keepdim=True)"),
                        ("B.norm(dim=1, keepdim=True)", "B.norm(dim=0, keepdim=True)")]),
        Mutant("forgets to normalise B",
               replace=[("return A_unit @ B_unit.T", "return A_unit @ B.T")]),
        Mutant("no eps: a zero row gives nan",
               replace=[("A.norm(dim=1, keepdim=True).clamp(min=eps)", "A.norm(dim=1, keepdim=True)"),
                        ("B.norm(dim=1, keepdim=True).clamp(min=eps)", "B.norm(dim=1, keepdim=True)")]),
        Mutant("plain dot products, no normalisation",
               code="def cosine_similarity_matrix(A, B, eps=1e-12):\n    return A @ B.T\n"),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_ARR = ("the contract asks for np.ndarray input; float arrays are unchanged by the conversion and integer ones "
        "give the same (exact) squared differences")
EQUIVALENT = {
    "pairwise_sq_distances": {
        "drop: X = np.asarray(X, dtype=float)": _ARR,
        "cast: drop dtype= in X = np.asarray(X, dtype=float)": _ARR,
        "drop: Y = np.asarray(Y, dtype=float)": _ARR,
        "cast: drop dtype= in Y = np.asarray(Y, dtype=float)": _ARR,
    },
    "pad_batch": {
        "const: 0 → 1 in T = max((len(s) for s in seqs), default=0)":
            "the default only applies to an empty list of sequences, which the contract does not cover",
        "cast: drop dtype= in input_ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)":
            "torch.full with an int fill value is torch.long already",
        "cast: drop dtype= in input_ids[b, :len(s)] = torch.tensor(s, dtype=torch.long)":
            "a list of ints becomes torch.long anyway, and it is written into a torch.long tensor",
    },
    "mean_pooling": {
        "const: 1e-09 → 2e-09 in count = m.sum(dim=1).clamp(min=1e-09)":
            "the count is a whole number: the floor only matters for 0 real tokens, where the sum is 0 either way",
    },
}
