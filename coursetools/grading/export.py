"""Every grade of the gradebook as one CSV file, one row per submission.

Besides nbgrader's totals (``nbgrader export``) each row has the points of every test
cell and whether a person still has to look at it (nbgrader's manual grading, or a flag
set by the autograder): what an instructor needs before grades go out.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook

from .course import Course

FIXED = ["student", "assignment", "score", "max_score", "needs_manual_grade", "flagged"]


def grade_rows(course: Course, assignments: list[str]) -> tuple[list[dict[str, object]], list[str]]:
    """(rows, the test-cell columns) for the submissions of ``assignments``."""
    rows: list[dict[str, object]] = []
    cells: list[str] = []
    with Gradebook(course.db_url, course.course_id) as gb:
        for assignment in assignments:
            found = gb.find_assignment(assignment)
            for notebook in found.notebooks:
                cells += [c.name for c in notebook.grade_cells if c.name not in cells]
            for submission in sorted(found.submissions, key=lambda s: s.student_id):
                row: dict[str, object] = {
                    "student": submission.student_id, "assignment": assignment,
                    "score": submission.score, "max_score": submission.max_score,
                    "needs_manual_grade": submission.needs_manual_grade,
                    "flagged": any(nb.flagged for nb in submission.notebooks)}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        row[grade.name] = grade.score
                rows.append(row)
    return rows, cells


def export(course: Course, assignments: list[str], out: Path | None = None) -> Path:
    rows, cells = grade_rows(course, assignments)
    if out is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        out = course.reports / f"grades-{'-'.join(assignments)}-{stamp}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIXED + cells, restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in row.items()})
    os.chmod(out, 0o600)  # grades are personal data
    return out
