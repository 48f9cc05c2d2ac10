"""Plausible wrong answers for 02_calculus_autodiff, keyed by answer-cell grade_id."""
from course.checks import Mutant

MUTANTS = {
    "central_difference": [
        Mutant("forward difference instead of central",
               replace=[("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")]),
        Mutant("divides by h instead of 2h",
               replace=[("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x - h)) / h")]),
        Mutant("operator precedence: / 2 * h",
               replace=[("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x - h)) / 2 * h")]),
    ],
    "numerical_gradient": [
        Mutant("perturbs every coordinate at once",
               code="def numerical_gradient(f, x, h=1e-5):\n"
                    "    x = np.array(x, dtype=float)\n"
                    "    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))\n"),
        Mutant("forgets to put each coordinate back",
               replace=[("        x[idx] = old\n", "")]),
        Mutant("works in place on the input without converting to float",
               replace=[("x = np.array(x, dtype=float)  # a float copy: the caller's array stays untouched",
                         "x = np.asarray(x)")]),
        Mutant("ignores h: always steps 1e-5 (issue 11)",
               replace=[("    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n    h = 1e-5\n")]),
        Mutant("gradient array made before the float copy: int input gives an int array (issue 11)",
               replace=[("    x = np.array(x, dtype=float)  # a float copy: the caller's array stays untouched\n"
                         "    grad = np.zeros_like(x)\n",
                         "    grad = np.zeros_like(x)\n    x = np.array(x, dtype=float)\n")]),
        Mutant("forward difference per coordinate",
               replace=[("x[idx] = old - h\n        f_minus = f(x)", "x[idx] = old\n        f_minus = f(x)"),
                        ("(f_plus - f_minus) / (2 * h)", "(f_plus - f_minus) / h")]),
    ],
    "neuron_loss_grad": [
        Mutant("tanh derivative written as 1 - y", replace=[("(1 - y ** 2)", "(1 - y)")]),
        Mutant("forgets the factor 2 of the square", replace=[("dL_dy = 2 * (y - t)", "dL_dy = (y - t)")]),
        Mutant("wrong sign: 2 (t - y)", replace=[("dL_dy = 2 * (y - t)", "dL_dy = 2 * (t - y)")]),
        Mutant("multiplies by w instead of x",
               replace=[("np.asarray(x, dtype=float)", "np.asarray(w, dtype=float)")]),
        Mutant("skips the tanh local derivative", replace=[("dL_dy * (1 - y ** 2)", "dL_dy")]),
    ],
    "gradient_check": [
        Mutant("absolute instead of relative error", replace=[("return float(num / den)", "return float(num)")]),
        Mutant("ignores h: numerical gradient with the default step (issue 11)",
               replace=[("numerical_gradient(f, x, h)", "numerical_gradient(f, x)")]),
        Mutant("floors the denominator at 1e-8 instead of 1e-12", replace=[("1e-12)", "1e-8)")]),
        Mutant("divides by the analytic norm only",
               replace=[("max(np.linalg.norm(g_a) + np.linalg.norm(g_n), 1e-12)", "max(np.linalg.norm(g_a), 1e-12)")]),
        Mutant("no floor: 0/0 for zero gradients",
               replace=[("max(np.linalg.norm(g_a) + np.linalg.norm(g_n), 1e-12)",
                         "np.linalg.norm(g_a) + np.linalg.norm(g_n)")]),
    ],
    "value_add": [
        Mutant("sum assigns the gradient instead of accumulating",
               replace=[("a.grad += out.grad\n        b.grad += out.grad", "a.grad = out.grad\n        b.grad = out.grad")]),
        Mutant("product passes each parent its own value",
               replace=[("a.grad += b.data * out.grad\n        b.grad += a.data * out.grad",
                         "a.grad += a.data * out.grad\n        b.grad += b.data * out.grad")]),
        Mutant("product forgets the upstream gradient",
               replace=[("a.grad += b.data * out.grad\n        b.grad += a.data * out.grad",
                         "a.grad += b.data\n        b.grad += a.data")]),
        Mutant("does not wrap plain numbers", replace=[("    a, b = as_value(a), as_value(b)\n", "")]),
        Mutant("product does not record its parents", replace=[('parents=(a, b), op="*"', 'op="*"')]),
    ],
    "value_pow": [
        Mutant("power rule without the -1", replace=[("k * a.data ** (k - 1) * out.grad", "k * a.data ** k * out.grad")]),
        Mutant("power rule without the factor k", replace=[("k * a.data ** (k - 1) * out.grad", "a.data ** (k - 1) * out.grad")]),
        Mutant("exp derivative uses the input", replace=[("a.grad += out.data * out.grad", "a.grad += a.data * out.grad")]),
        Mutant("tanh derivative written as 1 - tanh", replace=[("(1 - out.data ** 2)", "(1 - out.data)")]),
        Mutant("tanh assigns the gradient instead of accumulating",
               replace=[("a.grad += (1 - out.data ** 2)", "a.grad = (1 - out.data ** 2)")]),
    ],
    "topo_order": [
        Mutant("no visited set: shared nodes are listed repeatedly",
               replace=[("        if id(node) in visited:\n            return\n", "")]),
        Mutant("appends a node before its parents (pre-order)",
               replace=[("        for parent in node.parents:\n            visit(parent)\n        order.append(node)",
                         "        order.append(node)\n        for parent in node.parents:\n            visit(parent)")]),
        Mutant("returns the reversed order", replace=[("    return order\n", "    return order[::-1]\n")]),
        Mutant("visited keyed by the node's value, not its identity",
               replace=[("if id(node) in visited:", "if node.data in visited:"),
                        ("visited.add(id(node))", "visited.add(node.data)")]),
    ],
    "backprop": [
        Mutant("forgets to seed the root gradient", replace=[("    root.grad = 1.0\n", "")]),
        Mutant("walks the topological order forwards", replace=[("reversed(order)", "order")]),
        Mutant("seeds the root after the loop",
               replace=[("    root.grad = 1.0\n    for node in reversed(order):\n        node.backward_step()",
                         "    for node in reversed(order):\n        node.backward_step()\n    root.grad = 1.0")]),
    ],
    "gradient_descent": [
        Mutant("gradient ascent (wrong sign)", replace=[("x = x - lr", "x = x + lr")]),
        Mutant("path misses the starting point", replace=[("path = [x.copy()]", "path = []")]),
        Mutant("updates in place and appends the same array",
               code="def gradient_descent(grad_f, x0, lr, steps):\n"
                    "    x = np.asarray(x0, dtype=float)\n"
                    "    path = [x]\n"
                    "    for _ in range(steps):\n"
                    "        x -= lr * np.asarray(grad_f(x), dtype=float)\n"
                    "        path.append(x)\n"
                    "    return np.array(path)\n"),
        Mutant("one step too few", replace=[("for _ in range(steps):", "for _ in range(steps - 1):")]),
        Mutant("keeps an integer x0 as integers: zero steps give an int path",
               replace=[("x = np.array(x0, dtype=float)", "x = np.array(x0)")]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_F64 = "np.float64 subclasses float and the value is already a float here: the cast changes nothing"
EQUIVALENT = {
    "central_difference": {
        "cast: float((f(x + h) - f(x - h)) / (2 * h)) → (f(x + h) - f(x - h)) / (2 * h)": _F64,
    },
    "neuron_loss_grad": {
        "cast: float(np.dot(w, x) + b) → np.dot(w, x) + b": "math.tanh accepts the np.float64 as it is",
        "cast: drop dtype= in grad_w = dL_dz * np.asarray(x, dtype=float)":
            "dL_dz is a Python float, so dL_dz * x is a float array for an integer x too",
        "cast: float(loss) → loss": "loss is computed from math.tanh: already a Python float",
        "cast: float(grad_b) → grad_b": "grad_b is computed from math.tanh: already a Python float",
    },
    "gradient_check": {
        "cast: drop dtype= in g_a = np.asarray(grad_f(x), dtype=float).ravel()":
            "g_a only enters norms and a difference with the float g_n, which give floats for integer g_a too",
        "cast: float(num / den) → num / den": _F64,
    },
    "gradient_descent": {
        "cast: drop dtype= in x = x - lr * np.asarray(grad_f(x), dtype=float)":
            "x is float already and lr * (an integer gradient) is float: the update is the same",
    },
}
