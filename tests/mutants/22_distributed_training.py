"""Plausible wrong answers for 22_distributed_training: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "ring_all_reduce": [
        Mutant("receives into the chunk it sends (wrong chunk index)",
               replace=[("(rank - step) % world_size, (rank - step - 1) % world_size",
                         "(rank - step) % world_size, (rank - step) % world_size")]),
        Mutant("forgets the all-gather phase: each rank has only one finished chunk",
               replace=[("    for step in range(world_size - 1):  # all-gather\n", "    for step in range(0):\n")]),
        Mutant("forgets to divide when averaging", replace=[("        flat /= world_size\n", "        pass\n")]),
        Mutant("works on x itself (no copy): modifies the caller's tensor",
               replace=[("flat = x.detach().reshape(-1).clone()", "flat = x.detach().reshape(-1)")]),
        Mutant("naive all-reduce: sends the whole tensor around the ring W-1 times",
               code="def ring_all_reduce(x, rank, world_size, send_recv, average=False):\n"
                    "    total = x.detach().clone().reshape(-1)\n"
                    "    cur = total.clone()\n"
                    "    for _ in range(world_size - 1):\n"
                    "        buf = torch.empty_like(cur)\n"
                    "        send_recv(cur, (rank + 1) % world_size, buf, (rank - 1) % world_size)\n"
                    "        total += buf\n"
                    "        cur = buf\n"
                    "    if average:\n"
                    "        total /= world_size\n"
                    "    return total.reshape(x.shape)\n"),
    ],
    "shard_indices": [
        Mutant("no padding: ranks get different numbers of samples",
               replace=[("        while len(indices) < total:\n            indices += indices[:total - len(indices)]\n",
                         "        pass\n")]),
        Mutant("contiguous blocks instead of every world_size-th index",
               replace=[("return indices[rank::world_size]",
                         "k = len(indices) // world_size\n    return indices[rank * k:(rank + 1) * k]")]),
        Mutant("seed ignores the epoch: the same order every epoch",
               replace=[("g.manual_seed(seed + epoch)", "g.manual_seed(seed)")]),
        Mutant("pads with the last index instead of repeating from the start",
               replace=[("indices += indices[:total - len(indices)]", "indices += indices[-1:]")]),
    ],
    "average_gradients": [
        Mutant("sums without dividing by world_size", replace=[("            p.grad /= world_size\n", "")]),
        Mutant("divides by the number of parameters",
               replace=[("p.grad /= world_size", "p.grad /= len(list(model.parameters()))")]),
        Mutant("averages the weights instead of the gradients",
               replace=[("all_reduce(p.grad)\n            p.grad /= world_size",
                         "all_reduce(p.data)\n            p.data /= world_size")]),
    ],
    "accumulate_gradients": [
        Mutant("divides every micro-batch loss by the number of micro-batches",
               replace=[("(len(x) / total)", "(1 / len(micro_batches))")]),
        Mutant("keeps the stale gradients", replace=[("    model.zero_grad()\n", "")]),
        Mutant("returns the sum of the micro-batch means",
               replace=[("loss_sum += loss.item()", "loss_sum += loss.item() * total / len(x)")]),
        Mutant("does not weight at all (sums the micro-batch gradients)",
               replace=[(" * (len(x) / total)", "")]),
    ],
    "fit_alpha_beta": [
        Mutant("no intercept: fits t = beta * n",
               code="def fit_alpha_beta(sizes, times):\n"
                    "    n, t = np.asarray(sizes, float), np.asarray(times, float)\n"
                    "    return 0.0, float((n * t).sum() / (n * n).sum())\n"),
        Mutant("np.polyfit's coefficients in the wrong order",
               code="def fit_alpha_beta(sizes, times):\n"
                    "    a, b = np.polyfit(np.asarray(sizes, float), np.asarray(times, float), 1)\n"
                    "    return float(a), float(b)\n"),
        Mutant("line through the first and last points",
               code="def fit_alpha_beta(sizes, times):\n"
                    "    b = (times[-1] - times[0]) / (sizes[-1] - sizes[0])\n"
                    "    return float(times[0] - b * sizes[0]), float(b)\n"),
    ],
    "zero_adam_step": [
        Mutant("no bias correction",
               replace=[("m_hat = state[\"m\"] / (1 - beta1 ** t)", "m_hat = state[\"m\"]"),
                        ("v_hat = state[\"v\"] / (1 - beta2 ** t)", "v_hat = state[\"v\"]")]),
        Mutant("keeps Adam's state for the whole vector on every rank (no sharding)",
               code="def zero_adam_step(flat_param, flat_grad, state, rank, world_size, all_gather, lr=1e-3,\n"
                    "                   betas=(0.9, 0.999), eps=1e-8):\n"
                    "    p, g = flat_param.detach().clone(), flat_grad\n"
                    "    if not state:\n"
                    "        state['step'], state['m'], state['v'] = 0, torch.zeros_like(p), torch.zeros_like(p)\n"
                    "    state['step'] += 1\n"
                    "    t = state['step']\n"
                    "    state['m'] = betas[0] * state['m'] + (1 - betas[0]) * g\n"
                    "    state['v'] = betas[1] * state['v'] + (1 - betas[1]) * g * g\n"
                    "    mh, vh = state['m'] / (1 - betas[0] ** t), state['v'] / (1 - betas[1] ** t)\n"
                    "    return p - lr * mh / (vh.sqrt() + eps)\n"),
        Mutant("returns only this rank's shard (forgets the all-gather)",
               replace=[("return torch.cat(all_gather(p))", "return p")]),
        Mutant("eps inside the square root",
               replace=[("(v_hat.sqrt() + eps)", "(v_hat + eps).sqrt()")]),
        Mutant("every rank updates shard 0", replace=[("lo = rank * s", "lo = 0")]),
    ],
    "column_parallel_linear": [
        Mutant("forgets the bias", replace=[("return F.linear(x, w, b)", "return F.linear(x, w)")]),
        Mutant("takes every world_size-th output row instead of a block",
               replace=[("w = weight[rank * k:(rank + 1) * k]", "w = weight[rank::world_size]"),
                        ("bias[rank * k:(rank + 1) * k]", "bias[rank::world_size]")]),
        Mutant("adds the full bias's first block on every rank",
               replace=[("bias[rank * k:(rank + 1) * k]", "bias[:k]")]),
    ],
    "row_parallel_linear": [
        Mutant("adds the bias on every rank before the all-reduce (bias counted world_size times)",
               replace=[("partial = x_local @ weight[:, rank * k:(rank + 1) * k].T\n",
                         "partial = x_local @ weight[:, rank * k:(rank + 1) * k].T\n"
                         "    if bias is not None:\n        partial = partial + bias\n"),
                        ("return partial if bias is None else partial + bias", "return partial")]),
        Mutant("forgets the all-reduce (returns the partial sum)", replace=[("    all_reduce(partial)\n", "")]),
        Mutant("uses the first block of columns on every rank",
               replace=[("weight[:, rank * k:(rank + 1) * k]", "weight[:, :k]")]),
    ],
    "gpipe_schedule": [
        Mutant("backward starts on stage 0 instead of the last stage",
               replace=[("u - (p - 1 - s)) if 0 <= u - (p - 1 - s) < m", "u - s) if 0 <= u - s < m")]),
        Mutant("one tick too few in each phase (drops the drain)",
               replace=[("for t in range(m + p - 1):", "for t in range(m + p - 2):"),
                        ("for u in range(m + p - 1):", "for u in range(m + p - 2):")]),
        Mutant("no pipelining: stage s waits for all micro-batches of stage s-1",
               code="def gpipe_schedule(num_stages, num_micro):\n"
                    "    p, m = num_stages, num_micro\n"
                    "    ticks = []\n"
                    "    for s in range(p):\n"
                    "        for j in range(m):\n"
                    "            ticks.append([('F', j) if q == s else None for q in range(p)])\n"
                    "    for s in reversed(range(p)):\n"
                    "        for j in range(m):\n"
                    "            ticks.append([('B', j) if q == s else None for q in range(p)])\n"
                    "    return ticks\n"),
    ],
    "bubble_fraction": [
        Mutant("counts the busy slots", replace=[("entry is None", "entry is not None")]),
        Mutant("divides by the number of ticks only",
               replace=[("/ len(slots)", "/ len(schedule)")]),
        Mutant("off by one: (p-1)/(m+p) from the shape",
               code="def bubble_fraction(schedule):\n"
                    "    p = len(schedule[0])\n"
                    "    m = len(schedule) // 2 - p + 1\n"
                    "    return (p - 1) / (m + p)\n"),
    ],
}

EQUIVALENT = {
    "fit_alpha_beta": {
        "cast: float(alpha) → alpha": "np.linalg.lstsq gives np.float64, a subclass of float: the cast changes nothing",
        "cast: float(beta) → beta": "np.linalg.lstsq gives np.float64, a subclass of float: the cast changes nothing",
    },
}
