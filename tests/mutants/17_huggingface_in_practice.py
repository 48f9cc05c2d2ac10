"""Plausible wrong answers for 17_huggingface_in_practice: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "tokenize_batch": [
        Mutant("pads every batch to max_length at tokenization time",
               replace=[("truncation=True, max_length=max_length)", "truncation=True, max_length=max_length, padding=\"max_length\")")]),
        Mutant("leaves room for special tokens twice", replace=[("max_length=max_length)", "max_length=max_length - 2)")]),
        Mutant("keeps the column name 'label' instead of 'labels'", replace=[('out["labels"]', 'out["label"]')]),
        Mutant("pads each map batch to its longest text", replace=[("max_length=max_length)", "max_length=max_length, padding=True)")]),
    ],
    "pad_collate": [
        Mutant("pads the attention mask with the pad id too", replace=[('fill = pad_token_id if key == "input_ids" else 0', "fill = pad_token_id")]),
        Mutant("pads with 0 whatever the pad id", replace=[('fill = pad_token_id if key == "input_ids" else 0', "fill = 0")]),
        Mutant("pads on the left",
               replace=[("[int(v) for v in f[key]] + [fill] * (L - len(f[key]))", "[fill] * (L - len(f[key])) + [int(v) for v in f[key]]")]),
        Mutant("pads to a fixed length of 16", replace=[('L = max(len(f["input_ids"]) for f in features)', "L = 16")]),
        Mutant("labels as float", replace=[("dtype=torch.int64)\n            continue", "dtype=torch.float32)\n            continue")]),
    ],
    "compute_metrics": [
        Mutant("F1 of class 1 only", replace=[('"macro_f1": float(np.mean(f1s))', '"macro_f1": float(f1s[-1])')]),
        Mutant("micro-F1 (equals accuracy)", replace=[('"macro_f1": float(np.mean(f1s))', '"macro_f1": float(np.mean(pred == labels))')]),
        Mutant("averages over all C classes, absent ones as 0",
               replace=[("for c in np.union1d(pred, labels):", "for c in range(np.asarray(logits).shape[-1]):"),
                        ("f1s.append(2 * tp / (2 * tp + fp + fn))", "f1s.append(2 * tp / max(2 * tp + fp + fn, 1))")]),
        Mutant("weighted F1", code=(
            "def compute_metrics(eval_pred):\n"
            "    pred = np.asarray(eval_pred.predictions).argmax(-1)\n"
            "    y = np.asarray(eval_pred.label_ids)\n"
            "    return {'accuracy': float(np.mean(pred == y)), 'macro_f1': float(f1_score(y, pred, average='weighted'))}\n")),
    ],
    "trainer_step": [
        Mutant("no gradient clipping", replace=[("    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)\n", "")]),
        Mutant("clips after the optimizer step",
               replace=[("    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)\n    optimizer.step()\n",
                         "    optimizer.step()\n    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)\n")]),
        Mutant("forgets the scheduler", replace=[("    scheduler.step()\n", "")]),
        Mutant("steps the scheduler before the optimizer",
               replace=[("    optimizer.step()\n    scheduler.step()\n", "    scheduler.step()\n    optimizer.step()\n")]),
        Mutant("never zeroes the gradients", replace=[("    optimizer.zero_grad()\n", "")]),
        Mutant("trains in eval mode (no dropout)", replace=[("model.train()", "model.eval()")]),
        Mutant("ignores max_grad_norm", replace=[("clip_grad_norm_(model.parameters(), max_grad_norm)", "clip_grad_norm_(model.parameters(), 1.0)")]),
        Mutant("returns the loss tensor", replace=[("return loss.item()", "return loss")]),
    ],
    "greedy_generate": [
        Mutant("drops the eos token", replace=[(
            "            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=1)\n            if eos_token_id is not None and int(nxt) == eos_token_id:\n                break\n",
            "            if eos_token_id is not None and int(nxt) == eos_token_id:\n                break\n            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=1)\n")]),
        Mutant("ignores eos", replace=[("if eos_token_id is not None and int(nxt) == eos_token_id:", "if False:")]),
        Mutant("one token too few", replace=[("range(max_new_tokens)", "range(max_new_tokens - 1)")]),
        Mutant("reads the first position's logits", replace=[("logits[:, -1, :]", "logits[:, 0, :]")]),
        Mutant("returns only the new tokens", replace=[("    return ids\n", "    return ids[:, input_ids.shape[1]:]\n")]),
    ],
    "format_chat": [
        Mutant("never adds the default system message",
               replace=[('if messages and messages[0]["role"] != "system":', "if False:")]),
        Mutant("always adds the default system message",
               replace=[('if messages and messages[0]["role"] != "system":', "if True:")]),
        Mutant("no newline after <|im_end|>",
               replace=[("{m['content']}<|im_end|>\\n\")", "{m['content']}<|im_end|>\")")]),
        Mutant("generation prompt without the newline", replace=[('parts.append("<|im_start|>assistant\\n")', 'parts.append("<|im_start|>assistant")')]),
        Mutant("ignores default_system", replace=[("{default_system}", "{SMOL_SYSTEM}")]),
    ],
    "qa_token_positions": [
        Mutant("end index one past the last token", replace=[("return int(start), int(end)", "return int(start), int(end) + 1")]),
        Mutant("does not check truncation", replace=[("if offsets[ctx[0]][0] > first_char or offsets[ctx[-1]][1] < end_char:", "if False:")]),
        Mutant("searches every token, question included", code=(
            "def qa_token_positions(offsets, sequence_ids, answer_start, answer_text):\n"
            "    if not answer_text:\n        return 0, 0\n"
            "    e = answer_start + len(answer_text)\n"
            "    ctx = [i for i, s in enumerate(sequence_ids) if s == 1]\n"
            "    if offsets[ctx[0]][0] > answer_start or offsets[ctx[-1]][1] < e:\n        return 0, 0\n"
            "    s_tok = next(i for i, (a, b) in enumerate(offsets) if a <= answer_start < b)\n"
            "    e_tok = next(i for i, (a, b) in enumerate(offsets) if a < e <= b and i >= s_tok)\n"
            "    return int(s_tok), int(e_tok)\n")),
        Mutant("end token must end strictly after the answer",
               replace=[("end = min(i for i in ctx if offsets[i][1] >= end_char)", "end = min((i for i in ctx if offsets[i][1] > end_char), default=ctx[-1])")]),
    ],
    "decode_qa_span": [
        Mutant("separate argmaxes for start and end", code=(
            "def decode_qa_span(start_logits, end_logits, offsets, sequence_ids, context, max_answer_len=30):\n"
            "    ctx = [k for k, s in enumerate(sequence_ids) if s == 1]\n"
            "    i = max(ctx, key=lambda k: start_logits[k])\n"
            "    j = max(ctx, key=lambda k: end_logits[k])\n"
            "    if start_logits[i] + end_logits[j] <= start_logits[0] + end_logits[0]:\n        return ''\n"
            "    return context[offsets[i][0]:offsets[j][1]]\n")),
        Mutant("ignores max_answer_len", replace=[("ok = (jj >= ii) & (jj - ii + 1 <= max_answer_len)", "ok = jj >= ii")]),
        Mutant("max_answer_len off by one", replace=[("(jj - ii + 1 <= max_answer_len)", "(jj - ii <= max_answer_len)")]),
        Mutant("never answers 'no answer'", replace=[("best, best_ij = s[0] + e[0], None", "best, best_ij = -np.inf, None")]),
        Mutant("slices up to the end token's start", replace=[("offsets[best_ij[1]][1]]", "offsets[best_ij[1]][0]]")]),
        Mutant("considers question tokens too",
               replace=[("ctx = np.array([k for k, sid in enumerate(sequence_ids) if sid == 1], dtype=int)",
                         "ctx = np.array([k for k, sid in enumerate(sequence_ids) if sid is not None], dtype=int)")]),
    ],
    "shift_right": [
        Mutant("forgets to replace -100", replace=[("return out.masked_fill(out == -100, pad_token_id)", "return out")]),
        Mutant("shifts left", code=(
            "def shift_right(labels, decoder_start_token_id, pad_token_id):\n"
            "    out = torch.full_like(labels, pad_token_id)\n"
            "    out[:, :-1] = labels[:, 1:]\n"
            "    return out.masked_fill(out == -100, pad_token_id)\n")),
        Mutant("starts with the pad id", replace=[("torch.full_like(labels, decoder_start_token_id)", "torch.full_like(labels, pad_token_id)")]),
        Mutant("modifies labels in place", code=(
            "def shift_right(labels, decoder_start_token_id, pad_token_id):\n"
            "    labels[labels == -100] = pad_token_id\n"
            "    out = torch.full_like(labels, decoder_start_token_id)\n"
            "    out[:, 1:] = labels[:, :-1]\n"
            "    return out\n")),
    ],
}

_INTS = "the values are Python ints (or int64 tensors) already: the cast changes nothing"
EQUIVALENT = {
    "tokenize_batch": {"cast: int(v) → v": "the contract's labels are a list of int already"},
    "pad_collate": {
        "cast: drop dtype= in batch[key] = torch.tensor([int(f[key]) for f in features], dtype=torc…":
            "torch.tensor of Python ints is int64 by default",
        "cast: int(f[key]) → f[key]": "torch.tensor turns a list of ints or 0-d int64 tensors into the same int64 tensor",
        "cast: int(v) → v": "torch.tensor turns rows of ints or 0-d int64 tensors into the same int64 tensor",
        "cast: drop dtype= in batch[key] = torch.tensor(rows, dtype=torch.int64)": "torch.tensor of Python ints is int64 by default",
    },
    "compute_metrics": {"drop: labels = np.asarray(labels)": "EvalPrediction.label_ids is a NumPy array already",
                        "arith: -1 → 1": "the logits are 2-D: axis 1 is the last axis"},
    "greedy_generate": {
        "cast: int(nxt) → nxt": "a one-element tensor compares with an int like the int itself",
        "axis: drop dim= in nxt = model(input_ids=ids).logits[:, -1, :].argmax(dim=-1, keepdim=Tr…":
            "one sequence: the flat argmax of a (1, vocab) row is the argmax over the vocabulary",
        "arith: -1 → 1 [2]": "logits[:, -1, :] is (1, vocab): dim 1 is its last dim",
    },
    "decode_qa_span": {
        "cast: drop dtype= in s, e = (np.asarray(start_logits, dtype=np.float64), np.asarray(end_lo…":
            "float32 sums rank the spans the same way (the contract promises no precision beyond the inputs')",
        "cast: drop dtype= in ctx = np.array([k for k, sid in enumerate(sequence_ids) if sid == 1],…":
            "an empty context is never indexed (the len(ctx) guard); non-empty index lists are ints anyway",
    },
    "qa_token_positions": {"cast: int(start) → start": _INTS, "cast: int(end) → end": _INTS},
}
