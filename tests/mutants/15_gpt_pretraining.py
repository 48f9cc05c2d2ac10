"""Plausible wrong answers for 15_gpt_pretraining; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "get_batch": [
        Mutant("no shift: the targets are the inputs themselves",
               replace=[("data[s + 1:s + block_size + 1]", "data[s:s + block_size]")]),
        Mutant("off by one: the last valid window is never drawn",
               replace=[("torch.randint(len(data) - block_size,", "torch.randint(len(data) - block_size - 1,")]),
        Mutant("ignores the generator: batches cannot be reproduced",
               replace=[(", generator=generator)", ")")]),
        Mutant("targets shifted two steps",
               replace=[("data[s + 1:s + block_size + 1]", "data[s + 2:s + block_size + 2]"),
                        ("len(data) - block_size,", "len(data) - block_size - 1,")]),
    ],
    "causal_self_attention": [
        Mutant("no dropout at all (the modules are created but never applied)",
               replace=[("weights = self.attn_dropout(F.softmax(scores, dim=-1))", "weights = F.softmax(scores, dim=-1)"),
                        ("return self.resid_dropout(self.c_proj(y))", "return self.c_proj(y)")]),
        Mutant("forgets the dropout on the attention weights",
               replace=[("weights = self.attn_dropout(F.softmax(scores, dim=-1))", "weights = F.softmax(scores, dim=-1)")]),
        Mutant("forgets the dropout on the output",
               replace=[("return self.resid_dropout(self.c_proj(y))", "return self.c_proj(y)")]),
        Mutant("hard-codes dropout 0.1 instead of config.dropout",
               replace=[("self.attn_dropout = nn.Dropout(config.dropout)", "self.attn_dropout = nn.Dropout(0.1)"),
                        ("self.resid_dropout = nn.Dropout(config.dropout)", "self.resid_dropout = nn.Dropout(0.1)")]),
        Mutant("no causal mask: positions see the future",
               replace=[('        scores = scores.masked_fill(~self.allowed[:T, :T], float("-inf"))\n', "")]),
        Mutant("upper triangle allowed: each position sees only the future",
               replace=[("torch.tril(", "torch.triu(")]),
        Mutant("strict mask: a position may not attend to itself",
               replace=[("dtype=torch.bool))", "dtype=torch.bool), diagonal=-1)")]),
        Mutant("scores divided by d instead of sqrt(d)",
               replace=[("/ math.sqrt(d)", "/ d")]),
        Mutant("no scaling of the scores",
               replace=[(" / math.sqrt(d)", "")]),
        Mutant("heads split with view only (no transpose): the head axis mixes positions",
               replace=[(".view(B, T, self.n_head, d).transpose(1, 2)", ".view(B, self.n_head, T, d)")]),
        Mutant("heads merged without transposing back",
               replace=[("y.transpose(1, 2).contiguous().view(B, T, C)", "y.contiguous().view(B, T, C)")]),
        Mutant("softmax over the queries instead of the keys",
               replace=[("F.softmax(scores, dim=-1)", "F.softmax(scores, dim=-2)")]),
        Mutant("k and v taken in the wrong order from c_attn",
               replace=[("q, k, v = self.c_attn(x).split(C, dim=2)", "q, v, k = self.c_attn(x).split(C, dim=2)")]),
        Mutant("forgets the output projection",
               replace=[("return self.resid_dropout(self.c_proj(y))", "return self.resid_dropout(y)")]),
    ],
    "mlp": [
        Mutant("no dropout in forward",
               replace=[("return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))", "return self.c_proj(self.gelu(self.c_fc(x)))")]),
        Mutant("dropout on the hidden layer instead of the output",
               replace=[("return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))", "return self.c_proj(self.dropout(self.gelu(self.c_fc(x))))")]),
        Mutant("ReLU instead of GELU", replace=[("nn.GELU()", "nn.ReLU()")]),
        Mutant("GELU with the tanh approximation (the contract says exact)",
               replace=[("nn.GELU()", 'nn.GELU(approximate="tanh")')]),
        Mutant("no non-linearity", replace=[("self.c_proj(self.gelu(self.c_fc(x)))", "self.c_proj(self.c_fc(x))")]),
        Mutant("hidden layer 2x instead of 4x wide",
               replace=[("4 * config.n_embd)", "2 * config.n_embd)"), ("nn.Linear(4 * config.n_embd", "nn.Linear(2 * config.n_embd")]),
    ],
    "block": [
        Mutant("post-LN: normalises after the residual sum",
               replace=[("x = x + self.attn(self.ln_1(x))\n        x = x + self.mlp(self.ln_2(x))",
                         "x = self.ln_1(x + self.attn(x))\n        x = self.ln_2(x + self.mlp(x))")]),
        Mutant("no residual connection around attention",
               replace=[("x = x + self.attn(self.ln_1(x))", "x = self.attn(self.ln_1(x))")]),
        Mutant("the same LayerNorm before both sub-layers",
               replace=[("self.mlp(self.ln_2(x))", "self.mlp(self.ln_1(x))")]),
        Mutant("parallel block: the MLP reads x from before the attention",
               replace=[("x = x + self.attn(self.ln_1(x))\n        x = x + self.mlp(self.ln_2(x))",
                         "x = x + self.attn(self.ln_1(x)) + self.mlp(self.ln_2(x))")]),
    ],
    "gpt": [
        Mutant("no embedding dropout in forward",
               replace=[("x = self.drop(self.wte(idx) + self.wpe(pos))", "x = self.wte(idx) + self.wpe(pos)")]),
        Mutant("dropout on the token embeddings only, position embeddings added after it",
               replace=[("x = self.drop(self.wte(idx) + self.wpe(pos))", "x = self.drop(self.wte(idx)) + self.wpe(pos)")]),
        Mutant("no position embeddings",
               replace=[("x = self.drop(self.wte(idx) + self.wpe(pos))", "x = self.drop(self.wte(idx))")]),
        Mutant("no final LayerNorm", replace=[("return self.lm_head(self.ln_f(x))", "return self.lm_head(x)")]),
        Mutant("output layer not tied to the embeddings",
               replace=[("        self.lm_head.weight = self.wte.weight  # weight tying: one matrix for reading and writing tokens\n", "")]),
        Mutant("positions counted from 1", replace=[("torch.arange(T, device=idx.device)", "torch.arange(1, T + 1, device=idx.device)")]),
        Mutant("every block reads the embeddings instead of the previous block",
               replace=[("        for block in self.h:\n            x = block(x)\n",
                         "        e = x\n        for block in self.h:\n            x = block(e)\n")]),
    ],
    "lm_loss": [
        Mutant("no log-sum-exp: softmax then log overflows",
               replace=[("log_probs = logits - torch.logsumexp(logits, dim=-1, keepdim=True)",
                         "log_probs = torch.log(torch.exp(logits) / torch.exp(logits).sum(-1, keepdim=True))")]),
        Mutant("ignored positions still counted in the mean",
               code=("def lm_loss(logits, targets, ignore_index=-100):\n"
                     "    V = logits.shape[-1]\n"
                     "    logits = logits.reshape(-1, V)\n"
                     "    targets = targets.reshape(-1)\n"
                     "    keep = targets != ignore_index\n"
                     "    log_probs = torch.log_softmax(logits, dim=-1)\n"
                     "    picked = log_probs.gather(1, targets.clamp(min=0).unsqueeze(1)).squeeze(1) * keep\n"
                     "    return -picked.sum() / targets.numel()\n")),
        Mutant("normalises over the wrong axis",
               replace=[("torch.logsumexp(logits, dim=-1, keepdim=True)", "torch.logsumexp(logits, dim=0, keepdim=True)")]),
        Mutant("sum instead of mean", replace=[("return -picked.mean()", "return -picked.sum()")]),
        Mutant("forgets the minus sign", replace=[("return -picked.mean()", "return picked.mean()")]),
    ],
    "configure_param_groups": [
        Mutant("decides by name: only biases escape decay (LayerNorm gains are decayed)",
               code=("def configure_param_groups(model, weight_decay):\n"
                     "    decay, no_decay = [], []\n"
                     "    for name, p in model.named_parameters():\n"
                     "        (no_decay if name.endswith('bias') else decay).append(p)\n"
                     "    return [{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0.0}]\n")),
        Mutant("decays everything", replace=[("(decay if p.dim() >= 2 else no_decay).append(p)", "decay.append(p)")]),
        Mutant("only exactly 2-D tensors decayed (misses convolution kernels)",
               replace=[("p.dim() >= 2", "p.dim() == 2")]),
        Mutant("walks the modules: a tied weight is listed twice",
               code=("def configure_param_groups(model, weight_decay):\n"
                     "    decay, no_decay = [], []\n"
                     "    for module in model.modules():\n"
                     "        for p in module.parameters(recurse=False):\n"
                     "            if p.requires_grad:\n"
                     "                (decay if p.dim() >= 2 else no_decay).append(p)\n"
                     "    return [{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0.0}]\n")),
        Mutant("weight decay values swapped",
               replace=[('[{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]',
                         '[{"params": decay, "weight_decay": 0.0}, {"params": no_decay, "weight_decay": weight_decay}]')]),
    ],
    "get_lr": [
        Mutant("warm-up starts at zero (step / warmup)", replace=[("(step + 1) / warmup_steps", "step / warmup_steps")]),
        Mutant("cosine without the 1/2: overshoots max_lr", replace=[("0.5 * (1.0 + math.cos", "(1.0 + math.cos")]),
        Mutant("decays to zero, ignoring min_lr", replace=[("min_lr + coeff * (max_lr - min_lr)", "coeff * max_lr")]),
        Mutant("cosine progress measured from step 0 over max_steps",
               replace=[("ratio = (step - warmup_steps) / (max_steps - warmup_steps)", "ratio = step / max_steps")]),
        Mutant("no floor after max_steps: the cosine comes back up",
               replace=[("    if step >= max_steps:\n        return float(min_lr)\n", "")]),
    ],
    "train_step": [
        Mutant("never clears the gradients: they accumulate over steps",
               replace=[("    optimizer.zero_grad(set_to_none=True)\n", "")]),
        Mutant("no gradient clipping", replace=[("max_norm = grad_clip if grad_clip > 0 else float(\"inf\")",
                                                 "max_norm = float(\"inf\")")]),
        Mutant("clips after the optimiser step (too late)",
               replace=[("    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n    optimizer.step()\n",
                         "    optimizer.step()\n    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n")]),
        Mutant("sets the learning rate of the first param group only",
               replace=[("    for group in optimizer.param_groups:\n        group[\"lr\"] = lr\n",
                         "    optimizer.param_groups[0][\"lr\"] = lr\n")]),
        Mutant("returns the norm after clipping",
               replace=[("return float(loss.item()), float(norm)",
                         "return float(loss.item()), float(min(float(norm), max_norm))")]),
    ],
    "top_k_filter": [
        Mutant("strict comparison removes the k-th token too", replace=[("logits < kth", "logits <= kth")]),
        Mutant("removed tokens set to 0 instead of -inf", replace=[('float("-inf"))', "0.0)")]),
        Mutant("modifies the input in place", replace=[("return logits.masked_fill(", "return logits.masked_fill_(")]),
        Mutant("keeps the k smallest logits",
               replace=[("kth = torch.topk(logits, k, dim=-1).values[..., -1:]", "kth = torch.topk(logits, k, dim=-1, largest=False).values[..., -1:]"),
                        ("logits < kth", "logits > kth")]),
        Mutant("no guard for k >= V", replace=[("    if k >= logits.shape[-1]:\n        return logits.clone()\n", "")]),
    ],
    "top_p_filter": [
        Mutant("keeps tokens while the cumulative mass is <= p: loses the token that crosses p",
               replace=[("remove_sorted = mass_before >= p", "remove_sorted = torch.cumsum(sorted_probs, dim=-1) > p")]),
        Mutant("forgets to undo the sort", replace=[("remove = torch.zeros_like(remove_sorted).scatter(-1, order, remove_sorted)",
                                                     "remove = remove_sorted")]),
        Mutant("sorts in increasing order: keeps the least likely tokens",
               replace=[("torch.sort(probs, dim=-1, descending=True)", "torch.sort(probs, dim=-1, descending=False)")]),
        Mutant("accumulates logits instead of probabilities",
               replace=[("probs = F.softmax(logits, dim=-1)", "probs = logits")]),
    ],
    "sample_next": [
        Mutant("multiplies the logits by the temperature", replace=[("logits = logits / temperature", "logits = logits * temperature")]),
        Mutant("temperature applied to the probabilities (it then cancels out)",
               replace=[("    logits = logits / temperature\n", ""),
                        ("probs = F.softmax(logits, dim=-1)", "probs = F.softmax(logits, dim=-1) / temperature")]),
        Mutant("ignores the generator", replace=[("torch.multinomial(probs, 1, generator=generator)", "torch.multinomial(probs, 1)")]),
        Mutant("always greedy", replace=[("    if temperature == 0:\n", "    if True:\n")]),
        Mutant("ignores top_k", replace=[("        logits = top_k_filter(logits, top_k)\n", "        pass\n")]),
        Mutant("top_p before top_k: the nucleus is cut from the full distribution, not from what top_k left",
               replace=[("    if top_k is not None:\n        logits = top_k_filter(logits, top_k)\n"
                         "    if top_p is not None:\n        logits = top_p_filter(logits, top_p)\n",
                         "    if top_p is not None:\n        logits = top_p_filter(logits, top_p)\n"
                         "    if top_k is not None:\n        logits = top_k_filter(logits, top_k)\n")]),
        Mutant("temperature applied after the filters: top_p then sees the untempered distribution",
               replace=[("    logits = logits / temperature\n", ""),
                        ("    probs = F.softmax(logits, dim=-1)\n", "    probs = F.softmax(logits / temperature, dim=-1)\n")]),
    ],
    "generate": [
        Mutant("no context cropping: the model is fed more than block_size tokens",
               replace=[("context = out[:, -model.config.block_size:]", "context = out")]),
        Mutant("crops the first block_size tokens instead of the last",
               replace=[("context = out[:, -model.config.block_size:]", "context = out[:, :model.config.block_size]")]),
        Mutant("takes the logits at the first position", replace=[("logits = model(context)[:, -1, :]", "logits = model(context)[:, 0, :]")]),
        Mutant("leaves the model in train mode while generating", replace=[("    model.eval()\n", "")]),
        Mutant("does not restore the model's mode", replace=[("    model.train(was_training)\n", "")]),
        Mutant("returns only the new tokens", replace=[("    return out\n", "    return out[:, idx.shape[1]:]\n")]),
    ],
}

_DIMS = "the contract fixes the number of dimensions, so the positive index names the same (last) axis"
EQUIVALENT = {
    "causal_self_attention": {
        "const: False → True in self.register_buffer('allowed', allowed, persistent=False)":
            "persistence only changes what state_dict holds; the contract's forward is the same",
        "arith: -2 → 2": "scores are 4-D (B, H, T, d): transpose(2, -1) is transpose(-2, -1)",
    },
    "gpt": {
        "drop: if T > self.config.block_size: …": "wpe has block_size rows: a longer sequence raises an IndexError anyway",
        "drop: raise ValueError(f'a sequence of {T} tokens is longer than block_size…":
            "wpe has block_size rows: a longer sequence raises an IndexError anyway",
    },
    "lm_loss": {
        "arith: -1 → 1 [4]": "the logits were reshaped to 2-D (N, V): dim=1 is the last axis",
        "axis: .squeeze(1) → .squeeze(0) in picked = log_probs[keep].gather(1, targets[keep].unsqueeze(1)).squeez…":
            "the mean of an (M, 1) or (M,) tensor is the same scalar",
    },
    "get_lr": {
        "compare: step >= max_steps → step > max_steps": "at step == max_steps the cosine branch gives cos(pi): exactly min_lr",
        "cast: float(min_lr + coeff * (max_lr - min_lr)) → min_lr + coeff * (max_lr - min_lr)":
            "coeff is a Python float, so the expression already is one",
    },
    "train_step": {
        "const: True → False in optimizer.zero_grad(set_to_none=True)":
            "every parameter gets a gradient each step: zeroed or None before backward gives the same update",
        "cast: float('inf') → 'inf'": "clip_grad_norm_ converts max_norm with float() itself",
        "cast: float(loss.item()) → loss.item()": ".item() of a float tensor is already a Python float",
    },
    "top_k_filter": {
        "compare: k >= logits.shape[-1] → k > logits.shape[-1]":
            "with k == V the k-th largest is the row minimum, so the filter removes nothing either way",
        "axis: drop dim= in kth = torch.topk(logits, k, dim=-1).values[..., -1:]": "topk's default dim is -1",
    },
    "top_p_filter": {
        "axis: drop dim= in sorted_probs, order = torch.sort(probs, dim=-1, descending=True)": "sort's default dim is -1",
    },
    "sample_next": {
        "arith: -1 → 1": "the contract's logits are (B, V): " + _DIMS,
        "axis: drop dim= in probs = F.softmax(logits, dim=-1)": "for 2-D logits softmax's implicit dim is 1, the last axis",
        "arith: -1 → 1 [2]": "the contract's logits are (B, V): " + _DIMS,
        "arith: -1 → 1 [3]": "multinomial returns (B, 1): squeeze(1) is squeeze(-1)",
    },
}
