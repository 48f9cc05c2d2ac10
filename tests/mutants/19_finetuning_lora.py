"""Plausible wrong answers for 19_finetuning_lora: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "lora_linear": [
        Mutant("B initialised at random instead of zero",
               replace=[("torch.zeros(base.out_features, r, dtype=dtype)", "torch.randn(base.out_features, r, dtype=dtype)")]),
        Mutant("scaling by alpha instead of alpha / r", replace=[("self.scaling = alpha / r", "self.scaling = alpha")]),
        Mutant("dropout on the output of the whole layer",
               replace=[("return out + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scaling",
                         "return self.dropout(out + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling)")]),
        Mutant("dropout after the LoRA product instead of on its input",
               replace=[("(self.dropout(x) @ self.lora_A.T @ self.lora_B.T)",
                         "self.dropout(x @ self.lora_A.T @ self.lora_B.T)")]),
        Mutant("base layer not frozen", replace=[("p.requires_grad_(False)", "p.requires_grad_(True)")]),
        Mutant("ignores merged: adds the update twice once merged",
               replace=[("        if self.merged:\n            return out\n", "")]),
        Mutant("A initialised with a standard normal",
               replace=[("nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))", "nn.init.normal_(self.lora_A)")]),
    ],
    "merge_lora": [
        Mutant("forgets the scaling when merging",
               replace=[("layer.base.weight += layer.scaling * (layer.lora_B @ layer.lora_A)",
                         "layer.base.weight += layer.lora_B @ layer.lora_A")]),
        Mutant("no guard: merging twice adds the update twice",
               replace=[("    if layer.merged:\n        return\n", "")]),
        Mutant("unmerge adds instead of subtracting",
               replace=[("layer.base.weight -= layer.scaling", "layer.base.weight += layer.scaling")]),
        Mutant("replaces the weight by a new (trainable) Parameter",
               replace=[("    with torch.no_grad():\n        layer.base.weight += layer.scaling * (layer.lora_B @ layer.lora_A)\n",
                         "    layer.base.weight = nn.Parameter(layer.base.weight + layer.scaling * (layer.lora_B @ layer.lora_A))\n")]),
        Mutant("does not set the merged flag", replace=[("    layer.merged = True\n", "")]),
    ],
    "inject_lora": [
        Mutant("substring match instead of the name's last component",
               replace=[('any(n == t or n.endswith("." + t) for t in targets)', "any(t in n for t in targets)")]),
        Mutant("endswith without the dot (matches 'subquery')",
               replace=[('any(n == t or n.endswith("." + t) for t in targets)', "any(n.endswith(t) for t in targets)")]),
        Mutant("does not freeze the rest of the model",
               replace=[("    for p in model.parameters():\n        p.requires_grad_(False)\n", "")]),
        Mutant("ignores r, alpha and dropout",
               replace=[("LoRALinear(getattr(parent, child), r=r, alpha=alpha, dropout=dropout)",
                         "LoRALinear(getattr(parent, child))")]),
        Mutant("replaces any module type, not only nn.Linear",
               replace=[("if isinstance(m, nn.Linear) and any(", "if any(")]),
    ],
    "count_parameters": [
        Mutant("counts the state dict (tied weights twice, buffers too)",
               replace=[("total = sum(p.numel() for p in model.parameters())",
                         "total = sum(v.numel() for v in model.state_dict().values())")]),
        Mutant("returns (total, trainable)", replace=[("return int(trainable), int(total)", "return int(total), int(trainable)")]),
        Mutant("counts parameter tensors, not weights",
               replace=[("trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)",
                         "trainable = sum(1 for p in model.parameters() if p.requires_grad)")]),
    ],
    "bottleneck_adapter": [
        Mutant("no residual connection", replace=[("return h + self.up(self.act(self.down(h)))", "return self.up(self.act(self.down(h)))")]),
        Mutant("up-projection left at its random default",
               replace=[("        nn.init.zeros_(self.up.weight)\n        nn.init.zeros_(self.up.bias)\n", "")]),
        Mutant("ReLU instead of GELU", replace=[("self.act = nn.GELU()", "self.act = nn.ReLU()")]),
        Mutant("activation after the up-projection",
               replace=[("return h + self.up(self.act(self.down(h)))", "return h + self.act(self.up(self.down(h)))")]),
    ],
    "prefix_attention": [
        Mutant("causal mask without the prefix offset",
               replace=[("        allowed[:, P:] = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()\n",
                         "        allowed = torch.ones(T, P + T, dtype=torch.bool, device=q.device).tril()\n")]),
        Mutant("no 1/sqrt(D) scaling", replace=[("/ math.sqrt(D)", "")]),
        Mutant("ignores causal=False", replace=[("    if causal:\n", "    if True:\n")]),
        Mutant("causal mask also hides prefix positions from early queries",
               replace=[("        allowed[:, P:] = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()\n",
                         "        allowed[:, P:] = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()\n"
                         "        allowed[0, :P] = False\n")]),
    ],
    "adapter_state_dict": [
        Mutant("saves the whole state dict",
               replace=[("for n, p in model.named_parameters() if p.requires_grad}", "for n, p in model.state_dict().items()}")]),
        Mutant("keeps only names with 'lora' (forgets the trained head)",
               replace=[("if p.requires_grad}", 'if "lora" in n}')]),
        Mutant("returns the live parameters, not copies", replace=[("p.detach().clone()", "p")]),
    ],
    "sft_batch": [
        Mutant("masks every position equal to pad_id (also the real end token)",
               code='''def sft_batch(examples, pad_id, max_len):
    seqs = [(list(p) + list(r))[:max_len] for p, r in examples]
    T = max(len(s) for s in seqs)
    input_ids = torch.tensor([s + [pad_id] * (T - len(s)) for s in seqs], dtype=torch.long)
    attention_mask = (input_ids != pad_id).long()
    labels = input_ids.clone()
    for i, (p, r) in enumerate(examples):
        labels[i, :len(p)] = -100
    labels[input_ids == pad_id] = -100
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
'''),
        Mutant("no prompt masking", replace=[("([-100] * len(prompt) + list(response))", "(list(prompt) + list(response))")]),
        Mutant("labels shifted left by one",
               replace=[("labs.append(([-100] * len(prompt) + list(response))[:max_len])",
                         "labs.append(([-100] * len(prompt) + list(response))[1:max_len + 1])")]),
        Mutant("padding labelled with pad_id instead of -100",
               replace=[("labels = torch.full((len(seqs), T), -100, dtype=torch.long)",
                         "labels = torch.full((len(seqs), T), pad_id, dtype=torch.long)")]),
        Mutant("truncates before adding the prompt mask (drops labels of long prompts wrongly)",
               replace=[("labs.append(([-100] * len(prompt) + list(response))[:max_len])",
                         "labs.append([-100] * min(len(prompt), max_len) + list(response)[:max(0, max_len - len(prompt) - 1)])")]),
    ],
}

# Automatic mutants (course/mutate.py) that no test can tell apart from the solution, with the reason.
_INT = "p.numel() is a Python int, so the sum is one already: the cast changes nothing"
_LONG = "a tensor built from Python ints is torch.long (int64) by default: the dtype argument changes nothing"
EQUIVALENT = {
    "count_parameters": {
        "cast: int(trainable) → trainable": _INT,
        "cast: int(total) → total": _INT,
    },
    "prefix_attention": {
        "arith: -2 → 2": "the contract's inputs are 4-D (B, H, T, D), where dim 2 is dim -2",
    },
    "sft_batch": {
        "cast: drop dtype= in input_ids = torch.full((len(seqs), T), pad_id, dtype=torch.long)": _LONG,
        "cast: drop dtype= in labels = torch.full((len(seqs), T), -100, dtype=torch.long)": _LONG,
        "cast: drop dtype= in input_ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)": _LONG,
        "cast: drop dtype= in labels[i, :len(lab)] = torch.tensor(lab, dtype=torch.long)": _LONG,
    },
}
