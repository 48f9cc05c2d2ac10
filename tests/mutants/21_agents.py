"""Plausible wrong answers for 21_agents: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "tool_schema": [
        Mutant("every parameter required, defaults ignored",
               replace=[("if p.default is inspect.Parameter.empty:\n            required.append(name)",
                         "required.append(name)")]),
        Mutant("the Args section kept in the description",
               replace=[('"description": " ".join(head.split())', '"description": " ".join(doc.split())')]),
        Mutant("Literal annotations not turned into an enum",
               replace=[('prop = {"type": JSON_TYPES[type(values[0])], "enum": values}',
                         'prop = {"type": JSON_TYPES[type(values[0])]}')]),
        Mutant("description not whitespace-collapsed",
               replace=[('"description": " ".join(head.split())', '"description": head.strip()')]),
    ],
    "validate_call": [
        Mutant("the path of the error is dropped (a wrong type does not name the argument)",
               replace=[("{where + ': ' if where else ''}", "")]),
        Mutant("validates the whole call instead of its args",
               replace=[('jsonschema.validate(call.get("args", {}), schemas[name]["parameters"])',
                         'jsonschema.validate(call, schemas[name]["parameters"])')]),
        Mutant("unknown tool: does not list the available tools",
               replace=[("the tools are: {', '.join(schemas)}.", "try another tool.")]),
    ],
    "parse_tool_call": [
        Mutant("greedy regex between the first { and the last }",
               code="def parse_tool_call(text):\n"
                    "    m = re.search(r'\\{.*\\}', text, re.S)\n"
                    "    if not m:\n        return None\n"
                    "    try:\n        obj = json.loads(m.group())\n"
                    "    except json.JSONDecodeError:\n        return None\n"
                    "    if isinstance(obj, dict) and isinstance(obj.get('tool'), str):\n"
                    "        return {'tool': obj['tool'], 'args': obj.get('args', {})}\n"
                    "    return None\n"),
        Mutant("only tries the first brace",
               replace=[("            continue\n", "            return None\n")]),
        Mutant("accepts args that are not a dict",
               replace=[(' and isinstance(obj.get("args", {}), dict)', "")]),
    ],
    "safe_calculate": [
        Mutant("bool constants allowed (isinstance(True, int) is True)",
               replace=[("type(node.value) in (int, float)", "isinstance(node.value, (int, float))")]),
        Mutant("no limit on the exponent", replace=[("abs(b) > 100", "False")]),
        Mutant("returns Python's int for integer expressions", replace=[("return float(ev(tree))", "return ev(tree)")]),
        Mutant("unary minus forgotten (treated as plus)",
               replace=[("return v if isinstance(node.op, ast.UAdd) else -v", "return v")]),
    ],
    "allowed_tokens_logits_processor": [
        Mutant("ignores the prompt length (looks at the whole row)",
               replace=[("input_ids[b, self.prompt_length:].tolist()", "input_ids[b].tolist()")]),
        Mutant("eos never allowed after a complete sequence",
               replace=[("nxt.add(s[len(generated)] if len(s) > len(generated) else self.eos_token_id)",
                         "if len(s) > len(generated):\n                    nxt.add(s[len(generated)])")]),
        Mutant("masks in place and sets allowed scores to zero",
               replace=[("        return scores + mask\n", "        scores[:] = mask\n        return scores\n")]),
        Mutant("only the first row of the batch is used",
               replace=[("mask[b, self.allowed(input_ids[b, self.prompt_length:].tolist())] = 0.0",
                         "mask[b, self.allowed(input_ids[0, self.prompt_length:].tolist())] = 0.0")]),
    ],
    "score_options": [
        Mutant("off by one: each token scored by its own position's logits",
               replace=[("pos = torch.arange(len(prompt_ids) - 1, len(prompt_ids) - 1 + len(o))",
                         "pos = torch.arange(len(prompt_ids), len(prompt_ids) + len(o))")]),
        Mutant("mean instead of sum over the option's tokens",
               replace=[("scores.append(logp[pos, torch.tensor(o)].sum())",
                         "scores.append(logp[pos, torch.tensor(o)].mean())")]),
        Mutant("raw logits instead of log-probabilities",
               replace=[("logp = torch.log_softmax(model(ids).logits[0].float(), dim=-1)",
                         "logp = model(ids).logits[0].float()")]),
    ],
    "run_agent": [
        Mutant("one step fewer than max_steps", replace=[("range(1, max_steps + 1)", "range(1, max_steps)")]),
        Mutant("stops when errors reach max_retries (one retry too few)",
               replace=[("if errors > max_retries:", "if errors >= max_retries:")]),
        Mutant("the guard is never consulted", replace=[("if obs is None and guard is not None:", "if False:")]),
        Mutant("answer taken after the last 'Final Answer:'",
               replace=[('reply.split("Final Answer:", 1)[1].strip()', 'reply.split("Final Answer:")[-1].strip()')]),
        Mutant("the model's reply is not added to the messages",
               replace=[('        messages.append({"role": "assistant", "content": reply})\n', "")]),
    ],
    "trim_memory": [
        Mutant("skips a message that does not fit and keeps older ones", replace=[("            break\n", "            continue\n")]),
        Mutant("the system message's tokens are not counted", replace=[("used = sum(count_tokens(m[\"content\"]) for m in head)", "used = 0")]),
        Mutant("keeps the oldest messages instead of the most recent",
               replace=[("for m in reversed(messages[len(head):]):", "for m in messages[len(head):]:"),
                        ("return head + kept[::-1]", "return head + kept")]),
        Mutant("a message exactly filling the budget is dropped", replace=[("if used + cost > budget:", "if used + cost >= budget:")]),
    ],
    "retrieve": [
        Mutant("dot product without normalisation",
               replace=[("sims = keys @ query / (np.linalg.norm(keys, axis=1) * np.linalg.norm(query))", "sims = keys @ query")]),
        Mutant("least similar first", replace=[("np.argsort(-sims, kind=\"stable\")", "np.argsort(sims, kind=\"stable\")")]),
        Mutant("Euclidean distance instead of cosine",
               replace=[("sims = keys @ query / (np.linalg.norm(keys, axis=1) * np.linalg.norm(query))",
                         "sims = -np.linalg.norm(keys - query, axis=1)")]),
    ],
    "policy_check": [
        Mutant("ignores taint", replace=[("if name in side_effects and tainted:", "if False:")]),
        Mutant("ignores the allow-list", replace=[("if name not in allowed:", "if False:")]),
        Mutant("refuses every side effect, tainted or not", replace=[("if name in side_effects and tainted:", "if name in side_effects:")]),
    ],
}

EQUIVALENT = {
    "score_options": {
        "cast: model(ids).logits[0].float() → model(ids).logits[0]":
            "the models are float32 already: .float() changes nothing",
        "arith: -1 → 1":
            "log_softmax over dim=1 of the 2-D logits[0] is the same as dim=-1",
        "cast: torch.stack(scores).float() → torch.stack(scores)":
            "the scores are float32 already: .float() changes nothing",
    },
    "retrieve": {
        "arith: np.linalg.norm(keys, axis=1) * np.linalg.norm(query) → np.linalg.norm(keys, axis=1) / np.linalg.norm(query)":
            "dividing instead of multiplying by the query's (positive) norm scales every similarity by the same "
            "positive constant: the ranking is unchanged",
        "cast: np.argsort(-sims, kind='stable')[:k].astype(np.int64) → np.argsort(-sims, kind='stable')[:k]":
            "np.argsort already returns int64 indices on the platforms the course supports",
    },
}
