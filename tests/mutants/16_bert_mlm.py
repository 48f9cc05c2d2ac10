"""Plausible wrong answers for 16_bert_mlm; each must fail its exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "bert_batch": [
        Mutant("the second [SEP] gets segment 0",
               replace=[("tt += [1] * (len(b) + 1)", "tt += [1] * len(b) + [0]")]),
        Mutant("the first [SEP] already gets segment 1",
               replace=[("tt = [0] * len(ids)", "tt = [0] * (len(ids) - 1) + [1 if b is not None else 0]")]),
        Mutant("forgets the final [SEP] of a pair",
               replace=[("ids += list(b) + [sep_id]", "ids += list(b)"), ("[1] * (len(b) + 1)", "[1] * len(b)")]),
        Mutant("pads on the left",
               replace=[("[i, :len(s)]", "[i, T - len(s):]")]),
        Mutant("attention mask zero on the special tokens",
               replace=[("        attention_mask[i, :len(s)] = 1\n",
                         "        attention_mask[i, 1:len(s) - 1] = 1\n")]),
    ],
    "bert_embeddings": [
        Mutant("forgets the LayerNorm",
               replace=[("return emb.dropout(emb.LayerNorm(x))", "return emb.dropout(x)")]),
        Mutant("forgets the segment embeddings",
               replace=[("\n         + emb.token_type_embeddings(token_type_ids))", ")")]),
        Mutant("positions start at 1",
               replace=[("torch.arange(T, device=input_ids.device)", "torch.arange(1, T + 1, device=input_ids.device)")]),
        Mutant("looks positions up with the token ids",
               replace=[("emb.position_embeddings(positions)[None]", "emb.position_embeddings(input_ids)")]),
        Mutant("forgets dropout",
               replace=[("return emb.dropout(emb.LayerNorm(x))", "return emb.LayerNorm(x)")]),
        Mutant("LayerNorm before adding the positions",
               code=("def bert_embeddings(input_ids, token_type_ids, emb):\n"
                     "    T = input_ids.shape[1]\n"
                     "    x = emb.LayerNorm(emb.word_embeddings(input_ids) + emb.token_type_embeddings(token_type_ids))\n"
                     "    return emb.dropout(x + emb.position_embeddings(torch.arange(T))[None])\n")),
    ],
    "attention_bias": [
        Mutant("masks padding queries instead of padding keys",
               replace=[("attention_mask.bool()[:, None, None, :]", "attention_mask.bool()[:, None, :, None]")]),
        Mutant("causal mask forbids the diagonal (j < i)",
               replace=[(".tril()", ".tril(-1)")]),
        Mutant("causal mask lets queries see the future",
               replace=[(".tril()", ".triu()")]),
        Mutant("uses -inf (NaN on fully masked rows)",
               replace=[("torch.finfo(dtype).min", "float('-inf')")]),
        Mutant("a fixed -1e4 instead of the dtype's minimum",
               replace=[("torch.finfo(dtype).min", "-1e4")]),
        Mutant("ignores the padding when causal",
               replace=[("        allowed = allowed & torch.ones(T, T, dtype=torch.bool, device=attention_mask.device).tril()",
                         "        allowed = torch.ones(T, T, dtype=torch.bool, device=attention_mask.device).tril().expand(B, 1, T, T)")]),
    ],
    "mask_tokens": [
        Mutant("special tokens can be selected",
               replace=[(" & ~is_special\n", "\n")]),
        Mutant("labels are the original ids everywhere (no -100)",
               replace=[("labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))",
                         "labels = input_ids.clone()")]),
        Mutant("random replacements from the whole vocabulary, specials included",
               replace=[("i not in set(special_ids)]", "True]")]),
        Mutant("10 % random of the remaining 20 % instead of 10 % of all selected",
               replace=[("to_random = selected & (u >= 0.8) & (u < 0.9)",
                         "to_random = selected & (u >= 0.8) & (torch.rand(input_ids.shape, generator=generator) < 0.1)")]),
        Mutant("80/10/10 applied to every position, not only the selected ones",
               replace=[("to_mask = selected & (u < 0.8)", "to_mask = ~is_special & (u < 0.8) & (torch.rand(u.shape, generator=generator) < 0.15)")]),
        Mutant("modifies input_ids in place",
               replace=[("corrupted = input_ids.clone()", "corrupted = input_ids")]),
        Mutant("ignores the generator (global RNG)",
               replace=[("generator=generator)", "generator=None)")]),
        Mutant("assumes the special ids are 0..k-1",
               replace=[("regular = torch.tensor([i for i in range(vocab_size) if i not in set(special_ids)],",
                         "regular = torch.tensor(list(range(len(set(special_ids)), vocab_size)),")]),
        Mutant("off by one: never draws the last id",
               replace=[("for i in range(vocab_size) if", "for i in range(vocab_size - 1) if")]),
        Mutant("90 % [MASK], 10 % unchanged (no random tokens)",
               replace=[("to_mask = selected & (u < 0.8)", "to_mask = selected & (u < 0.9)"),
                        ("to_random = selected & (u >= 0.8) & (u < 0.9)", "to_random = selected & (u > 2)")]),
    ],
    "mlm_loss": [
        Mutant("averages over all positions",
               replace=[("    return -logp.gather(1, flat_labels[keep].unsqueeze(1)).mean()",
                         "    return -logp.gather(1, flat_labels[keep].unsqueeze(1)).sum() / flat_labels.numel()")]),
        Mutant("sums instead of averaging",
               replace=[("unsqueeze(1)).mean()", "unsqueeze(1)).sum()")]),
        Mutant("naive softmax, overflows for large logits",
               replace=[("logp = torch.log_softmax(flat_logits[keep], dim=-1)",
                         "logp = torch.log(flat_logits[keep].exp() / flat_logits[keep].exp().sum(-1, keepdim=True))")]),
        Mutant("NaN when nothing is labelled",
               replace=[("    if not keep.any():\n        return flat_logits.sum() * 0.0\n", "")]),
        Mutant("treats -100 as class 0 instead of ignoring it",
               code=("def mlm_loss(logits, labels):\n"
                     "    V = logits.shape[-1]\n"
                     "    return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1).clamp(min=0))\n")),
        Mutant("softmax over the sequence axis",
               code=("def mlm_loss(logits, labels):\n"
                     "    logp = torch.log_softmax(logits, dim=-2) if logits.dim() > 2 else torch.log_softmax(logits, dim=0)\n"
                     "    keep = labels != -100\n"
                     "    if not keep.any():\n"
                     "        return logits.sum() * 0.0\n"
                     "    return -logp[keep].gather(-1, labels[keep].unsqueeze(-1)).mean()\n")),
    ],
    "fill_mask": [
        Mutant("forgets eval mode (dropout stays on)",
               replace=[("    model.eval()\n", "")]),
        Mutant("off by one: forgets the [CLS] at position 0",
               replace=[("probs = torch.softmax(logits[p], dim=-1)", "probs = torch.softmax(logits[p - 1], dim=-1)")]),
        Mutant("softmax over the positions instead of the vocabulary",
               replace=[("probs = torch.softmax(logits[p], dim=-1)", "probs = torch.softmax(logits, dim=0)[p]")]),
        Mutant("returns logits instead of probabilities",
               replace=[("probs = torch.softmax(logits[p], dim=-1)", "probs = logits[p]")]),
        Mutant("only the first [MASK]",
               replace=[(".nonzero().flatten().tolist()", ".nonzero().flatten().tolist()[:1]")]),
        Mutant("least probable first",
               replace=[("top = torch.topk(probs, k)", "top = torch.topk(probs, k, largest=False)")]),
    ],
    "cls_classifier": [
        Mutant("creates self.dropout but never applies it in forward",
               replace=[("return self.head(self.dropout(hidden[:, 0]))", "return self.head(hidden[:, 0])")]),
        Mutant("dropout on the logits instead of the [CLS] vector",
               replace=[("return self.head(self.dropout(hidden[:, 0]))", "return self.dropout(self.head(hidden[:, 0]))")]),
        Mutant("hard-codes dropout 0.1 instead of the argument",
               replace=[("return self.head(self.dropout(hidden[:, 0]))", "return self.head(F.dropout(hidden[:, 0], 0.1, self.training))")]),
        Mutant("mean pooling instead of [CLS]",
               replace=[("hidden[:, 0]", "hidden.mean(dim=1)")]),
        Mutant("the last position instead of [CLS]",
               replace=[("hidden[:, 0]", "hidden[:, -1]")]),
        Mutant("does not pass the attention mask",
               replace=[("self.encoder(input_ids=input_ids, attention_mask=attention_mask)", "self.encoder(input_ids=input_ids)")]),
        Mutant("freezes the encoder (feature extraction, not fine-tuning)",
               replace=[("        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state\n",
                         "        with torch.no_grad():\n"
                         "            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state\n")]),
        Mutant("no dropout (nn.Identity instead of nn.Dropout)",
               replace=[("        self.dropout = nn.Dropout(dropout)\n", "        self.dropout = nn.Identity()\n")]),
    ],
}

EQUIVALENT = {
    'bert_batch': {
        'cast: drop dtype= in input_ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)':
            'assigning into a long tensor casts anyway (and a list of ints is int64)',
        'cast: drop dtype= in token_type_ids[i, :len(s)] = torch.tensor(tt, dtype=torch.long)':
            'assigning into a long tensor casts anyway (and a list of ints is int64)',
    },
    'mask_tokens': {
        'cast: drop dtype= in specials = torch.tensor(sorted(set(special_ids)), dtype=input_ids.dty…':
            "a list of ints is int64, the dtype of the contract's input_ids",
        'compare: torch.rand(input_ids.shape, generator=generator) < mlm_prob → torch.rand(input_ids.shape, generator=generator) <= mlm_prob':
            'differs only when a uniform draw equals mlm_prob exactly (probability about 2^-24 per position)',
        'compare: u < 0.8 → u <= 0.8':
            'differs only when a uniform draw equals 0.8 exactly',
        'compare: u >= 0.8 → u > 0.8':
            'differs only when a uniform draw equals 0.8 exactly',
        'compare: u < 0.9 → u <= 0.9':
            'differs only when a uniform draw equals 0.9 exactly',
        'cast: drop dtype= in regular = torch.tensor([i for i in range(vocab_size) if i not in set(…':
            "a list of ints is int64, the dtype of the contract's input_ids",
        'cast: int(to_random.sum()) → to_random.sum()':
            'torch.randint accepts a 0-dim integer tensor as a size',
    },
    'mlm_loss': {
        'arith: -1 → 1 [4]':
            'the logits were reshaped to 2-D (N, V): dim=1 is the last axis',
    },
    'fill_mask': {
        'axis: dim=-1 → 0 in probs = torch.softmax(logits[p], dim=-1)':
            'logits[p] is 1-D (V,): dim 0 is the last axis',
    },
}
