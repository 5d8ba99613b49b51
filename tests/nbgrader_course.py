"""A real nbgrader course in a temporary folder, driven through nbgrader's own CLI."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from coursetools.config import ROOT
from coursetools.grading.proxy import HIDDEN_TESTS

from .conftest import run
from .grading_cases import FIXTURE_LAB, lab_folder


class Course:
    def __init__(self, root: Path, assignment: str, *more: str) -> None:
        """A course with ``assignment`` (and ``more``) released by generate_assignment."""
        self.root, self.assignment = root, assignment
        # The course's own nbgrader configuration, as an instructor would use it.
        shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
        # The labs' hidden tests, which only the grader reads (coursetools/grading/proxy.py).
        shutil.copytree(ROOT / HIDDEN_TESTS, root / HIDDEN_TESTS)
        shutil.copytree(FIXTURE_LAB / HIDDEN_TESTS, root / HIDDEN_TESTS, dirs_exist_ok=True)
        for name in (assignment, *more):
            shutil.copytree(lab_folder(name), root / "labs" / name)
            self.nbgrader("generate_assignment", name, "--force")

    @property
    def db(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def nbgrader(self, *args: str, check: bool = True):  # type: ignore[no-untyped-def]
        return run([sys.executable, "-m", "nbgrader", *args], cwd=self.root, check=check)

    @property
    def release_notebook(self) -> Path:
        return self.released(self.assignment)

    def released(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def submit(self, student: str, notebook: Path) -> None:
        target = self.root / "submitted" / student / self.assignment
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target / f"{self.assignment}.ipynb")

    def autograde(self, student: str) -> tuple[float, float]:
        """Autograde one student's submission; return (score, max_score)."""
        self.nbgrader("autograde", self.assignment, "--student", student, "--force")
        with Gradebook(self.db, "dl-course") as gb:
            submission = gb.find_submission(self.assignment, student)
            return submission.score, submission.max_score
