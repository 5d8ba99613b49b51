"""Intake: handed-in files, named as Colab and course sites name them, into nbgrader's
submitted/ layout, with every file in the report and nothing deleted or overwritten."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from coursetools.config import ROOT
from coursetools.grading.intake import neptun_codes
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


def _intake(root: Path, inbox: Path, *extra: str) -> tuple[str, dict[str, dict[str, str]]]:
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(root), "intake",
                  str(inbox), "--lab", "lab01", *extra])
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
    assert rows["ZZZ999_lab01.ipynb"]["reason"] == "no Neptun code of the roster in the file name or folder"


def test_intake_says_what_is_wrong_with_its_arguments(tmp_path: Path) -> None:
    root = _course(tmp_path / "course")
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(root), "intake",
                  str(tmp_path / "missing"), "--lab", "lab01"], check=False)
    assert result.returncode == 2 and "missing: no such folder" in result.stderr
    result = run([sys.executable, "-m", "coursetools.grading", "--course", str(tmp_path), "intake",
                  str(tmp_path), "--lab", "lab01"], check=False)
    assert result.returncode == 2 and "no nbgrader_config.py" in result.stderr
