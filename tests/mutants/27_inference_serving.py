"""Plausible wrong answers for 27_inference_serving: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "kv_cache_bytes": [
        Mutant("forgets the 2 for keys and values",
               replace=[("2 * n_layer", "n_layer")]),
        Mutant("ignores the batch", replace=[("* seq_len * batch *", "* seq_len *")]),
        Mutant("returns a float (bytes in MiB style division)",
               replace=[("return int(2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_value)",
                         "return 2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_value / 1")]),
    ],
    "cached_forward": [
        Mutant("positions restart at 0 for every chunk",
               replace=[("torch.arange(past, past + T, device=idx.device)", "torch.arange(T, device=idx.device)")]),
        Mutant("positions off by one after the prefix",
               replace=[("torch.arange(past, past + T, device=idx.device)",
                         "torch.arange(past + (past > 0), past + T + (past > 0), device=idx.device)")]),
        Mutant("no causal mask among the new tokens",
               replace=[("scores.masked_fill(~allowed, float(\"-inf\"))", "scores")]),
        Mutant("mask ignores the past (tril without offset)",
               replace=[("tril(diagonal=past)", "tril(diagonal=0)")]),
        Mutant("cache stores only the new keys and values",
               replace=[("new_cache.append((k, v))", "new_cache.append((k[:, :, -T:], v[:, :, -T:]))")]),
        Mutant("no block_size check", replace=[("if past + T > model.config.block_size:", "if False:")]),
    ],
    "static_batching": [
        Mutant("each request returns when its own tokens are done",
               code="def static_batching(lengths, max_batch):\n    out, clock = [], 0\n"
                    "    for g in range(0, len(lengths), max_batch):\n        group = lengths[g:g + max_batch]\n"
                    "        out += [clock + n for n in group]\n        clock += max(group)\n    return out\n"),
        Mutant("groups run in parallel (no clock)",
               replace=[("clock += max(group)", "clock = max(group)")]),
    ],
    "continuous_batching": [
        Mutant("admits beyond max_batch",
               replace=[("len(running) < max_batch", "len(running) <= max_batch")]),
        Mutant("last in, first out",
               replace=[("running.append(waiting.pop(0))", "running.append(waiting.pop())")]),
        Mutant("a freed slot is refilled only after a whole step's delay",
               code="def continuous_batching(lengths, max_batch):\n    fin = [0] * len(lengths)\n"
                    "    rem = list(lengths)\n    waiting = list(range(len(lengths)))\n    running, step, freed = [], 0, 0\n"
                    "    while waiting or running:\n        while waiting and len(running) + freed < max_batch:\n"
                    "            running.append(waiting.pop(0))\n        freed = 0\n        step += 1\n"
                    "        for i in running:\n            rem[i] -= 1\n"
                    "        for i in [i for i in running if rem[i] == 0]:\n            fin[i] = step\n"
                    "            running.remove(i)\n            freed += 1\n    return fin\n"),
    ],
    "percentile": [
        Mutant("nearest rank instead of interpolation",
               code="import math\ndef percentile(values, q):\n    if len(values) == 0 or not 0 <= q <= 100:\n"
                    "        raise ValueError('bad')\n    v = sorted(values)\n"
                    "    return float(v[min(len(v) - 1, round(q / 100 * (len(v) - 1)))])\n"),
        Mutant("rank q/100 * n instead of q/100 * (n - 1)",
               replace=[("r = q / 100 * (len(v) - 1)", "r = min(q / 100 * len(v), len(v) - 1)")]),
        Mutant("forgets to sort", replace=[("v = sorted(values)", "v = list(values)")]),
    ],
    "block_allocator": [
        Mutant("fork without copy-on-write: writes into the shared block",
               replace=[("if full or self.refs[table[-1]] > 1:", "if full:")]),
        Mutant("free forgets to decrement shared blocks' counts",
               replace=[("            self.refs[b] -= 1\n            if self.refs[b] == 0:",
                         "            if self.refs[b] == 1:\n                self.refs[b] = 0")]),
        Mutant("fork does not increment reference counts",
               replace=[("        for b in table:\n            self.refs[b] += 1\n", "")]),
        Mutant("copy-on-write keeps the old block's count",
               replace=[("                self.refs[old] -= 1\n", "")]),
        Mutant("free list is LIFO-ish (largest block first)",
               replace=[("new = min(self.free_blocks)", "new = max(self.free_blocks)")]),
    ],
    "speculative_verify": [
        Mutant("accepts one draft token too many",
               replace=[("return [int(t) for t in draft[:n]] + [int(target[n])]",
                         "return [int(t) for t in draft[:n + 1]] + [int(target[min(n + 1, len(draft))])]")]),
        Mutant("counts all matches, not the agreeing prefix",
               code="def speculative_verify(draft, target):\n    if len(target) != len(draft) + 1:\n"
                    "        raise ValueError('len')\n    keep = [d for d, t in zip(draft, target) if d == t]\n"
                    "    return keep + [target[len(keep)]]\n"),
        Mutant("forgets the target's token after the accepted prefix",
               replace=[("return [int(t) for t in draft[:n]] + [int(target[n])]",
                         "return [int(t) for t in draft[:n]] or [int(target[0])]")]),
    ],
    "q4_1_roundtrip": [
        Mutant("symmetric quantization around 0 (no minimum)",
               code="import torch\ndef q4_1_roundtrip(w, block_size=32):\n    b = w.reshape(-1, block_size)\n"
                    "    d = b.abs().amax(dim=1, keepdim=True) / 7\n"
                    "    q = torch.round(b / d.clamp_min(1e-12)).clamp(-8, 7)\n    return (q * d).reshape(w.shape)\n"),
        Mutant("16 steps instead of 15 (codes never reach the maximum)",
               replace=[("/ 15", "/ 16")]),
        Mutant("truncates instead of rounding",
               replace=[("torch.round((blocks - m) / safe)", "torch.floor((blocks - m) / safe)")]),
        Mutant("one block per row, ignoring block_size",
               replace=[("blocks = w.reshape(-1, block_size)", "blocks = w.reshape(-1, w.shape[-1])")]),
    ],
    "parse_chat_request": [
        Mutant("accepts a bool as max_tokens",
               replace=[("if isinstance(max_tokens, bool) or not isinstance", "if not isinstance")]),
        Mutant("ignores max_tokens_limit",
               replace=[("1 <= max_tokens <= max_tokens_limit", "1 <= max_tokens <= 256")]),
        Mutant("keeps extra message keys",
               replace=[("clean.append({\"role\": m[\"role\"], \"content\": m[\"content\"]})", "clean.append(m)")]),
        Mutant("does not check the last role",
               replace=[("if clean[-1][\"role\"] != \"user\":", "if False:")]),
    ],
    "sse_event": [
        Mutant("str() of the dict instead of JSON",
               replace=[("json.dumps(payload)", "str(payload)")]),
        Mutant("one newline instead of a blank line",
               replace=[("return f\"data: {data}\\n\\n\"", "return f\"data: {data}\\n\"")]),
        Mutant("pretty-printed JSON over several lines",
               replace=[("json.dumps(payload)", "json.dumps(payload, indent=1)")]),
    ],
}

EQUIVALENT = {
    "kv_cache_bytes": {
        "cast: int(2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_… → 2 * n_layer * n_kv_head * head_dim * seq_len * batch * bytes_per_value":
            "every argument is an int, so the product is already an int",
    },
    "continuous_batching": {
        "const: 0 → 1 in finish = [0] * len(lengths)":
            "every entry of finish is overwritten when its request finishes",
    },
    "percentile": {
        "cast: float(v[lo] + (r - lo) * (v[hi] - v[lo])) → v[lo] + (r - lo) * (v[hi] - v[lo])":
            "r is a float, so (r - lo) * ... and the sum are floats already",
    },
    "block_allocator": {
        "arith: n + 1 → n - 1":
            "the length is only used modulo block_size, and -k % b == 0 exactly when k % b == 0",
    },
    "speculative_verify": {
        "arith: len(draft) + 1 → len(draft) - 1 [2]": "changes only the text of the error message",
        "const: 1 → 2 in raise ValueError(f'need len(draft) + 1 = {len(draft) + 1} target toke…":
            "changes only the text of the error message",
        "cast: int(t) → t": "the contract's inputs are lists of ints",
        "cast: int(target[n]) → target[n]": "the contract's inputs are lists of ints",
    },
    "q4_1_roundtrip": {
        "compare: d > 0 → d >= 0": "where d == 0 the codes are forced to 0 by the second where, so the NaN of 0/0 is never used",
        "compare: d > 0 → d >= 0 [2]": "where d == 0 the divisor is the safe 1 and x - m == 0, so the code is 0 either way",
        "const: 15 → 16 in q = torch.where(d > 0, torch.round((blocks - m) / safe).clamp(0, 15),…":
            "(x - m) / d is at most 15 (up to rounding), so the upper clamp never bites",
    },
}
