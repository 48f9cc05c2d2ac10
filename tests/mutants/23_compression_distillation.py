"""Plausible wrong answers for 23_compression_distillation: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "quantize_symmetric": [
        Mutant("full signed range: q_max = 2**(bits-1) instead of 2**(bits-1) - 1",
               replace=[("qmax = 2 ** (bits - 1) - 1", "qmax = 2 ** (bits - 1)")]),
        Mutant("per-channel over the wrong axis (reduces along axis instead of over the others)",
               replace=[("amax = np.max(np.abs(w), axis=others, keepdims=True)",
                         "amax = np.max(np.abs(w), axis=axis, keepdims=True)")]),
        Mutant("truncates instead of rounding",
               replace=[("np.clip(np.round(w / scale), -qmax, qmax)", "np.clip(np.trunc(w / scale), -qmax, qmax)")]),
        Mutant("scale from max(w) instead of max|w|",
               replace=[("amax = np.max(np.abs(w), keepdims=True)", "amax = np.max(w, keepdims=True)")]),
        Mutant("no guard for an all-zero group (divides by zero)",
               replace=[("scale = np.where(amax > 0, amax / qmax, 1.0).astype(np.float32)",
                         "scale = (amax / qmax).astype(np.float32)")]),
        Mutant("scale without keepdims (does not broadcast per channel)",
               replace=[("amax = np.max(np.abs(w), axis=others, keepdims=True)",
                         "amax = np.max(np.abs(w), axis=others)\n        amax = np.expand_dims(amax, -1) if w.ndim > 1 else amax")]),
    ],
    "quantize_asymmetric": [
        Mutant("zero-point not rounded (truncated)",
               replace=[("np.clip(np.round(-lo / scale), 0, qmax)", "np.clip(np.trunc(-lo / scale), 0, qmax)")]),
        Mutant("range not widened to include 0",
               replace=[("lo = np.minimum(np.min(w, axis=others, keepdims=True), 0.0)",
                         "lo = np.min(w, axis=others, keepdims=True)"),
                        ("hi = np.maximum(np.max(w, axis=others, keepdims=True), 0.0)",
                         "hi = np.max(w, axis=others, keepdims=True)")]),
        Mutant("divides the range by 2**bits instead of 2**bits - 1",
               replace=[("(hi - lo) / qmax", "(hi - lo) / (qmax + 1)")]),
        Mutant("subtracts the zero-point instead of adding it",
               replace=[("np.round(w / scale) + zero_point", "np.round(w / scale) - zero_point")]),
        Mutant("zero-point from +lo",
               replace=[("np.round(-lo / scale)", "np.round(lo / scale)")]),
    ],
    "fake_quantize_linears": [
        Mutant("per-tensor instead of per-channel",
               replace=[("quantize_symmetric(m.weight.detach().cpu().numpy(), bits, axis=0)",
                         "quantize_symmetric(m.weight.detach().cpu().numpy(), bits, axis=None)")]),
        Mutant("per input column instead of per output row",
               replace=[("quantize_symmetric(m.weight.detach().cpu().numpy(), bits, axis=0)",
                         "quantize_symmetric(m.weight.detach().cpu().numpy(), bits, axis=1)")]),
        Mutant("modifies the input model (no copy)",
               replace=[("qmodel = copy.deepcopy(model)", "qmodel = model")]),
        Mutant("stores the integer codes without the scale",
               replace=[("torch.from_numpy(q.astype(np.float32) * scale)", "torch.from_numpy(q.astype(np.float32))")]),
        Mutant("replaces the Parameter (breaks tied weights)",
               replace=[("m.weight.copy_(torch.from_numpy(q.astype(np.float32) * scale))",
                         "m.weight = nn.Parameter(torch.from_numpy(q.astype(np.float32) * scale))")]),
        Mutant("quantizes the biases too", code=(
            "def fake_quantize_linears(model, bits):\n"
            "    qmodel = copy.deepcopy(model)\n"
            "    with torch.no_grad():\n"
            "        for m in qmodel.modules():\n"
            "            if isinstance(m, nn.Linear):\n"
            "                for p in m.parameters(recurse=False):\n"
            "                    x = p.detach().numpy()\n"
            "                    q, s = quantize_symmetric(x if x.ndim == 2 else x[:, None], bits, axis=0)\n"
            "                    p.copy_(torch.from_numpy((q * s).reshape(x.shape)))\n"
            "    return qmodel\n")),
    ],
    "dequantize_q4_1": [
        Mutant("nibble order swapped (high nibble first)",
               replace=[("[codes & 0x0F, codes >> 4]", "[codes >> 4, codes & 0x0F]")]),
        Mutant("nibbles interleaved (weight 2j low, 2j + 1 high)",
               replace=[("q = np.concatenate([codes & 0x0F, codes >> 4], axis=1).astype(np.float32)",
                         "q = np.stack([codes & 0x0F, codes >> 4], axis=2).reshape(len(codes), 32).astype(np.float32)")]),
        Mutant("d and m swapped",
               replace=[("d = np.ascontiguousarray(blocks[:, 0:2])", "d = np.ascontiguousarray(blocks[:, 2:4])"),
                        ("m = np.ascontiguousarray(blocks[:, 2:4])", "m = np.ascontiguousarray(blocks[:, 0:2])")]),
        Mutant("Q4_0's centred codes: d * (q - 8) + m", replace=[("w = d * q + m", "w = d * (q - 8) + m")]),
        Mutant("big-endian float16", replace=[('view("<f2")', 'view(">f2")')]),
        Mutant("float16 arithmetic (rounds differently)",
               replace=[("w = d * q + m", "w = (d.astype(np.float16) * q.astype(np.float16) + m.astype(np.float16)).astype(np.float32)")]),
    ],
    "magnitude_prune_mask": [
        Mutant("prunes by value, not magnitude",
               replace=[("w.detach().abs().flatten()", "w.detach().flatten()")]),
        Mutant("threshold with <=: prunes every tie at the threshold", code=(
            "def magnitude_prune_mask(w, sparsity):\n"
            "    k = int(round(sparsity * w.numel()))\n"
            "    if k == 0:\n"
            "        return torch.ones_like(w, dtype=torch.bool)\n"
            "    thr = w.detach().abs().flatten().kthvalue(k).values\n"
            "    return w.detach().abs() > thr\n")),
        Mutant("floors k instead of rounding", replace=[("k = int(round(sparsity * w.numel()))", "k = int(sparsity * w.numel())")]),
        Mutant("returns the pruned entries instead of the kept ones",
               replace=[("return keep.reshape(w.shape)", "return ~keep.reshape(w.shape)")]),
        Mutant("prunes the largest weights", replace=[("largest=False", "largest=True")]),
    ],
    "prune_ffn_neurons": [
        Mutant("scores by fc1's rows only",
               replace=[("score = fc1.weight.norm(dim=1) * fc2.weight.norm(dim=0)", "score = fc1.weight.norm(dim=1)")]),
        Mutant("fc2 norm over the wrong axis (rows instead of columns)",
               replace=[("fc2.weight.norm(dim=0)", "fc2.weight.norm(dim=1).mean() * fc2.weight.abs().sum(dim=0)")]),
        Mutant("kept neurons in score order, not original order",
               replace=[("idx = torch.topk(score, keep).indices.sort().values", "idx = torch.topk(score, keep).indices")]),
        Mutant("prunes fc2's bias with the neurons", code=(
            "def prune_ffn_neurons(fc1, fc2, keep):\n"
            "    with torch.no_grad():\n"
            "        score = fc1.weight.norm(dim=1) * fc2.weight.norm(dim=0)\n"
            "        idx = torch.topk(score, keep).indices.sort().values\n"
            "        new1 = nn.Linear(fc1.in_features, keep, bias=fc1.bias is not None)\n"
            "        new2 = nn.Linear(keep, fc2.out_features, bias=fc2.bias is not None)\n"
            "        new1.weight.copy_(fc1.weight[idx])\n"
            "        new2.weight.copy_(fc2.weight[:, idx])\n"
            "        if fc1.bias is not None:\n"
            "            new1.bias.copy_(fc1.bias[idx])\n"
            "    return new1, new2\n")),
        Mutant("keeps the lowest-scoring neurons",
               replace=[("idx = torch.topk(score, keep).indices", "idx = torch.topk(score, keep, largest=False).indices")]),
    ],
    "distillation_loss": [
        Mutant("KL direction reversed: KL(student || teacher)",
               replace=[("(log_p_teacher.exp() * (log_p_teacher - log_p_student))",
                         "(log_p_student.exp() * (log_p_student - log_p_teacher))")]),
        Mutant("forgets the T^2 factor", replace=[("alpha * T ** 2 * kl", "alpha * kl")]),
        Mutant("temperature also on the hard-label cross-entropy",
               replace=[("ce = F.cross_entropy(student_logits, labels)", "ce = F.cross_entropy(student_logits / T, labels)")]),
        Mutant("alpha on the wrong term",
               replace=[("return alpha * T ** 2 * kl + (1 - alpha) * ce", "return (1 - alpha) * T ** 2 * kl + alpha * ce")]),
        Mutant("log of softmax (NaN at extreme logits)",
               replace=[("log_p_student = F.log_softmax(student_logits / T, dim=-1)",
                         "log_p_student = torch.log(F.softmax(student_logits / T, dim=-1))"),
                        ("log_p_teacher = F.log_softmax(teacher_logits.detach() / T, dim=-1)",
                         "log_p_teacher = torch.log(F.softmax(teacher_logits.detach() / T, dim=-1))")]),
        Mutant("teacher not detached (gradient flows into the teacher)",
               replace=[("teacher_logits.detach() / T", "teacher_logits / T")]),
        Mutant("KL summed over the batch instead of averaged",
               replace=[(".sum(dim=-1).mean()", ".sum()")]),
        Mutant("no temperature on the teacher",
               replace=[("teacher_logits.detach() / T", "teacher_logits.detach()")]),
    ],
}

EQUIVALENT = {
    "quantize_symmetric": {
        "cast: np.where(amax > 0, amax / qmax, 1.0).astype(np.float32) → np.where(amax > 0, amax / qmax, 1.0)":
            "w is float32, so amax / qmax is float32 and np.where with the Python float 1.0 keeps float32",
    },
    "quantize_asymmetric": {
        "cast: np.where(hi > lo, (hi - lo) / qmax, 1.0).astype(np.float32) → np.where(hi > lo, (hi - lo) / qmax, 1.0)":
            "w is float32, so (hi - lo) / qmax is float32 and np.where with the Python float 1.0 keeps float32",
    },
    "fake_quantize_linears": {
        "cast: q.astype(np.float32) → q": "int8 q times the float32 scale is already float32, with the same values",
    },
    "dequantize_q4_1": {
        "const: 1 → 2 in blocks = np.ascontiguousarray(data).reshape(-1, 20)":
            "numpy's reshape treats any negative size as 'infer this axis': -2 is the same as -1",
        "cast: np.ascontiguousarray(blocks[:, 0:2]).view('<f2').astype(np.float32) → np.ascontiguousarray(blocks[:, 0:2]).view('<f2')":
            "float16 d times the float32 q is computed in float32, and float16 -> float32 is exact: same bits",
        "cast: np.concatenate([codes & 15, codes >> 4], axis=1).astype(np.float32) → np.concatenate([codes & 15, codes >> 4], axis=1)":
            "the float32 d times the uint8 codes is computed in float32 with the same exact products",
    },
    "magnitude_prune_mask": {
        "cast: int(round(sparsity * w.numel())) → round(sparsity * w.numel())":
            "Python's round of a float with no ndigits already returns an int",
        "compare: k > 0 → k >= 0": "torch.topk with k = 0 returns no indices, so the mask is unchanged",
    },
    "distillation_loss": {
        "axis: drop dim= in log_p_student = F.log_softmax(student_logits / T, dim=-1)":
            "the contract's logits are (B, C): log_softmax's implicit dim for 2-D input is 1, the last axis",
        "axis: drop dim= in log_p_teacher = F.log_softmax(teacher_logits.detach() / T, dim=-1)":
            "the contract's logits are (B, C): log_softmax's implicit dim for 2-D input is 1, the last axis",
        "arith: -1 → 1": "the contract's logits are (B, C): dim=1 is dim=-1",
        "arith: -1 → 1 [2]": "the contract's logits are (B, C): dim=1 is dim=-1",
        "arith: -1 → 1 [3]": "the contract's logits are (B, C): dim=1 is dim=-1",
    },
}
