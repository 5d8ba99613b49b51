"""An nbgrader course directory: where its files are, and its gradebook."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


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
        return self.source_dir / assignment / f"{assignment}.ipynb"

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment / f"{assignment}.ipynb"

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    @property
    def reports(self) -> Path:
        return self.root / "reports"

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
