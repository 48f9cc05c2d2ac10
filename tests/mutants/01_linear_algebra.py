"""Plausible wrong answers to the exercises of 01_linear_algebra; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "lp_norm": [
        Mutant("keeps integer input as integers: |x|^p overflows int64",
               replace=[("a = np.abs(np.asarray(x, dtype=float))", "a = np.abs(np.asarray(x))")]),
        Mutant("forgets the absolute value",
               replace=[("a = np.abs(np.asarray(x, dtype=float))", "a = np.asarray(x, dtype=float)")]),
        Mutant("forgets the 1/p-th root",
               replace=[("return float(np.sum(a ** p) ** (1.0 / p))", "return float(np.sum(a ** p))")]),
        Mutant("max-norm without the absolute value",
               replace=[("return float(np.max(a))", "return float(np.max(x))")]),
        Mutant("accepts p < 1",
               replace=[('raise ValueError(f"p must be >= 1 for a norm, got {p}")', "pass")]),
    ],
    "cosine_similarity": [
        Mutant("normalises only Y",
               replace=[("Xn = X / np.linalg.norm(X, axis=1, keepdims=True)", "Xn = X")]),
        Mutant("normalises the columns instead of the rows",
               replace=[("np.linalg.norm(X, axis=1, keepdims=True)", "np.linalg.norm(X, axis=0, keepdims=True)"),
                        ("np.linalg.norm(Y, axis=1, keepdims=True)", "np.linalg.norm(Y, axis=0, keepdims=True)")]),
        Mutant("returns raw dot products", replace=[("return Xn @ Yn.T", "return X @ Y.T")]),
        Mutant("returns the transpose, shape (m, n)", replace=[("return Xn @ Yn.T", "return Yn @ Xn.T")]),
        Mutant("normalises the caller's arrays in place",
               code="def cosine_similarity(X, Y):\n"
                    "    X /= np.linalg.norm(X, axis=1, keepdims=True)\n"
                    "    Y /= np.linalg.norm(Y, axis=1, keepdims=True)\n"
                    "    return X @ Y.T\n"),
    ],
    "matmul": [
        Mutant("indexes B as B[j, k]", replace=[("total += A[i, k] * B[k, j]", "total += A[i, k] * B[j, k]")]),
        Mutant("overwrites instead of accumulating", replace=[("total += A[i, k] * B[k, j]", "total = A[i, k] * B[k, j]")]),
        Mutant("off by one in the inner loop", replace=[("for k in range(n):", "for k in range(n - 1):")]),
        Mutant("no shape check",
               replace=[('raise ValueError(f"inner dimensions differ: A is {A.shape}, B is {B.shape}")', "pass")]),
        Mutant("running sum not reset for each entry",
               code="def matmul(A, B):\n"
                    "    m, n = A.shape\n"
                    "    n_b, p = B.shape\n"
                    "    if n != n_b:\n"
                    "        raise ValueError('inner dimensions differ')\n"
                    "    C = np.zeros((m, p))\n"
                    "    total = 0.0\n"
                    "    for i in range(m):\n"
                    "        for j in range(p):\n"
                    "            for k in range(n):\n"
                    "                total += A[i, k] * B[k, j]\n"
                    "            C[i, j] = total\n"
                    "    return C\n"),
    ],
    "rotation_matrix": [
        Mutant("transposed: rotates clockwise", replace=[("[[c, -s], [s, c]]", "[[c, s], [-s, c]]")]),
        Mutant("treats theta as degrees",
               replace=[("c, s = np.cos(theta), np.sin(theta)", "c, s = np.cos(np.deg2rad(theta)), np.sin(np.deg2rad(theta))")]),
        Mutant("misses the minus sign", replace=[("[[c, -s], [s, c]]", "[[c, s], [s, c]]")]),
    ],
    "solve": [
        Mutant("no pivoting", replace=[("r = k + int(np.argmax(np.abs(U[k:, k])))", "r = k")]),
        Mutant("pivot = largest signed entry, not largest absolute value",
               replace=[("np.argmax(np.abs(U[k:, k]))", "np.argmax(U[k:, k])")]),
        Mutant("searches the pivot from row 0, not from row k",
               replace=[("r = k + int(np.argmax(np.abs(U[k:, k])))", "r = int(np.argmax(np.abs(U[:, k])))")]),
        Mutant("swaps the rows of A but not of b", replace=[("c[[k, r]] = c[[r, k]]", "pass")]),
        Mutant("forgets to update b during elimination", replace=[("c[i] -= factor * c[k]", "pass")]),
        Mutant("back substitution skips the first row",
               replace=[("for i in range(n - 1, -1, -1):", "for i in range(n - 1, 0, -1):")]),
        Mutant("works on A and b in place (no copy)",
               replace=[("U = np.array(A, dtype=float)", "U = A"), ("c = np.array(b, dtype=float)", "c = b")]),
        Mutant("keeps integer dtype", replace=[("U = np.array(A, dtype=float)", "U = np.array(A)")]),
        Mutant("never reports a singular matrix",
               replace=[('raise np.linalg.LinAlgError(f"A is singular: no usable pivot in column {k}")', "pass")]),
    ],
    "power_iteration": [
        Mutant("ignores num_iters: always iterates to convergence",
               replace=[("for _ in range(num_iters):", "for _ in range(1000):")]),
        Mutant("ignores seed: always starts from default_rng(0)",
               replace=[("np.random.default_rng(seed)", "np.random.default_rng(0)")]),
        Mutant("does not scale the start vector to length 1",
               replace=[("    v = v / np.linalg.norm(v)\n", "")]),
        Mutant("eigenvalue as the norm of A v (loses the sign)",
               replace=[("lam = float(v @ A @ v)", "lam = float(np.linalg.norm(A @ v))")]),
        Mutant("no rescaling inside the loop", replace=[("w = w / np.linalg.norm(w)", "pass")]),
        Mutant("starts from the first basis vector",
               replace=[("v = np.random.default_rng(seed).standard_normal(n)", "v = np.eye(n)[0]")]),
        Mutant("multiplies from the left (v A): a left eigenvector", replace=[("w = A @ v", "w = v @ A")]),
    ],
    "gram_schmidt": [
        Mutant("absolute tolerance: ignores ||A[:, j]||",
               replace=[("norm_u <= tol * np.linalg.norm(A[:, j])", "norm_u <= tol")]),
        Mutant("ignores tol: always 1e-10", replace=[("<= tol *", "<= 1e-10 *")]),
        Mutant("forgets to normalise", replace=[("Q[:, j] = u / norm_u", "Q[:, j] = u")]),
        Mutant("projects onto the original columns a_i instead of q_i",
               replace=[("u -= (Q[:, i] @ u) * Q[:, i]", "u -= (A[:, i] @ u) * A[:, i]")]),
        Mutant("removes only the component along the previous q",
               replace=[("for i in range(j):", "for i in range(max(j - 1, 0), j):")]),
        Mutant("never reports dependent columns",
               replace=[('raise ValueError(f"column {j} is a combination of the columns before it")', "pass")]),
        Mutant("orthogonalises the caller's array in place",
               code="def gram_schmidt(A, tol=1e-10):\n"
                    "    n, k = A.shape\n"
                    "    for j in range(k):\n"
                    "        for i in range(j):\n"
                    "            A[:, j] -= (A[:, i] @ A[:, j]) * A[:, i]\n"
                    "        norm = np.linalg.norm(A[:, j])\n"
                    "        if norm <= tol:\n"
                    "            raise ValueError('dependent columns')\n"
                    "        A[:, j] /= norm\n"
                    "    return A\n"),
    ],
    "low_rank_approx": [
        Mutant("forgets the singular values", replace=[("return (U[:, :k] * s[:k]) @ Vt[:k, :]", "return U[:, :k] @ Vt[:k, :]")]),
        Mutant("keeps k + 1 terms", replace=[("k = min(k, len(s))", "k = min(k + 1, len(s))")]),
        Mutant("takes columns of Vt instead of rows",
               replace=[("return (U[:, :k] * s[:k]) @ Vt[:k, :]", "return (U[:, :k] * s[:k]) @ Vt[:, :k].T")]),
        Mutant("keeps the smallest singular values",
               replace=[("return (U[:, :k] * s[:k]) @ Vt[:k, :]", "return (U[:, -k:] * s[-k:]) @ Vt[-k:, :]")]),
        Mutant("scales the columns of V^T by s (wrong side)",
               replace=[("return (U[:, :k] * s[:k]) @ Vt[:k, :]", "return U[:, :k] @ (Vt[:k, :] * s[:k])")]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_F64 = "np.float64 is accepted as the float the contract promises (the tests check float or np.floating)"
_MAY_STOP = "the contract lets it stop early once the change is below tol but does not require it"
EQUIVALENT = {
    "lp_norm": {
        "cast: float(np.max(a)) → np.max(a)": _F64,
        "cast: float(np.sum(a ** p) ** (1.0 / p)) → np.sum(a ** p) ** (1.0 / p)": _F64,
    },
    "solve": {
        "const: 0 → 1 in n = U.shape[0]": "A is square: shape[1] == shape[0]",
        "cast: int(np.argmax(np.abs(U[k:, k]))) → np.argmax(np.abs(U[k:, k]))": "an np.int64 index works the same",
    },
    "power_iteration": {
        "param: tol = 1e-12": _MAY_STOP,
        "const: 0 → 1 in n = A.shape[0]": "A is square: shape[1] == shape[0]",
        "arith: w - v → w + v": _MAY_STOP + " (this only changes when it stops)",
        "arith: w + v → w - v": _MAY_STOP + " (this only changes when it stops)",
        "drop: if change < tol: …": _MAY_STOP,
        "compare: change < tol → change <= tol": _MAY_STOP,
        "drop: break": _MAY_STOP,
        "cast: float(v @ A @ v) → v @ A @ v": _F64,
    },
    "low_rank_approx": {
        "cast: drop dtype= in U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=Fa…":
            "np.linalg.svd returns float factors for integer A too",
        "const: False → True in U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float), full_matrices=Fa…":
            "only the first k columns of U and rows of Vt are used: the full factors give the same A_k",
        "drop: k = min(k, len(s))": "slices past the end stop at len(s): k > min(m, n) gives the same A_k",
    },
}
