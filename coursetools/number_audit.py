"""The number audit: every number a chapter's pages state is the same in both languages
and backed by one of the chapter's figures.

A chapter's pages come from the manifest (book/chapters.yml): its book pages, its lab's
book page and its lecture deck, each in Hungarian and in English (:func:`chapter_pages`).
For each page the audit checks that

1. both languages state the same numbers, as many times each (a Counter per page), read the
   Hungarian way (``26 000``, ``2,97``) and the English way (``26,000``, ``2.97``);
2. every number the English page states is one of the chapter's figures, or such a figure
   rounded to 0-3 decimals and off by at most 10 % (2.97 backs "almost 3"; 0.25 does not
   back 0).

There is no free pass: a small count ("3 epochs"), a chapter's number and a year must be
figures like any other. A chapter's figures are :class:`Figure` values, each with a reason:
what its test computes with the real frameworks (:func:`computed`), what the course's own
code says (:func:`constants` of a module, :func:`from_code` of its notebooks) and what it
quotes (:func:`quoted`, :func:`named`). A chapter's test (tests/test_ch01_numbers.py) then
adds only its framework-oracle tests, its list of figures and::

    @pytest.mark.parametrize("page", number_audit.chapter_pages("ch01"), ids=str)
    def test_the_numbers_of_the_page(page):
        number_audit.check(page, figures())

>>> backed(3, computed("26,000 GPU-hours in GPU-years", 26_000 / 8760))
True
>>> backed(7, []), backed(2012, [])  # no number is backed by itself
(False, False)
>>> backed(0, computed("the sigmoid's steepest slope", 0.25))
False
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .config import ROOT
from .manifest import Chapter, load, toc
from .numbers import numbers
from .prose import prose_lines
from .sources import read_notebook

# Digits that belong to a name, not a quantity: "GTX 1080 Ti", "Xeon E5-2640 v4", "DGX-1",
# "ResNet-50", "32-bit", "FP16".
NAMES = re.compile(r"\b\d{4} Ti\b|E5-\d{4} v\d|DGX-\d|V100|A100|Titan V|2-2-1|TPU v\d|ResNet-\d+"
                   r"|\d+[- ]bit(?:es)?\b|FP\d+")
ROUNDING_SLACK = 0.1  # a rounded figure is off by at most this share of the figure
DECIMALS = range(4)  # a figure may be stated rounded to 0-3 decimals


class AuditError(Exception):
    """A figure cannot be read from the course's code (the message says where and why)."""


@dataclass(frozen=True)
class Figure:
    """A number the course may state, and why: where it is computed or quoted from."""

    value: float
    why: str

    def __post_init__(self) -> None:
        if not self.why.strip():
            raise ValueError(f"the figure {self.value} needs a reason")


def computed(why: str, *values: float) -> list[Figure]:
    """Figures computed by a test or by the course's code (``why`` names which)."""
    return [Figure(float(v), why) for v in values]


def quoted(table: Mapping[float, str]) -> list[Figure]:
    """Figures quoted rather than computed: each value with its source."""
    return [Figure(float(value), why) for value, why in table.items()]


def named(table: Mapping[str, float], source: str) -> list[Figure]:
    """A table of named figures (``{"train": 60_000}``), each quoted from ``source``."""
    return [Figure(float(value), f"{name}: {source}") for name, value in table.items()]


def constants(module: ModuleType) -> list[Figure]:
    """Every number in a module's upper-case constants (numbers, tuples, dicts and
    dataclasses of them; not the digits inside strings), named after its constant."""
    found: list[Figure] = []

    def walk(value: object, why: str) -> None:
        if isinstance(value, bool) or isinstance(value, str):
            return
        if isinstance(value, (int, float)):
            found.append(Figure(float(value), why))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{why}[{key!r}]")
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item, why)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{why}.{field.name}")

    for name in sorted(vars(module)):
        if name.isupper() and not name.startswith("_"):
            walk(getattr(module, name), f"{module.__name__}.{name}")
    return found


def chapter(chapter_id: str) -> Chapter:
    """A chapter of the manifest, by its id."""
    for found in load().chapters:
        if found.id == chapter_id:
            return found
    raise KeyError(f"book/chapters.yml has no chapter {chapter_id!r}")


def chapter_number(chapter_id: str) -> Figure:
    """A chapter's number ("chapter 1", "Lab 2"), as the manifest orders the chapters."""
    return Figure(float(chapter(chapter_id).number), f"the number of chapter {chapter_id} in book/chapters.yml")


def _code(path: Path) -> str:
    return "\n".join(cell.source for cell in read_notebook(path).cells if cell.cell_type == "code")


def from_code(paths: Sequence[Path], pattern: str, why: str) -> list[Figure]:
    """The numbers that ``pattern``'s groups catch in the code cells of notebooks (a
    chapter's lab sources, a book page). Each notebook must hold the pattern exactly once,
    and all must agree: ``from_code(sources, r"EPOCHS = (\\d+) if FAST else (\\d+)", ...)``."""
    if not paths:
        raise AuditError(f"no notebooks to read {pattern!r} from")
    found: dict[Path, tuple[str, ...]] = {}
    for path in paths:
        matches = list(re.finditer(pattern, _code(path)))
        if len(matches) != 1:
            raise AuditError(f"{_rel(path)}: {pattern!r} is in its code {len(matches)} times, not once")
        found[path] = matches[0].groups()
        if not found[path]:
            raise AuditError(f"{pattern!r} has no group to read a number from")
    if len(set(found.values())) != 1:
        raise AuditError(f"the notebooks disagree on {pattern!r}: "
                         + ", ".join(f"{_rel(p)}: {v}" for p, v in found.items()))
    where = f"{why} (the code of {', '.join(p.name for p in paths)})"
    return [Figure(float(group.replace("_", "")), where) for group in next(iter(found.values()))]


# --- The pages ------------------------------------------------------------------------------


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


@dataclass(frozen=True)
class Page:
    """One page of the course, in Hungarian and in English."""

    hu: Path
    en: Path

    def path(self, lang: str) -> Path:
        return {"hu": self.hu, "en": self.en}[lang]

    def __str__(self) -> str:  # book/{lang}/01_landscape.md, the test's id
        en, hu = _rel(self.en), _rel(self.hu)
        template = en.replace("/en/", "/{lang}/", 1)
        return template if template.format(lang="hu") == hu else f"{hu} | {en}"


def pages_of(chapter: Chapter) -> list[Page]:
    """A chapter's book pages, its lab's book page and its deck (Chapter.book_files)."""
    return [Page(hu, en) for hu, en in zip(chapter.book_files("hu"), chapter.book_files("en"))]


def chapter_pages(chapter_id: str) -> list[Page]:
    """The pages of a written chapter of the manifest, in both languages."""
    found = chapter(chapter_id)
    if found.planned:
        raise KeyError(f"chapter {chapter_id!r} of book/chapters.yml is only planned: it has no pages")
    return pages_of(found)


def course_pages() -> list[Page]:
    """The book's pages outside the chapters: its root page and the appendix."""
    course = load()
    names = [toc(course, "en")["root"], *course.appendix]
    return [Page(ROOT / "book" / "hu" / f"{n}.md", ROOT / "book" / "en" / f"{n}.md") for n in names]


# --- The audit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stated:
    """A number as a page states it: its value and the line it is on."""

    value: float
    line: int


def stated(path: Path, lang: str) -> list[Stated]:
    """Every number in the prose of a page (not in its code or maths), read as ``lang``
    writes numbers, without the digits of names such as "GTX 1080 Ti"."""
    return [Stated(value, line.number) for line in prose_lines(path)
            for value in numbers(NAMES.sub(" ", line.text), lang)]


def stated_numbers(path: Path, lang: str) -> list[float]:
    return [s.value for s in stated(path, lang)]


def _rounds_to(figure: float, value: float) -> bool:
    if figure == value:
        return True
    return (abs(figure - value) <= ROUNDING_SLACK * abs(figure)
            and any(round(figure, d) == value for d in DECIMALS))


def backing(value: float, figures: Iterable[Figure]) -> list[Figure]:
    """The figures that back a stated number: equal to it, or rounding to it."""
    return [f for f in figures if _rounds_to(f.value, value)]


def backed(value: float, figures: Iterable[Figure]) -> bool:
    """Whether a stated number is a figure, or a figure rounded (see the module's docstring)."""
    return bool(backing(value, figures))


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def language_problems(page: Page) -> list[str]:
    """One line for each number that one language states more often than the other."""
    found = {lang: stated(page.path(lang), lang) for lang in ("hu", "en")}
    counts = {lang: Counter(s.value for s in found[lang]) for lang in found}
    problems = []
    for lang, other in (("hu", "en"), ("en", "hu")):
        for value, extra in sorted((counts[lang] - counts[other]).items()):
            lines = ", ".join(str(s.line) for s in found[lang] if s.value == value)
            problems.append(f"{_rel(page.path(lang))}: {_show(value)} is stated {extra} more "
                            f"time(s) than in {_rel(page.path(other))} (lines {lines})")
    return problems


def unbacked_problems(page: Page, figures: Sequence[Figure]) -> list[str]:
    """One line for each number the English page states that no figure backs."""
    return [f"{_rel(page.en)}:{s.line}: {_show(s.value)} is not a figure of the chapter "
            "(computed by its test, read from the course's code, or quoted with a reason)"
            for s in stated(page.en, "en") if not backed(s.value, figures)]


def problems(page: Page, figures: Sequence[Figure]) -> list[str]:
    """What is wrong with the numbers of a page, one line each: empty when all is well."""
    return language_problems(page) + unbacked_problems(page, figures)


def check(page: Page, figures: Sequence[Figure]) -> None:
    """Raise AssertionError listing every problem of the page (for a chapter's test)."""
    found = problems(page, figures)
    if found:
        raise AssertionError("\n".join(found))
