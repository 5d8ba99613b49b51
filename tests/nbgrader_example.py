"""nbgrader's own example course, rebuilt (nbgrader's docs, user_guide/source/ps1).

Assignment ``ps1`` has two notebooks: ``problem1`` (autograded answers and tests, a
written answer, an answer cell graded by hand, a task cell) and ``problem2`` (written
answers only); every notebook gets the header ``source/header.ipynb``, configured
relative to the course root as in nbgrader's docs. Students ``bitdiddle`` and ``hacker``
answer differently.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .conftest import run

COURSE_ID = "example_course"
ASSIGNMENT = "ps1"
NOTEBOOKS = ("problem1", "problem2")
TASK_ID = "cell-938593c4a215c6cc"
MANUAL = {"problem1/sum_of_squares_equation", "problem1/sum_of_squares_application",
          f"problem1/{TASK_ID}", "problem2/part-a", "problem2/part-b"}
# A 1x1 PNG: the assignment's non-notebook file, which autograde copies from the source.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

LATE_PLUGIN = '''from nbgrader.plugins import BasePlugin


class SubMarks(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        """Penalty of 1 mark per hour late"""
        hours_late = total_seconds_late / 3600
        return round(hours_late, 0)
'''


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None, task: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    if task:
        meta["task"] = True
    return {"nbgrader": meta}


def problem1() -> Any:
    return new_notebook(cells=[
        new_markdown_cell("For this problem set, we'll be using the Jupyter notebook:\n\n![](jupyter.png)",
                          metadata=_meta("jupyter", locked=True)),
        new_markdown_cell("---\n## Part A (2 points)\n\nWrite a function that returns a list of numbers, "
                          "such that $x_i=i^2$, for $1\\leq i \\leq n$. Make sure it handles the case "
                          "where $n<1$ by raising a `ValueError`."),
        new_code_cell('def squares(n):\n    """Compute the squares of numbers from 1 to n, such that the\n'
                      '    ith element of the returned list equals i^2.\n\n    """\n'
                      "    ### BEGIN SOLUTION\n    if n < 1:\n"
                      '        raise ValueError("n must be greater than or equal to 1")\n'
                      "    return [i ** 2 for i in range(1, n + 1)]\n    ### END SOLUTION",
                      metadata=_meta("squares", solution=True)),
        new_markdown_cell("Your function should print `[1, 4, 9, 16, 25, 36, 49, 64, 81, 100]` for "
                          "$n=10$. Check that it does:"),
        new_code_cell("squares(10)"),
        new_code_cell('"""Check that squares returns the correct output for several inputs"""\n'
                      "assert squares(1) == [1]\nassert squares(2) == [1, 4]\n"
                      "assert squares(10) == [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]\n"
                      "assert squares(11) == [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121]",
                      metadata=_meta("correct_squares", grade=True, points=1)),
        new_code_cell('"""Check that squares raises an error for invalid inputs"""\n'
                      "try:\n    squares(0)\nexcept ValueError:\n    pass\nelse:\n"
                      '    raise AssertionError("did not raise")\n\n'
                      "try:\n    squares(-4)\nexcept ValueError:\n    pass\nelse:\n"
                      '    raise AssertionError("did not raise")',
                      metadata=_meta("squares_invalid_input", grade=True, points=1)),
        new_markdown_cell("---\n\n## Part B (1 point)\n\nUsing your `squares` function, write a "
                          "function that computes the sum of the squares of the numbers from 1 to "
                          "$n$. Your function should call the `squares` function -- it should NOT "
                          "reimplement its functionality."),
        new_code_cell('def sum_of_squares(n):\n    """Compute the sum of the squares of numbers from 1 to n."""\n'
                      "    ### BEGIN SOLUTION\n    return sum(squares(n))\n    ### END SOLUTION",
                      metadata=_meta("sum_of_squares", solution=True)),
        new_markdown_cell("The sum of squares from 1 to 10 should be 385. Verify that this is the "
                          "answer you get:"),
        new_code_cell("sum_of_squares(10)"),
        new_code_cell('"""Check that sum_of_squares returns the correct answer for various inputs."""\n'
                      "assert sum_of_squares(1) == 1\nassert sum_of_squares(2) == 5\n"
                      "assert sum_of_squares(10) == 385\nassert sum_of_squares(11) == 506",
                      metadata=_meta("correct_sum_of_squares", grade=True, points=0.5)),
        new_code_cell('"""Check that sum_of_squares relies on squares."""\n'
                      "orig_squares = squares\ndel squares\ntry:\n    sum_of_squares(1)\n"
                      "except NameError:\n    pass\nelse:\n"
                      '    raise AssertionError("sum_of_squares does not use squares")\n'
                      "finally:\n    squares = orig_squares",
                      metadata=_meta("sum_of_squares_uses_squares", grade=True, points=0.5)),
        new_markdown_cell("---\n## Part C (1 point)\n\nUsing LaTeX math notation, write out the "
                          "equation that is implemented by your `sum_of_squares` function."),
        new_markdown_cell("$\\sum_{i=1}^n i^2$",
                          metadata=_meta("sum_of_squares_equation", grade=True, solution=True, points=1)),
        new_markdown_cell("---\n## Part D (2 points)\n\nFind a usecase for your `sum_of_squares` "
                          "function and implement that usecase in the cell below."),
        new_code_cell('def pyramidal_number(n):\n    """Returns the n^th pyramidal number"""\n'
                      "    return sum_of_squares(n)",
                      metadata=_meta("sum_of_squares_application", grade=True, solution=True, points=2)),
        new_markdown_cell("---\n## Part E (4 points)\n\nState the formulae for an arithmetic and "
                          "geometric sum and verify them numerically for an example of your choice.",
                          metadata=_meta(TASK_ID, locked=True, points=4, task=True)),
    ])


def problem2() -> Any:
    return new_notebook(cells=[
        new_markdown_cell("Consider the following piece of code:\n\n```python\ndef f(x):\n"
                          "    if x == 0 or x == 1:\n        return x\n    return f(x - 1) + f(x - 2)\n```"),
        new_markdown_cell("---\n## Part A (1 point)\n\nDescribe, in words, what this code does, and "
                          "how it does it."),
        new_markdown_cell("This function computes the fibonnaci sequence using recursion.",
                          metadata=_meta("part-a", grade=True, solution=True, points=1)),
        new_markdown_cell("---\n## Part B (2 points)\n\nFor what inputs will this function not "
                          "behave as expected? What will happen?"),
        new_markdown_cell("The function will not work correctly for inputs less than zero.",
                          metadata=_meta("part-b", grade=True, solution=True, points=2)),
    ])


def header() -> Any:
    return new_notebook(cells=[
        new_markdown_cell("Before you turn this problem in, make sure everything runs as expected. "
                          "First, **restart the kernel** (in the menubar, select Kernel$\\rightarrow$"
                          "Restart) and then **run all cells** (in the menubar, select Cell"
                          "$\\rightarrow$Run All).\n\nMake sure you fill in any place that says "
                          '`YOUR CODE HERE` or "YOUR ANSWER HERE", as well as your name and '
                          "collaborators below:"),
        new_code_cell('NAME = ""\nCOLLABORATORS = ""'),
        new_markdown_cell("---"),
    ])


def nbgrader(root: Path, *args: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    return run([sys.executable, "-m", "nbgrader", *args], cwd=root, **kwargs)


def make_course(root: Path, duedate: str | None = None, late_plugin: bool = False,
                release: bool = True) -> Path:
    """The example course in ``root``; with ``release``, generated by the real
    ``nbgrader generate_assignment`` (after ``nbgrader db assignment add`` with the due
    date, as nbgrader's docs do it)."""
    root.mkdir(parents=True, exist_ok=True)
    config = ["c = get_config()  # noqa: F821", f'c.CourseDirectory.course_id = "{COURSE_ID}"',
              'c.IncludeHeaderFooter.header = "source/header.ipynb"']
    if late_plugin:
        config.append('c.AssignLatePenalties.plugin_class = "late.SubMarks"')
        (root / "late.py").write_text(LATE_PLUGIN, encoding="utf-8")
    (root / "nbgrader_config.py").write_text("\n".join(config) + "\n", encoding="utf-8")
    folder = root / "source" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(header(), root / "source" / "header.ipynb")
    nbformat.write(problem1(), folder / "problem1.ipynb")
    nbformat.write(problem2(), folder / "problem2.ipynb")
    (folder / "jupyter.png").write_bytes(PNG)
    if release:
        if duedate:
            nbgrader(root, "db", "assignment", "add", ASSIGNMENT, f"--duedate={duedate}")
        nbgrader(root, "generate_assignment", ASSIGNMENT)
    return root


def _answer(nb: dict[str, Any], grade_id: str, source: str) -> None:
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
            return
    raise KeyError(grade_id)


ANSWERS: dict[str, dict[str, dict[str, str]]] = {
    "hacker": {  # right, and a use case (an answer cell graded by hand)
        "problem1": {
            "squares": "def squares(n):\n    if n < 1:\n        raise ValueError\n"
                       "    return [i ** 2 for i in range(1, n + 1)]",
            "sum_of_squares": "def sum_of_squares(n):\n    return sum(squares(n))",
            "sum_of_squares_equation": "$\\sum_{i=1}^n i^2$",
            "sum_of_squares_application": "import math\n\ndef hypotenuse(n):\n"
                                          "    return math.sqrt(sum_of_squares(n) - sum_of_squares(n - 2))",
        },
        "problem2": {"part-a": "It computes the Fibonacci numbers, recursively.",
                     "part-b": "Negative inputs never reach a base case: infinite recursion."},
    },
    "bitdiddle": {  # off by one, re-implements the sum, no use case (an unchanged answer: 0)
        "problem1": {
            "squares": "def squares(n):\n    if n < 1:\n        raise ValueError\n"
                       "    return [i ** 2 for i in range(n)]",
            "sum_of_squares": "def sum_of_squares(n):\n    return sum(i ** 2 for i in range(1, n + 1))",
            "sum_of_squares_equation": "$\\sum i^2$",
        },
        "problem2": {"part-a": "Recursion.", "part-b": "Large ones."},
    },
}


def handed_in(root: Path, student: str, notebook: str) -> bytes:
    """A student's notebook, made from the released one as a student would fill it in."""
    nb = json.loads((root / "release" / ASSIGNMENT / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    for grade_id, source in ANSWERS[student][notebook].items():
        _answer(nb, grade_id, source)
    nb["cells"][1]["source"] = f'NAME = "{student}"\nCOLLABORATORS = ""'
    return json.dumps(nb, indent=1).encode("utf-8")


def submit(root: Path, student: str, timestamp: str | None = None) -> Path:
    """``student``'s hand-in in nbgrader's layout, as ``nbgrader collect`` leaves it."""
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    for notebook in NOTEBOOKS:
        (folder / f"{notebook}.ipynb").write_bytes(handed_in(root, student, notebook))
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return folder


def grades(db_url: str) -> dict[str, Any]:
    """Everything autograding writes into the gradebook, per submission and cell."""
    from nbgrader.api import Gradebook

    found: dict[str, Any] = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for submission in gb.find_assignment(ASSIGNMENT).submissions:
            found[submission.student_id] = {
                "timestamp": submission.timestamp,
                "late": {nb.name: nb.late_submission_penalty for nb in submission.notebooks},
                "flagged": {nb.name: nb.flagged for nb in submission.notebooks},
                "cells": {f"{nb.name}/{g.name}": (g.auto_score, g.manual_score, g.needs_manual_grade)
                          for nb in submission.notebooks for g in nb.grades},
            }
    return found


def copy_course(root: Path, target: Path) -> Path:
    shutil.copytree(root, target)
    return target
