"""The real gradebook: the assignment's structure, and results written into it.

Only the coordinating process writes here, one submission at a time, with nbgrader's own
Gradebook API (SQLite or PostgreSQL): what nbgrader's SaveAutoGrades would write,
taken from the worker's result, and, as ``nbgrader autograde`` does, the submission's
time from its ``timestamp.txt`` and the late penalty of nbgrader's AssignLatePenalties.

A graded cell is named by its grade id; in an assignment of several notebooks, by
``notebook/grade_id`` (:func:`cell_key`), since two notebooks may use the same id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from sqlalchemy.exc import IntegrityError, OperationalError

from .course import cell_key
from .worker import Result

__all__ = ["GradebookMismatch", "Structure", "assign_late_penalties", "cell_key", "check_recorded",
           "differences", "merge", "structure", "submission_time"]


class GradebookMismatch(Exception):
    """The gradebook's assignment is not the one in the source folder."""


@dataclass(frozen=True)
class Structure:
    """What grading depends on: each graded cell's points (task cells too: nbgrader
    counts them), each locked cell's checksum, keyed by :func:`cell_key`."""

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
                scores[cell_key(assignment, notebook.name, cell.name)] = float(cell.max_score)
            for task in notebook.task_cells:
                scores[cell_key(assignment, notebook.name, task.name)] = float(task.max_score)
            for source in notebook.source_cells:
                if source.locked:
                    checksums[cell_key(assignment, notebook.name, source.name)] = str(source.checksum)
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


def submission_time(folder: Path) -> datetime | None:
    """The time in a submission's ``timestamp.txt``, read as ``nbgrader autograde`` reads
    it (UTC, naive), or None without one. A timestamp nbgrader cannot read is an error,
    as in nbgrader."""
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        return None
    try:
        return parse_utc(text)
    except (ValueError, OverflowError) as err:
        raise ValueError(f"{path}: invalid timestamp {text!r} ({err})") from None


def merge(db_url: str, course_id: str, result: Result, max_scores: dict[str, float], *,
          timestamp: datetime | None = None, late_config: Any = None) -> None:
    """Write one submission's scores, comments and review flag; retried when another
    writer (a second instructor on PostgreSQL) got in the way.

    ``timestamp`` (:func:`submission_time`) is recorded as nbgrader's Autograde records
    it; with ``late_config`` (the course's nbgrader configuration) nbgrader's own
    AssignLatePenalties then sets each notebook's late penalty in this gradebook, with
    its due date and the student's extension."""
    for attempt in range(5):
        try:
            _merge_once(db_url, course_id, result, max_scores, timestamp)
            if late_config is not None:
                assign_late_penalties(db_url, course_id, result, late_config)
            return
        except (IntegrityError, InvalidEntry, OperationalError):
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _merge_once(db_url: str, course_id: str, result: Result, max_scores: dict[str, float],
                timestamp: datetime | None) -> None:
    with Gradebook(db_url, course_id) as gb:
        try:
            gb.update_or_create_student(result.student)
            if timestamp is not None:
                submission = gb.update_or_create_submission(result.assignment, result.student,
                                                            timestamp=timestamp)
            else:
                submission = gb.update_or_create_submission(result.assignment, result.student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    key = cell_key(result.assignment, notebook.name, grade.name)
                    if key not in max_scores:
                        continue  # not in the template: check_recorded reports it
                    score = result.scores.get(key)
                    if score is not None:  # never more than the gradebook's own maximum
                        score = min(max(float(score), 0.0), max_scores[key])
                    grade.auto_score = score
                    grade.needs_manual_grade = grade.manual_score is not None or score is None
                for comment in notebook.comments:
                    key = cell_key(result.assignment, notebook.name, comment.name)
                    if key in result.comments:
                        comment.auto_comment = result.comments[key]
                notebook.flagged = result.review
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise


def assign_late_penalties(db_url: str, course_id: str, result: Result, config: Any) -> None:
    """nbgrader's AssignLatePenalties, as ``nbgrader autograde`` runs it after grading
    each notebook, configured by the course (``LateSubmissionPlugin.penalty_method``,
    ``AssignLatePenalties.plugin_class``): it reads the due date, extension, time and
    score from the gradebook and writes the notebook's late penalty."""
    from nbformat.v4 import new_notebook
    from nbgrader.preprocessors import AssignLatePenalties

    with Gradebook(db_url, course_id) as gb:
        names = [nb.name for nb in gb.find_submission(result.assignment, result.student).notebooks]
    for name in sorted(names):
        resources = {"nbgrader": {"notebook": name, "assignment": result.assignment,
                                  "student": result.student, "db_url": db_url}}
        AssignLatePenalties(config=config).preprocess(new_notebook(), resources)


def check_recorded(db_url: str, course_id: str, results: list[Result],
                   max_scores: dict[str, dict[str, float]]) -> list[str]:
    """Read every result back from the gradebook: the grades that are missing, different
    or doubled. An empty list means nothing was lost."""
    problems = []
    with Gradebook(db_url, course_id) as gb:
        for result in results:
            name = f"{result.student}/{result.assignment}"
            maxima = max_scores[result.assignment]
            try:
                submission = gb.find_submission(result.assignment, result.student)
            except MissingEntry:
                problems.append(f"{name}: no submission in the gradebook")
                continue
            grades = [(cell_key(result.assignment, notebook.name, grade.name), grade)
                      for notebook in submission.notebooks for grade in notebook.grades]
            keys = sorted(key for key, _ in grades)
            if keys != sorted(maxima):
                problems.append(f"{name}: grades {keys} in the gradebook")
            for key, grade in grades:
                if key not in maxima:
                    continue
                expected = result.scores.get(key)
                if expected is not None:
                    expected = min(max(float(expected), 0.0), maxima[key])
                if grade.auto_score != expected:
                    problems.append(f"{name}: {key} is {grade.auto_score}, graded {expected}")
    return problems
