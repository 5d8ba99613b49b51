"""Question banks: load one chapter's YAML file, validate it, and check answers.

A bank is one YAML file in ``quizzes/`` (shipped inside the package as
``dlcourse.banks``), validated against ``quizzes/schema.json``. Every error names the
file and the line, so a typo in a bank is found at once. The build and the tests
validate every bank; a student's :func:`dlcourse.quiz.show` of a bundled bank then
skips validation (``validate=False``), as importing jsonschema alone takes seconds.
The same :class:`Question` objects drive the live widget, the static book page
(:mod:`coursetools.quizpage`), the class session server and the checks in the tests.

Kinds: ``single`` and ``multiple`` choice, ``numeric`` (with a tolerance), ``text`` and
``parametric``: a numeric question whose numbers are drawn per student and whose answer a
course helper computes (:mod:`dlcourse.quiz.formulas`).

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

import hashlib
import inspect
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..text import LANGS, localize_number
from .formulas import FORMULAS

_REPO_BANKS = Path(__file__).resolve().parents[2] / "quizzes"  # in a checkout
_PACKAGED_BANKS = Path(__file__).resolve().parents[1] / "banks"  # installed (pyproject.toml)


class BankError(ValueError):
    """A malformed bank; the message starts with ``file:line:``."""


PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
MAX_DRAWS = 100  # redraws before a parameterised question is declared impossible


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
    """One question; ``data`` is its validated mapping from the bank file.

    A *parametric* question holds ``{{name}}`` placeholders in its texts; ``params`` (one
    variant, see :meth:`variant`) fills them, and its answer is ``formula(**params)``.
    """

    bank: str
    data: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def type(self) -> str:
        return str(self.data["type"])

    def text(self, key: str, lang: str, params: dict[str, float] | None = None) -> str:
        """A bilingual field (``prompt``, ``explanation``, ``hint``) in ``lang``.

        With ``params``, a parametric question's placeholders are filled in, ``{{answer}}``
        with the variant's answer.
        """
        value = self.data.get(key)
        text = "" if value is None else str(value[lang])
        if params is None or self.type != "parametric":
            return text
        values = {name: format_number(v, lang) for name, v in params.items()}
        values["answer"] = format_number(self.answer(params), lang)
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    def options(self, lang: str) -> list[str]:
        return [str(o["text"][lang]) for o in self.data.get("options", [])]

    def correct_options(self) -> list[int]:
        return [i for i, o in enumerate(self.data.get("options", [])) if o.get("correct")]

    def variant(self, student: str) -> dict[str, float]:
        """The parameters of a parametric question for ``student`` (an id or nickname).

        The draw depends only on the bank, the question and :func:`student_seed` (via
        SHA-256, not Python's ``hash``), so a student gets the same numbers in every
        session, in the notebook and on the server. Draws the formula rejects are drawn
        again.
        """
        spec: dict[str, Any] = self.data["params"]
        formula = FORMULAS[self.data["formula"]]
        seed = student_seed(student)
        for attempt in range(MAX_DRAWS):
            base = f"{self.bank}/{self.id}/{seed}/{attempt}"
            params = {name: _pick(f"{base}/{name}", _choices(spec[name])) for name in sorted(spec)}
            try:
                formula(**params)
            except (ValueError, TypeError):  # say, a kernel wider than the padded input
                continue
            return params
        raise BankError(f"{self.bank}/{self.id}: no valid parameters in {MAX_DRAWS} draws")

    def answer(self, params: dict[str, float] | None = None) -> float:
        """The numeric answer (numeric questions; parametric ones need ``params``)."""
        if self.type == "parametric":
            if params is None:
                raise ValueError(f"{self.id}: a parametric question needs its params")
            return float(FORMULAS[self.data["formula"]](**params))
        return float(self.data["answer"])

    def answer_text(self, lang: str, params: dict[str, float] | None = None) -> str:
        """The right answer as a student reads it once the question is closed."""
        if self.type in ("single", "multiple"):
            options = self.options(lang)
            return "; ".join(options[i] for i in self.correct_options())
        if self.type in ("numeric", "parametric"):
            unit = self.data.get("unit", "")
            return format_number(self.answer(params), lang) + (f" {unit}" if unit else "")
        return str(self.data["answers"][lang][0])

    def check(self, response: Any, lang: str = "en",
              params: dict[str, float] | None = None) -> bool:
        """Whether ``response`` is right.

        Responses: an option index (single), an iterable of indices (multiple), a
        number or a string such as ``"1881,6"`` (numeric, parametric with the student's
        ``params``), a string (text; case and surrounding spaces do not matter).
        """
        if self.type == "single":
            return self.correct_options() == [int(response)]
        if self.type == "multiple":
            return sorted(set(int(r) for r in response)) == self.correct_options()
        if self.type in ("numeric", "parametric"):
            value = parse_number(response, lang)
            answer = self.answer(params)
            # A tolerance of 0 asks for the exact answer; the slack only absorbs rounding
            # in the answer's floating-point computation.
            slack = 1e-9 * max(1.0, abs(answer))
            return value is not None and abs(value - answer) <= self.data["tolerance"] + slack
        return normalize_text(str(response)) in {
            normalize_text(a) for a in self.data["answers"][lang]
        }


def _choices(spec: Any) -> list[float]:
    """A parameter's possible values: a list, or an integer range ``{min, max, step}``."""
    if isinstance(spec, list):
        return spec
    return list(range(spec["min"], spec["max"] + 1, spec.get("step", 1)))


def _pick(seed: str, choices: list[float]) -> float:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return choices[int.from_bytes(digest[:8], "big") % len(choices)]


@dataclass(frozen=True)
class Bank:
    id: str
    title: dict[str, str]
    questions: tuple[Question, ...]
    source: str

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)


_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")  # a space, non-breaking, narrow or thin
_EN_THOUSANDS = re.compile(r"^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$", re.ASCII)
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", re.ASCII)  # as quiz.js reads it


def parse_number(response: Any, lang: str = "en") -> float | None:
    """Read a number typed the way ``lang`` writes it, or with a decimal point.

    A space (also a non-breaking one) may group thousands in both languages. In Hungarian
    the comma is the decimal mark; in English a comma followed by exactly three digits
    groups thousands (``100,480``, ``1,881.6``), and any other single comma is a decimal
    comma (``1881,6``). coursetools/quizpage/assets/quiz.js reads numbers by the same rules.

    >>> parse_number("1881,6"), parse_number(" 26 000 "), parse_number("x")
    (1881.6, 26000.0, None)
    >>> parse_number("100,480"), parse_number("1,881.6"), parse_number("12,345,678")
    (100480.0, 1881.6, 12345678.0)
    >>> parse_number("100,480", "hu"), parse_number("100\u00a0480", "hu"), parse_number("1881.6", "hu")
    (100.48, 100480.0, 1881.6)
    >>> parse_number("0,125"), parse_number("2,5"), parse_number("-1,5e3")
    (0.125, 2.5, -1500.0)
    >>> [parse_number(s, lang) for s, lang in [("1,881.6", "hu"), ("1,2,3", "en"), ("12,34.5", "en"),
    ...                                        ("1,88", "hu"), ("1_000", "en"), ("inf", "en")]]
    [None, None, None, 1.88, None, None]
    """
    if isinstance(response, (int, float)) and not isinstance(response, bool):
        value = float(response)
        return value if math.isfinite(value) else None
    text = _SPACES.sub("", str(response).strip())
    if lang == "en" and _EN_THOUSANDS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def student_seed(student: str) -> str:
    """The seed of a student's variants: their id or nickname, case and spaces aside.

    >>> student_seed("  abc123 "), student_seed("Kis  Panni")
    ('ABC123', 'KIS PANNI')
    """
    return " ".join(student.split()).upper()


def format_number(value: float, lang: str) -> str:
    """A number as the language writes it (no thousands separator).

    >>> format_number(26.0, "hu"), format_number(2.5, "hu"), format_number(2.5, "en")
    ('26', '2,5', '2.5')
    """
    if float(value).is_integer():
        return str(int(value))
    return localize_number(f"{value:.6g}", lang)


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
    """What the schema cannot say: unique ids, the number of correct options, formulas."""
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
        if q["type"] == "parametric":
            _check_parametric(Question(data["bank"], q), source, lines, path)


def _check_parametric(q: Question, source: str, lines: dict[tuple[Any, ...], int],
                      path: tuple[Any, ...]) -> None:
    """The formula exists and takes the parameters; the texts use only known names."""
    name = q.data["formula"]
    if name not in FORMULAS:
        raise _fail(source, _where(lines, path + ("formula",)), path + ("formula",),
                    f"unknown formula {name!r}; the formulas are: {', '.join(sorted(FORMULAS))}")
    signature = inspect.signature(FORMULAS[name])
    params = q.data["params"]
    for param, spec in params.items():
        where = path + ("params", param)
        if param not in signature.parameters:
            raise _fail(source, _where(lines, where), where,
                        f"{name}() takes no parameter {param!r}")
        if not _choices(spec):
            raise _fail(source, _where(lines, where), where, "no values to draw from (min > max)")
    missing = [p.name for p in signature.parameters.values()
               if p.default is inspect.Parameter.empty and p.name not in params]
    if missing:
        raise _fail(source, _where(lines, path + ("params",)), path + ("params",),
                    f"{name}() needs the parameter(s) {', '.join(missing)}")
    for key in ("prompt", "hint", "explanation"):
        for lang in LANGS:
            text = q.text(key, lang)
            for used in PLACEHOLDER.findall(text):
                # The answer may appear only in the explanation, shown after closing.
                allowed = set(params) | ({"answer"} if key == "explanation" else set())
                if used not in allowed:
                    where = path + (key, lang)
                    raise _fail(source, _where(lines, where), where,
                                f"unknown placeholder {{{{{used}}}}}; use one of: "
                                + ", ".join(sorted(allowed)))
    try:
        q.variant("check")
    except BankError:
        raise _fail(source, _where(lines, path + ("params",)), path + ("params",),
                    f"{name}() rejects every drawn variant; widen the parameter ranges") from None


def validate_bank(node: yaml.Node, data: Any, source: str) -> None:
    """Raise :class:`BankError` (``file:line: ...``) unless the bank is well formed."""
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


def parse_bank(text: str, source: str, validate: bool = True) -> Bank:
    """Parse a bank given as YAML text; ``source`` names it in errors.

    ``validate=False`` trusts the text: only for banks already validated (the bundled
    ones, by the build and the tests), as it skips jsonschema, which is slow to import.
    """
    node, data = _read_yaml(text, source)
    if validate:
        validate_bank(node, data, source)
    return Bank(
        id=data["bank"],
        title=dict(data["title"]),
        questions=tuple(Question(data["bank"], q) for q in data["questions"]),
        source=source,
    )


def load_bank(name_or_path: str | Path, validate: bool = True) -> Bank:
    """Load a bank by chapter name (``"ch01"``) or by file path (see :func:`parse_bank`).

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
    return parse_bank(path.read_text(encoding="utf-8"), str(path), validate)
