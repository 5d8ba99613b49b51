"""The course manifest, book/chapters.yml: which chapters exist and what each is made of.

``python -m coursetools.manifest`` writes both tables of contents from it;
``python -m coursetools.manifest --check`` (run by the build and the tests) fails when a
table of contents or a file the manifest names is missing or out of date.

Lab assignments are named ``<lab>_<lang>`` (a NumPy lab: ``lab01_hu``) or
``<lab>_<track>_<lang>`` (a lab with framework tracks: ``lab02_keras_hu``,
``lab02_torch_en``); :func:`assignment_name` and :func:`parse_assignment` are the one
place that knows this.

>>> assignment_name("lab02", "hu", "torch")
'lab02_torch_hu'
>>> parse_assignment("lab02_torch_hu")
LabName(lab='lab02', track='torch', lang='hu')
>>> parse_assignment("lab01_en")
LabName(lab='lab01', track=None, lang='en')
>>> parse_assignment("ps1")  # any nbgrader assignment
LabName(lab='ps1', track=None, lang=None)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from dlcourse.text import LANGS

from .config import ROOT

MANIFEST = ROOT / "book" / "chapters.yml"
TRACKS = ("keras", "torch")
TOC_HEADER = ("# Generated from book/chapters.yml by `python -m coursetools.manifest`: edit the "
              "manifest, not this file.\n")


class ManifestError(Exception):
    """The manifest is malformed or names a file that does not exist; says which and where."""


class LabName(NamedTuple):
    lab: str
    track: str | None
    lang: str | None


def assignment_name(lab: str, lang: str, track: str | None = None) -> str:
    return f"{lab}_{track}_{lang}" if track else f"{lab}_{lang}"


def parse_assignment(name: str) -> LabName:
    """The lab, track and language an assignment's name says (None where it says none)."""
    parts = name.split("_")
    lang = parts.pop() if len(parts) > 1 and parts[-1] in LANGS else None
    track = parts.pop() if len(parts) > 1 and parts[-1] in TRACKS else None
    return LabName("_".join(parts), track, lang)


@dataclass(frozen=True)
class Lab:
    id: str
    page: str
    tracks: tuple[str, ...]  # () for a lab without a framework

    def assignments(self, lang: str | None = None) -> list[str]:
        langs = [lang] if lang else list(LANGS)
        return [assignment_name(self.id, lg, track) for lg in langs for track in (self.tracks or (None,))]


@dataclass(frozen=True)
class Chapter:
    id: str
    number: int
    title: dict[str, str]
    pages: tuple[str, ...]
    deck: str | None
    lab: Lab | None
    quiz: str | None
    planned: bool

    def book_files(self, lang: str) -> list[Path]:
        pages = list(self.pages) + ([self.lab.page] if self.lab else [])
        found = [ROOT / "book" / lang / f"{page}.md" for page in pages]
        if self.deck:
            found.append(ROOT / "lectures" / lang / f"{self.deck}.md")
        return found

    def page_with(self, lang: str, text: str) -> str | None:
        """The first of the chapter's pages in ``lang`` whose source holds ``text``."""
        return next((page for page in self.pages
                     if text in (ROOT / "book" / lang / f"{page}.md").read_text(encoding="utf-8")), None)

    def lab_sources(self) -> list[Path]:
        if not self.lab:
            return []
        return [ROOT / "labs" / name / f"{name}.ipynb" for name in self.lab.assignments()]

    def files(self) -> list[Path]:
        """Every file the chapter is made of, in both languages."""
        found = [path for lang in LANGS for path in self.book_files(lang)] + self.lab_sources()
        if self.quiz:
            found.append(ROOT / "quizzes" / f"{self.quiz}.yml")
        return found


@dataclass(frozen=True)
class Course:
    chapters: tuple[Chapter, ...]
    appendix_title: dict[str, str]
    appendix: tuple[str, ...]

    @property
    def written(self) -> list[Chapter]:
        """The chapters with pages (not only planned)."""
        return [c for c in self.chapters if not c.planned]

    def labs(self) -> list[Lab]:
        return [c.lab for c in self.chapters if c.lab]

    def assignments(self) -> list[str]:
        return [name for lab in self.labs() for name in lab.assignments()]

    def lab(self, lab_id: str) -> Lab:
        for lab in self.labs():
            if lab.id == lab_id:
                return lab
        raise KeyError(f"{MANIFEST}: no lab {lab_id!r}")


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(LANGS) or not all(
            isinstance(v, str) and v.strip() for v in value.values()):
        raise ManifestError(f"{MANIFEST}: {where} needs a text in each of {', '.join(LANGS)}")
    return dict(value)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{MANIFEST}: {where} must be a list of names")
    return tuple(value)


def _chapter(entry: Any, number: int) -> Chapter:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        raise ManifestError(f"{MANIFEST}: chapter {number} needs an id")
    where = f"chapter {entry['id']}"
    known = {"id", "title", "pages", "deck", "lab", "quiz", "planned"}
    if set(entry) - known:
        raise ManifestError(f"{MANIFEST}: {where}: unknown keys {sorted(set(entry) - known)}")
    planned = bool(entry.get("planned", False))
    pages = _names(entry.get("pages", []), f"{where}: pages")
    if not planned and not pages:
        raise ManifestError(f"{MANIFEST}: {where} has no pages (mark it planned: true until it has)")
    lab = None
    if entry.get("lab") is not None:
        raw = entry["lab"]
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("page"), str):
            raise ManifestError(f"{MANIFEST}: {where}: lab needs an id and a page")
        tracks = _names(raw.get("tracks", []), f"{where}: lab tracks")
        if set(tracks) - set(TRACKS):
            raise ManifestError(f"{MANIFEST}: {where}: a lab track is one of {', '.join(TRACKS)}")
        lab = Lab(raw["id"], raw["page"], tracks)
    return Chapter(entry["id"], number, _texts(entry.get("title"), f"{where}: title"), pages,
                   entry.get("deck"), lab, entry.get("quiz"), planned)


@cache
def load(path: Path = MANIFEST) -> Course:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ManifestError(f"{path}: cannot read the manifest: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        raise ManifestError(f"{path}: expected a mapping with a list of chapters")
    chapters = tuple(_chapter(entry, n) for n, entry in enumerate(data["chapters"], start=1))
    appendix = data.get("appendix") or {}
    return Course(chapters, _texts(appendix.get("title"), "appendix: title"),
                  _names(appendix.get("pages", []), "appendix: pages"))


def toc(course: Course, lang: str) -> dict[str, Any]:
    """The Jupyter Book table of contents of one language."""
    parts = [{"caption": f"{c.number}. {c.title[lang]}", "numbered": False,
              "chapters": [{"file": p} for p in c.pages + ((c.lab.page,) if c.lab else ())]}
             for c in course.written]
    if course.appendix:
        parts.append({"caption": course.appendix_title[lang],
                      "chapters": [{"file": p} for p in course.appendix]})
    return {"format": "jb-book", "root": "intro", "parts": parts}


def toc_text(course: Course, lang: str) -> str:
    return TOC_HEADER + yaml.safe_dump(toc(course, lang), allow_unicode=True, sort_keys=False)


def toc_path(lang: str) -> Path:
    return ROOT / "book" / lang / "_toc.yml"


def problems(course: Course) -> list[str]:
    """What is missing or out of date, one line each (empty: all is well)."""
    found = []
    for lang in LANGS:
        path = toc_path(lang)
        if not path.is_file() or path.read_text(encoding="utf-8") != toc_text(course, lang):
            found.append(f"{path}: out of date with {MANIFEST.name}; run python -m coursetools.manifest")
    for chapter in course.written:
        for path in chapter.files():
            if not path.is_file():
                found.append(f"{path}: named by chapter {chapter.id} of {MANIFEST}, but missing")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args(argv)
    try:
        course = load()
    except ManifestError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not args.check:
        for lang in LANGS:
            toc_path(lang).write_text(toc_text(course, lang), encoding="utf-8")
            print(f"table of contents: {toc_path(lang)}")
    found = problems(course)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
