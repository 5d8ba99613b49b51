"""Intake: handed-in files, named as Colab and course sites name them, into nbgrader's
submitted/ layout, with every file in the report and nothing deleted or overwritten."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coursetools.config import ROOT
from coursetools.grading.intake import Roster, find_student, name_key, neptun_codes, read_roster
from coursetools.grading.report import read_report

from .conftest import run
from .grading_cases import source


@pytest.mark.parametrize("path,codes", [
    ("Copy of lab01_en - ABC123.ipynb", ["ABC123"]),
    ("abc123_lab01_hu (1).ipynb", ["ABC123"]),
    ("Kovács Anna_H8K2LM_assignsubmission_file_/lab01_hu.ipynb", ["H8K2LM"]),
    ("lab01_en.ipynb", []),
    ("lab001 final2 ABC123.ipynb", ["FINAL2", "ABC123"]),
])
def test_neptun_codes_in_file_names(path: str, codes: list[str]) -> None:
    assert neptun_codes(path) == codes


def test_a_roster_decides() -> None:
    roster = {"ABC123", "QWERTZ"}
    assert neptun_codes("lab001 final2 ABC123.ipynb", roster) == ["ABC123"]
    assert neptun_codes("QWERTZlab01.ipynb", roster) == ["QWERTZ"]  # glued to the name
    assert neptun_codes("ZZZ999_lab01.ipynb", roster) == []


def _course(root: Path) -> Path:
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    for name in ("lab01_en", "lab01_hu"):
        shutil.copytree(ROOT / "labs" / name, root / "labs" / name)
    return root


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _intake(root: Path, inbox: Path, *extra: str,
            lab: str | None = "lab01") -> tuple[str, dict[str, dict[str, str]]]:
    which = ["--lab", lab] if lab else []
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(root), "intake",
                  str(inbox), *which, *extra])
    report = Path(result.stdout.split("report: ")[1].strip())
    return result.stdout, {row["file"]: row for row in read_report(report)}


def test_intake_places_matches_and_explains_the_rest(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    inbox = tmp_path / "inbox"
    (inbox / "Kovács Anna_H8K2LM_assignsubmission_file_").mkdir(parents=True)
    en, hu = source("lab01_en"), source("lab01_hu")
    no_meta = copy.deepcopy(hu)
    no_meta["metadata"].pop("dlcourse")
    no_lang = copy.deepcopy(no_meta)
    no_lang["cells"] = [c for c in no_lang["cells"] if "COURSE_LANG =" not in "".join(c["source"])]
    lab02 = copy.deepcopy(en)
    lab02["metadata"]["dlcourse"]["lab"] = "lab02"
    files = {
        "Copy of lab01_en - ABC123.ipynb": json.dumps(en),
        "Kovács Anna_H8K2LM_assignsubmission_file_/lab01_hu.ipynb": json.dumps(hu),
        "MET001 lab01.ipynb": json.dumps(no_meta),  # language from its COURSE_LANG cell
        "MET002 lab01.ipynb": json.dumps(no_lang),  # language from its text
        "lab01_en.ipynb": json.dumps(en),
        "ABC123 DEF456 lab01.ipynb": json.dumps(en),
        "EMP001_lab01_en.ipynb": "",
        "BAD001_lab01_en.ipynb": "{ this is not JSON",
        "LAB2X1_lab02.ipynb": json.dumps(lab02),
        "DUP001 lab01_en.ipynb": json.dumps(en),
        "DUP001 lab01_en (1).ipynb": json.dumps(en, indent=1),  # downloaded again, later
        "CON001_lab01_en.ipynb": json.dumps(en),
    }
    for name, content in files.items():
        (inbox / name).write_text(content, encoding="utf-8")
    os.utime(inbox / "DUP001 lab01_en.ipynb", (1_000_000, 1_000_000))  # the older hand-in
    earlier = root / "submitted" / "CON001" / "lab01_en" / "lab01_en.ipynb"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("an earlier, different hand-in")
    before = _digest(inbox)

    output, rows = _intake(root, inbox)

    assert set(rows) == set(files)  # every file is in the report
    placed = {name: row for name, row in rows.items() if row["status"] == "placed"}
    assert {(r["student"], r["assignment"]) for r in placed.values()} == {
        ("ABC123", "lab01_en"), ("H8K2LM", "lab01_hu"), ("MET001", "lab01_hu"), ("MET002", "lab01_hu"),
        ("DUP001", "lab01_en")}
    assert "no Neptun code" in rows["lab01_en.ipynb"]["reason"]
    assert "several possible Neptun codes" in rows["ABC123 DEF456 lab01.ipynb"]["reason"]
    assert rows["EMP001_lab01_en.ipynb"]["reason"] == "empty file"
    assert "invalid JSON" in rows["BAD001_lab01_en.ipynb"]["reason"]
    assert "wrong assignment" in rows["LAB2X1_lab02.ipynb"]["reason"]
    assert "superseded by the newer file DUP001 lab01_en (1).ipynb" in rows["DUP001 lab01_en.ipynb"]["reason"]
    assert "already holds a different file" in rows["CON001_lab01_en.ipynb"]["reason"]
    assert earlier.read_text() == "an earlier, different hand-in"  # never overwritten
    assert _digest(inbox) == before  # the handed-in files are untouched
    for name, row in rows.items():
        if row["status"] != "placed":
            assert f"not placed: {name}" in output
    target = root / "submitted" / "ABC123" / "lab01_en" / "lab01_en.ipynb"
    assert target.read_bytes() == (inbox / "Copy of lab01_en - ABC123.ipynb").read_bytes()
    newer = root / "submitted" / "DUP001" / "lab01_en" / "lab01_en.ipynb"
    assert newer.read_bytes() == (inbox / "DUP001 lab01_en (1).ipynb").read_bytes()
    assert (root / "submitted").stat().st_mode & 0o077 == 0  # personal data: owner only

    _, again = _intake(root, inbox)
    assert again["Copy of lab01_en - ABC123.ipynb"]["status"] == "already placed"


def test_intake_with_a_roster(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "QWERTZlab01.ipynb").write_text(json.dumps(source("lab01_en")))
    (inbox / "ZZZ999_lab01.ipynb").write_text(json.dumps(source("lab01_en")))
    roster = tmp_path / "roster.csv"
    roster.write_text("Név,Neptun-kód\nKovács Anna,QWERTZ\nSzabó Béla,H8K2LM\n", encoding="utf-8")
    _, rows = _intake(root, inbox, "--roster", str(roster))
    assert rows["QWERTZlab01.ipynb"]["status"] == "placed"
    assert rows["ZZZ999_lab01.ipynb"]["reason"] == "no student id of the roster in the file name or folder"


def test_intake_says_what_is_wrong_with_its_arguments(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(root), "intake",
                  str(tmp_path / "missing"), "--lab", "lab01"], check=False)
    assert result.returncode == 2 and "missing: no such folder" in result.stderr
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(tmp_path), "intake",
                  str(tmp_path), "--lab", "lab01"], check=False)
    assert result.returncode == 2 and "no nbgrader_config.py" in result.stderr


# ----------------------------------------------------------------- any nbgrader course

def test_student_ids_from_moodle_folders() -> None:
    roster = Roster({"h8k2lm": "H8K2LM", "bitdiddle": "bitdiddle"},
                    names={name_key("Ben Bitdiddle"): "bitdiddle"}, participants={"1234567": "H8K2LM"})
    assignments = ["lab01_hu", "lab01_en"]
    # Moodle 4.1 and later; before 4.1 (a final "_"); without folders (the file is prefixed)
    for path in ("Kovács Anna_1234567_assignsubmission_file/lab01_hu.ipynb",
                 "Kovács Anna_1234567_assignsubmission_file_/lab01_hu.ipynb",
                 "Kovács Anna_1234567_assignsubmission_file_lab01_hu.ipynb"):
        assert find_student(path, roster, assignments).id == "H8K2LM", path  # participant number
    assert find_student("Ben Bitdiddle_7_assignsubmission_file/ps1.ipynb", roster, assignments).id == "bitdiddle"
    assert find_student("Bitdiddle Ben_7_assignsubmission_file/x.ipynb", roster, assignments).id == "bitdiddle"
    # without a roster, a Neptun code in the name; else the reason says what is missing
    assert find_student("Kovács Anna H8K2LM_55_assignsubmission_file_/a.ipynb", None, assignments).id == "H8K2LM"
    missing = find_student("Kovács Anna_55_assignsubmission_file_/a.ipynb", None, assignments)
    assert missing.id is None and "--roster" in missing.reason and "participant 55" in missing.reason
    stranger = find_student("Nagy Péter_99_assignsubmission_file/a.ipynb", roster, assignments)
    assert stranger.id is None and "nobody of the roster is Nagy Péter" in stranger.reason
    # nbgrader's own layout names any id; a roster must know it
    assert find_student("bitdiddle/lab01_en/lab01_en.ipynb", None, assignments).id == "bitdiddle"
    assert find_student("ben.b@uni/lab01_en/lab01_en.ipynb", None, assignments).id == "ben.b@uni"
    assert "not in the roster" in find_student("eve/lab01_en/lab01_en.ipynb", roster, assignments).reason


def test_a_roster_of_any_ids_or_moodles_grading_worksheet(tmp_path: Path) -> None:
    plain = tmp_path / "ids.csv"
    plain.write_text("id\nbitdiddle\nhacker\n", encoding="utf-8")
    assert sorted(read_roster(plain).ids.values()) == ["bitdiddle", "hacker"]
    sheet = tmp_path / "worksheet.csv"
    sheet.write_text("Identifier,Full name,ID number,Email address,Status,Last modified (submission)\n"
                     "Participant 1234567,Kovács Anna,h8k2lm,a@x.hu,Submitted,\"Friday, 1 March 2024, 11:58 PM\"\n"
                     "Participant 1234568,Szabó Béla,QWERTZ,b@x.hu,No submission,-\n", encoding="utf-8")
    roster = read_roster(sheet, ZoneInfo("Europe/Budapest"))
    assert roster.participants == {"1234567": "H8K2LM", "1234568": "QWERTZ"}  # Neptun codes: upper case
    assert roster.names[name_key("Anna Kovács")] == "H8K2LM"
    assert roster.times == {"H8K2LM": datetime(2024, 3, 1, 22, 58, tzinfo=UTC)}


def _example_course(root: Path) -> Path:
    from .nbgrader_example import make_course

    return make_course(root)


def test_intake_of_nbgraders_layout_with_its_ids_and_timestamps(tmp_path: Path) -> None:
    from .nbgrader_example import handed_in

    root = _example_course(tmp_path / "course")
    inbox = tmp_path / "exchange"
    for student, stamp in (("bitdiddle", "2015-02-02 14:58:23.948203 America/Los_Angeles"),
                           ("hacker", "2015-02-01 17:28:58.749302 America/Los_Angeles")):
        folder = inbox / student / "ps1"
        folder.mkdir(parents=True)
        for notebook in ("problem1", "problem2"):
            (folder / f"{notebook}.ipynb").write_bytes(handed_in(root, student, notebook))
        (folder / "timestamp.txt").write_text(stamp)
    output, rows = _intake(root, inbox, "--assignment", "ps1", lab=None)
    assert "4 of 4 files placed" in output, output
    assert rows["hacker/ps1/problem2.ipynb"]["destination"] == "submitted/hacker/ps1/problem2.ipynb"
    assert rows["hacker/ps1/timestamp.txt"]["status"] == "time read"
    # the time as nbgrader wrote it, word for word
    assert (root / "submitted/bitdiddle/ps1/timestamp.txt").read_text() == \
        "2015-02-02 14:58:23.948203 America/Los_Angeles"

    # any ids from a roster, in file names; which notebook, from the name or else the text
    inbox = tmp_path / "mail"
    inbox.mkdir()
    (inbox / "ps1 - alyssa - problem2 (1).ipynb").write_bytes(handed_in(root, "hacker", "problem2"))
    (inbox / "alyssa_homework.ipynb").write_bytes(handed_in(root, "hacker", "problem1"))
    (inbox / "benb notes.ipynb").write_text('{"cells": [], "nbformat": 4, "metadata": {}}')
    roster = tmp_path / "class.csv"
    roster.write_text("username,name\nalyssa,Alyssa P. Hacker\nbenb,Ben Bitdiddle\n")
    output, rows = _intake(root, inbox, "--assignment", "ps1", "--roster", str(roster), lab=None)
    assert rows["alyssa_homework.ipynb"]["destination"] == "submitted/alyssa/ps1/problem1.ipynb"
    assert rows["ps1 - alyssa - problem2 (1).ipynb"]["destination"] == "submitted/alyssa/ps1/problem2.ipynb"
    assert "not a notebook of ps1" in rows["benb notes.ipynb"]["reason"]


def _zip(path: Path, files: dict[str, tuple[tuple[int, ...], bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, (when, data) in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)  # type: ignore[arg-type]
    return path


def test_a_moodle_zip_whose_times_are_the_downloads(tmp_path: Path) -> None:
    """Moodle 4.1 and later write the time of the download into every entry: no
    hand-in times then, unless the grading worksheet gives them."""
    root = _course(tmp_path / "course")
    en = json.dumps(source("lab01_en")).encode()
    download = (2024, 3, 5, 9, 30, 0)
    inbox = _zip(tmp_path / "moodle.zip", {
        f"{name}_{number}_assignsubmission_file/lab01_en.ipynb": (download, en)
        for name, number in (("Kovács Anna", 11), ("Szabó Béla", 12), ("Nagy Péter", 13))})
    roster = tmp_path / "worksheet.csv"
    roster.write_text("Identifier,Full name,ID number,Last modified (submission)\n"
                      "Participant 11,Kovács Anna,AAA111,\"Friday, 1 March 2024, 11:58 PM\"\n"
                      "Participant 12,Szabó Béla,BBB222,-\n"
                      "Participant 13,Nagy Péter,CCC333,\n", encoding="utf-8")
    no_times = tmp_path / "roster.csv"
    no_times.write_text("Identifier,Full name,ID number\nParticipant 11,Kovács Anna,AAA111\n"
                        "Participant 12,Szabó Béla,BBB222\nParticipant 13,Nagy Péter,CCC333\n")

    output, _ = _intake(root, inbox, "--roster", str(no_times), "--timezone", "Europe/Budapest")
    assert "3 of 3 files placed" in output and "the time of the download" in output, output
    assert not list((root / "submitted").rglob("timestamp.txt"))

    shutil.rmtree(root / "submitted")
    output, _ = _intake(root, inbox, "--roster", str(roster), "--timezone", "Europe/Budapest")
    assert (root / "submitted/AAA111/lab01_en/timestamp.txt").read_text() == "2024-03-01 22:58:00.000000 UTC"
    assert not (root / "submitted/BBB222/lab01_en/timestamp.txt").exists()
    assert "2 submissions (BBB222, CCC333) get no timestamp.txt" in output


def test_hand_in_times_from_a_zip_and_two_hand_ins_at_once(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    en = source("lab01_en")
    other = copy.deepcopy(en)
    other["cells"][0]["source"] = "changed"
    inbox = _zip(tmp_path / "hand-ins.zip", {
        "ABC123/lab01_en.ipynb": ((2024, 3, 1, 12, 0, 0), json.dumps(en).encode()),
        "TIE001/lab01_en.ipynb": ((2024, 3, 1, 13, 0, 0), json.dumps(en).encode()),
        "TIE001/lab01_en (1).ipynb": ((2024, 3, 1, 13, 0, 0), json.dumps(other).encode()),
        "__MACOSX/ABC123/._lab01_en.ipynb": ((2024, 3, 1, 12, 0, 0), b"\0\5\26\7"),
    })
    _, rows = _intake(root, inbox, "--timezone", "UTC")
    assert set(rows) == {"ABC123/lab01_en.ipynb", "TIE001/lab01_en.ipynb", "TIE001/lab01_en (1).ipynb"}
    assert rows["ABC123/lab01_en.ipynb"]["status"] == "placed"
    assert (root / "submitted/ABC123/lab01_en/timestamp.txt").read_text() == "2024-03-01 12:00:00.000000 UTC"
    for name in ("TIE001/lab01_en.ipynb", "TIE001/lab01_en (1).ipynb"):
        assert "with the same time" in rows[name]["reason"]
    assert not (root / "submitted" / "TIE001").exists()


def test_intake_takes_every_track_and_language_of_a_lab(tmp_path: Path) -> None:
    """The track and the language come from the notebook's metadata, else from its text
    (the two tracks' code differs); a track the lab does not have is refused."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    tracks = ("lab02_keras_hu", "lab02_keras_en", "lab02_torch_hu", "lab02_torch_en")
    for name in tracks:
        shutil.copytree(ROOT / "labs" / name, root / "labs" / name)
    torch_no_meta = copy.deepcopy(source("lab02_torch_hu"))
    torch_no_meta["metadata"].pop("dlcourse")
    keras_no_track = copy.deepcopy(source("lab02_keras_en"))
    keras_no_track["metadata"]["dlcourse"].pop("track")
    jax = copy.deepcopy(source("lab02_keras_en"))
    jax["metadata"]["dlcourse"]["track"] = "jax"
    files = {
        "TRK001_lab02_keras_hu.ipynb": json.dumps(source("lab02_keras_hu")),
        "TRK002_lab02.ipynb": json.dumps(torch_no_meta),
        "TRK003_lab02.ipynb": json.dumps(keras_no_track),
        "TRK004_lab02.ipynb": json.dumps(jax),
    }
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, content in files.items():
        (inbox / name).write_text(content, encoding="utf-8")
    _, rows = _intake(root, inbox, lab="lab02")
    placed = {r["student"]: r["assignment"] for r in rows.values() if r["status"] == "placed"}
    assert placed == {"TRK001": "lab02_keras_hu", "TRK002": "lab02_torch_hu", "TRK003": "lab02_keras_en"}
    assert "track 'jax'" in rows["TRK004_lab02.ipynb"]["reason"]
