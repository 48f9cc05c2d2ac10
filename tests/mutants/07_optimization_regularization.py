"""Plausible wrong answers for 07_optimization_regularization; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "sgd_momentum_step": [
        Mutant("velocity as an exponential average (dampening 1 - momentum), not torch's raw sum",
               replace=[("new_velocity = momentum * velocity + grad",
                         "new_velocity = momentum * velocity + (1 - momentum) * grad")]),
        Mutant("steps along the gradient instead of the velocity",
               replace=[("new_param = param - lr * new_velocity", "new_param = param - lr * grad")]),
        Mutant("steps along the old velocity (updates the parameters before the buffer)",
               replace=[("new_param = param - lr * new_velocity", "new_param = param - lr * velocity")]),
        Mutant("puts the learning rate inside the velocity (the other convention, wrong state)",
               replace=[("new_velocity = momentum * velocity + grad",
                         "new_velocity = momentum * velocity + lr * grad"),
                        ("new_param = param - lr * new_velocity", "new_param = param - new_velocity")]),
        Mutant("updates param and velocity in place (modifies the inputs)",
               code=("def sgd_momentum_step(param, grad, velocity, lr, momentum=0.9):\n"
                     "    velocity *= momentum\n"
                     "    velocity += grad\n"
                     "    param -= lr * velocity\n"
                     "    return param, velocity\n")),
    ],
    "rmsprop_step": [
        Mutant("eps inside the square root (the Keras convention)",
               replace=[("np.sqrt(new_square_avg) + eps", "np.sqrt(new_square_avg + eps)")]),
        Mutant("swaps alpha and 1 - alpha in the running average",
               replace=[("alpha * square_avg + (1 - alpha) * grad ** 2",
                         "(1 - alpha) * square_avg + alpha * grad ** 2")]),
        Mutant("forgets the square root",
               replace=[("np.sqrt(new_square_avg) + eps", "new_square_avg + eps")]),
        Mutant("divides by the old running average",
               replace=[("np.sqrt(new_square_avg) + eps", "np.sqrt(square_avg) + eps")]),
        Mutant("averages |grad| instead of grad squared",
               replace=[("(1 - alpha) * grad ** 2", "(1 - alpha) * np.abs(grad)")]),
    ],
    "adam_step": [
        Mutant("no bias correction",
               replace=[("m_hat = new_m / (1 - beta1 ** t)", "m_hat = new_m"),
                        ("v_hat = new_v / (1 - beta2 ** t)", "v_hat = new_v")]),
        Mutant("bias correction off by one (counts steps from 0)",
               replace=[("(1 - beta1 ** t)", "(1 - beta1 ** (t + 1))"),
                        ("(1 - beta2 ** t)", "(1 - beta2 ** (t + 1))")]),
        Mutant("corrects only the first moment",
               replace=[("v_hat = new_v / (1 - beta2 ** t)", "v_hat = new_v")]),
        Mutant("eps inside the square root",
               replace=[("np.sqrt(v_hat) + eps", "np.sqrt(v_hat + eps)")]),
        Mutant("stores the bias-corrected moments as the state",
               replace=[("return new_param, new_m, new_v", "return new_param, m_hat, v_hat")]),
        Mutant("second moment from the squared first moment",
               replace=[("(1 - beta2) * grad ** 2", "(1 - beta2) * new_m ** 2")]),
    ],
    "adamw_step": [
        Mutant("does not pass beta1, beta2, eps on to Adam (always the defaults)",
               replace=[("adam_step(decayed, grad, m, v, t, lr, beta1, beta2, eps)", "adam_step(decayed, grad, m, v, t, lr)")]),
        Mutant("L2 penalty in the gradient (Adam with weight_decay), not decoupled",
               code=("def adamw_step(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):\n"
                     "    return adam_step(param, grad + weight_decay * param, m, v, t, lr, beta1, beta2, eps)\n")),
        Mutant("decay not multiplied by the learning rate",
               replace=[("param * (1 - lr * weight_decay)", "param * (1 - weight_decay)")]),
        Mutant("decays after the Adam step instead of before",
               code=("def adamw_step(param, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):\n"
                     "    p, m2, v2 = adam_step(param, grad, m, v, t, lr, beta1, beta2, eps)\n"
                     "    return p * (1 - lr * weight_decay), m2, v2\n")),
        Mutant("decay with the wrong sign",
               replace=[("param * (1 - lr * weight_decay)", "param * (1 + lr * weight_decay)")]),
        Mutant("subtracts lr * weight_decay instead of multiplying",
               replace=[("param * (1 - lr * weight_decay)", "param - lr * weight_decay")]),
    ],
    "warmup_cosine_lr": [
        Mutant("warm-up counts from 1 ((step + 1) / warmup_steps)",
               replace=[("base_lr * step / warmup_steps", "base_lr * (step + 1) / warmup_steps")]),
        Mutant("forgets the 0.5 * (1 + cos) shape: uses cos directly",
               replace=[("0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))",
                         "(base_lr - min_lr) * math.cos(math.pi * progress)")]),
        Mutant("cosine progress measured from step 0 over total_steps",
               replace=[("progress = (step - warmup_steps) / (total_steps - warmup_steps)",
                         "progress = step / total_steps")]),
        Mutant("ignores min_lr in the decay",
               replace=[("min_lr + 0.5 * (base_lr - min_lr)", "0.5 * base_lr")]),
        Mutant("no clamp after total_steps (the cosine rises again)",
               replace=[("    if step >= total_steps:\n        return float(min_lr)\n", "")]),
        Mutant("full cosine period (decays to min then back up within the run)",
               replace=[("math.cos(math.pi * progress)", "math.cos(2 * math.pi * progress)")]),
    ],
    "dropout_forward": [
        Mutant("no rescaling of the kept elements",
               replace=[("return x * keep / (1.0 - p)", "return x * keep")]),
        Mutant("keeps with probability p instead of dropping with probability p",
               replace=[("keep = rng.random(x.shape) >= p", "keep = rng.random(x.shape) < p")]),
        Mutant("drops in evaluation mode too",
               replace=[("if not training or p == 0.0:", "if p == 0.0:")]),
        Mutant("old-style dropout: no rescale in training, multiplies by 1 - p in eval",
               code=("def dropout_forward(x, p, training, rng):\n"
                     "    if not training:\n"
                     "        return x * (1 - p)\n"
                     "    return x * (rng.random(x.shape) >= p)\n")),
        Mutant("scales by 1 / p instead of 1 / (1 - p)",
               replace=[("return x * keep / (1.0 - p)", "return x * keep / p")]),
        Mutant("p = 1 divides by zero (nan instead of zeros)",
               replace=[("    if p >= 1.0:\n        return np.zeros_like(x)\n", "")]),
        Mutant("uses NumPy's global generator instead of rng",
               replace=[("keep = rng.random(x.shape) >= p", "keep = np.random.random(x.shape) >= p")]),
        Mutant("one mask value per row (drops whole examples)",
               replace=[("keep = rng.random(x.shape) >= p", "keep = rng.random((x.shape[0],) + (1,) * (x.ndim - 1)) >= p")]),
    ],
    "batchnorm_forward": [
        Mutant("normalises with the unbiased variance",
               replace=[("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)")]),
        Mutant("running variance updated with the biased variance",
               replace=[("momentum * var * n / (n - 1)", "momentum * var")]),
        Mutant("momentum as the weight of the old value (optimiser convention)",
               replace=[("(1 - momentum) * running_mean + momentum * mean",
                         "momentum * running_mean + (1 - momentum) * mean"),
                        ("(1 - momentum) * running_var + momentum * var * n / (n - 1)",
                         "momentum * running_var + (1 - momentum) * var * n / (n - 1)")]),
        Mutant("eval mode still uses the batch statistics",
               replace=[("mean, var = running_mean, running_var", "mean, var = x.mean(axis=0), x.var(axis=0)")]),
        Mutant("eps outside the square root",
               replace=[("np.sqrt(var + eps)", "(np.sqrt(var) + eps)")]),
        Mutant("forgets gamma and beta",
               replace=[("return gamma * x_hat + beta, new_running_mean", "return x_hat, new_running_mean")]),
        Mutant("statistics over the features of each example (layer norm) instead of over the batch",
               replace=[("mean = x.mean(axis=0)", "mean = x.mean(axis=1, keepdims=True)"),
                        ("var = x.var(axis=0)", "var = x.var(axis=1, keepdims=True)"),
                        ("momentum * mean\n", "momentum * mean.mean()\n"),
                        ("momentum * var * n / (n - 1)", "momentum * var.mean() * n / (n - 1)")]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
EQUIVALENT = {
    "warmup_cosine_lr": {
        "compare: step >= total_steps → step > total_steps":
            "at step == total_steps the cosine branch gives min_lr exactly (cos(pi) is exactly -1.0)",
        "cast: float(min_lr) → min_lr": "min_lr is a float (the signature says so): the cast changes nothing",
        "cast: float(min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * p… → "
        "min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progres…":
            "math.cos of Python floats already gives a Python float",
    },
    "dropout_forward": {
        "compare: rng.random(x.shape) >= p → rng.random(x.shape) > p":
            "rng.random draws exactly p with probability about 2^-53: the masks agree",
    },
}
