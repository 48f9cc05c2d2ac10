"""Plausible wrong answers for 20_rag: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "scale": [
        Mutant("ignores the factor", replace=[("* factor", "* 2.0")]),
        Mutant("scales in place", code="def scale(x, factor):\n    x *= factor\n    return x\n"),
    ],
}
