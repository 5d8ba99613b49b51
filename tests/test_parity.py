"""Both languages, always: every page, deck and lab has its twin with identical code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from coursetools.config import ROOT
from coursetools.sources import read_notebook

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
