"""nbgrader settings for LLM Zero to Hero.

The repository root is the nbgrader course directory. `course` loads this file
too (see course/nbg.py), so it is the one place these settings live.
"""
import os

c = get_config()  # noqa: F821  (provided by traitlets when the file is loaded)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "llm-zero-to-hero"
c.CourseDirectory.root = HERE
# An absolute URL: a relative one resolves against the current directory.
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# Per-cell limit. The slowest training cell of any lesson takes well under
# 120 s on 2 cores; a whole-notebook limit is enforced by `course grade`.
c.Execute.timeout = 600
c.Execute.interrupt_on_timeout = True

# A deleted or stripped test cell is re-added and scored, not silently skipped.
c.OverwriteCells.add_missing_cells = True

# Output limits for graded notebooks (lines per output, characters per line).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# The stub that replaces every solution region in the release.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"


# A local exchange, so that JupyterLab's Assignment List and Course List menus work on one machine (self-study
# and `make lab`): `make lab` creates the folder. A class on JupyterHub points this at a shared volume instead.
c.Exchange.root = os.path.join(HERE, ".exchange")
c.Exchange.path_includes_course = True
