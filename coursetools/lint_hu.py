"""Check Hungarian course text against the glossary: ``python -m coursetools.lint_hu``.

Looks at the prose (not code or maths) of the Hungarian book pages, lecture decks, lab
notebooks and the Hungarian texts of the quiz banks, and reports
- a variant the glossary says to avoid (``tanulási arány`` for ``tanulási ráta``);
- an English glossary term in Hungarian running text, unless it stands in parentheses,
  where it introduces the term (``mélytanulás (deep learning)``);
- a word written without its accents (``reteg`` for ``réteg``): the accent-stripped
  spelling of every glossary term and of common words that have no other meaning;
- a word that the spell checker does not know: Debian's hunspell with its Hungarian
  dictionary (``hu_HU``), the glossary's terms and the project word list
  (``coursetools/hu_words.txt``). English in parentheses, where the text introduces a term,
  is also checked against the English dictionary (``en_US``). hunspell runs once for the
  distinct words of the whole run (once more for English in parentheses), so the lint
  takes seconds.
Each finding names the file and the line (the cell, for notebooks). Without hunspell or its
dictionaries the lint stops with a message that says how to install them.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import ROOT
from .glossary import load_glossary, sort_key
from .prose import Line, markdown_prose, prose_lines

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


# --- The spell check ------------------------------------------------------------------------

# Correct words that hunspell's Hungarian dictionary lacks: technical terms and names.
WORD_LIST = Path(__file__).with_name("hu_words.txt")
HUNSPELL = "hunspell"
DICTIONARY = "hu_HU"  # Debian's hunspell-hu
ENGLISH_DICTIONARY = "en_US"  # Debian's hunspell-en-us: English introduced in parentheses
INSTALL = ("apt-get install -y hunspell hunspell-hu hunspell-en-us "
           "(as root; `bash .ci/install-test-tools.sh` does it)")

# A word as the spell check sees it: letters and digits, joined by inner hyphens and dots
# (``GPU-n``, ``DGX-1``, ``nn.Linear``), with a final dot (``pl.``) or a hyphen that leaves
# the rest to the next word (``GPU- és TPU-idő``). Quotes, dashes and apostrophes separate.
_TOKEN = re.compile(r"(?<![\w-])[^\W_]+(?:[-.][^\W_]+)*(?:\.|-(?!\w))?")


class SpellCheckUnavailable(RuntimeError):
    """hunspell or one of its dictionaries is missing, so the spelling cannot be checked."""


@dataclass(frozen=True)
class WordList:
    """The project word list: words (``szigmoid/kód``: inflected like its model, a word of
    the Hungarian dictionary) and names of several words (``DGX Station``)."""

    path: Path
    words: tuple[tuple[int, str, str | None], ...]  # (line, word, model or None)
    phrases: tuple[tuple[int, str], ...]
    problems: tuple[Finding, ...]

    @classmethod
    def read(cls, path: Path) -> WordList:
        words, phrases, problems = [], [], []
        entries: list[tuple[int, str]] = []
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if raw.startswith("#") or not raw.strip():
                continue
            entry = raw.strip()
            if entry != raw or "  " in entry:
                problems.append(Finding(path, number, f"{raw!r}: stray spaces"))
            entries.append((number, entry))
            if " " in entry:
                phrases.append((number, entry))
                continue
            word, _, model = entry.partition("/")
            if not word or "/" in entry and not model:
                problems.append(Finding(path, number, f"{entry!r}: write a word, or word/model"))
                continue
            words.append((number, word, model or None))
        seen: set[str] = set()
        for number, entry in entries:
            if entry in seen:
                problems.append(Finding(path, number, f"{entry!r} is listed twice"))
            seen.add(entry)
        for (_, before), (number, entry) in itertools.pairwise(entries):
            if sort_key(entry) < sort_key(before):
                problems.append(Finding(path, number,
                                        f"{entry!r} is out of order: keep the list sorted"))
        return cls(path, tuple(words), tuple(phrases), tuple(problems))

    def phrase_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, phrase.split())) + r"(?!\w)",
                           re.IGNORECASE) for _, phrase in self.phrases]


def _run_hunspell(args: list[str], text: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(HUNSPELL)
    if exe is None:
        raise SpellCheckUnavailable(
            f"the Hungarian spell check needs hunspell, which is not installed: {INSTALL}")
    return subprocess.run([exe, *args], input=text, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "LC_ALL": "C.UTF-8"},
                          timeout=300, check=False)


def dictionary_files(names: Iterable[str]) -> dict[str, Path]:
    """The .dic file of each dictionary, as hunspell finds it (``hunspell -D``)."""
    result = _run_hunspell(["-D"], "")
    listing = (result.stdout + result.stderr).splitlines()
    found = {Path(line.strip()).name: Path(line.strip() + ".dic")
             for line in listing if line.startswith("/")}
    files = {}
    for name in names:
        if name not in found or not found[name].is_file():
            raise SpellCheckUnavailable(
                f"hunspell has no {name} dictionary (it found {sorted(found) or 'none'}): "
                f"{INSTALL}")
        files[name] = found[name]
    return files


def unknown_words(words: Iterable[str], dictionaries: list[str],
                  personal: Iterable[str]) -> set[str]:
    """The words that hunspell rejects: one process for all of them (``hunspell -w``)."""
    words = sorted(set(words))
    if not words:
        return set()
    with tempfile.TemporaryDirectory() as tmp:
        personal_file = Path(tmp) / "personal.dic"
        personal_file.write_text("".join(f"{w}\n" for w in personal), encoding="utf-8")
        result = _run_hunspell(["-d", ",".join(dictionaries), "-p", str(personal_file),
                                "-i", "UTF-8", "-w"], "".join(f"{w}\n" for w in words))
    if result.returncode != 0 or "Can't open" in result.stderr:
        raise SpellCheckUnavailable(
            f"hunspell failed ({result.stderr.strip() or result.returncode}): {INSTALL}")
    return set(result.stdout.splitlines())


def _hyphenated_forms(dic: Path, models: set[str]) -> dict[str, list[str]]:
    """A model's suffixed forms that the dictionary lists with a hyphen (``CPU-val``)."""
    forms: dict[str, list[str]] = {m: [] for m in models}
    with dic.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            word = line.split("\t", 1)[0].split("/", 1)[0].strip()
            stem, dash, rest = word.partition("-")
            if dash and stem in forms:
                forms[stem].append(rest)
    return forms


@dataclass
class _Span:
    """What carries over from one line to the next: open inline maths and parentheses."""

    maths: bool = False
    depth: int = 0


def _split_parentheses(text: str, span: _Span) -> tuple[str, str]:
    """(running text, parenthesised text) of a line; maths left over by the prose is dropped."""
    outside, inside = [], []
    for char in text:
        keep = char
        if char == "$":
            span.maths, keep = not span.maths, " "
        elif span.maths:
            keep = " "
        elif char == "(":
            span.depth, keep = span.depth + 1, " "
        elif char == ")" and span.depth:
            span.depth, keep = span.depth - 1, " "
        outside.append(" " if span.depth else keep)
        inside.append(keep if span.depth else " ")
    return "".join(outside), "".join(inside)


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if any(c.isalpha() for c in t)]


_NUMBER = re.compile(r"^\d*?([1-9]0*)(?=-)")


def _as_checked(token: str) -> str:
    """A number's suffix follows its last spoken word: ``33-at`` is checked as ``3-at``
    (hunspell knows the suffixed digits, not every number)."""
    return _NUMBER.sub(r"\1", token)


class SpellChecker:
    """Unknown words, for hunspell, the glossary and the word list.

    ``reported`` and ``reported_outside``: what the other checks already report (unaccented
    words; English terms outside parentheses), so that a mistake is reported once.
    """

    def __init__(self, word_list: Path | None = None,
                 reported: Iterable[re.Pattern[str]] = (),
                 reported_outside: Iterable[re.Pattern[str]] = ()) -> None:
        self.words = WordList.read(word_list or WORD_LIST)
        self.phrases = self.words.phrase_patterns()
        self.reported = list(reported)
        self.reported_outside = list(reported_outside)
        terms = load_glossary()
        self.glossary_hu = {t for term in terms for t in _tokens(term["hu"])}
        self.glossary_en = {t for term in terms for t in _tokens(term["en"])}

    def _personal(self, dic: Path) -> list[str]:
        """The personal dictionary: glossary words, listed words with their models' forms."""
        models = {model for _, _, model in self.words.words if model}
        forms = _hyphenated_forms(dic, models)
        personal = sorted(self.glossary_hu)
        for _, word, model in self.words.words:
            personal.append(word)
            if model:
                personal.append(f"{word}/{model}")
                personal.extend(f"{word}-{rest}/{model}-{rest}" for rest in forms[model])
        return personal

    def check(self, blocks: list[list[Line]]) -> list[Finding]:
        """Unknown words of each block of consecutive lines (a paragraph, a cell, a quiz text)."""
        dic = dictionary_files([DICTIONARY, ENGLISH_DICTIONARY])[DICTIONARY]
        seen: list[tuple[Line, list[str], list[str]]] = []
        for block in blocks:
            span = _Span()
            for line in block:
                text = line.text
                for pattern in self.phrases + self.reported:
                    text = pattern.sub(" ", text)
                outside, inside = _split_parentheses(text, span)
                for pattern in self.reported_outside:
                    outside = pattern.sub(" ", outside)
                seen.append((line, _tokens(outside), _tokens(inside)))
        models = {model for _, _, model in self.words.words if model}
        personal = self._personal(dic)
        everything = {_as_checked(t) for _, out, ins in seen for t in out + ins} | models
        unknown = unknown_words(everything, [DICTIONARY], personal)
        in_parentheses = {_as_checked(t) for _, _, ins in seen for t in ins} & unknown
        english_ok = in_parentheses - unknown_words(
            in_parentheses, [DICTIONARY, ENGLISH_DICTIONARY], personal + sorted(self.glossary_en))
        findings = list(self.words.problems)
        findings += [Finding(self.words.path, number, f"the model {model!r} of {word!r} is not "
                                                      f"in the {DICTIONARY} dictionary")
                     for number, word, model in self.words.words if model in unknown]
        where = _relative(self.words.path)
        for line, out, ins in seen:
            reported = []
            for token in out + [t for t in ins if _as_checked(t) not in english_ok]:
                word = token.rstrip(".")
                if _as_checked(token) in unknown and word not in reported:
                    reported.append(word)
                    findings.append(Finding(line.path, line.number,
                                            f"unknown word {word!r} (add it to {where} "
                                            "if it is a correct technical term)"))
        return findings


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines of a page, or the lines of one notebook cell."""
    blocks: list[list[Line]] = []
    for line in lines:
        last = blocks[-1][-1] if blocks else None
        step = 0 if line.path.suffix == ".ipynb" else 1
        if last is not None and last.path == line.path and line.number == last.number + step:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _quiz_block(line: Line) -> list[Line]:
    """A quiz text's prose (without its maths), as lines of the bank."""
    return [Line(line.path, line.number + n - 1, text)
            for n, text in markdown_prose(line.text) if text.strip()]


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


def _sources(paths: list[Path] | None,
             banks: list[Path] | None) -> tuple[list[list[Line]], list[Line]]:
    """The prose of the pages (in blocks of consecutive lines) and the banks' Hungarian texts."""
    blocks: list[list[Line]] = []
    for path in paths if paths is not None else hungarian_sources():
        blocks.extend(_blocks(prose_lines(path)))
    quiz: list[Line] = []
    for bank in banks if banks is not None else sorted((ROOT / "quizzes").glob("*.yml")):
        quiz.extend(quiz_lines(bank))
    return blocks, quiz


def spelling_blocks(paths: list[Path] | None = None,
                    banks: list[Path] | None = None) -> list[list[Line]]:
    """What the spell check reads: the prose, and the quiz texts without their maths."""
    blocks, quiz = _sources(paths, banks)
    return blocks + [_quiz_block(line) for line in quiz]


def lint(paths: list[Path] | None = None, banks: list[Path] | None = None) -> list[Finding]:
    """Every finding in the given pages and banks (all Hungarian sources by default).

    Raises SpellCheckUnavailable when hunspell or its dictionaries are missing.
    """
    linter = Linter()
    blocks, quiz = _sources(paths, banks)
    lines = [line for block in blocks for line in block] + quiz
    findings = [finding for line in lines for finding in linter.check_line(line)]
    speller = SpellChecker(reported=[pattern for _, pattern in linter.unaccented],
                           reported_outside=[pattern for _, _, pattern in linter.english])
    findings += speller.check(blocks + [_quiz_block(line) for line in quiz])
    order = {path: i for i, path in enumerate(dict.fromkeys(line.path for line in lines))}
    return sorted(findings, key=lambda f: (order.get(f.path, -1), f.number))


def main() -> int:
    try:
        findings = lint()
    except SpellCheckUnavailable as error:
        print(f"lint_hu: {error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s) in the Hungarian text")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
