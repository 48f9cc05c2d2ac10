"""Plausible wrong answers for 17_huggingface_in_practice: at least two per exercise (see CONTRIBUTING.md)."""
from course.checks import Mutant

MUTANTS = {
    "scale": [
        Mutant("ignores the factor", replace=[("* factor", "* 2.0")]),
        Mutant("scales in place", code="def scale(x, factor):\n    x *= factor\n    return x\n"),
    ],
}
