"""Autograding a class with nbgrader: ``python -m coursetools.grading``.

The instructor's workflow, one command per step (see README.md, "Grading a class"):

- ``intake``: a folder of handed-in notebooks, named however Colab downloads are named,
  goes into nbgrader's ``submitted/<student>/<assignment>/`` layout (intake.py);
- ``autograde``: every submission is graded by nbgrader's own Autograde converter, each
  in a temporary course of its own, in parallel worker processes, with the kernel in a
  sandbox; one process alone writes the results into the real gradebook (parallel.py);
- ``feedback``: nbgrader's generate_feedback, in the language of each notebook and
  without the hidden tests (feedback.py);
- ``export``: every grade as CSV (export.py).

Each step writes a CSV report under ``reports/`` saying what happened to each file.
"""

from ..config import use_own_scripts

# nbgrader runs in this process (the gradebook, the converters) and creates gradebooks
# with the `alembic` command: this Python's own, also under `sudo .venv/bin/python`.
use_own_scripts()
