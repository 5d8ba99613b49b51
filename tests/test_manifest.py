"""The course manifest (book/chapters.yml) and the lab template: every chapter has all its
files in both languages, the tables of contents come from the manifest, nothing in the
book is left out of it, and every lab's shared cells are the template's."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from coursetools import lab_template, manifest
from coursetools.config import ROOT
from coursetools.release import assignments
from dlcourse.text import LANGS

from .conftest import copy_repo, run

COURSE = manifest.load()


def test_the_manifest_matches_the_book() -> None:
    assert manifest.problems(COURSE) == []
    assert len(COURSE.written) >= 2


@pytest.mark.parametrize("chapter", COURSE.written, ids=lambda c: c.id)
def test_each_chapter_has_its_pages_deck_lab_and_bank_in_both_languages(chapter: manifest.Chapter) -> None:
    assert chapter.pages and chapter.deck and chapter.lab and chapter.quiz
    for lang in LANGS:
        assert all(path.is_file() for path in chapter.book_files(lang))
    assert all(path.is_file() for path in chapter.lab_sources())
    assert len(chapter.lab_sources()) == len(LANGS) * max(1, len(chapter.lab.tracks))


def test_nothing_in_the_book_is_left_out_of_the_manifest() -> None:
    named = {path for chapter in COURSE.chapters for path in chapter.files()}
    named |= {ROOT / "book" / lang / f"{page}.md" for lang in LANGS for page in (*COURSE.appendix, "intro")}
    on_disk = {*ROOT.glob("book/*/*.md"), *ROOT.glob("lectures/*/*.md"), *ROOT.glob("quizzes/*.yml")}
    on_disk |= {ROOT / "labs" / a / f"{a}.ipynb" for a in assignments()}
    assert sorted(map(str, on_disk - named)) == []


def test_assignment_names_round_trip() -> None:
    for assignment in COURSE.assignments():
        name = manifest.parse_assignment(assignment)
        assert manifest.assignment_name(name.lab, name.lang, name.track) == assignment


def _manifest_check(repo: Path, *args: str) -> tuple[int, str]:
    result = run([sys.executable, "-m", "coursetools.manifest", *args], cwd=repo, check=False,
                 env={"PYTHONPATH": f"{repo}:{ROOT}"})
    return result.returncode, result.stdout + result.stderr


def test_a_stale_table_of_contents_or_a_missing_twin_fails_naming_the_file(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    toc = repo / "book" / "hu" / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").replace("02_output_heads", "02_other"), encoding="utf-8")
    (repo / "lectures" / "en" / "02_dense_mnist.md").unlink()
    code, output = _manifest_check(repo, "--check")
    assert code == 1
    assert f"{toc}: out of date" in output
    assert "lectures/en/02_dense_mnist.md: named by chapter ch02" in output
    code, output = _manifest_check(repo)  # writes the tables of contents; the deck is still missing
    assert code == 1 and "out of date" not in output and toc.read_text() == (ROOT / "book/hu/_toc.yml").read_text()


def test_a_malformed_manifest_names_the_file(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    path = repo / "book" / "chapters.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("tracks: [keras, torch]", "tracks: [jax]"),
                    encoding="utf-8")
    code, output = _manifest_check(repo, "--check")
    assert code == 1 and f"{path}: chapter ch02: a lab track is one of keras, torch" in output


@pytest.mark.parametrize("assignment", COURSE.assignments())
def test_every_lab_has_the_templates_shared_cells(assignment: str) -> None:
    path = ROOT / "labs" / assignment / f"{assignment}.ipynb"
    assert lab_template.check_notebook(path, COURSE) == []
    meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["dlcourse"]
    name = manifest.parse_assignment(assignment)
    assert (meta["lab"], meta.get("track"), meta["lang"]) == tuple(name)


def test_an_edited_shared_cell_is_found_and_put_back(tmp_path: Path) -> None:
    path = tmp_path / "lab02_torch_hu.ipynb"
    shutil.copy(ROOT / "labs" / "lab02_torch_hu" / "lab02_torch_hu.ipynb", path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    device = next(c for c in nb["cells"] if lab_template.role_of(c) == "device")
    device["source"] = 'device = "cuda"\n'
    nb["metadata"]["dlcourse"]["track"] = "keras"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = lab_template.check_notebook(path, COURSE, fix=True)
    assert any("(device) differs from the lab template" in line and str(path) in line for line in found)
    assert any("metadata.dlcourse must be" in line for line in found)
    assert lab_template.check_notebook(path, COURSE) == []
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert fixed["cells"] == json.loads((ROOT / "labs/lab02_torch_hu/lab02_torch_hu.ipynb").read_text())["cells"]
    assert fixed["metadata"]["dlcourse"]["track"] == "torch"
