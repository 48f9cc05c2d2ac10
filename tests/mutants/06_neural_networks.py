"""Plausible wrong answers for 06_neural_networks; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "activate": [
        Mutant("ReLU derivative 1 at z = 0 (z >= 0)", replace=[("(z > 0).astype(float)", "(z >= 0).astype(float)")]),
        Mutant("tanh derivative without the square: 1 - tanh(z)",
               replace=[("return t, 1.0 - t ** 2", "return t, 1.0 - t")]),
        Mutant("sigmoid derivative forgets the (1 - s) factor",
               replace=[("return s, s * (1.0 - s)", "return s, s")]),
        Mutant("GELU derivative keeps only Phi(z), forgets z * phi(z)",
               replace=[("return z * cdf, cdf + z * pdf", "return z * cdf, cdf")]),
        Mutant("GELU's normal CDF without the 1/sqrt(2): erf(z) instead of erf(z / sqrt 2)",
               replace=[("erf(z / np.sqrt(2.0))", "erf(z)")]),
        Mutant("GELU's tanh approximation instead of the exact form asked for",
               replace=[("cdf = 0.5 * (1.0 + erf(z / np.sqrt(2.0)))",
                         "cdf = 0.5 * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z ** 3)))")]),
        Mutant("ReLU derivative returns max(z, 0) instead of the step",
               replace=[("(z > 0).astype(float)", "np.maximum(z, 0.0)")]),
    ],
    "softmax": [
        Mutant("no max shift: exp overflows to inf / inf = nan",
               replace=[("shifted = z - z.max(axis=-1, keepdims=True)", "shifted = z")]),
        Mutant("subtracts the maximum of the whole array, not of each row",
               replace=[("shifted = z - z.max(axis=-1, keepdims=True)", "shifted = z - z.max()")]),
        Mutant("normalises over the first axis",
               replace=[("shifted = z - z.max(axis=-1, keepdims=True)", "shifted = z - z.max(axis=0, keepdims=True)"),
                        ("return e / e.sum(axis=-1, keepdims=True)", "return e / e.sum(axis=0, keepdims=True)")]),
        Mutant("sum without keepdims: broadcasts along the wrong axis",
               replace=[("return e / e.sum(axis=-1, keepdims=True)", "return e / e.sum(axis=-1)")]),
    ],
    "cross_entropy": [
        Mutant("log-sum-exp without the max shift: exp overflows",
               code=("def cross_entropy(logits, y):\n"
                     "    logits = np.asarray(logits, dtype=float)\n"
                     "    y = np.asarray(y, dtype=int)\n"
                     "    n = logits.shape[0]\n"
                     "    lse = np.log(np.exp(logits).sum(axis=1))\n"
                     "    return float(np.mean(lse - logits[np.arange(n), y]))\n")),
        Mutant("takes the log of the (stable) softmax probability: inf when it underflows",
               code=("def cross_entropy(logits, y):\n"
                     "    logits = np.asarray(logits, dtype=float)\n"
                     "    y = np.asarray(y, dtype=int)\n"
                     "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
                     "    p = e / e.sum(axis=1, keepdims=True)\n"
                     "    return float(-np.mean(np.log(p[np.arange(len(y)), y])))\n")),
        Mutant("sums over the batch instead of averaging",
               replace=[("return float(np.mean(lse - correct))", "return float(np.sum(lse - correct))")]),
        Mutant("indexes logits[:, y] (an n x n matrix) instead of logits[arange(n), y]",
               replace=[("correct = logits[np.arange(n), y]", "correct = logits[:, y]")]),
        Mutant("wrong sign: returns log p_y instead of -log p_y",
               replace=[("return float(np.mean(lse - correct))", "return float(np.mean(correct - lse))")]),
    ],
    "mlp_forward": [
        Mutant("forgets the hidden bias b1",
               replace=[('Z1 = X @ params["W1"] + params["b1"]', 'Z1 = X @ params["W1"]')]),
        Mutant("applies the activation to the output layer too",
               replace=[('logits = H @ params["W2"] + params["b2"]',
                         'logits, _ = activate(activation, H @ params["W2"] + params["b2"])')]),
        Mutant("returns softmax probabilities instead of logits",
               replace=[('logits = H @ params["W2"] + params["b2"]',
                         'logits = softmax(H @ params["W2"] + params["b2"])')]),
        Mutant("forgets the non-linearity (H = Z1)",
               replace=[("H, _ = activate(activation, Z1)", "H = Z1")]),
    ],
    "mlp_backward": [
        Mutant("forgets the 1/n of the mean",
               replace=[("    G_logits /= n\n", "")]),
        Mutant("evaluates the activation's derivative at H instead of Z1",
               replace=[('_, dphi = activate(cache["activation"], Z1)', '_, dphi = activate(cache["activation"], H)')]),
        Mutant("forgets to subtract the one-hot labels (uses P / n)",
               replace=[("    G_logits[np.arange(n), y] -= 1.0\n", "")]),
        Mutant("forgets to multiply by the activation's derivative",
               replace=[("G_Z1 = G_H * dphi", "G_Z1 = G_H")]),
        Mutant("divides by n again for the first layer",
               replace=[("grads[\"W1\"] = X.T @ G_Z1", "grads[\"W1\"] = X.T @ G_Z1 / n"),
                        ("grads[\"b1\"] = G_Z1.sum(axis=0)", "grads[\"b1\"] = G_Z1.sum(axis=0) / n")]),
        Mutant("bias gradient as a mean over the rows instead of a sum",
               replace=[('grads = {"W2": H.T @ G_logits, "b2": G_logits.sum(axis=0)}',
                         'grads = {"W2": H.T @ G_logits, "b2": G_logits.mean(axis=0)}')]),
    ],
    "train_mlp": [
        Mutant("updates the caller's arrays in place",
               replace=[("params = {name: np.array(value, dtype=float, copy=True) for name, value in params.items()}",
                         "params = dict(params)"),
                        ("params[name] = params[name] - lr * grads[name]", "params[name] -= lr * grads[name]")]),
        Mutant("gradient ascent: adds the gradient",
               replace=[("params[name] = params[name] - lr * grads[name]", "params[name] = params[name] + lr * grads[name]")]),
        Mutant("never updates the biases",
               replace=[("        for name in params:\n", "        for name in (\"W1\", \"W2\"):\n")]),
        Mutant("records the loss after the update instead of before",
               code=("def train_mlp(params, X, y, lr=0.5, n_steps=1000, activation=\"relu\"):\n"
                     "    params = {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}\n"
                     "    losses = np.empty(n_steps)\n"
                     "    for t in range(n_steps):\n"
                     "        logits, cache = mlp_forward(params, X, activation)\n"
                     "        grads = mlp_backward(params, cache, y)\n"
                     "        for k in params:\n"
                     "            params[k] = params[k] - lr * grads[k]\n"
                     "        losses[t] = cross_entropy(mlp_forward(params, X, activation)[0], y)\n"
                     "    return params, losses\n")),
        Mutant("updates W2 before computing the gradient of W1 (stale forward for layer 1)",
               code=("def train_mlp(params, X, y, lr=0.5, n_steps=1000, activation=\"relu\"):\n"
                     "    params = {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}\n"
                     "    losses = np.empty(n_steps)\n"
                     "    for t in range(n_steps):\n"
                     "        logits, cache = mlp_forward(params, X, activation)\n"
                     "        losses[t] = cross_entropy(logits, y)\n"
                     "        g = mlp_backward(params, cache, y)\n"
                     "        params['W2'] = params['W2'] - lr * g['W2']\n"
                     "        params['b2'] = params['b2'] - lr * g['b2']\n"
                     "        g = mlp_backward(params, cache, y)\n"
                     "        params['W1'] = params['W1'] - lr * g['W1']\n"
                     "        params['b1'] = params['b1'] - lr * g['b1']\n"
                     "    return params, losses\n")),
    ],
    "make_torch_mlp": [
        Mutant("an activation after the last layer too",
               replace=[("        if i < n_layers - 1:\n            layers.append(modules[activation]())",
                         "        layers.append(modules[activation]())")]),
        Mutant("always ReLU, whatever the name",
               replace=[("layers.append(modules[activation]())", "layers.append(nn.ReLU())")]),
        Mutant("off by one: drops the last Linear layer",
               replace=[("n_layers = len(sizes) - 1", "n_layers = len(sizes) - 2")]),
        Mutant("Linear layers without biases",
               replace=[("nn.Linear(sizes[i], sizes[i + 1])", "nn.Linear(sizes[i], sizes[i + 1], bias=False)")]),
        Mutant("GELU with the tanh approximation",
               replace=[('"gelu": nn.GELU}', '"gelu": lambda: nn.GELU(approximate="tanh")}')]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_ARR = ("the contract asks for np.ndarray input and the tests pass arrays (integer ones too): numpy promotes them "
        "in the float arithmetic that follows, so converting them first changes nothing")


def _arrays(*lines):
    out = {}
    for line in lines:
        out[f"drop: {line}"] = _ARR
        out[f"cast: drop dtype= in {line}"] = _ARR
    return out


EQUIVALENT = {
    "activate": _arrays("z = np.asarray(z, dtype=float)"),
    "softmax": _arrays("z = np.asarray(z, dtype=float)"),
    "cross_entropy": {**_arrays("logits = np.asarray(logits, dtype=float)", "y = np.asarray(y, dtype=int)"),
                      "cast: float(np.mean(lse - correct)) → np.mean(lse - correct)":
                          "np.float64 subclasses float: the value is already the float the contract promises"},
    "mlp_forward": _arrays("X = np.asarray(X, dtype=float)"),
    "mlp_backward": _arrays("y = np.asarray(y, dtype=int)"),
    "train_mlp": {
        "cast: drop dtype= in params = {name: np.array(value, dtype=float, copy=True) for name, val…":
            "the updates theta - lr * grad are float arrays whatever the starting dtype",
        "const: True → False in params = {name: np.array(value, dtype=float, copy=True) for name, val…":
            "every update builds a new array (theta - lr * grad), so the caller's arrays are never written to",
    },
}
