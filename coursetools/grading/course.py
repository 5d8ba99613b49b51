"""An nbgrader course directory: where its files are, and its gradebook."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


def cell_key(assignment: str, notebook: str, name: str) -> str:
    """How results name a graded cell: its grade id in a notebook named like the
    assignment (this course's labs), else ``notebook/grade_id``, since two notebooks of
    one assignment may use the same id.

    >>> cell_key("lab01_en", "lab01_en", "test_sse"), cell_key("ps1", "problem1", "squares")
    ('test_sse', 'problem1/squares')
    """
    return name if notebook == assignment else f"{notebook}/{name}"


@dataclass(frozen=True)
class Course:
    """The course at ``root``, configured by its nbgrader_config.py like nbgrader itself."""

    root: Path
    course_id: str
    source_dir: Path
    db_url: str

    @classmethod
    def load(cls, root: Path, db_url: str | None = None) -> Course:
        root = root.resolve()
        if not (root / CONFIG_FILE).is_file():
            raise FileNotFoundError(
                f"{root}: no {CONFIG_FILE}; run from the course directory or pass --course")
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        course_dir = config.get("CourseDirectory", {})
        return cls(
            root=root,
            course_id=str(course_dir.get("course_id", "")),
            source_dir=root / str(course_dir.get("source_directory", "source")),
            db_url=db_url or str(course_dir.get("db_url", f"sqlite:///{root / 'gradebook.db'}")),
        )

    def source_notebook(self, assignment: str) -> Path:
        """This course's layout: the assignment is one notebook named like it."""
        return self.source_dir / assignment / f"{assignment}.ipynb"

    def notebooks(self, assignment: str) -> list[str]:
        """The notebooks of an assignment, as nbgrader finds them: every ``*.ipynb`` in
        the assignment's source folder (``ps1`` -> ``["problem1", "problem2"]``)."""
        return sorted(p.stem for p in (self.source_dir / assignment).glob("*.ipynb")
                      if p.is_file() and not p.name.startswith("."))

    def source_notebooks(self, assignment: str) -> list[Path]:
        return [self.source_dir / assignment / f"{name}.ipynb" for name in self.notebooks(assignment)]

    def submitted(self, student: str, assignment: str, notebook: str | None = None) -> Path:
        folder = self.root / "submitted" / student / assignment
        return folder / f"{notebook or assignment}.ipynb"

    def header_footer(self) -> dict[str, str]:
        """``IncludeHeaderFooter.header`` and ``.footer`` of the course's configuration,
        as absolute paths. nbgrader opens them relative to the folder it runs in, the
        course root; the grader runs nbgrader in temporary courses elsewhere."""
        config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        found = {}
        for key in ("header", "footer"):
            value = config.get("IncludeHeaderFooter", {}).get(key)
            if value:
                path = Path(str(value)).expanduser()
                found[key] = str(path if path.is_absolute() else self.root / path)
        return found

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def is_assignment(self, name: str) -> bool:
        return bool(name) and "/" not in name and bool(self.notebooks(name))

    def assignments_of(self, lab: str) -> list[str]:
        """The assignments of a lab, one per language: lab01 -> [lab01_en, lab01_hu]."""
        return sorted(p.parent.name for p in self.source_dir.glob(f"{lab}_*/{lab}_*.ipynb")
                      if p.stem == p.parent.name)

    def protect_student_data(self) -> list[Path]:
        """Make submissions, results and a SQLite gradebook unreadable for other users.

        Graded kernels run as other users (see sandbox.py): what other users can read, a
        hostile notebook can read. Returns the paths whose mode was changed."""
        paths = [self.root / name for name in ("submitted", "autograded", "feedback", "reports")]
        if self.db_url.startswith("sqlite:///"):
            paths.append(Path(self.db_url.removeprefix("sqlite:///")))
        changed = []
        for path in paths:
            if path.exists() and path.stat().st_mode & stat.S_IRWXO:
                os.chmod(path, path.stat().st_mode & ~stat.S_IRWXO)
                changed.append(path)
        return changed
