"""Plausible wrong answers for lesson 03 (probability and statistics); each must fail its tests."""
from course.checks import Mutant

MUTANTS = {
    "bayes_posterior": [
        Mutant("forgets to divide by the evidence (returns the joint)",
               replace=[("return joint / evidence", "return joint")]),
        Mutant("normalises by the sum of the likelihoods instead of the evidence",
               replace=[("evidence = joint.sum()", "evidence = likelihood.sum()")]),
        Mutant("ignores the prior (normalised likelihood)",
               replace=[("joint = prior * likelihood", "joint = likelihood")]),
        Mutant("no ValueError for impossible data (returns NaNs)",
               replace=[("if evidence <= 0:", "if False:")]),
    ],
    "gaussian_log_pdf": [
        Mutant("takes the log of the density (underflows to -inf in the tails)",
               replace=[("return -0.5 * z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)",
                         "return np.log(np.exp(-0.5 * z**2) / (sigma * np.sqrt(2 * np.pi)))")]),
        Mutant("treats sigma as the variance in the exponent",
               replace=[("z = (x - mu) / sigma", "z = (x - mu) / np.sqrt(sigma)")]),
        Mutant("forgets the -log(sigma) normaliser",
               replace=[(" - np.log(sigma) - ", " - ")]),
        Mutant("drops the 1/2 in the exponent",
               replace=[("-0.5 * z**2", "-z**2")]),
    ],
    "exponential_inverse_cdf_sample": [
        Mutant("uses -log(u): right distribution, but not F^-1 (decreasing in u)",
               replace=[("-np.log1p(-u) / lam", "-np.log(u) / lam")]),
        Mutant("multiplies by the rate instead of dividing",
               replace=[("/ lam", "* lam")]),
        Mutant("forgets the minus sign (negative samples)",
               replace=[("-np.log1p(-u) / lam", "np.log1p(-u) / lam")]),
    ],
    "mle_gaussian": [
        Mutant("unbiased n - 1 variance, which is not the MLE",
               replace=[("np.mean((x - mu_hat) ** 2)", "np.sum((x - mu_hat) ** 2) / (len(x) - 1)")]),
        Mutant("returns the standard deviation instead of the variance",
               replace=[("float(np.mean((x - mu_hat) ** 2))", "float(np.sqrt(np.mean((x - mu_hat) ** 2)))")]),
        Mutant("forgets to centre the data (mean of squares)",
               replace=[("(x - mu_hat) ** 2", "x ** 2")]),
        Mutant("E[x^2] - mean^2: loses every digit far from 0 (issue 11)",
               replace=[("float(np.mean((x - mu_hat) ** 2))", "float(np.mean(x ** 2) - mu_hat ** 2)")]),
    ],
    "welch_t_test": [
        Mutant("pooled degrees of freedom n_a + n_b - 2 instead of Welch-Satterthwaite",
               replace=[("df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))", "df = na + nb - 2")]),
        Mutant("biased (ddof=0) variances",
               replace=[("a.var(ddof=1)", "a.var()"), ("b.var(ddof=1)", "b.var()")]),
        Mutant("one-sided p-value",
               replace=[("p = 2 * stats.t.sf", "p = stats.t.sf")]),
        Mutant("difference of means the wrong way round",
               replace=[("a.mean() - b.mean()", "b.mean() - a.mean()")]),
        Mutant("normal tail instead of Student's t",
               replace=[("stats.t.sf(abs(t), df)", "stats.norm.sf(abs(t))")]),
        Mutant("Student's pooled-variance t-test",
               code=(
                   "def welch_t_test(a, b):\n"
                   "    a, b = np.asarray(a, float), np.asarray(b, float)\n"
                   "    na, nb = len(a), len(b)\n"
                   "    sp2 = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)\n"
                   "    t = (a.mean() - b.mean()) / np.sqrt(sp2 * (1 / na + 1 / nb))\n"
                   "    return float(t), float(2 * stats.t.sf(abs(t), na + nb - 2))\n"
               )),
    ],
    "bootstrap_ci": [
        Mutant("ignores n_boot: always 2000 resamples",
               replace=[("size=(n_boot, n)", "size=(2000, n)")]),
        Mutant("resamples without replacement (every resample is a shuffle of x)",
               replace=[("idx = rng.integers(0, n, size=(n_boot, n))",
                         "idx = np.array([rng.permutation(n) for _ in range(n_boot)])")]),
        Mutant("alpha instead of alpha / 2 in each tail",
               replace=[("[alpha / 2, 1 - alpha / 2]", "[alpha, 1 - alpha]")]),
        Mutant("np.percentile with fractions instead of percentages",
               replace=[("np.quantile(", "np.percentile(")]),
        Mutant("quantiles of the data instead of the bootstrap statistics",
               replace=[("np.quantile(boot,", "np.quantile(x,")]),
        Mutant("ignores the rng argument (not reproducible)",
               replace=[("if rng is None:", "if True:")]),
        Mutant("resamples of a fixed size 10 instead of n",
               replace=[("size=(n_boot, n)", "size=(n_boot, 10)")]),
    ],
    "entropy": [
        Mutant("no 0 log 0 handling (NaN for zero probabilities)",
               replace=[("np.log(safe)", "np.log(p)")]),
        Mutant("log base 2 (bits instead of nats)",
               replace=[("np.log(safe)", "np.log2(safe)")]),
        Mutant("sums over the first axis instead of the last",
               replace=[("axis=-1", "axis=0")]),
        Mutant("forgets the minus sign",
               replace=[("return -np.sum(", "return np.sum(")]),
    ],
    "cross_entropy": [
        Mutant("arguments swapped: -sum q log p",
               replace=[("p = np.asarray(p, dtype=float)\n    q = np.asarray(q, dtype=float)",
                         "p, q = np.asarray(q, dtype=float), np.asarray(p, dtype=float)")]),
        Mutant("no masking of p = 0 terms (NaN from 0 * log 0)",
               replace=[("terms = np.where(p > 0, p * logq, 0.0)", "terms = p * logq")]),
        Mutant("log base 2",
               replace=[("logq = np.log(q)", "logq = np.log2(q)")]),
        Mutant("mean over outcomes instead of the sum",
               replace=[("-np.sum(terms, axis=-1)", "-np.mean(terms, axis=-1)")]),
    ],
    "kl_divergence": [
        Mutant("reversed: KL(q || p)",
               replace=[("p = np.asarray(p, dtype=float)\n    q = np.asarray(q, dtype=float)",
                         "p, q = np.asarray(q, dtype=float), np.asarray(p, dtype=float)")]),
        Mutant("no masking of p = 0 terms (NaN from 0 * log 0)",
               replace=[("terms = np.where(p > 0, p * (np.log(p) - np.log(q)), 0.0)",
                         "terms = p * (np.log(p) - np.log(q))")]),
        Mutant("log ratio upside down (negative divergence)",
               replace=[("np.log(p) - np.log(q)", "np.log(q) - np.log(p)")]),
        Mutant("returns the cross-entropy (forgets to subtract the entropy)",
               replace=[("np.log(p) - np.log(q)", "- np.log(q)")]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_ARR = ("the contract asks for float np.ndarray input and the tests pass exactly that: converting it again "
        "(or not) changes nothing")
_F64 = "np.float64 subclasses float: the value is already the float the contract promises"


def _arrays(*names):
    """The two automatic mutants of a line `name = np.asarray(name, dtype=float)`: dropped, or without dtype."""
    out = {}
    for n in names:
        out[f"drop: {n} = np.asarray({n}, dtype=float)"] = _ARR
        out[f"cast: drop dtype= in {n} = np.asarray({n}, dtype=float)"] = _ARR
    return out


EQUIVALENT = {
    "bayes_posterior": _arrays("prior", "likelihood"),
    "gaussian_log_pdf": _arrays("x", "mu", "sigma"),
    "exponential_inverse_cdf_sample": _arrays("u"),
    "mle_gaussian": {**_arrays("x"), "cast: float(x.mean()) → x.mean()": _F64,
                     "cast: float(np.mean((x - mu_hat) ** 2)) → np.mean((x - mu_hat) ** 2)": _F64},
    "welch_t_test": {"drop: a = np.asarray(a, dtype=float)": _ARR,
                     "cast: drop dtype= in a = np.asarray(a, dtype=float)": _ARR,
                     "drop: b = np.asarray(b, dtype=float)": _ARR,
                     "cast: float(t) → t": _F64},
    "bootstrap_ci": {"drop: x = np.asarray(x)": _ARR,
                     "cast: drop dtype= in boot = np.array([stat(x[i]) for i in idx], dtype=float)":
                         "stat returns numbers, so the array of them is float either way",
                     "cast: float(lo) → lo": _F64, "cast: float(hi) → hi": _F64},
    "entropy": {**_arrays("p"),
                "const: 1.0 → 2.0 in safe = np.where(p > 0, p, 1.0)":
                    "the placeholder is only used where p = 0, and 0 * log(anything positive) = 0"},
    "cross_entropy": _arrays("p", "q"),
    "kl_divergence": _arrays("p", "q"),
}
