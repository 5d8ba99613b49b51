"""Every grade of the gradebook as one CSV file, one row per submission.

Besides nbgrader's totals (``nbgrader export``) each row has the submission's time, how
late it was and its late penalty, the points of every graded cell (task cells too) and
whether a person still has to look at it (nbgrader's manual grading, or a flag set by
the autograder): what an instructor needs before grades go out. A cell nobody has
scored yet (a written answer for the formgrader) is blank. In an assignment of several
notebooks a cell's column is ``notebook/grade_id``.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook

from .course import Course
from .gradebook import cell_key

FIXED = ["student", "assignment", "score", "max_score", "needs_manual_grade", "flagged",
         "timestamp", "seconds_late", "late_submission_penalty"]


def grade_rows(course: Course, assignments: list[str]) -> tuple[list[dict[str, object]], list[str]]:
    """(rows, the graded-cell columns) for the submissions of ``assignments``."""
    rows: list[dict[str, object]] = []
    cells: list[str] = []

    def column(name: str) -> str:
        if name not in cells and name not in FIXED:
            cells.append(name)
        return name if name not in FIXED else f"cell {name}"

    with Gradebook(course.db_url, course.course_id) as gb:
        for assignment in assignments:
            found = gb.find_assignment(assignment)
            for notebook in found.notebooks:
                for cell in [*notebook.grade_cells, *notebook.task_cells]:
                    column(cell_key(assignment, notebook.name, cell.name))
            for submission in sorted(found.submissions, key=lambda s: s.student_id):
                row: dict[str, object] = {
                    "student": submission.student_id, "assignment": assignment,
                    "score": submission.score, "max_score": submission.max_score,
                    "needs_manual_grade": submission.needs_manual_grade,
                    "flagged": any(nb.flagged for nb in submission.notebooks),
                    "timestamp": submission.timestamp.isoformat(" ") if submission.timestamp else "",
                    "seconds_late": submission.total_seconds_late,
                    "late_submission_penalty": submission.late_submission_penalty}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:  # blank: nobody has scored it yet
                        scored = grade.manual_score is not None or grade.auto_score is not None
                        row[column(cell_key(assignment, notebook.name, grade.name))] = (
                            grade.score if scored else None)
                rows.append(row)
    columns = [c if c not in FIXED else f"cell {c}" for c in cells]
    return rows, columns


def export(course: Course, assignments: list[str], out: Path | None = None) -> Path:
    rows, cells = grade_rows(course, assignments)
    if out is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        out = course.reports / f"grades-{'-'.join(assignments)}-{stamp}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Grades are personal data: the file is the owner's alone from its first byte on.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIXED + cells, restval="", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:g}" if isinstance(v, float) else "" if v is None else v)
                             for k, v in row.items()})
    return out
