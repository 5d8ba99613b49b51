"""The real gradebook: the assignment's structure, and results written into it.

Only the coordinating process writes here, one submission at a time, with nbgrader's own
Gradebook API (SQLite or PostgreSQL): what nbgrader's SaveAutoGrades would write,
taken from the worker's result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from sqlalchemy.exc import IntegrityError, OperationalError

from .worker import Result


class GradebookMismatch(Exception):
    """The gradebook's assignment is not the one in the source folder."""


@dataclass(frozen=True)
class Structure:
    """What grading depends on: each graded cell's points, each locked cell's checksum."""

    max_scores: dict[str, float]
    checksums: dict[str, str]


def structure(db_url: str, course_id: str, assignment: str) -> Structure | None:
    """The assignment as the gradebook knows it, or None if it does not."""
    with Gradebook(db_url, course_id) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            return None
        scores, checksums = {}, {}
        for notebook in found.notebooks:
            for cell in notebook.grade_cells:
                scores[cell.name] = float(cell.max_score)
            for source in notebook.source_cells:
                if source.locked:
                    checksums[source.name] = str(source.checksum)
        return Structure(scores, checksums)


def differences(real: Structure, fresh: Structure) -> list[str]:
    found = []
    for name in sorted(set(real.max_scores) | set(fresh.max_scores)):
        a, b = real.max_scores.get(name), fresh.max_scores.get(name)
        if a != b:
            found.append(f"cell {name}: {a} points in the gradebook, {b} in the source")
    for name in sorted(set(real.checksums) & set(fresh.checksums)):
        if real.checksums[name] != fresh.checksums[name]:
            found.append(f"locked cell {name} changed in the source")
    return found


def merge(db_url: str, course_id: str, result: Result, max_scores: dict[str, float]) -> None:
    """Write one submission's scores, comments and review flag; retried when another
    writer (a second instructor on PostgreSQL) got in the way."""
    for attempt in range(5):
        try:
            _merge_once(db_url, course_id, result, max_scores)
            return
        except (IntegrityError, InvalidEntry, OperationalError):
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _merge_once(db_url: str, course_id: str, result: Result, max_scores: dict[str, float]) -> None:
    with Gradebook(db_url, course_id) as gb:
        try:
            gb.update_or_create_student(result.student)
            gb.update_or_create_submission(result.assignment, result.student)
            notebook = gb.find_submission_notebook(result.assignment, result.assignment, result.student)
            for grade in notebook.grades:
                score = result.scores.get(grade.name)
                if score is not None:  # never more than the gradebook's own maximum
                    score = min(max(float(score), 0.0), max_scores[grade.name])
                grade.auto_score = score
                grade.needs_manual_grade = grade.manual_score is not None or score is None
            for comment in notebook.comments:
                if comment.name in result.comments:
                    comment.auto_comment = result.comments[comment.name]
            notebook.flagged = result.review
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise


def check_recorded(db_url: str, course_id: str, results: list[Result],
                   max_scores: dict[str, dict[str, float]]) -> list[str]:
    """Read every result back from the gradebook: the grades that are missing, different
    or doubled. An empty list means nothing was lost."""
    problems = []
    with Gradebook(db_url, course_id) as gb:
        for result in results:
            name = f"{result.student}/{result.assignment}"
            try:
                notebook = gb.find_submission_notebook(result.assignment, result.assignment, result.student)
            except MissingEntry:
                problems.append(f"{name}: no submission in the gradebook")
                continue
            grades = [g.name for g in notebook.grades]
            if sorted(grades) != sorted(max_scores[result.assignment]):
                problems.append(f"{name}: grades {sorted(grades)} in the gradebook")
            for grade in notebook.grades:
                expected = result.scores.get(grade.name)
                if expected is not None:
                    expected = min(max(float(expected), 0.0), max_scores[result.assignment][grade.name])
                if grade.auto_score != expected:
                    problems.append(f"{name}: {grade.name} is {grade.auto_score}, graded {expected}")
    return problems
