"""The labs' release through real nbgrader: nothing students receive contains a solution
or a hidden test, and a malformed source is refused. (Each lab's source, student version
and typical wrong answers are graded by the real grader in tests/test_grading_batch.py,
and plain nbgrader's grades are compared with ours there.)"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from coursetools.config import ROOT
from coursetools.grading.proxy import HIDDEN_TESTS, hidden_tests_file
from coursetools.manifest import load
from coursetools.release import assignments, check_grade_ids

from .conftest import run

ASSIGNMENTS = assignments()


def solution_lines(notebook: Path) -> list[str]:
    """The non-trivial lines of a lab's solutions and hidden tests: between BEGIN/END
    SOLUTION and BEGIN/END HIDDEN TESTS of the notebook, and in its hidden-test module."""
    lines, visible, inside = [], set(), False
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            marker = line.strip()
            if marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                inside = True
            elif marker in ("### END SOLUTION", "### END HIDDEN TESTS"):
                inside = False
            elif inside and len(marker) > 12 and not marker.startswith("#"):
                lines.append(marker)
            elif not inside:
                visible.add(marker)
    # A line the student version shows elsewhere too (`with torch.no_grad():`) gives nothing away.
    return [line for line in lines + hidden_test_lines(notebook.stem) if line not in visible]


def hidden_test_lines(assignment: str, course_root: Path = ROOT) -> list[str]:
    """The non-trivial lines of the assignment's hidden tests in the grader
    (hidden_tests/<lab>.py), which no student may ever see."""
    path = hidden_tests_file(course_root, assignment)
    if path is None:
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line) > 12 and not line.startswith("#")]


def test_the_labs_are_the_manifests() -> None:
    assert sorted(load().assignments()) == ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_contains_no_solution(assignment: str, released: Path) -> None:
    source = ROOT / "labs" / assignment / f"{assignment}.ipynb"
    student = (released / assignment / f"{assignment}.ipynb").read_text()
    secret = solution_lines(source)
    assert len(secret) > 10
    leaked = [line for line in secret if line in student]
    assert not leaked
    assert "BEGIN SOLUTION" not in student and "HIDDEN TESTS" not in student
    assert len(hidden_test_lines(assignment)) > 10  # the lab's hidden tests were checked too
    assert "@COLAB_URL@" not in student and "@COURSE_PIP_SOURCE@" not in student


def _broken_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    labs = tmp_path / "labs"
    shutil.copytree(ROOT / "labs" / "lab01_en", labs / "lab01_en")
    path = labs / "lab01_en" / "lab01_en.ipynb"
    nb = json.loads(path.read_text())
    edit([c for c in nb["cells"] if "nbgrader" in c["metadata"]])
    path.write_text(json.dumps(nb))
    return labs


@pytest.mark.parametrize("problem,message", [
    ("missing", "without a grade_id"),
    ("duplicate", "repeats the grade_id 'activations'"),
    ("hidden in the notebook", "has hidden tests in the notebook"),
    ("hidden test of no cell", "test_nothing names no graded cell"),
])
def test_release_rejects_bad_grade_ids(problem: str, message: str, tmp_path: Path) -> None:
    def edit(cells):  # type: ignore[no-untyped-def]
        if problem == "missing":
            del cells[1]["metadata"]["nbgrader"]["grade_id"]
        elif problem == "duplicate":
            cells[2]["metadata"]["nbgrader"]["grade_id"] = "activations"
        elif problem == "hidden in the notebook":  # the kernel would run it: refused
            cells[1]["source"] = "".join(cells[1]["source"]) + (
                "\n### BEGIN HIDDEN TESTS\nassert sigmoid(1.0) > 0.7\n### END HIDDEN TESTS\n")

    if problem == "hidden test of no cell":
        (tmp_path / HIDDEN_TESTS).mkdir()
        (tmp_path / HIDDEN_TESTS / "lab01.py").write_text("def test_nothing(nb):\n    pass\n")
    labs = _broken_copy(tmp_path, edit)
    result = run([sys.executable, "-m", "coursetools.release", "--labs", str(labs),
                  "--out", str(tmp_path / "out")], check=False)
    assert result.returncode == 1
    where = "hidden_tests/lab01.py: " if problem == "hidden test of no cell" else "lab01_en.ipynb: cell"
    assert message in result.stderr and where in result.stderr, result.stderr
    assert not (tmp_path / "out" / "lab01_en").exists()


def test_grade_ids_of_the_real_labs_are_valid() -> None:
    for assignment in ASSIGNMENTS:
        check_grade_ids(ROOT / "labs" / assignment / f"{assignment}.ipynb")
