"""The automatic-mutant operators (course/mutate.py) on small synthetic answer cells."""
from __future__ import annotations

import ast

from course import mutate


def _cell(body: str, signature: str = "def f(x: float, h: float = 1e-5) -> float:") -> str:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f'{signature}\n    """Doc: 1 + 2 in the docstring is never mutated."""\n    ### BEGIN SOLUTION\n{lines}\n    ### END SOLUTION\n'


def _names(src: str, **kw) -> list[str]:
    return [m.name for m in mutate.generate(src, **kw)]


def _code(src: str, name: str) -> str:
    return next(m.code for m in mutate.generate(src) if m.name == name)


def _run(code: str, *args, **kwargs):
    ns: dict = {}
    exec(code, ns)
    return ns["f"](*args, **kwargs)


def test_parameters_replaced_by_default_or_constant():
    src = _cell("return (x + h) * 3")
    names = _names(src)
    assert "param: h = 1e-05" in names and "param: x = 0.0" in names
    assert _run(_code(src, "param: h = 1e-05"), 1.0, h=2.0) == (1.0 + 1e-5) * 3  # h is ignored
    src = _cell("return n if flag else 0", signature="def f(n: int, flag: bool, name: str, arr=None) -> int:")
    names = _names(src)
    assert {"param: n = 1", "param: flag = not flag", "param: name = ''", "param: arr = None"} <= set(names)


def test_statements_dropped_but_not_returns():
    src = _cell("y = x * 2\ny += h\nreturn y")
    names = _names(src)
    assert "drop: y += h" in names and "drop: y = x * 2" in names
    assert not any(n.startswith("drop: return") for n in names)
    assert _run(_code(src, "drop: y += h"), 1.0, 5.0) == 2.0


def test_operators_swapped():
    src = _cell("if x < h:\n    return x - h\nreturn x / h")
    names = set(_names(src))
    assert {"arith: x - h → x + h", "arith: x / h → x * h", "compare: x < h → x <= h"} <= names
    assert _run(_code(src, "arith: x / h → x * h"), 4.0, 2.0) == 8.0


def test_constants_and_slices():
    src = _cell("return x[1:-1].sum() * 2.5 + 3", signature="def f(x):")
    names = set(_names(src))
    assert "const: 2.5 → 5.0 in return x[1:-1].sum() * 2.5 + 3" in names
    assert "const: 3 → 4 in return x[1:-1].sum() * 2.5 + 3" in names
    assert {"slice: lower +1 in return x[1:-1].sum() * 2.5 + 3", "slice: upper -1 in return x[1:-1].sum() * 2.5 + 3"} <= names
    import numpy as np

    assert _run(_code(src, "slice: lower +1 in return x[1:-1].sum() * 2.5 + 3"), np.arange(5.0)) == 5 * 2.5 + 3


def test_axis_keepdim_and_reductions():
    src = _cell("m = x.max(axis=1, keepdims=True)\nreturn m + x.sum(-1)", signature="def f(x):")
    names = set(_names(src))
    assert {"axis: axis=1 → 0 in m = x.max(axis=1, keepdims=True)", "axis: drop axis= in m = x.max(axis=1, keepdims=True)",
            "axis: keepdims flipped in m = x.max(axis=1, keepdims=True)",
            "axis: .sum(-1) → .sum(0) in return m + x.sum(-1)"} <= names


def test_train_paths_and_casts():
    src = _cell("model.train()\nh = self.drop(self.proj(x)) if self.training else x\n"
                "return float(np.asarray(h, dtype=float).astype(np.float32).sum())",
                signature="def f(self, x, model):")
    names = set(_names(src))
    assert "train: .train() → .eval() in model.train()" in names
    assert "train: self.drop(self.proj(x)) → self.proj(x)" in names
    assert any(n.startswith("train: self.training → False") for n in names)
    assert any(n.startswith("cast: float(") for n in names)
    assert any(n.startswith("cast: drop dtype= in") for n in names)
    assert any(n.startswith("cast: np.asarray(h, dtype=float).astype(np.float32) →") for n in names)


def test_only_the_solution_block_changes_and_no_duplicates():
    src = "K = 2 + 3\n\n" + _cell("return x + 1") + "\n\ndef g(y):\n    return y - 1\n"
    ms = mutate.generate(src)
    original = ast.dump(ast.parse(src))
    dumps = [ast.dump(ast.parse(m.code)) for m in ms]
    assert original not in dumps and len(set(dumps)) == len(dumps)
    for m in ms:  # the code outside the solution block is never touched
        assert "K = 2 + 3" in m.code and "return y - 1" in m.code
    assert len({m.name for m in ms}) == len(ms)


def test_deterministic_and_capped():
    src = _cell("a = x + 1\nb = a * 2\nc = b - 3\nd = c / 4\nreturn a + b + c + d")
    full = mutate.generate(src, cap=1000)
    assert len(full) > 10
    assert [m.name for m in mutate.generate(src, cap=1000)] == [m.name for m in full]
    capped = mutate.generate(src, cap=5, seed="lesson:f")
    assert len(capped) == 5 and capped == mutate.generate(src, cap=5, seed="lesson:f")
    assert [m.name for m in capped] == [m.name for m in full if m in capped]  # the original order is kept


def test_no_solution_block_no_mutants():
    assert mutate.generate("def f(x):\n    return x + 1\n") == []


def test_verdict_key_depends_on_every_part():
    k = mutate.verdict_key("sol", ["t1", "t2"], "mut")
    assert k != mutate.verdict_key("sol", ["t1", "t2 "], "mut")
    assert k != mutate.verdict_key("sol ", ["t1", "t2"], "mut")
    assert k != mutate.verdict_key("sol", ["t1", "t2"], "mut2")
    assert k != mutate.verdict_key("sol", ["t1t2"], "mut")
