"""Check Hungarian course text against the glossary: ``python -m coursetools.lint_hu``.

Looks at the prose (not code or maths) of the Hungarian book pages, lecture decks, lab
notebooks and the Hungarian texts of the quiz banks, and reports
- a variant the glossary says to avoid (``tanulási arány`` for ``tanulási ráta``);
- an English glossary term in Hungarian running text, unless it stands in parentheses,
  where it introduces the term (``mélytanulás (deep learning)``);
- a word written without its accents (``reteg`` for ``réteg``): the accent-stripped
  spelling of every glossary term and of common words that have no other meaning.
Each finding names the file and the line (the cell, for notebooks).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import ROOT
from .glossary import load_glossary
from .prose import Line, prose_lines

# Common Hungarian words whose accent-less spelling is not itself a word.
COMMON_ACCENTED = (
    "és így több első második között után réteg rétegek súly súlyok háló hálók függvény "
    "függvények érték értékek példa példát tanító tanítás tanítása kimenete bemenete "
    "mélytanulás hibavisszaterjesztés gyorsulás számítás számítógép egyenes szeparálható "
    "deriválható derivált lépcsőfüggvény előjelfüggvény veszteségfüggvény "
    "szigmoid neuron perceptron"
).split()


# Accent-less spellings that are Hungarian words themselves ("mely" = which).
REAL_WORDS = {"mely"}


@dataclass(frozen=True)
class Finding:
    path: Path
    number: int
    message: str

    def __str__(self) -> str:
        try:
            where = self.path.relative_to(ROOT)
        except ValueError:
            where = self.path
        unit = "cell" if self.path.suffix == ".ipynb" else "line"
        return f"{where}: {unit} {self.number}: {self.message}"


def strip_accents(text: str) -> str:
    """``mélytanulás`` -> ``melytanulas``."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )


def _word_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", re.IGNORECASE)


def _outside_parentheses(text: str) -> str:
    """Blank out parenthesised text, where English terms are introduced."""
    depth, out = 0, []
    for char in text:
        depth += char == "("
        out.append(" " if depth else char)
        depth -= char == ")" and depth > 0
    return "".join(out)


class Linter:
    def __init__(self) -> None:
        terms = load_glossary()
        self.avoid = [(term["hu"], v, _word_pattern(v)) for term in terms for v in term.get("avoid", [])]
        hungarian = {term["hu"].lower() for term in terms}
        self.english = [
            (term["en"], term["hu"], _word_pattern(name))
            for term in terms
            for name in _english_names(term["en"])
            if term["hu"].lower() != term["en"].lower()
            and not any(name.lower() in hu for hu in hungarian)
        ]
        words = {w.lower() for w in COMMON_ACCENTED} | {
            part.lower() for term in terms for part in re.findall(r"[\w-]+", term["hu"])
        }
        self.unaccented = [
            (word, _word_pattern(strip_accents(word)))
            for word in sorted(words)
            if strip_accents(word) != word and strip_accents(word) not in REAL_WORDS
        ]

    def check_line(self, line: Line) -> list[Finding]:
        found = []
        text = line.text
        for preferred, variant, pattern in self.avoid:
            if pattern.search(text):
                found.append(Finding(line.path, line.number,
                                     f"{variant!r}: the glossary term is {preferred!r}"))
        running = _outside_parentheses(text)
        for english, hungarian, pattern in self.english:
            if pattern.search(running):
                found.append(Finding(line.path, line.number,
                                     f"English {english!r} in Hungarian text: write {hungarian!r} "
                                     "(or give the English in parentheses after it)"))
        for word, pattern in self.unaccented:
            match = pattern.search(text)
            if match:
                found.append(Finding(line.path, line.number,
                                     f"{match.group(0)!r} lacks its accents: {word!r}"))
        return found


def _english_names(term: str) -> list[str]:
    """``rectified linear unit (ReLU)`` -> the full name, without the parenthesis."""
    return [re.sub(r"\s*\(.*?\)", "", term).strip()]


def hungarian_sources(root: Path = ROOT) -> list[Path]:
    return sorted(
        list((root / "book" / "hu").glob("*.md"))
        + list((root / "lectures" / "hu").glob("*.md"))
        + list((root / "labs").glob("*_hu/*_hu.ipynb"))
    )


def quiz_lines(path: Path) -> list[Line]:
    """The Hungarian texts of a quiz bank, with their line numbers."""
    lines = []
    node = yaml.compose(path.read_text(encoding="utf-8"))

    def walk(n: yaml.Node) -> None:
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                if key.value == "hu" and isinstance(value, yaml.ScalarNode):
                    lines.append(Line(path, value.start_mark.line + 1, value.value))
                elif key.value == "hu" and isinstance(value, yaml.SequenceNode):
                    lines.extend(Line(path, v.start_mark.line + 1, v.value) for v in value.value)
                else:
                    walk(value)
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                walk(item)

    if node is not None:
        walk(node)
    return lines


def lint(paths: list[Path] | None = None, banks: list[Path] | None = None) -> list[Finding]:
    linter = Linter()
    lines: list[Line] = []
    for path in paths if paths is not None else hungarian_sources():
        lines.extend(prose_lines(path))
    for bank in banks if banks is not None else sorted((ROOT / "quizzes").glob("*.yml")):
        lines.extend(quiz_lines(bank))
    return [finding for line in lines for finding in linter.check_line(line)]


def main() -> int:
    findings = lint()
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s) in the Hungarian text")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
