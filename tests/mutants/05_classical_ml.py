"""Plausible wrong answers for 05_classical_ml; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "linear_regression_closed_form": [
        Mutant("forgets the intercept: fits through the origin and returns b = 0",
               code=("def linear_regression_closed_form(X, y):\n"
                     "    X = np.asarray(X, dtype=float)\n"
                     "    y = np.asarray(y, dtype=float)\n"
                     "    w = np.linalg.solve(X.T @ X, X.T @ y)\n"
                     "    return w, 0.0\n")),
        Mutant("reads the intercept from the wrong end of theta",
               replace=[("return theta[:-1], float(theta[-1])", "return theta[1:], float(theta[0])")]),
        Mutant("centres y but not X before solving",
               code=("def linear_regression_closed_form(X, y):\n"
                     "    X = np.asarray(X, dtype=float)\n"
                     "    y = np.asarray(y, dtype=float)\n"
                     "    w = np.linalg.lstsq(X, y - y.mean(), rcond=None)[0]\n"
                     "    return w, float(y.mean())\n")),
    ],
    "linear_regression_gd": [
        Mutant("drops the factor 2 of the squared-error gradient",
               replace=[("grad_w = (2.0 / n) * (X.T @ r)", "grad_w = (1.0 / n) * (X.T @ r)"),
                        ("grad_b = 2.0 * np.mean(r)", "grad_b = np.mean(r)")]),
        Mutant("never updates the bias",
               replace=[("b = b - lr * grad_b", "b = b")]),
        Mutant("records the loss after the update instead of before",
               replace=[("        history[t] = np.mean(r ** 2)\n", ""),
                        ("        b = b - lr * grad_b\n", "        b = b - lr * grad_b\n        history[t] = np.mean((X @ w + b - y) ** 2)\n")]),
        Mutant("sums instead of averaging the gradient (forgets 1/n)",
               replace=[("grad_w = (2.0 / n) * (X.T @ r)", "grad_w = 2.0 * (X.T @ r)")]),
    ],
    "sigmoid": [
        Mutant("e^z / (1 + e^z) everywhere: inf / inf = nan for large z",
               code="def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    return np.exp(z) / (1.0 + np.exp(z))\n"),
        Mutant("wrong sign in the exponent",
               replace=[("return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
                         "return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))")]),
        Mutant("math.exp: works for one number only",
               code="import math\ndef sigmoid(z):\n    return 1.0 / (1.0 + math.exp(-z))\n"),
    ],
    "logistic_loss": [
        Mutant("naive log of the sigmoid: -inf / nan for large |z|",
               code=("def logistic_loss(z, y):\n"
                     "    z = np.asarray(z, dtype=float); y = np.asarray(y, dtype=float)\n"
                     "    p = 1.0 / (1.0 + np.exp(-z))\n"
                     "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))\n")),
        Mutant("log1p(exp(z)) overflows for large z",
               replace=[("np.logaddexp(0.0, z)", "np.log1p(np.exp(z))")]),
        Mutant("sum instead of mean",
               replace=[("float(np.mean(", "float(np.sum(")]),
        Mutant("wrong sign of the y * z term",
               replace=[("- y * z", "+ y * z")]),
    ],
    "logistic_regression_fit": [
        Mutant("error with the wrong sign: gradient ascent",
               replace=[("err = sigmoid(z) - y", "err = y - sigmoid(z)")]),
        Mutant("forgets to divide the weight gradient by n",
               replace=[("grad_w = X.T @ err / n + l2 * w", "grad_w = X.T @ err + l2 * w")]),
        Mutant("forgets the L2 term in the gradient",
               replace=[("grad_w = X.T @ err / n + l2 * w", "grad_w = X.T @ err / n")]),
        Mutant("uses the logit instead of the probability (linear-regression gradient)",
               replace=[("err = sigmoid(z) - y", "err = z - y")]),
        Mutant("loss history without the penalty",
               replace=[("history[t] = logistic_loss(z, y) + 0.5 * l2 * np.sum(w ** 2)",
                         "history[t] = logistic_loss(z, y)")]),
    ],
    "gini_impurity": [
        Mutant("returns sum p^2 (the purity) instead of 1 - sum p^2",
               replace=[("return float(1.0 - np.sum(p ** 2))", "return float(np.sum(p ** 2))")]),
        Mutant("forgets to square the shares: always 0",
               replace=[("return float(1.0 - np.sum(p ** 2))", "return float(1.0 - np.sum(p))")]),
        Mutant("counts with np.bincount: breaks on strings and negative labels",
               code=("def gini_impurity(y):\n"
                     "    y = np.asarray(y)\n"
                     "    if y.size == 0:\n"
                     "        return 0.0\n"
                     "    p = np.bincount(y) / y.size\n"
                     "    return float(1.0 - np.sum(p ** 2))\n")),
        Mutant("no special case for empty labels: returns 1.0",
               replace=[("    if y.size == 0:\n        return 0.0\n", "")]),
    ],
    "best_split": [
        Mutant("plain average of the two child impurities, not weighted by size",
               replace=[("imp = (i / n) * gini_impurity(ys[:i]) + ((n - i) / n) * gini_impurity(ys[i:])",
                         "imp = 0.5 * gini_impurity(ys[:i]) + 0.5 * gini_impurity(ys[i:])")]),
        Mutant("forgets to sort x",
               replace=[('order = np.argsort(x, kind="stable")', "order = np.arange(n)")]),
        Mutant("threshold at the upper value instead of the midpoint",
               replace=[("float((xs[i - 1] + xs[i]) / 2)", "float(xs[i])")]),
        Mutant("weights by counts but does not divide by n",
               replace=[("imp = (i / n) * gini_impurity(ys[:i]) + ((n - i) / n) * gini_impurity(ys[i:])",
                         "imp = i * gini_impurity(ys[:i]) + (n - i) * gini_impurity(ys[i:])")]),
        Mutant("does not skip repeated x values (splits between equal values)",
               replace=[("        if xs[i] == xs[i - 1]:\n            continue\n", "")]),
    ],
    "kmeans": [
        Mutant("returns the labels of the last assignment, not of the returned centroids",
               replace=[("    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)\n    return C, d2.argmin(axis=1)",
                         "    return C, labels")]),
        Mutant("never moves the centroids",
               replace=[("                C[j] = members.mean(axis=0)", "                pass")]),
        Mutant("empty cluster becomes nan (mean of no points)",
               replace=[("            if len(members) > 0:\n                C[j] = members.mean(axis=0)",
                         "            C[j] = members.mean(axis=0)")]),
        Mutant("sums the squared differences over the wrong axis",
               replace=[("d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)\n        new_labels",
                         "d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=1)\n        new_labels")]),
        Mutant("modifies the caller's init_centroids in place",
               replace=[("C = np.array(init_centroids, dtype=float)", "C = np.asarray(init_centroids, dtype=float)")]),
        Mutant("stops after one round",
               replace=[("for _ in range(n_iters):", "for _ in range(min(n_iters, 1)):")]),
    ],
    "pca": [
        Mutant("forgets to centre the data",
               replace=[("Xc = X - X.mean(axis=0)", "Xc = X")]),
        Mutant("explained-variance ratio over the kept components only",
               replace=[("ratio = var[:k] / var.sum()", "ratio = var[:k] / var[:k].sum()")]),
        Mutant("takes columns of V^T instead of rows",
               replace=[("components = Vt[:k]", "components = Vt.T[:k]")]),
        Mutant("eigh of the covariance without re-sorting (ascending eigenvalues)",
               code=("def pca(X, k):\n"
                     "    X = np.asarray(X, dtype=float)\n"
                     "    Xc = X - X.mean(axis=0)\n"
                     "    vals, vecs = np.linalg.eigh(Xc.T @ Xc)\n"
                     "    components = vecs[:, :k].T\n"
                     "    return components, Xc @ components.T, vals[:k] / vals.sum()\n")),
    ],
    "k_fold_indices": [
        Mutant("drops the remainder: folds of size n // k",
               code=("def k_fold_indices(n, k, seed=0):\n"
                     "    if not 2 <= k <= n:\n"
                     "        raise ValueError('bad k')\n"
                     "    perm = np.random.default_rng(seed).permutation(n)\n"
                     "    size = n // k\n"
                     "    out = []\n"
                     "    for i in range(k):\n"
                     "        test = perm[i * size:(i + 1) * size]\n"
                     "        train = np.setdiff1d(perm, test)\n"
                     "        out.append((train, test))\n"
                     "    return out\n")),
        Mutant("train set includes the test fold",
               replace=[("train_idx = np.concatenate([folds[j] for j in range(k) if j != i])", "train_idx = perm")]),
        Mutant("no shuffling",
               replace=[("perm = np.random.default_rng(seed).permutation(n)", "perm = np.arange(n)")]),
        Mutant("ignores the seed (fresh randomness each call)",
               replace=[("perm = np.random.default_rng(seed).permutation(n)", "perm = np.random.default_rng().permutation(n)")]),
    ],
    "precision_recall_f1": [
        Mutant("treats a denominator of 1 as empty (> 1 instead of > 0)",
               replace=[("if tp + fp > 0", "if tp + fp > 1"), ("if tp + fn > 0", "if tp + fn > 1")]),
        Mutant("precision and recall swapped (FN in the precision denominator)",
               replace=[("precision = tp / (tp + fp) if tp + fp > 0 else 0.0", "precision = tp / (tp + fn) if tp + fn > 0 else 0.0"),
                        ("recall = tp / (tp + fn) if tp + fn > 0 else 0.0", "recall = tp / (tp + fp) if tp + fp > 0 else 0.0")]),
        Mutant("F1 as the arithmetic mean",
               replace=[("f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0",
                         "f1 = (precision + recall) / 2")]),
        Mutant("always treats label 1 as positive",
               replace=[("y_true = np.asarray(y_true)\n", "y_true = np.asarray(y_true)\n    positive = 1\n")]),
        Mutant("zero division gives nan",
               code=("def precision_recall_f1(y_true, y_pred, positive=1):\n"
                     "    y_true = np.asarray(y_true); y_pred = np.asarray(y_pred)\n"
                     "    tp = np.sum((y_pred == positive) & (y_true == positive))\n"
                     "    fp = np.sum((y_pred == positive) & (y_true != positive))\n"
                     "    fn = np.sum((y_pred != positive) & (y_true == positive))\n"
                     "    with np.errstate(all='ignore'):\n"
                     "        p = tp / (tp + fp); r = tp / (tp + fn)\n"
                     "        f = 2 * p * r / (p + r)\n"
                     "    return float(p), float(r), float(f)\n")),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_ARR = ("the contract asks for np.ndarray input and the tests pass arrays; numpy promotes integer arrays in the "
        "float arithmetic that follows, so converting them again changes nothing")
_F64 = "np.float64 subclasses float: the value is already the float the contract promises"


def _arrays(*lines):
    """The automatic mutants of conversion lines such as `X = np.asarray(X, dtype=float)`: dropped, without dtype."""
    out = {}
    for line in lines:
        out[f"drop: {line}"] = _ARR
        if "dtype=" in line:
            out[f"cast: drop dtype= in {line}"] = _ARR
    return out


def _floats(*exprs):
    return {f"cast: float({e}) → {e}": _F64 for e in exprs}


_STOP = ("when no assignment changes, the update recomputes the same means: running the remaining rounds gives "
         "the same centroids and labels as stopping")
EQUIVALENT = {
    "linear_regression_closed_form": {**_arrays("X = np.asarray(X, dtype=float)", "y = np.asarray(y, dtype=float)"),
                                      **_floats("theta[-1]")},
    "linear_regression_gd": {**_arrays("X = np.asarray(X, dtype=float)"), "drop: y = np.asarray(y, dtype=float)": _ARR,
                             **_floats("b")},
    "sigmoid": {**_arrays("z = np.asarray(z, dtype=float)"),
                "compare: z >= 0 → z > 0": "at z = 0 both forms give exactly 0.5"},
    "logistic_loss": {**_arrays("z = np.asarray(z, dtype=float)", "y = np.asarray(y, dtype=float)"),
                      **_floats("np.mean(np.logaddexp(0.0, z) - y * z)")},
    "logistic_regression_fit": {**_arrays("X = np.asarray(X, dtype=float)", "y = np.asarray(y, dtype=float)"),
                                **_floats("b")},
    "gini_impurity": _floats("1.0 - np.sum(p ** 2)"),
    "best_split": {**_arrays("x = np.asarray(x, dtype=float)", "y = np.asarray(y)"),
                   "compare: imp < best_imp → imp <= best_imp": "the contract says ties may be broken either way",
                   **_floats("(xs[i - 1] + xs[i]) / 2", "imp")},
    "kmeans": {"drop: X = np.asarray(X, dtype=float)": _ARR,
               "drop: if labels is not None and np.array_equal(new_labels, labels): …": _STOP,
               "compare: labels is not None → labels is None": _STOP + " (this never stops early)"},
    "pca": {**_arrays("X = np.asarray(X, dtype=float)"),
            "const: False → True in U, S, Vt = np.linalg.svd(Xc, full_matrices=False)":
                "only the first k rows of Vt and the singular values are used; full matrices give the same ones"},
    "precision_recall_f1": {"drop: y_true = np.asarray(y_true)": _ARR,
                            "cast: int(np.sum((y_pred == positive) & (y_true == positive))) → "
                            "np.sum((y_pred == positive) & (y_true == positive))": "an np.int64 count divides the same",
                            **_floats("precision", "recall", "f1")},
}
