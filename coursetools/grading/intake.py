"""Intake: a folder of handed-in notebooks into nbgrader's ``submitted/`` layout.

Students download their notebook from Colab and hand it in through whatever the course
uses, so the files arrive named ``lab01_en.ipynb``, ``Copy of lab01_en (1).ipynb``,
``ABC123_lab01.ipynb`` or inside a folder per student. The student is the Neptun code in
the file's path; the assignment is the lab and the notebook's own language. Every file
ends up in the report: placed, or not placed and why. Nothing is deleted or overwritten.
"""

from __future__ import annotations

import csv
import filecmp
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from .course import Course
from .notebooks import NotANotebook, course_meta, fingerprints, notebook_language, read_notebook
from .report import write_report

COLUMNS = ["file", "status", "student", "assignment", "destination", "reason"]
_TOKEN = re.compile(r"[0-9A-Za-z]+")
_NEPTUN = re.compile(r"[A-Za-z0-9]{6}")
MIN_OVERLAP = 0.3  # share of a lab's markdown and test cells that marks a notebook as that lab


@dataclass
class IntakeRow:
    file: str
    status: str  # placed | already placed | not placed
    student: str = ""
    assignment: str = ""
    destination: str = ""
    reason: str = ""


def read_roster(path: Path) -> set[str]:
    """Neptun codes from a CSV roster: the column whose header mentions Neptun (or id), or
    else the first column."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{path}: empty roster")
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((i for i, h in enumerate(header) if "neptun" in h), None)
    if column is None:
        column = next((i for i, h in enumerate(header) if h in ("id", "student_id", "student")), None)
    body = rows[1:] if column is not None else rows
    codes = {row[column or 0].strip().upper() for row in body if len(row) > (column or 0)}
    codes = {code for code in codes if _NEPTUN.fullmatch(code)}
    if not codes:
        raise ValueError(f"{path}: no Neptun codes (6 letters and digits) in the roster")
    return codes


def neptun_codes(relative_path: str, roster: set[str] | None = None) -> list[str]:
    """The Neptun codes that the file's path may name.

    Without a roster a code is a 6-character word of letters and digits with at least one
    of each; with a roster, any roster code in the path, even glued to other text.

    >>> neptun_codes("Copy of lab01_en (1) - abc123.ipynb")
    ['ABC123']
    >>> neptun_codes("Kovacs Anna_H8K2LM_assignsubmission_file_/lab01_hu.ipynb")
    ['H8K2LM']
    >>> neptun_codes("lab01_en.ipynb")
    []
    >>> neptun_codes("QWERTZlab01.ipynb", roster={"QWERTZ"})
    ['QWERTZ']
    """
    if roster is not None:
        upper = relative_path.upper()
        return sorted(code for code in roster if code in upper)
    found = []
    for token in _TOKEN.findall(relative_path):
        code = token.upper()
        if (_NEPTUN.fullmatch(code) and any(c.isdigit() for c in code)
                and any(c.isalpha() for c in code) and not re.fullmatch(r"LAB\d+", code)
                and code not in found):
            found.append(code)
    return found


def identify(nb: dict, lab: str, course: Course) -> tuple[str | None, str]:
    """The assignment (``lab01_hu``) a notebook belongs to, or None and the reason."""
    assignments = course.assignments_of(lab)
    if not assignments:
        raise ValueError(f"{course.source_dir}: no assignment of lab {lab!r} "
                         f"(expected {lab}_hu/{lab}_hu.ipynb or {lab}_en/...)")
    claimed = course_meta(nb).get("lab")
    overlap = {}
    prints = fingerprints(nb)
    for assignment in assignments:
        reference = fingerprints(read_notebook(course.source_notebook(assignment)))
        overlap[assignment] = len(prints & reference) / max(1, len(reference))
    if claimed and claimed != lab:
        return None, f"wrong assignment: the notebook is {claimed} (its metadata), not {lab}"
    if not claimed and max(overlap.values()) < MIN_OVERLAP:
        return None, (f"not {lab}: the notebook has no course metadata and almost nothing in "
                      f"common with {lab}")
    lang = notebook_language(nb)
    if lang is None:
        best = max(overlap, key=lambda a: overlap[a])
        return best, ""
    assignment = f"{lab}_{lang}"
    if assignment not in assignments:
        return None, f"the notebook is in language {lang!r}, but {lab} has no {assignment}"
    return assignment, ""


def _files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith("."))


def intake(course: Course, inbox: Path, lab: str, roster: set[str] | None = None) -> list[IntakeRow]:
    """Place every handed-in file of ``inbox`` that can be matched; report every file."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"{inbox}: no such folder of handed-in notebooks")
    rows: list[IntakeRow] = []
    chosen: dict[Path, tuple[Path, IntakeRow]] = {}
    for path in _files(inbox):
        rel = str(path.relative_to(inbox))
        row = IntakeRow(file=rel, status="not placed")
        rows.append(row)
        codes = neptun_codes(rel, roster)
        if not codes:
            row.reason = ("no Neptun code in the file name or folder" if roster is None else
                          "no Neptun code of the roster in the file name or folder")
            continue
        if len(codes) > 1:
            row.reason = f"several possible Neptun codes in the path: {', '.join(codes)}"
            if roster is None:
                row.reason += " (a roster, --roster, tells which is a student)"
            continue
        row.student = codes[0]
        try:
            nb = read_notebook(path)
        except NotANotebook as err:
            row.reason = str(err)
            continue
        assignment, reason = identify(nb, lab, course)
        if assignment is None:
            row.reason = reason
            continue
        row.assignment = assignment
        destination = course.submitted(row.student, assignment)
        row.destination = str(destination.relative_to(course.root))
        earlier = chosen.get(destination)
        if earlier is not None:
            # Two hand-ins of one student: the newer one counts; the report names both.
            older, newer = sorted([earlier, (path, row)], key=lambda pair: pair[0].stat().st_mtime)
            older[1].reason = f"superseded by the newer file {newer[1].file}"
            chosen[destination] = newer
        else:
            chosen[destination] = (path, row)
    for destination, (path, row) in chosen.items():
        _place(path, destination, row)
    return rows


def _place(path: Path, destination: Path, row: IntakeRow) -> None:
    if destination.exists():
        if filecmp.cmp(path, destination, shallow=False):
            row.status = "already placed"
        else:
            row.reason = (f"{row.destination} already holds a different file; move it away "
                          "first if this one should replace it")
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    for folder in (destination.parents[2], destination.parents[1], destination.parent):
        os.chmod(folder, 0o700)  # submissions are personal data
    shutil.copy2(path, destination)
    row.status = "placed"


def write_intake_report(course: Course, lab: str, rows: list[IntakeRow]) -> Path:
    return write_report(course.reports, f"intake-{lab}", [asdict(r) for r in rows], COLUMNS)
