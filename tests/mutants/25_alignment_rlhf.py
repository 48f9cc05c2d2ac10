"""Plausible wrong answers for lesson 25 (alignment: RLHF and DPO); each must fail the exercise's tests."""
from course.checks import Mutant

MUTANTS = {
    "completion_logprobs": [
        Mutant("no shift: scores token t with the logits at position t",
               replace=[("logits[:, n_prompt - 1:-1]", "logits[:, n_prompt:]")]),
        Mutant("includes the prompt's tokens",
               replace=[("logits[:, n_prompt - 1:-1]", "logits[:, :-1]"), ("tokens[:, n_prompt:]", "tokens[:, 1:]")]),
        Mutant("log of softmax: -inf for logits of ±1e4",
               replace=[("torch.log_softmax(logits[:, n_prompt - 1:-1], dim=-1)",
                         "torch.log(torch.softmax(logits[:, n_prompt - 1:-1], dim=-1))")]),
        Mutant("log-softmax over the positions instead of the vocabulary",
               replace=[("torch.log_softmax(logits[:, n_prompt - 1:-1], dim=-1)",
                         "torch.log_softmax(logits[:, n_prompt - 1:-1], dim=1)")]),
    ],
    "win_rate": [
        Mutant("ties count as losses", replace=[("(wins + 0.5 * ties)", "wins")]),
        Mutant("ties count as wins", replace=[("(wins + 0.5 * ties)", "(wins + ties)")]),
        Mutant("returns a tensor, not a float", replace=[("return float((wins + 0.5 * ties).mean())",
                                                          "return (wins + 0.5 * ties).mean()")]),
    ],
    "bradley_terry_loss": [
        Mutant("log of sigmoid: infinite for large negative differences",
               replace=[("-F.logsigmoid(r_chosen - r_rejected).mean()",
                         "-torch.log(torch.sigmoid(r_chosen - r_rejected)).mean()")]),
        Mutant("chosen and rejected swapped", replace=[("r_chosen - r_rejected", "r_rejected - r_chosen")]),
        Mutant("sum instead of mean", replace=[(".mean()", ".sum()")]),
    ],
    "reward_model": [
        Mutant("averages over every position, prompt included",
               replace=[("h[:, self.n_prompt:].mean(dim=1)", "h.mean(dim=1)")]),
        Mutant("last position only", replace=[("h[:, self.n_prompt:].mean(dim=1)", "h[:, -1]")]),
        Mutant("backbone not frozen", replace=[("            p.requires_grad_(False)\n", "            pass\n")]),
        Mutant("keeps the last dimension: (B, 1)", replace=[(".squeeze(-1)", "")]),
    ],
    "kl_penalized_reward": [
        Mutant("KL sign flipped", replace=[("(logp_policy - logp_ref)", "(logp_ref - logp_policy)")]),
        Mutant("beta ignored", replace=[("reward - beta * kl", "reward - kl")]),
        Mutant("mean over tokens instead of the sum", replace=[(".sum(dim=-1)", ".mean(dim=-1)")]),
        Mutant("not detached", replace=[("(reward - beta * kl).detach()", "reward - beta * kl")]),
    ],
    "reinforce_loss": [
        Mutant("no baseline", replace=[("(returns - returns.mean()).detach()", "returns.detach()")]),
        Mutant("advantages not detached", replace=[("(returns - returns.mean()).detach()", "returns - returns.mean()")]),
        Mutant("sign flipped: minimises the reward", replace=[("return -(advantages * logp).mean()",
                                                               "return (advantages * logp).mean()")]),
    ],
    "ppo_clip_loss": [
        Mutant("max instead of min", replace=[("torch.min(unclipped, clipped)", "torch.max(unclipped, clipped)")]),
        Mutant("clips only above", replace=[("torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)",
                                             "torch.clamp(ratio, max=1 + clip_eps)")]),
        Mutant("ratio inverted", replace=[("torch.exp(logp_new - logp_old.detach())",
                                           "torch.exp(logp_old.detach() - logp_new)")]),
        Mutant("clip_eps ignored (always 0.2)", replace=[("1 - clip_eps, 1 + clip_eps", "0.8, 1.2")]),
        Mutant("logp_old not detached", replace=[("logp_old.detach()", "logp_old")]),
    ],
    "dpo_loss": [
        Mutant("policy and reference swapped",
               replace=[("(policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)",
                         "(ref_chosen - policy_chosen) - (ref_rejected - policy_rejected)")]),
        Mutant("beta ignored", replace=[("beta * margin", "margin")]),
        Mutant("log of sigmoid: infinite for large margins",
               replace=[("-F.logsigmoid(beta * margin).mean()", "-torch.log(torch.sigmoid(beta * margin)).mean()")]),
        Mutant("reference ignored", replace=[("(policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)",
                                              "policy_chosen - policy_rejected")]),
    ],
}

EQUIVALENT = {
    "win_rate": {
        "cast: (scores_a > scores_b).double() → scores_a > scores_b":
            "a bool tensor plus 0.5 times a float64 tensor is float64: the same sum and mean",
        "cast: (scores_a == scores_b).double() → scores_a == scores_b":
            "0.5 times a bool tensor is a float tensor added to float64 wins: the same values, exact in float32",
    },
    "reward_model": {
        "arith: -1 → 1": "head(...) is (B, 1): squeeze(1) and squeeze(-1) remove the same dimension",
    },
    "kl_penalized_reward": {
        "arith: -1 → 1": "the contract's log-probabilities are (B, L): sum(dim=1) is sum(dim=-1)",
    },
}
