"""Automatic mutants: small standard changes to the code of a solution, which an exercise's tests must catch.

:func:`generate` reads one answer cell and changes only the code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (the signature and docstring stay), one change per mutant:

- ``param``: a parameter replaced by its default, or by a constant of its annotated type
  (``h = 1e-05`` inserted as the first solution statement: the answer ignores ``h``);
- ``drop``: a statement removed (``pass`` where the block would be empty; returns and defs are kept);
- ``arith`` / ``compare``: an arithmetic or comparison operator swapped (``+``↔``-``, ``<``↔``<=``, …);
- ``const``: a numeric constant changed (ints ``n → n + 1``, floats ``x → 2x``, ``0.0 → 1.0``, bools flipped);
- ``slice``: a slice bound moved by ±1;
- ``axis``: an ``axis``/``dim``/``keepdim(s)`` argument changed or dropped (also the first positional
  argument of ``.sum(-1)``-style reductions);
- ``train``: ``.train()`` → ``.eval()``, ``x.training`` → ``False``, a dropout call → its input;
- ``cast``: a dtype cast removed (``float(e)`` → ``e``, ``.astype(t)``/``.float()``/``.long()`` → the
  receiver, a ``dtype=`` argument dropped).

Mutants are deduplicated by ``ast.dump`` of the mutated cell, those equal to the solution are dropped,
and the order is deterministic. Each has a ``name`` (what :mod:`course.checks` prints and the
allow-list ``EQUIVALENT`` in ``tests/mutants/NN.py`` is keyed by) and ``code`` (the whole cell).
"""
from __future__ import annotations

import ast
import copy
import hashlib
import random
from dataclasses import dataclass

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CAP = 30  # automatic mutants per exercise at most (the first CAP of a seeded shuffle)

ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
         ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.MatMult: ast.Mult}
COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
AXIS_KW = {"axis", "dim"}
KEEPDIM_KW = {"keepdim", "keepdims"}
REDUCTIONS = {"sum", "mean", "max", "min", "argmax", "argmin", "softmax", "log_softmax", "cumsum", "std",
              "var", "prod", "logsumexp", "all", "any", "norm", "squeeze", "unsqueeze", "flatten", "cat",
              "stack", "concatenate"}
CAST_FUNCS = {"float", "int"}
CAST_METHODS = {"astype", "float", "double", "long", "int", "half", "type"}
CONSTANT_FOR = {"int": 1, "float": 0.0, "bool": None, "str": ""}  # bool: negated instead


@dataclass(frozen=True)
class AutoMutant:
    name: str
    code: str

    def apply(self, solution: str) -> str:  # the interface of checks.Mutant
        return self.code


def _solution_lines(src: str) -> list[tuple[int, int]]:
    """1-based line ranges (first, last) strictly between each BEGIN/END SOLUTION pair."""
    out, start = [], None
    for i, line in enumerate(src.splitlines(), 1):
        if line.strip() == BEGIN:
            start = i + 1
        elif line.strip() == END and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def _inside(node: ast.AST, ranges) -> bool:
    lo, hi = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    return lo is not None and any(a <= lo and hi <= b for a, b in ranges)


def _short(node_or_text, n: int = 70) -> str:
    s = node_or_text if isinstance(node_or_text, str) else ast.unparse(node_or_text)
    if "\n" in s:  # a compound statement: its first line
        s = s.splitlines()[0] + " …"
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _paths(tree: ast.AST):
    """Every (node, parent, field, index) in a deterministic walk order."""
    stack = [(tree, None, None, None)]
    while stack:
        node, parent, fld, idx = stack.pop(0)
        yield node, parent, fld, idx
        kids = []
        for f, value in ast.iter_fields(node):
            if isinstance(value, list):
                kids += [(v, node, f, i) for i, v in enumerate(value) if isinstance(v, ast.AST)]
            elif isinstance(value, ast.AST):
                kids.append((value, node, f, None))
        stack[0:0] = kids


def _locate(tree, target_path):
    """The node reached from ``tree`` by a list of (field, index) steps."""
    node = tree
    for f, i in target_path:
        node = getattr(node, f) if i is None else getattr(node, f)[i]
    return node


def _index(tree):
    """node id → its (field, index) path from the root, so a deep copy can be edited at the same place."""
    paths, out = {id(tree): []}, {}
    for node, parent, f, i in _paths(tree):
        if parent is not None:
            paths[id(node)] = paths[id(parent)] + [(f, i)]
        out[id(node)] = paths[id(node)]
    return out


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _int_of(node):
    """The number a node spells (``2`` or ``-1``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _int_of(node.operand)
        return None if v is None else -v
    return node.value if isinstance(node, ast.Constant) and _num(node.value) else None


def _const_change(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    return 1.0 if v == 0 else v * 2


def _edits(tree: ast.AST, ranges):
    """(kind, node path, description, edit function on the copied node's parent) for every mutant."""
    idx = _index(tree)
    edits = []

    def replace_with(new_factory, kind, node, desc):
        path = idx[id(node)]

        def edit(t):
            parent = _locate(t, path[:-1])
            f, i = path[-1]
            new = new_factory(copy.deepcopy(_locate(t, path)))
            if i is None:
                setattr(parent, f, new)
            else:
                getattr(parent, f)[i] = new
        edits.append((kind, desc, edit))

    for node, parent, f, i in _paths(tree):
        inside = _inside(node, ranges)
        # param: for a function whose body holds a solution block, each parameter ignored
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = next((s for s in node.body if _inside(s, ranges)), None)
            if first is None:
                continue
            a = node.args
            positional = a.posonlyargs + a.args
            defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
            pairs = list(zip(positional, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
            for arg, default in pairs:
                if arg.arg in ("self", "cls"):
                    continue
                ann = ast.unparse(arg.annotation) if arg.annotation is not None else ""
                if default is not None:
                    value = copy.deepcopy(default)
                elif ann in CONSTANT_FOR and CONSTANT_FOR[ann] is not None:
                    value = ast.Constant(CONSTANT_FOR[ann])
                elif ann == "bool":
                    value = ast.UnaryOp(ast.Not(), ast.Name(arg.arg, ast.Load()))
                else:
                    continue
                stmt = ast.Assign([ast.Name(arg.arg, ast.Store())], value, lineno=0)
                fpath, pos = idx[id(node)], node.body.index(first)

                def edit(t, fpath=fpath, pos=pos, stmt=stmt):
                    _locate(t, fpath).body.insert(pos, copy.deepcopy(stmt))
                edits.append(("param", f"param: {arg.arg} = {_short(value)}", edit))
            continue
        if not inside:
            continue
        # drop a statement (not a return, def or class: those only make the function return None)
        if isinstance(node, ast.stmt) and not isinstance(
                node, (ast.Return, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass)):
            path = idx[id(node)]

            def edit(t, path=path):
                body = getattr(_locate(t, path[:-1]), path[-1][0])
                del body[path[-1][1]]
                if not body:
                    body.append(ast.Pass())
            edits.append(("drop", f"drop: {_short(node)}", edit))
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in ARITH:
            new_op = ARITH[type(node.op)]

            def fac(n, new_op=new_op):
                n.op = new_op()
                return n
            replace_with(fac, "arith", node, f"arith: {_short(node)} → {_short(fac(copy.deepcopy(node)))}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            replace_with(lambda n: n.operand, "arith", node, f"arith: {_short(node)} → {_short(node.operand)}")
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in COMPARE:
                    def fac(n, k=k):
                        n.ops[k] = COMPARE[type(n.ops[k])]()
                        return n
                    replace_with(fac, "compare", node, f"compare: {_short(node)} → {_short(fac(copy.deepcopy(node)))}")
        if isinstance(node, ast.Constant) and (_num(node.value) or isinstance(node.value, bool)) \
                and not isinstance(parent, ast.Slice):
            new = _const_change(node.value)
            replace_with(lambda n, new=new: ast.Constant(new), "const",
                         node, f"const: {node.value!r} → {new!r} in {_short(_stmt_of(tree, node, idx))}")
        if isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                b = getattr(node, bound)
                if b is None:
                    continue
                for delta, op in ((1, ast.Add), (-1, ast.Sub)):
                    def fac(n, bound=bound, op=op):
                        old = getattr(n, bound)
                        if isinstance(old, ast.Constant) and _num(old.value):
                            new = ast.Constant(old.value + (1 if op is ast.Add else -1))
                        else:
                            new = ast.BinOp(old, op(), ast.Constant(1))
                        setattr(n, bound, new)
                        return n
                    replace_with(fac, "slice", node,
                                 f"slice: {bound} {'+1' if delta > 0 else '-1'} in {_short(_stmt_of(tree, node, idx))}")
        if isinstance(node, ast.Call):
            _call_edits(node, replace_with, tree, idx)
        if isinstance(node, ast.Attribute) and node.attr == "training" and isinstance(node.ctx, ast.Load):
            replace_with(lambda n: ast.Constant(False), "train", node,
                         f"train: {_short(node)} → False in {_short(_stmt_of(tree, node, idx))}")
    return edits


def _stmt_of(tree, node, idx):
    """The innermost statement that holds ``node`` (for readable names)."""
    path, best = idx[id(node)], None
    for k in range(len(path) + 1):
        n = _locate(tree, path[:k])
        if isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While,
                                                           ast.If, ast.With)):
            best = n
    return best if best is not None else node


def _call_edits(node: ast.Call, replace_with, tree, idx):
    where = _short(_stmt_of(tree, node, idx))
    fname = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    for k, kw in enumerate(node.keywords):
        if kw.arg in AXIS_KW | KEEPDIM_KW | {"dtype"}:
            def drop(n, k=k):
                del n.keywords[k]
                return n
            kind = "cast" if kw.arg == "dtype" else "axis"
            replace_with(drop, kind, node, f"{kind}: drop {kw.arg}= in {where}")
        if kw.arg in AXIS_KW and _int_of(kw.value) is not None:
            v = _int_of(kw.value)
            new = -1 if v == 0 else 0

            def fac(n, k=k, new=new):
                n.keywords[k].value = ast.parse(str(new), mode="eval").body
                return n
            replace_with(fac, "axis", node, f"axis: {kw.arg}={v} → {new} in {where}")
        if kw.arg in KEEPDIM_KW and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, bool):
            def fac(n, k=k):
                n.keywords[k].value = ast.Constant(not n.keywords[k].value.value)
                return n
            replace_with(fac, "axis", node, f"axis: {kw.arg} flipped in {where}")
    if isinstance(node.func, ast.Attribute) and fname in REDUCTIONS and node.args \
            and _int_of(node.args[0]) is not None and not any(kw.arg in AXIS_KW for kw in node.keywords):
        v = _int_of(node.args[0])
        new = -1 if v == 0 else 0

        def fac(n, new=new):
            n.args[0] = ast.parse(str(new), mode="eval").body
            return n
        replace_with(fac, "axis", node, f"axis: .{fname}({v}) → .{fname}({new}) in {where}")
    if isinstance(node.func, ast.Attribute) and fname == "train" and not node.args:
        def fac(n):
            n.func.attr = "eval"
            return n
        replace_with(fac, "train", node, f"train: .train() → .eval() in {where}")
    if "drop" in fname.lower() and node.args and not isinstance(node.func, ast.Name) or (
            isinstance(node.func, ast.Name) and "dropout" in fname.lower() and node.args):
        replace_with(lambda n: n.args[0], "train", node, f"train: {_short(node)} → {_short(node.args[0])}")
    if isinstance(node.func, ast.Name) and fname in CAST_FUNCS and len(node.args) == 1 and not node.keywords:
        replace_with(lambda n: n.args[0], "cast", node, f"cast: {_short(node)} → {_short(node.args[0])}")
    if isinstance(node.func, ast.Attribute) and fname in CAST_METHODS and len(node.args) <= 1 and not node.keywords \
            and not (fname == "int" and node.args):
        replace_with(lambda n: n.func.value, "cast", node, f"cast: {_short(node)} → {_short(node.func.value)}")


def generate(cell_source: str, cap: int = CAP, seed: str = "") -> list[AutoMutant]:
    """The automatic mutants of one answer cell (at most ``cap``, chosen by a shuffle seeded by ``seed``)."""
    ranges = _solution_lines(cell_source)
    if not ranges:
        return []
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return []
    original = ast.dump(tree)
    seen, names, out = {original}, {}, []
    for kind, desc, edit in _edits(tree, ranges):
        t = copy.deepcopy(tree)
        try:
            edit(t)
            ast.fix_missing_locations(t)
            dump = ast.dump(t)
            code = ast.unparse(t) + "\n"
            compile(code, "<mutant>", "exec")
        except Exception:  # noqa: BLE001 - an edit that makes no valid program is no mutant
            continue
        if dump in seen:
            continue
        seen.add(dump)
        names[desc] = names.get(desc, 0) + 1
        name = desc if names[desc] == 1 else f"{desc} [{names[desc]}]"
        out.append(AutoMutant(name, code))
    if len(out) > cap:
        rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16))
        keep = set(rng.sample(range(len(out)), cap))
        out = [m for k, m in enumerate(out) if k in keep]
    return out


def verdict_key(solution: str, tests: list[str], mutant_code: str) -> str:
    """The record key of one mutant's verdict: sha256 of the solution cell, its test cells and the mutant."""
    h = hashlib.sha256()
    for part in [solution, *tests, mutant_code]:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()
