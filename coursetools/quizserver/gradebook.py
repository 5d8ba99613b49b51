"""A session's results as a graded item in the course's nbgrader gradebook.

Each session becomes an nbgrader assignment (say ``quiz_ch01``) with one notebook,
``quiz``, and one manually graded cell, ``score``, worth one point per question asked.
A student's grade is the number of questions they answered right: the speed bonus of
the leaderboard is for the game, not for the grade. Players are matched to nbgrader
students by id (the Neptun code, case aside); players with a nickname are listed as
skipped unless ``create_students`` adds them. ``nbgrader export`` then lists the quiz
beside the labs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook

from ..config import use_own_scripts
from .store import results

NOTEBOOK, CELL = "quiz", "score"


@dataclass
class GradebookReport:
    assignment: str
    max_score: int
    graded: dict[str, int] = field(default_factory=dict)  # nbgrader student id -> score
    skipped: list[str] = field(default_factory=list)  # players who are no nbgrader student


def add_to_gradebook(
    db: Path | str,
    session_id: str,
    assignment: str,
    gradebook: str = "sqlite:///gradebook.db",
    course_id: str = "dl-course",
    create_students: bool = False,
) -> GradebookReport:
    """Write one session's scores into the gradebook (running it again updates them)."""
    rounds, players = results(db, session_id)
    report = GradebookReport(assignment, len(rounds))
    use_own_scripts()  # nbgrader runs `alembic` by name to create the database
    with Gradebook(gradebook, course_id) as gb:
        gb.update_or_create_assignment(assignment)
        gb.update_or_create_notebook(NOTEBOOK, assignment)
        gb.update_or_create_grade_cell(
            CELL, NOTEBOOK, assignment, max_score=len(rounds), cell_type="markdown"
        )
        students = {s.id.upper(): s.id for s in gb.students}
        for player in players:
            student = students.get(player.name.upper())
            if student is None and create_students:
                student = gb.update_or_create_student(player.name).id
            if student is None:
                report.skipped.append(player.name)
                continue
            gb.update_or_create_submission(assignment, student)
            grade = gb.find_grade(CELL, NOTEBOOK, assignment, student)
            grade.manual_score = player.correct
            grade.needs_manual_grade = False
            gb.db.commit()
            report.graded[student] = player.correct
    return report
