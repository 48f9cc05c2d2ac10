"""Tamper detection: what a submission changed in the notebook, and in the test machinery at run time.

Two kinds of evidence, both gathered by the trusted grader:

- **the notebook** (:func:`notebook_findings`): locked or test cells changed or
  deleted (nbgrader's checksums), grade ids used twice (:func:`deduplicate`);
  nbgrader restores such cells from the gradebook before running them;
- **the running kernel** (:func:`probe_code`, :func:`read_probe`, :func:`compare`):
  before each test cell the grader runs a probe with a random name. It must
  fail on a plain ``assert False`` (asserts not stripped, errors not hidden) and
  report the identity of the test machinery: builtins, IPython's input and AST
  transformers, event callbacks, custom exception handlers and traceback
  display, trace/profile hooks, import hooks, ``numpy.testing``/``torch.testing``
  functions, the modules in ``sys.modules`` and the names ``np``, ``numpy``,
  ``torch``, ``math``. It also checks that the testing functions still fail on
  unequal values. Anything that differs from the report taken before the first
  student cell is a finding, and the test cell after it scores 0.

Limits: the probe runs inside the student's kernel. Code that recognises the
probe (by reading the cells it is asked to run) and fakes its report, or that
changes the machinery only while a test cell runs (a thread, a timer) and puts
it back before the next probe, is not caught. Each probe costs one round trip.
"""
from __future__ import annotations

import json
from collections import Counter

MODULES = ("numpy", "numpy.testing", "math", "builtins", "sys", "torch", "torch.testing")
NAMES = {"np": "numpy", "numpy": "numpy", "torch": "torch", "math": "math"}
# Callbacks that libraries register on their own (matplotlib's inline backend on the first pyplot import).
ALLOWED_CALLBACKS = ("matplotlib_inline.backend_inline.", "ipykernel.pylab.backend_inline.", "matplotlib.pyplot.")

_PROBE = r'''
def _{n}():
    import sys, types, inspect, builtins, signal, threading
    if {preload}:
        import math, numpy, numpy.testing
        if {torch}:
            try:
                import torch, torch.testing
            except Exception:
                pass
    ids, lists, names, bad = {{}}, {{}}, {{}}, []
    ip = sys.modules["IPython"].get_ipython()
    st = inspect.getattr_static
    for k, v in list(vars(builtins).items()):
        if k not in ("_", "__", "___", "input", "raw_input"):  # IPython's output history; ipykernel's stdin
            ids["builtins." + k] = id(v)
    for a in ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell", "transform_ast",
              "showtraceback", "_showtraceback", "showsyntaxerror", "get_exception_only", "set_custom_exc",
              "CustomTB", "user_ns", "user_global_ns", "displayhook", "display_pub", "compile"):
        ids["IPython shell." + a] = id(st(ip, a, None))
    k = ip.kernel
    for a in ("do_execute", "execute_request", "dispatch_shell", "send_response", "session", "iopub_socket"):
        ids["kernel." + a] = id(st(k, a, None))
    for a in ("send", "serialize", "sign", "msg"):
        ids["kernel.session." + a] = id(st(k.session, a, None))
    ids["IPython shell.display_pub.publish"] = id(st(ip.display_pub, "publish", None))
    for a in ("ast_transformers", "input_transformers_cleanup", "input_transformers_post", "custom_exceptions"):
        lists["IPython " + a] = [[id(t), ""] for t in getattr(ip, a, ())]
    m = ip.input_transformer_manager
    for a in ("cleanup_transforms", "line_transforms", "token_transformers"):
        lists["IPython input transformer " + a] = [[id(t), ""] for t in getattr(m, a, ())]
    for e, cbs in ip.events.callbacks.items():
        lists["IPython event callback " + e] = [[id(c), getattr(c, "__module__", "") + "." + getattr(c, "__qualname__", "")] for c in cbs]
    lists["sys.meta_path"] = [[id(f), ""] for f in sys.meta_path]
    lists["sys.path_hooks"] = [[id(f), ""] for f in sys.path_hooks]
    ids["sys.settrace hook"] = id(sys.gettrace())
    ids["sys.setprofile hook"] = id(sys.getprofile())
    ids["threading.settrace hook"] = id(getattr(threading, "_trace_hook", None))
    ids["threading.setprofile hook"] = id(getattr(threading, "_profile_hook", None))
    for a in ("displayhook", "stdout", "stderr", "breakpointhook"):
        ids["sys." + a] = id(getattr(sys, a, None))
    for s in ("SIGALRM", "SIGVTALRM", "SIGPROF"):
        if hasattr(signal, s):
            ids["signal handler " + s] = id(signal.getsignal(getattr(signal, s)))
    for name in {modules!r}:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        ids["sys.modules['" + name + "']"] = id(mod)
        if type(mod) is not types.ModuleType:
            bad.append("sys.modules['" + name + "'] is a " + type(mod).__name__ + ", not a module")
        if name.endswith(".testing"):
            for a, v in list(vars(mod).items()):
                if not a.startswith("_"):
                    ids["testing function " + name + "." + a] = id(v)
    ns = ip.user_ns
    for name, real in {names!r}.items():
        if name in ns:
            v = ns[name]
            if type(v) is not types.ModuleType or v is not sys.modules.get(real):
                bad.append("the name " + name + " is bound to a " + type(v).__name__ + ", not the " + real + " module")
    np = sys.modules.get("numpy")
    if np is not None:
        t = np.testing
        for f, a, b in (("assert_allclose", 0.0, 1.0), ("assert_array_equal", [0], [1]), ("assert_equal", 0, 1),
                        ("assert_array_almost_equal", [0.0], [1.0]), ("assert_almost_equal", 0.0, 1.0)):
            try:
                getattr(t, f)(a, b)
            except AssertionError:
                pass
            except BaseException as e:
                bad.append("numpy.testing." + f + " raised " + type(e).__name__ + " on unequal values")
            else:
                bad.append("the testing function numpy.testing." + f + " passes unequal values")
    th = sys.modules.get("torch")
    if th is not None and hasattr(th, "testing"):
        try:
            th.testing.assert_close(th.zeros(2), th.ones(2))
        except AssertionError:
            pass
        except BaseException as e:
            bad.append("torch.testing.assert_close raised " + type(e).__name__ + " on unequal values")
        else:
            bad.append("the testing function torch.testing.assert_close passes unequal values")
    mt = sys.modules.get("math")
    if mt is not None and (mt.isclose(0.0, 1.0) or mt.sqrt(4.0) != 2.0):
        bad.append("math gives wrong answers")
    return {{"ids": ids, "lists": lists, "bad": bad}}
print("{n}" + __import__("json").dumps(_{n}()), flush=True)
del _{n}
assert False, "{n}"
'''


def probe_code(nonce: str, preload: bool = False, torch: bool = False) -> str:
    """The probe the grader runs in the kernel before a test cell; ``nonce`` names and marks it."""
    return _PROBE.format(n=nonce, preload=preload, torch=torch, modules=MODULES, names=NAMES)


def read_probe(outputs: list, nonce: str) -> tuple[dict | None, list[str]]:
    """The probe's report (None if it sent none) and what its behaviour shows."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    report = None
    for line in text.splitlines():
        if line.startswith(nonce):
            try:
                report = json.loads(line[len(nonce):])
            except ValueError:
                report = None
            break
    found = []
    if report is None:
        found.append("the grader's check got no answer (output or execution is hooked)")
    if not any(o.get("output_type") == "error" and o.get("ename") == "AssertionError" and o.get("evalue") == nonce
               for o in outputs):
        found.append("a failing assert did not fail (asserts removed, or errors hidden)")
    if report is not None:
        found += [str(b) for b in report.get("bad", [])]
    return report, found


def compare(baseline: dict, report: dict | None) -> list[str]:
    """What changed in the test machinery since ``baseline``; first sightings (a module imported late) are kept."""
    if report is None:
        return []
    found = []
    base_ids, ids = baseline.setdefault("ids", {}), report.get("ids", {})
    for key, value in ids.items():
        if key not in base_ids:
            if key.startswith(("testing function ", "sys.modules[")):
                base_ids[key] = value  # first seen now (a module imported after the baseline)
            continue
        if base_ids[key] != value:
            found.append(f"{key} was replaced")
    for key in base_ids:
        if key not in ids and key.startswith(("builtins.", "sys.modules[", "testing function ")):
            found.append(f"{key} was removed")
    base_lists, lists = baseline.setdefault("lists", {}), report.get("lists", {})
    for key, items in lists.items():
        before = base_lists.get(key, [])
        if key.startswith("sys."):  # import hooks: appending one is harmless, one in front shadows modules
            if [i[0] for i in items[:len(before)]] != [i[0] for i in before]:
                found.append(f"{key} changed (an import hook was put in front)")
            continue
        old, now = {i[0] for i in before}, {i[0] for i in items}
        added = [i for i in items if i[0] not in old and not i[1].startswith(ALLOWED_CALLBACKS)]
        if added:
            found.append(f"{key} added: {', '.join(i[1] or 'an object' for i in added)[:120]}")
        elif old - now:
            found.append(f"{key} removed")
    return found


# ---------------------------------------------------------------- the notebook itself

def _grade_id(cell: dict) -> str | None:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def deduplicate(nb: dict) -> tuple[list[str], list[str]]:
    """Strip nbgrader metadata from every repeat of a grade id (the first keeps it).

    A repeated id would stop nbgrader; the repeats still run, as ordinary cells.
    Returns (findings, notes): a repeated test or locked cell is a finding, a
    repeated answer cell (a copied cell) only a note.
    """
    counts = Counter(g for g in map(_grade_id, nb.get("cells", [])) if g)
    seen: set[str] = set()
    findings, notes = [], []
    for cell in nb.get("cells", []):
        gid = _grade_id(cell)
        if gid and counts[gid] > 1:
            if gid in seen:
                cell["metadata"].pop("nbgrader")
                continue
            seen.add(gid)
            m = cell["metadata"]["nbgrader"]
            text = f"grade id {gid!r} is used by {counts[gid]} cells; only the first was graded"
            (notes if m.get("solution") and not m.get("grade") else findings).append(text)
    return findings, notes


def notebook_findings(submitted: dict, release: dict) -> list[str]:
    """Locked and test cells of ``release`` that ``submitted`` changed or deleted (by nbgrader's checksum)."""
    import nbformat
    from nbgrader.utils import compute_checksum

    sub = {}
    for cell in nbformat.reads(json.dumps(submitted), as_version=4).cells:  # joins list sources
        gid = _grade_id(cell)
        if gid and gid not in sub:
            sub[gid] = cell
    found = []
    for cell in release.get("cells", []):
        gid = _grade_id(cell)
        m = cell.get("metadata", {}).get("nbgrader", {})
        if not gid or not (m.get("grade") or m.get("locked")) or m.get("solution"):
            continue
        if gid not in sub:
            found.append(f"deleted cell {gid} (re-added and graded)")
            continue
        try:
            if compute_checksum(sub[gid]) != m.get("checksum"):
                found.append(f"changed locked cell {gid} (restored before grading)")
        except Exception:
            found.append(f"broken metadata in cell {gid}")
    return found
