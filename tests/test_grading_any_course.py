"""Any nbgrader course grades as plain nbgrader grades it: nbgrader's own example course
(tests/nbgrader_example.py: ps1 with two notebooks, a header, written answers, a task
cell, students bitdiddle and hacker), graded by plain ``nbgrader autograde ps1`` in one
copy and by ``python -m coursetools.grading autograde ps1`` in another, run without the
venv on PATH as ``sudo .venv/bin/python`` runs it; and a Moodle "Download all
submissions" zip through intake, a late hand-in included, with nbgrader's late penalty.
"""

from __future__ import annotations

import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from coursetools.config import tool_env
from coursetools.grading.report import read_report

from . import nbgrader_example as example
from .conftest import run

DUE = "2024-03-01 23:59:00 Europe/Budapest"
LATE = 2 * 3600 + 10 * 60  # hacker's hand-in is 2 h 10 min late: SubMarks takes 2 points


def without_venv() -> dict[str, str]:
    """The environment of ``sudo .venv/bin/python``: the venv's scripts not on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in tool_env().items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != bin_dir)
    return env


def grading(root: Path, *args: str, check: bool = True):  # type: ignore[no-untyped-def]
    return run([sys.executable, "-m", "coursetools.grading", "--course", str(root), *args],
               env=without_venv(), check=check)


def plain_and_ours(course: Path, tmp_path: Path) -> tuple[dict, dict, str]:
    """The course graded by plain nbgrader (in a copy) and by the grader (in place)."""
    plain = example.copy_course(course, tmp_path / "plain")
    example.nbgrader(plain, "autograde", example.ASSIGNMENT)
    result = grading(course, "autograde", example.ASSIGNMENT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return (example.grades(f"sqlite:///{plain / 'gradebook.db'}"),
            example.grades(f"sqlite:///{course / 'gradebook.db'}"), result.stdout)


@pytest.mark.slow
def test_nbgraders_example_course_grades_as_plain_nbgrader(tmp_path: Path) -> None:
    course = example.make_course(tmp_path / "course", duedate=DUE, late_plugin=True)
    example.submit(course, "bitdiddle", "2024-03-01 22:00:00.000000 Europe/Budapest")
    example.submit(course, "hacker", "2024-03-02 02:09:00.000000 Europe/Budapest")

    plain, ours, output = plain_and_ours(course, tmp_path)

    assert "lost or doubled grades: 0" in output and "0 flagged for review" in output, output
    assert ours == plain  # every cell, the time, the late penalty, the flags
    hacker, bitdiddle = ours["hacker"]["cells"], ours["bitdiddle"]["cells"]
    assert hacker["problem1/correct_squares"] == (1.0, None, False)
    assert bitdiddle["problem1/correct_squares"] == (0.0, None, False)
    assert bitdiddle["problem1/sum_of_squares_uses_squares"] == (0.0, None, False)
    for cell in example.MANUAL - {"problem1/sum_of_squares_application"}:
        assert hacker[cell] == bitdiddle[cell] == (None, None, True), cell  # the formgrader's
    assert hacker["problem1/sum_of_squares_application"] == (None, None, True)  # by hand
    assert bitdiddle["problem1/sum_of_squares_application"] == (0.0, None, False)  # no answer
    assert ours["hacker"]["late"] == {"problem1": 2.0, "problem2": 0.0}
    assert ours["bitdiddle"]["late"] == {"problem1": None, "problem2": None}

    out = tmp_path / "grades.csv"
    grading(course, "export", example.ASSIGNMENT, "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = {row["student"]: row for row in read_report(out)}
    assert rows["hacker"]["problem1/correct_squares"] == "1"
    assert rows["hacker"][f"problem1/{example.TASK_ID}"] == ""  # not scored yet
    assert rows["hacker"]["late_submission_penalty"] == "2"
    assert float(rows["hacker"]["seconds_late"]) == LATE
    assert rows["bitdiddle"]["seconds_late"] == "0"


def moodle_zip(course: Path, path: Path) -> Path:
    """Moodle's "Download all submissions", folders per student (Moodle 4.1 and later
    name them ``<full name>_<participant>_assignsubmission_file``, earlier versions add a
    final ``_``), the times of the hand-ins in Budapest time."""
    hacker_first = example.handed_in(course, "bitdiddle", "problem1").replace(b"bitdiddle", b"hacker")
    files = [
        ("Ben Bitdiddle_1234567_assignsubmission_file/problem1.ipynb", (2024, 3, 1, 21, 0, 0),
         example.handed_in(course, "bitdiddle", "problem1")),
        ("Ben Bitdiddle_1234567_assignsubmission_file/problem2.ipynb", (2024, 3, 1, 21, 0, 2),
         example.handed_in(course, "bitdiddle", "problem2")),
        ("Ben Bitdiddle_1234567_assignsubmission_onlinetext_/onlinetext.html", (2024, 3, 1, 21, 0, 4),
         b"<p>see the notebooks</p>"),
        # hacker handed in problem1 twice: the second one, late, counts
        ("Alyssa P. Hacker_1234568_assignsubmission_file_/problem1.ipynb", (2024, 3, 1, 18, 30, 0),
         hacker_first),
        ("Alyssa P. Hacker_1234568_assignsubmission_file_/problem1_v2.ipynb", (2024, 3, 2, 2, 9, 0),
         example.handed_in(course, "hacker", "problem1")),
        ("Alyssa P. Hacker_1234568_assignsubmission_file_/problem2.ipynb", (2024, 3, 1, 18, 30, 0),
         example.handed_in(course, "hacker", "problem2")),
        ("Kovács Anna_1234569_assignsubmission_file/Copy of problem1.ipynb", (2024, 3, 1, 23, 58, 0),
         example.handed_in(course, "hacker", "problem1").replace(b"hacker", b"Kovacs Anna")),
    ]
    with zipfile.ZipFile(path, "w") as archive:
        for name, when, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


@pytest.mark.slow
def test_a_moodle_download_with_a_late_hand_in(tmp_path: Path) -> None:
    course = example.make_course(tmp_path / "course", duedate=DUE, late_plugin=True)
    inbox = moodle_zip(course, tmp_path / "DL-2024-ps1-42.zip")
    roster = tmp_path / "worksheet.csv"  # Moodle's grading worksheet, with ID numbers shown
    roster.write_text("Identifier,Full name,ID number,Email address,Status\n"
                      "Participant 1234567,Ben Bitdiddle,bitdiddle,ben@example.org,Submitted\n"
                      "Participant 1234568,Alyssa P. Hacker,hacker,alyssa@example.org,Submitted\n"
                      "Participant 1234569,Kovács Anna,H8K2LM,anna@example.org,Submitted\n",
                      encoding="utf-8")

    result = grading(course, "intake", str(inbox), "--assignment", example.ASSIGNMENT,
                     "--roster", str(roster), "--timezone", "Europe/Budapest")
    report = {r["file"]: r for r in read_report(Path(result.stdout.split("report: ")[1].strip()))}

    assert "5 of 7 files placed" in result.stdout, result.stdout
    assert "not a notebook" in report["Ben Bitdiddle_1234567_assignsubmission_onlinetext_/onlinetext.html"]["reason"]
    older = report["Alyssa P. Hacker_1234568_assignsubmission_file_/problem1.ipynb"]
    assert older["status"] == "not placed" and "superseded by the newer file" in older["reason"]
    submitted = course / "submitted"
    assert sorted(p.relative_to(submitted).as_posix() for p in submitted.rglob("*") if p.is_file()) == [
        "H8K2LM/ps1/problem1.ipynb", "H8K2LM/ps1/timestamp.txt",
        "bitdiddle/ps1/problem1.ipynb", "bitdiddle/ps1/problem2.ipynb", "bitdiddle/ps1/timestamp.txt",
        "hacker/ps1/problem1.ipynb", "hacker/ps1/problem2.ipynb", "hacker/ps1/timestamp.txt"]
    # the newest file of each submission, in UTC, as nbgrader's submit writes it
    assert (submitted / "hacker/ps1/timestamp.txt").read_text() == "2024-03-02 01:09:00.000000 UTC"
    assert (submitted / "bitdiddle/ps1/timestamp.txt").read_text() == "2024-03-01 20:00:02.000000 UTC"

    plain, ours, output = plain_and_ours(course, tmp_path)

    assert ours == plain, output
    assert ours["hacker"]["late"]["problem1"] == 2.0
    assert ours["bitdiddle"]["late"]["problem1"] is None
    assert ours["H8K2LM"]["cells"]["problem1/correct_squares"] == (1.0, None, False)
    assert ours["H8K2LM"]["cells"]["problem2/part-a"] == (0.0, None, False)  # not handed in
    assert "lost or doubled grades: 0" in output and "0 flagged for review" in output, output
    rows = {r["student"]: r for r in read_report(next((course / "reports").glob("autograde-*.csv")))}
    assert "problem2.ipynb was not handed in" in rows["H8K2LM"]["events"]
