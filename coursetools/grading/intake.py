"""Intake: handed-in notebooks into nbgrader's ``submitted/`` layout.

Students download their notebook from Colab and hand it in through whatever the course
uses, so the files arrive named ``lab01_en.ipynb``, ``Copy of lab01_en (1).ipynb``,
``ABC123_lab01.ipynb``, inside a folder per student, or as Moodle's "Download all
submissions" zip. The inbox is a folder (searched recursively) or that ``.zip`` itself.

Who handed a file in:

- a Moodle folder, ``Kovács Anna_1234567_assignsubmission_file[_]/...`` (full name,
  Moodle's participant number, the submission plugin; Moodle before 4.1 adds the final
  ``_``, and without "download as folders" the file itself is named so): the roster's
  line of that participant number or that name, else the Neptun code in the name;
- nbgrader's own layout, ``<student id>/<assignment>/<notebook>.ipynb`` (an exchange
  folder, another course's ``submitted/``): that id, whatever it looks like;
- else the student id in the file's path: any id of the roster, or without a roster a
  Neptun code (this course's ids: 6 letters and digits).

Which notebook it is: the lab and the notebook's own language (``--lab lab01``), or, in
an assignment of any nbgrader course (``--assignment ps1``), the assignment's notebook
named in the file name or, failing that, the one it has most text in common with.

When it was handed in: nbgrader's ``timestamp.txt`` where the inbox has one, else the
time of the roster's ``Last modified (submission)`` column (Moodle's grading
worksheet), else the file's time (a zip entry's time, a file's mtime). Each submission
gets it as its ``timestamp.txt``, which ``autograde`` records and nbgrader's late
penalty reads. Times that are all alike (a zip made by Moodle 4.1 or later carries the
time of the download, an extraction may carry its own) are no hand-in times: then no
``timestamp.txt`` is written and the output says so.

Every file ends up in the report: placed, or not placed and why. Nothing is deleted or
overwritten.
"""

from __future__ import annotations

import csv
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from ..manifest import parse_assignment
from .course import Course
from .notebooks import (
    NotANotebook,
    Notebook,
    course_meta,
    fingerprints,
    nbgrader_meta,
    notebook_language,
    parse_notebook,
    read_notebook,
)
from .report import write_report

COLUMNS = ["file", "status", "student", "assignment", "destination", "reason", "file_time",
           "submission_time"]
_TOKEN = re.compile(r"[0-9A-Za-z]+")
_NEPTUN = re.compile(r"[A-Za-z0-9]{6}")
_NBGRADER_ID = re.compile(r"[\w.@+-]+")
# Moodle's folder (or, without folders, file) name: mod/assign/classes/downloader.php
# joins the full name (its "_" made spaces), the participant number and the plugin.
_MOODLE = re.compile(r"(?P<name>[^_]*)_(?P<participant>\d+)_(?P<plugin>assign(?:submission|feedback)_"
                     r"[A-Za-z0-9]+)(?:_(?P<rest>.*))?")
MIN_OVERLAP = 0.3  # share of a lab's markdown and test cells that marks a notebook as that lab
SAME_TIME = timedelta(minutes=2)  # files of 3 or more students this close: a download's time
MAX_ENTRY = 512 * 1024 * 1024  # bytes; a zip entry larger than this is no notebook
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format


@dataclass
class IntakeRow:
    file: str
    status: str  # placed | already placed | not placed
    student: str = ""
    assignment: str = ""
    destination: str = ""
    reason: str = ""
    file_time: str = ""
    submission_time: str = ""


# ----------------------------------------------------------------------------- roster

_ID_HEADERS = ("id number", "idnumber", "azonosító szám", "student id", "student_id", "id",
               "student", "username", "user name", "login", "felhasználónév", "felhasználó")
_PARTICIPANT_HEADERS = ("identifier", "azonosító", "participant")
_NAME_HEADERS = ("full name", "fullname", "name", "név", "teljes név", "student name",
                 "hallgató neve", "hallgató")
_FIRST_HEADERS = ("first name", "firstname", "given name", "keresztnév", "utónév")
_LAST_HEADERS = ("last name", "lastname", "surname", "family name", "vezetéknév", "családnév")
_TIME_HEADERS = ("last modified (submission)", "utolsó módosítás (leadott munka)",
                 "submitted", "submission time", "timestamp")


@dataclass
class Roster:
    """The class: student ids, and what maps a Moodle folder to one."""

    ids: dict[str, str]  # casefolded id -> the id as the roster writes it
    names: dict[str, str] = field(default_factory=dict)  # name key -> id
    participants: dict[str, str] = field(default_factory=dict)  # Moodle participant no. -> id
    times: dict[str, datetime] = field(default_factory=dict)  # id -> hand-in time (UTC)

    @classmethod
    def of(cls, ids: Iterable[str]) -> Roster:
        return cls({i.casefold(): i for i in ids})

    def __contains__(self, student: str) -> bool:
        return student.casefold() in self.ids


def name_key(name: str) -> str:
    """A person's name, whatever its word order, case or accents' encoding.

    >>> name_key("Kovács  Anna") == name_key("anna KOVÁCS")
    True
    """
    return " ".join(sorted(re.findall(r"\w+", unicodedata.normalize("NFC", name).casefold())))


def _find(header: list[str], names: tuple[str, ...], contains: str | None = None) -> int | None:
    for i, h in enumerate(header):
        if h in names or (contains and contains in h):
            return i
    return None


def read_roster(path: Path, tz: tzinfo | None = None) -> Roster:
    """The class from a CSV file: a column of student ids (a Neptun column, or id,
    username, Moodle's "ID number"...; without a header, the first column), and where
    there are, names (full name, or first and last name), Moodle participant numbers
    (the grading worksheet's "Identifier": ``Participant 1234567``) and hand-in times
    (its "Last modified (submission)", read in ``tz``)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        text = f.read()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.splitlines()[0], ",;\t")
    except (csv.Error, IndexError):
        dialect = csv.excel
    rows = [row for row in csv.reader(text.splitlines(), dialect) if any(c.strip() for c in row)]
    if not rows:
        raise ValueError(f"{path}: empty roster")
    header = [cell.strip().lower() for cell in rows[0]]
    neptun = _find(header, (), contains="neptun")
    column = neptun if neptun is not None else _find(header, _ID_HEADERS)
    name = _find(header, _NAME_HEADERS)
    first, last = _find(header, _FIRST_HEADERS), _find(header, _LAST_HEADERS)
    participant = _find(header, _PARTICIPANT_HEADERS)
    when = _find(header, _TIME_HEADERS)
    has_header = any(i is not None for i in (column, name, first, last, participant))
    body = rows[1:] if has_header else rows
    if column is None:
        if has_header:
            raise ValueError(f"{path}: no column of student ids (a header such as Neptun, "
                             f"ID number, id, username); the header is {', '.join(rows[0])}")
        column = 0

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    ids = [cell(row, column) for row in body]
    as_neptun = neptun is not None or (ids and all(_NEPTUN.fullmatch(i) for i in ids if i))
    roster = Roster({})
    for row, student in zip(body, ids):
        if not student or student == "-":
            continue
        if as_neptun:
            student = student.upper()
            if not _NEPTUN.fullmatch(student):
                continue
        roster.ids[student.casefold()] = student
        full = cell(row, name) or " ".join(filter(None, (cell(row, first), cell(row, last))))
        if full:
            roster.names.setdefault(name_key(full), student)
        number = re.fullmatch(r"\D*?(\d+)", cell(row, participant))
        if number:
            roster.participants[number.group(1).lstrip("0") or "0"] = student
        stamp = _parse_time(cell(row, when), tz) if when is not None else None
        if stamp is not None:
            roster.times[student] = stamp
    if not roster.ids:
        raise ValueError(f"{path}: no student ids in the roster" +
                         (" (Neptun codes are 6 letters and digits)" if as_neptun else ""))
    return roster


def _parse_time(text: str, tz: tzinfo | None) -> datetime | None:
    """A date and time as a spreadsheet or Moodle writes it ("Friday, 1 March 2024,
    11:58 PM", "2024-03-01 23:58"), in ``tz`` unless it says its zone; None for "-",
    empty or unreadable (a language dateutil does not read)."""
    import dateutil.parser

    if not text or text.strip("- ") == "":
        return None
    try:
        stamp = dateutil.parser.parse(text, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=tz) if tz is not None else stamp.astimezone()
    return stamp.astimezone(UTC)


# ------------------------------------------------------------------------ student ids

def neptun_codes(relative_path: str, roster: Roster | set[str] | None = None) -> list[str]:
    """The student ids that the file's path may name.

    Without a roster an id is a Neptun code: a 6-character word of letters and digits
    with at least one of each; with a roster, any roster id in the path, even glued to
    other text (an id inside a longer id found there does not count).

    >>> neptun_codes("Copy of lab01_en (1) - abc123.ipynb")
    ['ABC123']
    >>> neptun_codes("Kovacs Anna_H8K2LM_assignsubmission_file_/lab01_hu.ipynb")
    ['H8K2LM']
    >>> neptun_codes("lab01_en.ipynb")
    []
    >>> neptun_codes("QWERTZlab01.ipynb", roster={"QWERTZ"})
    ['QWERTZ']
    >>> neptun_codes("submissions/bitdiddle-ps1.ipynb", roster={"bitdiddle", "hacker", "bit"})
    ['bitdiddle']
    """
    if roster is not None:
        ids = roster if isinstance(roster, Roster) else Roster.of(roster)
        text = relative_path.casefold()
        found = [student for key, student in ids.ids.items() if _occurs(key, text)]
        return sorted(s for s in found
                      if not any(s != o and s.casefold() in o.casefold() for o in found))
    found = []
    for token in _TOKEN.findall(relative_path):
        code = token.upper()
        if (_NEPTUN.fullmatch(code) and any(c.isdigit() for c in code)
                and any(c.isalpha() for c in code) and not re.fullmatch(r"LAB\d+", code)
                and code not in found):
            found.append(code)
    return found


def _occurs(key: str, text: str) -> bool:
    """A roster id in a path: anywhere if it is long, as a word of its own if short."""
    if len(key) >= 5:
        return key in text
    return re.search(rf"(?<![0-9a-z]){re.escape(key)}(?![0-9a-z])", text) is not None


def _ids(roster: Roster | None) -> str:
    return "Neptun codes" if roster is None else "student ids"


@dataclass
class Student:
    id: str | None
    reason: str = ""  # why there is none


def moodle_part(relative_path: str) -> re.Match[str] | None:
    """The part of the path that Moodle's download named after the student.

    >>> moodle_part("Kovács Anna_1234567_assignsubmission_file_/lab01_hu.ipynb")["participant"]
    '1234567'
    >>> moodle_part("Kovács Anna_1234567_assignsubmission_file/sub/ps1.ipynb")["name"]
    'Kovács Anna'
    >>> moodle_part("Participant_77_assignsubmission_file_problem1.ipynb")["rest"]
    'problem1.ipynb'
    """
    for part in relative_path.split("/"):
        match = _MOODLE.fullmatch(part)
        if match:
            return match
    return None


def find_student(relative_path: str, roster: Roster | None, assignments: list[str]) -> Student:
    """Who handed in the file at ``relative_path`` (see the module's docstring)."""
    moodle = moodle_part(relative_path)
    if moodle is not None:
        name, number = moodle["name"].strip(), moodle["participant"].lstrip("0") or "0"
        who = f"{name or 'no name'}, Moodle participant {moodle['participant']}"
        if roster is not None:
            if number in roster.participants:
                return Student(roster.participants[number])
            if name_key(name) in roster.names:
                return Student(roster.names[name_key(name)])
        codes = neptun_codes(name, roster)
        if len(codes) == 1:
            return Student(codes[0])
        rest = relative_path.split(moodle.group(0), 1)[1]
        codes = neptun_codes(rest, roster) if not codes else codes
        if len(codes) == 1:
            return Student(codes[0])
        if len(codes) > 1:
            return Student(None, f"several possible {_ids(roster)} in the path: {', '.join(codes)}")
        if roster is None:
            return Student(None, f"a Moodle folder names the student ({who}), not their id: "
                                 "give a roster (--roster) with names or Moodle's grading worksheet")
        return Student(None, f"nobody of the roster is {who}")
    parts = relative_path.split("/")
    if len(parts) >= 3 and parts[-2] in assignments and _NBGRADER_ID.fullmatch(parts[-3]):
        student = parts[-3]
        if roster is None:
            return Student(student)
        if student in roster:
            return Student(roster.ids[student.casefold()])
        return Student(None, f"{student} (nbgrader's layout <id>/{parts[-2]}/) is not in the roster")
    codes = neptun_codes(relative_path, roster)
    if not codes:
        return Student(None, "no Neptun code in the file name or folder" if roster is None else
                       "no student id of the roster in the file name or folder")
    if len(codes) > 1:
        reason = f"several possible {_ids(roster)} in the path: {', '.join(codes)}"
        if roster is None:
            reason += " (a roster, --roster, tells which is a student)"
        return Student(None, reason)
    return Student(codes[0])


# --------------------------------------------------------------------- the inbox

@dataclass
class Entry:
    """A handed-in file, in a folder or in a zip."""

    name: str  # relative path, with "/"
    size: int
    time: datetime | None  # when it was last modified (UTC)
    read: Callable[[], bytes]


def read_inbox(inbox: Path, tz: tzinfo | None = None) -> list[Entry]:
    """Every file of a folder (recursively) or of a zip, hidden files and macOS's
    ``__MACOSX`` aside. A zip entry's time is its extended (UTC) time where it has one,
    else its local time, read in ``tz`` (default: this machine's zone)."""
    if inbox.is_file() and zipfile.is_zipfile(inbox):
        return _zip_entries(inbox, tz)
    if not inbox.is_dir():
        raise FileNotFoundError(f"{inbox}: no such folder (or .zip) of handed-in notebooks")
    entries = []
    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox).as_posix()
        if path.is_file() and not _hidden(rel):
            stat = path.stat()
            entries.append(Entry(rel, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC),
                                 path.read_bytes))
    return entries


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.split("/"))


def _zip_entries(inbox: Path, tz: tzinfo | None) -> list[Entry]:
    entries = []
    with zipfile.ZipFile(inbox) as archive:
        for info in archive.infolist():
            rel = info.filename.replace("\\", "/").strip("/")
            if info.is_dir() or not rel or _hidden(rel) or ".." in rel.split("/"):
                continue

            def read(info: zipfile.ZipInfo = info) -> bytes:
                if info.file_size > MAX_ENTRY:
                    return b"\0"  # not read: far too large for a notebook
                with zipfile.ZipFile(inbox) as again, again.open(info) as member:
                    return member.read(MAX_ENTRY + 1)

            entries.append(Entry(rel, info.file_size, _zip_time(info, tz), read))
    return sorted(entries, key=lambda e: e.name)


def _zip_time(info: zipfile.ZipInfo, tz: tzinfo | None) -> datetime | None:
    extra = info.extra
    while len(extra) >= 4:  # the extended timestamp field (0x5455) holds UTC seconds
        kind, size = struct.unpack("<HH", extra[:4])
        body = extra[4:4 + size]
        if kind == 0x5455 and size >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack("<i", body[1:5])[0], UTC)
        extra = extra[4 + size:]
    try:
        local = datetime(*info.date_time)
    except ValueError:
        return None
    local = local.replace(tzinfo=tz) if tz is not None else local.astimezone()
    return local.astimezone(UTC)


# ----------------------------------------------------------------- which notebook

class _References:
    """The fingerprints of each notebook that a hand-in may be, read once."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.cache: dict[tuple[str, str], set[str]] = {}

    def of(self, assignment: str, notebook: str) -> set[str]:
        key = (assignment, notebook)
        if key not in self.cache:
            release = self.course.root / "release" / assignment / f"{notebook}.ipynb"
            path = release if release.is_file() else self.course.source_dir / assignment / f"{notebook}.ipynb"
            nb = read_notebook(path)
            # Answers are the students' own: only the given text identifies a notebook.
            nb = {**nb, "cells": [c for c in nb["cells"] if not nbgrader_meta(c).get("solution")]}
            self.cache[key] = fingerprints(nb)
        return self.cache[key]

    def overlap(self, nb: Notebook, assignment: str, notebook: str) -> float:
        reference = self.of(assignment, notebook)
        return len(fingerprints(nb) & reference) / max(1, len(reference))


def identify(nb: Notebook, lab: str, course: Course, references: _References | None = None) -> tuple[str | None, str]:
    """The assignment (``lab01_hu``, ``lab02_torch_en``) a notebook of this course's
    ``lab`` belongs to, or None and the reason."""
    assignments = course.assignments_of(lab)
    if not assignments:
        raise ValueError(f"{course.source_dir}: no assignment of lab {lab!r} "
                         f"(expected {lab}_hu/{lab}_hu.ipynb or {lab}_en/...)")
    references = references or _References(course)
    claimed = course_meta(nb).get("lab")
    overlap = {a: references.overlap(nb, a, a) for a in assignments}
    if claimed and claimed != lab:
        return None, f"wrong assignment: the notebook is {claimed} (its metadata), not {lab}"
    if not claimed and max(overlap.values()) < MIN_OVERLAP:
        return None, (f"not {lab}: the notebook has no course metadata and almost nothing in "
                      f"common with {lab}")
    # The language and the framework track come from the notebook's metadata where it
    # says them; what it does not say, the text decides.
    lang, track = notebook_language(nb), course_meta(nb).get("track")
    fitting = [a for a in assignments
               if lang in (None, parse_assignment(a).lang) and track in (None, parse_assignment(a).track)]
    if not fitting:
        said = " and ".join(f"{what} {value!r}" for what, value in (("language", lang), ("track", track)) if value)
        return None, f"the notebook is in {said}, but {lab} has no such assignment ({', '.join(assignments)})"
    return max(fitting, key=lambda a: overlap[a]), ""


def identify_notebook(nb: Notebook, file_name: str, assignment: str, course: Course,
                      references: _References) -> tuple[str | None, str]:
    """Which notebook of ``assignment`` the hand-in is: the one its file name names
    (``Copy of problem1 (2).ipynb``), unless it has nothing in common with that one and
    much with another; else the one it has most in common with."""
    notebooks = course.notebooks(assignment)
    overlap = {name: references.overlap(nb, assignment, name) for name in notebooks}
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0].casefold()
    named = [n for n in notebooks if re.search(rf"(?<![0-9a-z]){re.escape(n.casefold())}(?![0-9a-z])", stem)]
    named = [n for n in named if not any(n != o and n.casefold() in o.casefold() for o in named)]
    best = max(notebooks, key=lambda n: overlap[n])
    if len(named) == 1:
        name = named[0]
        if overlap[name] < MIN_OVERLAP <= overlap[best]:
            return best, ""  # misnamed: the text says which it is
        return name, ""
    if overlap[best] >= MIN_OVERLAP:
        return best, ""
    if len(notebooks) == 1 and not references.of(assignment, best):
        return best, ""  # a notebook with no text to compare: the only one it can be
    return None, (f"not a notebook of {assignment} ({', '.join(n + '.ipynb' for n in notebooks)}): "
                  "neither its name nor its text says which")


# ------------------------------------------------------------------------- intake

@dataclass
class _Candidate:
    entry: Entry
    row: IntakeRow
    data: bytes


def intake(course: Course, inbox: Path, lab: str, roster: Roster | set[str] | None = None,
           tz: tzinfo | None = None, notes: list[str] | None = None) -> list[IntakeRow]:
    """Place every handed-in notebook of ``inbox`` (a folder or a .zip) that can be
    matched; report every file. ``lab`` is a lab of this course (``lab01``: every
    language of it) or any assignment of the course (``ps1``). ``notes`` collects what
    the instructor should know about the whole inbox (the times)."""
    if isinstance(roster, set):
        roster = Roster.of(roster)
    notes = notes if notes is not None else []
    by_lab = bool(course.assignments_of(lab))
    if not by_lab and not course.is_assignment(lab):
        raise ValueError(f"{course.source_dir}: {lab!r} is no assignment (no {lab}/*.ipynb) "
                         f"and no lab ({lab}_hu/{lab}_hu.ipynb, {lab}_en/...)")
    assignments = course.assignments_of(lab) if by_lab else [lab]
    references = _References(course)
    entries = read_inbox(inbox, tz)
    rows: list[IntakeRow] = []
    chosen: dict[Path, list[_Candidate]] = {}
    given_times: dict[tuple[str, str], str] = {}  # (student, assignment) -> timestamp.txt text
    for entry in entries:
        row = IntakeRow(file=entry.name, status="not placed",
                        file_time=_iso(entry.time) if entry.time else "")
        rows.append(row)
        student = find_student(entry.name, roster, assignments)
        if student.id is None:
            row.reason = student.reason
            continue
        row.student = student.id
        parts = entry.name.split("/")
        if parts[-1] == "timestamp.txt" and len(parts) >= 3 and parts[-2] in assignments:
            text = entry.read().decode("utf-8", "replace").strip()
            row.assignment = parts[-2]
            if _nbgrader_time(text) is None:
                row.reason = f"nbgrader cannot read the time {text[:60]!r}"
            else:
                given_times[(student.id, parts[-2])] = text
                row.status = "time read"
            continue
        if entry.size > MAX_ENTRY:
            row.reason = "not a notebook: far too large"
            continue
        data = entry.read()
        try:
            nb = parse_notebook(data)
        except NotANotebook as err:
            row.reason = str(err)
            continue
        if by_lab:
            assignment, reason = identify(nb, lab, course, references)
            notebook = assignment
        else:
            assignment = lab
            notebook, reason = identify_notebook(nb, entry.name, lab, course, references)
        if assignment is None or notebook is None:
            row.reason = reason
            continue
        row.assignment = assignment
        destination = course.submitted(row.student, assignment, notebook)
        row.destination = str(destination.relative_to(course.root))
        chosen.setdefault(destination, []).append(_Candidate(entry, row, data))
    times = _hand_in_times(chosen, roster, notes)
    submissions: dict[Path, list[_Candidate]] = {}
    for destination, candidates in chosen.items():
        kept = _newest(candidates)
        if kept is not None:
            _place(kept, destination)
            if kept.row.status == "placed":
                submissions.setdefault(destination.parent, []).append(kept)
    for folder, placed in submissions.items():
        given = given_times.get((placed[0].row.student, placed[0].row.assignment))
        stamps = [times[id(c.entry)] for c in placed if id(c.entry) in times]
        when = given or (max(stamps).strftime(TIMESTAMP_FORMAT) if stamps else None)
        if when is not None:
            written = _write_timestamp(folder, when)
            for candidate in placed:
                candidate.row.submission_time = written
    return rows


def _iso(stamp: datetime) -> str:
    return stamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _nbgrader_time(text: str) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text) if text else None
    except (ValueError, OverflowError):
        return None


def _hand_in_times(chosen: dict[Path, list[_Candidate]], roster: Roster | None,
                   notes: list[str]) -> dict[int, datetime]:
    """When each candidate was handed in (by id of its entry): the roster's time of the
    student, else the file's own time, unless the files' times are the same for everyone."""
    candidates = [c for group in chosen.values() for c in group]
    own = [c for c in candidates if c.entry.time is not None]
    students = {c.row.student for c in own}
    if own and len(students) >= 3:
        earliest = min(c.entry.time for c in own if c.entry.time)
        latest = max(c.entry.time for c in own if c.entry.time)
        if latest - earliest <= SAME_TIME:
            without = sorted({c.row.student for c in own
                              if not (roster and c.row.student in roster.times)})
            if without:
                names = ", ".join(without[:10]) + (", ..." if len(without) > 10 else "")
                notes.append(
                    f"the files of {len(students)} students all have the time {_iso(earliest)}: "
                    "the time of the download or of unpacking, not of the hand-ins (Moodle 4.1 "
                    f"and later write the download's time into the zip), so {len(without)} "
                    f"submissions ({names}) get no timestamp.txt; Moodle's grading worksheet "
                    "as the roster (--roster) gives the real times")
            own = []
    times = {id(c.entry): c.entry.time for c in own if c.entry.time is not None}
    if roster is not None:
        for c in candidates:
            if c.row.student in roster.times:
                times[id(c.entry)] = roster.times[c.row.student]
    return times


def _newest(candidates: list[_Candidate]) -> _Candidate | None:
    """Of one student's hand-ins of one notebook, the newer counts; the report names
    both. Different hand-ins with the same time: neither, for a person to choose."""
    if len(candidates) == 1:
        return candidates[0]
    ordered = sorted(candidates, key=lambda c: c.entry.time or datetime.min.replace(tzinfo=UTC))
    newest = ordered[-1]
    rivals = [c for c in ordered[:-1] if c.entry.time == newest.entry.time and c.data != newest.data]
    if rivals:
        names = ", ".join(c.row.file for c in [*rivals, newest])
        for c in candidates:
            c.row.reason = (f"different hand-ins of {c.row.destination} with the same time ({names}): "
                            "put the right one alone in the inbox")
        return None
    for c in ordered[:-1]:
        c.row.reason = (f"the same file as {newest.row.file}" if c.data == newest.data else
                        f"superseded by the newer file {newest.row.file}")
    return newest


def _place(candidate: _Candidate, destination: Path) -> None:
    row = candidate.row
    if destination.exists():
        if destination.read_bytes() == candidate.data:
            row.status = "already placed"
        else:
            row.reason = (f"{row.destination} already holds a different file (an earlier "
                          "hand-in?); move it away first if this one should replace it")
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    for folder in (destination.parents[2], destination.parents[1], destination.parent):
        os.chmod(folder, 0o700)  # submissions are personal data
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(candidate.data)
    if candidate.entry.time is not None:
        stamp = candidate.entry.time.timestamp()
        os.utime(destination, (stamp, stamp))
    row.status = "placed"


def _write_timestamp(folder: Path, text: str) -> str:
    """The submission's ``timestamp.txt``, as nbgrader's submit writes it; an existing
    one stays. Returns the time the submission has."""
    path = folder / "timestamp.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return text


def write_intake_report(course: Course, lab: str, rows: list[IntakeRow]) -> Path:
    return write_report(course.reports, f"intake-{lab}", [asdict(r) for r in rows], COLUMNS)
