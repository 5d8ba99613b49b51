"""The number audit (coursetools.number_audit) can fail: an unbacked count or year, and a
number that only one language states, are reported; Hungarian and English numbers are read
alike; a chapter's pages come from the manifest; figures are read from the course's code."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursetools import number_audit as audit
from coursetools.config import ROOT
from coursetools.manifest import load
from coursetools.number_audit import Figure, Page, backed, computed, problems, quoted


def page(tmp_path: Path, hu: str, en: str) -> Page:
    paths = {}
    for lang, text in (("hu", hu), ("en", en)):
        path = tmp_path / lang / "page.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"# A page\n\n{text}\n", encoding="utf-8")
        paths[lang] = path
    return Page(paths["hu"], paths["en"])


def test_hungarian_and_english_numbers_are_read_alike(tmp_path: Path) -> None:
    p = page(tmp_path, "26 000 GPU-óra 2,97 GPU-év, 8760 óra és 3957,1 s, 1881,6-szoros",
             "26,000 GPU-hours are 2.97 GPU-years, 8760 hours and 3957.1 s, 1881.6×")
    expected = [26_000, 2.97, 8760, 3957.1, 1881.6]
    assert audit.stated_numbers(p.hu, "hu") == audit.stated_numbers(p.en, "en") == expected
    assert audit.stated_numbers(p.hu, "hu")[0] == 26_000  # not 26 and 0
    figures = computed("the test's figures", *expected)
    assert problems(p, figures) == []
    # A non-breaking space groups thousands too.
    assert audit.stated_numbers(page(tmp_path, "26\u00a0000", "").hu, "hu") == [26_000]


def test_an_unbacked_small_count_and_an_unbacked_year_are_reported(tmp_path: Path) -> None:
    p = page(tmp_path, "7 epochon át, 2012-ben, 3 rétegen", "for 7 epochs, in 2012, on 3 layers")
    found = problems(p, computed("three layers", 3))
    assert len(found) == 2, found
    assert found[0].endswith(".md:3: 7 is not a figure of the chapter (computed by its test, "
                             "read from the course's code, or quoted with a reason)")
    assert ":3: 2012 is not a figure" in found[1]
    assert problems(p, computed("three layers", 3) + quoted({7: "the epochs",
                                                             2012: "AlexNet's year"})) == []
    # No number backs itself: not a count, not a chapter's number, not a year.
    for value in (0, 1, 2, 7, 10, 1900, 1969, 2012, 2030):
        assert not backed(value, [])


def test_a_number_in_only_one_language_is_reported(tmp_path: Path) -> None:
    p = page(tmp_path, "26 000 GPU-óra", "26,000 GPU-hours on 12 GPUs")
    figures = computed("figures", 26_000, 12)
    assert problems(p, figures) == [f"{p.en}: 12 is stated 1 more time(s) than in {p.hu} (lines 3)"]
    # As many times each: a number stated twice in one language and once in the other.
    twice = page(tmp_path, "12 GPU, 12 GPU", "12 GPUs")
    assert "12 is stated 1 more time(s)" in problems(twice, figures)[0]
    # Only in Hungarian: reported too, though the English page alone is checked for figures.
    hu_only = page(tmp_path, "1958-ban", "")
    assert problems(hu_only, []) == [f"{hu_only.hu}: 1958 is stated 1 more time(s) than in "
                                     f"{hu_only.en} (lines 3)"]


def test_rounded_figures_back_a_number_and_only_when_close() -> None:
    years = computed("26,000 GPU-hours in GPU-years", 26_000 / 8760)
    assert backed(2.97, years) and backed(3, years) and not backed(2.9, years)
    assert backed(66, computed("Pandas's run in minutes", 3957.1 / 60))
    # Rounding must not turn a small figure into a free small integer.
    assert not backed(0, computed("a slope", 0.25)) and not backed(1, computed("ms", 0.75))
    assert not backed(1880, computed("a speed-up", 1881.6)) and not backed(3.5, years)


def test_a_figure_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        Figure(7, " ")


def test_a_real_page_without_figures_fails_on_each_number() -> None:
    """With no figures, every number of the landscape page is reported, years and counts too."""
    landscape = next(p for p in audit.chapter_pages("ch01") if p.en.name == "01_landscape.md")
    unbacked = audit.unbacked_problems(landscape, [])
    stated = audit.stated_numbers(landscape.en, "en")
    assert len(unbacked) == len(stated) > 40
    assert {26_000, 2.97, 2017, 1, 7} <= set(stated)
    assert audit.stated_numbers(landscape.hu, "hu").count(26_000) == stated.count(26_000) > 0


def test_a_chapters_pages_come_from_the_manifest() -> None:
    for chapter in load().written:
        pages = audit.chapter_pages(chapter.id)
        names = [p.en.relative_to(ROOT).as_posix() for p in pages]
        assert names == [*(f"book/en/{n}.md" for n in chapter.pages),
                         *([f"book/en/{chapter.lab.page}.md"] if chapter.lab else []),
                         *([f"lectures/en/{chapter.deck}.md"] if chapter.deck else [])]
        for p in pages:
            assert p.hu.is_file() and p.en.is_file()
            assert p.hu == ROOT / str(p).format(lang="hu") and p.en == ROOT / str(p).format(lang="en")
    assert "book/{lang}/lab02_dense_mnist.md" in [str(p) for p in audit.chapter_pages("ch02")]
    assert [str(p) for p in audit.course_pages()] == ["book/{lang}/intro.md", "book/{lang}/glossary.md"]
    assert audit.chapter_number("ch02").value == 2


def test_a_planned_chapter_has_no_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chapter of the real manifest is written now, so the refusal is tested on a
    copy with one planned chapter more."""
    manifest = tmp_path / "chapters.yml"
    text = (ROOT / "book" / "chapters.yml").read_text(encoding="utf-8")
    planned = ('  - id: ch99\n    title: {hu: "Tervezett", en: "Planned"}\n'
               '    planned: true\n    quiz: ch03\n')
    manifest.write_text(text.replace("appendix:", planned + "appendix:"), encoding="utf-8")
    course = load(manifest)
    assert [c.id for c in course.chapters if c.planned] == ["ch99"]
    monkeypatch.setattr(audit, "load", lambda: course)
    with pytest.raises(KeyError, match="only planned"):
        audit.chapter_pages("ch99")


def notebook(path: Path, *code: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell("EPOCHS = 99 in prose is not code"),
                             *(new_code_cell(c) for c in code)])
    nbformat.write(nb, path)
    return path


def test_figures_are_read_from_the_code_of_notebooks(tmp_path: Path) -> None:
    pattern = r"EPOCHS = (\d+) if FAST else (\d+)"
    a = notebook(tmp_path / "a.ipynb", "FAST = True", "EPOCHS = 3 if FAST else 10")
    b = notebook(tmp_path / "b.ipynb", "EPOCHS = 3 if FAST else 10")
    assert [f.value for f in audit.from_code([a, b], pattern, "the epochs")] == [3, 10]
    c = notebook(tmp_path / "c.ipynb", "EPOCHS = 3 if FAST else 12")
    with pytest.raises(audit.AuditError, match="disagree"):
        audit.from_code([a, c], pattern, "the epochs")
    d = notebook(tmp_path / "d.ipynb", "EPOCHS = 3")
    with pytest.raises(audit.AuditError, match="0 times, not once"):
        audit.from_code([d], pattern, "the epochs")
    labs = audit.chapter("ch02").lab_sources()
    assert len(labs) == 4
    assert [f.value for f in audit.from_code(labs, pattern, "the lab's epochs")] == [3, 10]
