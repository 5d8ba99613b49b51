"""Question banks: load one chapter's YAML file, validate it, and check answers.

A bank is one YAML file in ``quizzes/`` (shipped inside the package as
``dlcourse.banks``), validated against ``quizzes/schema.json``. Every error names the
file and the line, so a typo in a bank is found at once. The same :class:`Question`
objects drive the live widget, the static book page and the checks in the tests.

>>> bank = parse_bank('''
... bank: demo
... title: {hu: Próba, en: Demo}
... questions:
...   - id: xor
...     type: single
...     prompt: {hu: "Melyiket nem tanulja meg?", en: "Which one can it not learn?"}
...     options:
...       - text: {hu: AND, en: AND}
...       - text: {hu: XOR, en: XOR}
...         correct: true
...     explanation: {hu: Nem szeparálható., en: Not separable.}
... ''', "demo.yml")
>>> q = bank.questions[0]
>>> q.check(1), q.check(0)
(True, False)
>>> q.text("prompt", "hu")
'Melyiket nem tanulja meg?'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml

LANGS = ("hu", "en")
_REPO_BANKS = Path(__file__).resolve().parents[2] / "quizzes"  # in a checkout
_PACKAGED_BANKS = Path(__file__).resolve().parents[1] / "banks"  # installed (pyproject.toml)


class BankError(ValueError):
    """A malformed bank; the message starts with ``file:line:``."""


def bank_dir() -> Path:
    """The folder of the banks: ``quizzes/`` in a checkout, else the installed copy."""
    if (_REPO_BANKS / "schema.json").exists():
        return _REPO_BANKS
    return _PACKAGED_BANKS


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads((bank_dir() / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@dataclass(frozen=True)
class Question:
    """One question; ``data`` is its validated mapping from the bank file."""

    bank: str
    data: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def type(self) -> str:
        return str(self.data["type"])

    def text(self, key: str, lang: str) -> str:
        """A bilingual field (``prompt``, ``explanation``, ``hint``) in ``lang``."""
        value = self.data.get(key)
        return "" if value is None else str(value[lang])

    def options(self, lang: str) -> list[str]:
        return [str(o["text"][lang]) for o in self.data.get("options", [])]

    def correct_options(self) -> list[int]:
        return [i for i, o in enumerate(self.data.get("options", [])) if o.get("correct")]

    def check(self, response: Any, lang: str = "en") -> bool:
        """Whether ``response`` is right.

        Responses: an option index (single), an iterable of indices (multiple), a
        number or a string such as ``"1881,6"`` (numeric), a string (text; case and
        surrounding spaces do not matter).
        """
        if self.type == "single":
            return self.correct_options() == [int(response)]
        if self.type == "multiple":
            return sorted(set(int(r) for r in response)) == self.correct_options()
        if self.type == "numeric":
            value = parse_number(response)
            return value is not None and abs(value - self.data["answer"]) <= self.data["tolerance"]
        return normalize_text(str(response)) in {
            normalize_text(a) for a in self.data["answers"][lang]
        }


@dataclass(frozen=True)
class Bank:
    id: str
    title: dict[str, str]
    questions: tuple[Question, ...]
    source: str

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)


def parse_number(response: Any) -> float | None:
    """Read a number typed the Hungarian or the English way.

    >>> parse_number("1881,6"), parse_number(" 26 000 "), parse_number("x")
    (1881.6, 26000.0, None)
    """
    if isinstance(response, (int, float)):
        return float(response)
    text = str(response).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def normalize_text(text: str) -> str:
    """Lower case, single spaces, no surrounding space (the static page does the same)."""
    return " ".join(text.split()).lower()


def _line_map(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map each path in the YAML document to the line (1-based) where it starts."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_line_map(value, path + (key.value,)))
            lines[path + (key.value,)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, path + (index,)))
    return lines


def _where(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> int:
    while path not in lines:
        path = path[:-1]
    return lines[path]


def _fail(source: str, line: int, path: tuple[Any, ...], message: str) -> BankError:
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    where = f" ({dotted})" if dotted else ""
    return BankError(f"{source}:{line}: {message}{where}")


def _read_yaml(text: str, source: str) -> tuple[yaml.Node, Any]:
    """The document's node tree (for line numbers) and its data."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise BankError(f"{source}:{line}: not valid YAML: {error.problem or error}") from None
    if node is None:
        raise BankError(f"{source}:1: the file is empty; a bank needs bank, title, questions")
    return node, data


def _check_questions(data: dict[str, Any], source: str, lines: dict[tuple[Any, ...], int]) -> None:
    """What the schema cannot say: unique ids, the number of correct options."""
    seen: set[str] = set()
    for index, q in enumerate(data["questions"]):
        path = ("questions", index)
        if q["id"] in seen:
            raise _fail(source, _where(lines, path + ("id",)), path, f"duplicate id {q['id']!r}")
        seen.add(q["id"])
        n_correct = sum(bool(o.get("correct")) for o in q.get("options", []))
        if q["type"] == "single" and n_correct != 1:
            raise _fail(source, _where(lines, path), path,
                        f"a single-choice question needs exactly 1 correct option, not {n_correct}")
        if q["type"] == "multiple" and n_correct < 1:
            raise _fail(source, _where(lines, path), path,
                        "a multiple-choice question needs at least 1 correct option")


def parse_bank(text: str, source: str) -> Bank:
    """Parse and validate a bank given as YAML text; ``source`` names it in errors."""
    node, data = _read_yaml(text, source)
    lines = _line_map(node)
    # "Unevaluated properties" follows from another error (say, an unknown type), so the
    # other error is the one to report.
    errors = sorted(
        _validator().iter_errors(data),
        key=lambda e: (e.validator == "unevaluatedProperties", _where(lines, tuple(e.path))),
    )
    if errors:
        path = tuple(errors[0].path)
        raise _fail(source, _where(lines, path), path, errors[0].message)
    _check_questions(data, source, lines)
    return Bank(
        id=data["bank"],
        title=dict(data["title"]),
        questions=tuple(Question(data["bank"], q) for q in data["questions"]),
        source=source,
    )


def load_bank(name_or_path: str | Path) -> Bank:
    """Load a bank by chapter name (``"ch01"``) or by file path.

    >>> load_bank("no-such-chapter")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dlcourse.quiz.bank.BankError: no-such-chapter: no question bank of that name; ...
    """
    path = Path(name_or_path)
    if path.suffix not in (".yml", ".yaml"):
        path = bank_dir() / f"{name_or_path}.yml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in bank_dir().glob("*.yml"))) or "none"
        raise BankError(
            f"{name_or_path}: no question bank of that name; the banks are: {known}"
        )
    return parse_bank(path.read_text(encoding="utf-8"), str(path))
