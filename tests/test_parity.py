"""Both languages, always: every page, deck and lab has its twin with identical code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from coursetools.config import ROOT
from coursetools.grading.proxy import hidden_tests_file
from coursetools.manifest import Lab, load
from coursetools.sources import read_notebook
from dlcourse.text import LANGS

LANG_TAG = "lang"  # the one kind of code cell allowed to differ: it names the language


def twins(folder: str, pattern: str) -> list[tuple[Path, Path]]:
    hu = sorted(p.name for p in (ROOT / folder / "hu").glob(pattern))
    en = sorted(p.name for p in (ROOT / folder / "en").glob(pattern))
    assert hu == en, f"{folder}: pages without a twin: {set(hu) ^ set(en)}"
    return [(ROOT / folder / "hu" / n, ROOT / folder / "en" / n) for n in hu]


def code_cells(path: Path) -> list[tuple[str, dict]]:
    cells = []
    for cell in read_notebook(path).cells:
        if cell.cell_type != "code":
            continue
        meta = dict(cell.metadata)
        meta.pop("execution", None)
        source = cell.source
        if LANG_TAG in meta.get("tags", []):
            source = source.replace('"hu"', '"<lang>"').replace('"en"', '"<lang>"')
        cells.append((source, meta))
    return cells


def test_books_have_the_same_pages_and_toc() -> None:
    pages = twins("book", "*.md")
    assert len(pages) >= 5
    tocs = [yaml.safe_load((ROOT / "book" / lang / "_toc.yml").read_text()) for lang in ("hu", "en")]

    def files(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            return ([node["file"]] if "file" in node else []) + [f for v in node.values() for f in files(v)]
        if isinstance(node, list):
            return [f for v in node for f in files(v)]
        return []

    assert files(tocs[0]) == files(tocs[1])
    assert tocs[0]["root"] == tocs[1]["root"]
    listed = set(files(tocs[0])) | {tocs[0]["root"]}
    assert listed == {p.stem for p, _ in pages}


@pytest.mark.parametrize("hu,en", twins("book", "*.md") + twins("lectures", "*.md"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_code_cells_are_identical(hu: Path, en: Path) -> None:
    assert code_cells(hu) == code_cells(en)


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*/*.md")) + sorted((ROOT / "lectures").glob("*/*.md")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_book_and_deck_pages_have_no_lang_cell(path: Path) -> None:
    """A page's or a deck's language comes from the build (COURSE_LANG, dlcourse.text), so
    its code cells are identical to its twin's with no exception; only labs name theirs."""
    tagged = [c.source for c in read_notebook(path).cells if LANG_TAG in c.metadata.get("tags", [])]
    assert tagged == []
    assert "LANG = " not in "".join(c.source for c in read_notebook(path).cells if c.cell_type == "code")


def lab_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for hu in sorted((ROOT / "labs").glob("*_hu/*_hu.ipynb")):
        en = ROOT / "labs" / hu.parent.name.replace("_hu", "_en") / hu.name.replace("_hu", "_en")
        assert en.exists(), f"{hu} has no English twin"
        pairs.append((hu, en))
    assert pairs
    return pairs


@pytest.mark.parametrize("hu,en", lab_pairs(), ids=lambda p: p.name)
def test_lab_code_and_grading_are_identical(hu: Path, en: Path) -> None:
    assert code_cells(hu) == code_cells(en)
    kinds = [[c["cell_type"] for c in json.loads(p.read_text())["cells"]] for p in (hu, en)]
    assert kinds[0] == kinds[1]
    for path, lang in ((hu, "hu"), (en, "en")):
        lang_cells = [c for c in read_notebook(path).cells if LANG_TAG in c.metadata.get("tags", [])]
        assert [c.source.split("#")[0].strip() for c in lang_cells] == [f'COURSE_LANG = "{lang}"']


@pytest.mark.parametrize("path", sorted((ROOT / "labs").glob("*/*.ipynb")), ids=lambda p: p.name)
def test_lab_sources_hold_no_outputs(path: Path) -> None:
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_book_sources_hold_no_outputs() -> None:
    """Book and lecture pages are MyST Markdown: outputs exist only in the build."""
    assert not list((ROOT / "book").rglob("*.ipynb"))
    assert not list((ROOT / "lectures").rglob("*.ipynb"))


def _grading_plan(path: Path) -> list[tuple[str, str, float | None]]:
    """(grade id, solution or test, points) of each nbgrader cell, in order."""
    plan = []
    for cell in read_notebook(path).cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            plan.append((meta["grade_id"], "solution" if meta.get("solution") else "test", meta.get("points")))
    return plan


def _seeds_and_test_inputs(path: Path) -> tuple[list[str], list[list[str]]]:
    """The seeds the code sets, and the numbers each test cell feeds the student's code
    (as a set per cell: a PyTorch layer is also told its input channels, which Keras reads
    from the data, so `conv_bn_block(1, 32)` is the twin of `conv_bn_block(32)`)."""
    cells = read_notebook(path).cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    seeds = re.findall(r"(?:seed\w*|Random)\(\s*(\d+)|seed=(\d+)|SEED = (\d+)", code)
    tests = [c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade")]
    return [a or b or c for a, b, c in seeds], [sorted(set(re.findall(r"(?<![\w.])\d[\d_.]*", t))) for t in tests]


TRACKED = [(lab, lang) for lab in load().labs() if lab.tracks for lang in LANGS]


@pytest.mark.parametrize("lab,lang", TRACKED, ids=lambda v: getattr(v, "id", v))
def test_the_tracks_of_a_lab_are_graded_alike(lab: Lab, lang: str) -> None:
    """Same exercises, grade ids, points, seeds and test inputs in every framework track,
    and one hidden-test file for all of them."""
    paths = [ROOT / "labs" / a / f"{a}.ipynb" for a in lab.assignments(lang)]
    plans = [_grading_plan(p) for p in paths]
    assert plans[0] and all(plan == plans[0] for plan in plans)
    inputs = [_seeds_and_test_inputs(p) for p in paths]
    assert inputs[0][1] and all(found == inputs[0] for found in inputs)
    trains = "EPOCHS = " in paths[0].read_text(encoding="utf-8")  # lab 3 and lab 8 train nothing
    assert inputs[0][0] or not trains, f"{lab.id} trains a model but sets no seed the test can see"
    files = {hidden_tests_file(ROOT, a) for a in lab.assignments(lang)}
    assert files == {ROOT / "hidden_tests" / f"{lab.id}.py"}
