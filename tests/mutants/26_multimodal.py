"""Plausible wrong answers for 26_multimodal: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "patchify": [
        Mutant("patches in column-major order (rows and columns of patches transposed)",
               replace=[("x.permute(0, 2, 4, 1, 3, 5)", "x.permute(0, 4, 2, 1, 3, 5)")]),
        Mutant("flattens each patch channel-last (p, p, C)",
               replace=[("x.permute(0, 2, 4, 1, 3, 5)", "x.permute(0, 2, 4, 3, 5, 1)")]),
        Mutant("reshapes without permuting (pixels of different patches mixed)",
               replace=[("x = x.permute(0, 2, 4, 1, 3, 5)", "pass")]),
        Mutant("no ValueError for sizes that do not divide",
               replace=[("raise ValueError(f\"image size {h}x{w} is not a multiple of the patch size {p}\")",
                         "h, w = h - h % p, w - w % p\n        images = images[:, :, :h, :w]")]),
    ],
    "patch_embedding": [
        Mutant("forgets to add the position embedding", replace=[("+ self.pos", "")]),
        Mutant("position embedding as a plain tensor, not a parameter",
               replace=[("nn.Parameter(torch.randn(1, n_patches, dim) * 0.02)", "torch.randn(1, n_patches, dim) * 0.02")]),
        Mutant("one position vector shared by all patches",
               replace=[("torch.randn(1, n_patches, dim)", "torch.randn(1, 1, dim)")]),
        Mutant("position embedding drawn from N(0, 1)", replace=[("torch.randn(1, n_patches, dim) * 0.02", "torch.randn(1, n_patches, dim)")]),
    ],
    "clip_loss": [
        Mutant("only the image->text direction",
               replace=[("(F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2",
                         "F.cross_entropy(logits, targets)")]),
        Mutant("temperature not exponentiated", replace=[("logit_scale.exp() * u @ v.T", "logit_scale * u @ v.T")]),
        Mutant("divides by exp(s) instead of multiplying", replace=[("logit_scale.exp() * u @ v.T", "u @ v.T / logit_scale.exp()")]),
        Mutant("no normalisation before the dot product",
               replace=[("u = F.normalize(image_emb, dim=-1)", "u = image_emb"),
                        ("v = F.normalize(text_emb, dim=-1)", "v = text_emb")]),
        Mutant("log of a hand-written softmax (overflows at large scale)",
               code=("def clip_loss(image_emb, text_emb, logit_scale):\n"
                     "    u = F.normalize(image_emb, dim=-1)\n"
                     "    v = F.normalize(text_emb, dim=-1)\n"
                     "    e = torch.exp(logit_scale.exp() * u @ v.T)\n"
                     "    i2t = -torch.log(e.diagonal() / e.sum(dim=1)).mean()\n"
                     "    t2i = -torch.log(e.diagonal() / e.sum(dim=0)).mean()\n"
                     "    return (i2t + t2i) / 2\n")),
    ],
    "zero_shot_classify": [
        Mutant("no renormalisation after averaging the prompts",
               replace=[("classes = F.normalize(prompts.mean(dim=1), dim=-1)", "classes = prompts.mean(dim=1)")]),
        Mutant("averages raw prompt embeddings (no normalisation first)",
               replace=[("prompts = F.normalize(prompt_emb, dim=-1)", "prompts = prompt_emb")]),
        Mutant("image embeddings not normalised", replace=[("F.normalize(image_emb, dim=-1) @ classes.T", "image_emb @ classes.T")]),
        Mutant("ensembles by voting after the arg-max of each template",
               code=("def zero_shot_classify(image_emb, prompt_emb):\n"
                     "    img = F.normalize(image_emb, dim=-1)\n"
                     "    pr = F.normalize(prompt_emb, dim=-1)\n"
                     "    votes = torch.zeros(len(img), pr.shape[0])\n"
                     "    for j in range(pr.shape[1]):\n"
                     "        pred = (img @ pr[:, j].T).argmax(dim=1)\n"
                     "        votes[torch.arange(len(img)), pred] += 1\n"
                     "    return votes / pr.shape[1]\n")),
    ],
    "recall_at_k": [
        Mutant("looks at the k lowest scores", replace=[("scores.topk(k, dim=1)", "scores.topk(k, dim=1, largest=False)")]),
        Mutant("off by one: the top k + 1", replace=[("k = min(k, scores.shape[1])", "k = min(k + 1, scores.shape[1])")]),
        Mutant("fraction of the relevant items found (lesson 20's form), not hits",
               replace=[("hits = relevant.gather(1, top).any(dim=1)",
                         "hits = relevant.gather(1, top).sum(dim=1) / relevant.sum(dim=1)")]),
        Mutant("k larger than the number of items not handled", replace=[("k = min(k, scores.shape[1])", "pass")]),
    ],
    "q_sample": [
        Mutant("no square roots", replace=[("ab.sqrt() * x0 + (1 - ab).sqrt() * noise", "ab * x0 + (1 - ab) * noise")]),
        Mutant("off by one: alpha_bars[t - 1]", replace=[("alpha_bars[t]", "alpha_bars[t - 1]")]),
        Mutant("assumes 4-D images", replace=[("alpha_bars[t].view(-1, *([1] * (x0.dim() - 1)))", "alpha_bars[t].view(-1, 1, 1, 1)")]),
    ],
    "ddpm_loss": [
        Mutant("t drawn from 1 .. T-1 (never 0)",
               replace=[("torch.randint(0, len(alpha_bars), (b,), generator=generator)",
                         "torch.randint(1, len(alpha_bars), (b,), generator=generator)")]),
        Mutant("drops labels with probability 1 - p_uncond", replace=[("< p_uncond", "> p_uncond")]),
        Mutant("regresses the clean image instead of the noise",
               replace=[("F.mse_loss(model(x_t, t, labels), noise)", "F.mse_loss(model(x_t, t, labels), x0)")]),
        Mutant("draws the noise from the global RNG",
               replace=[("torch.randn(x0.shape, generator=generator)", "torch.randn(x0.shape)")]),
        Mutant("writes the null class into y in place",
               replace=[("labels = torch.where(drop, torch.full_like(y, null_class), y)",
                         "y[drop] = null_class\n    labels = y")]),
    ],
    "p_sample_step": [
        Mutant("adds noise at t = 0 too", replace=[("if t > 0:", "if t >= 0:")]),
        Mutant("sigma_t = beta_t instead of its square root", replace=[("beta.sqrt() * noise", "beta * noise")]),
        Mutant("divides by sqrt(alpha_bar_t) instead of sqrt(alpha_t)", replace=[("/ alpha.sqrt()", "/ alpha_bars[t].sqrt()")]),
        Mutant("off by one: alpha_bars[t - 1]", replace=[("(1 - alpha_bars[t])", "(1 - alpha_bars[t - 1])")]),
    ],
    "cfg_eps": [
        Mutant("guidance sign flipped", replace=[("(1 + w) * eps_cond - w * eps_uncond", "(1 + w) * eps_uncond - w * eps_cond")]),
        Mutant("w used as the guidance scale s = 1 + w",
               replace=[("(1 + w) * eps_cond - w * eps_uncond", "eps_uncond + w * (eps_cond - eps_uncond)")]),
    ],
}

_DIM2 = "the contract's embeddings are 2-D (B, d): F.normalize's default dim=1 is the last axis, the same as dim=-1"
EQUIVALENT = {
    "clip_loss": {
        "axis: drop dim= in u = F.normalize(image_emb, dim=-1)": _DIM2,
        "arith: -1 → 1": _DIM2,
        "axis: drop dim= in v = F.normalize(text_emb, dim=-1)": _DIM2,
        "arith: -1 → 1 [2]": _DIM2,
    },
    "zero_shot_classify": {
        "axis: drop dim= in classes = F.normalize(prompts.mean(dim=1), dim=-1)": "the class means are 2-D (K, d): " + _DIM2[-60:],
        "arith: -1 → 1 [2]": "the class means are 2-D (K, d): dim=1 is the last axis, the same as dim=-1",
        "axis: drop dim= in return F.normalize(image_emb, dim=-1) @ classes.T": _DIM2,
        "arith: -1 → 1 [3]": _DIM2,
    },
    "recall_at_k": {
        "axis: drop dim= in top = scores.topk(k, dim=1).indices": "scores is 2-D (Q, D): topk's default dim=-1 is dim=1",
    },
    "ddpm_loss": {
        "compare: torch.rand(b, generator=generator) < p_uncond → torch.rand(b, generator=generator) <= p_uncond":
            "torch.rand is continuous: it equals p_uncond exactly with probability ~2^-24 per draw",
    },
}
