"""Import quizzes written for ipyquiz into a bilingual course bank.

ipyquiz (PyPI 0.5.6, by boyuai) keeps a quiz as a list of questions: in a JSON file, or,
as it is mostly used, passed as ``QuizWidget(value=[...])`` in a notebook or a Python
file, which the importer reads without running (``ast.literal_eval``)::

    {"id": "q1", "type": "SELECT", "title": "markdown", "hint": "markdown",
     "options": [{"value": "A", "text": "markdown"}, ...], "answer": "A"}
    {"id": "q2", "type": "FILL", "title": "An MNIST image has %% pixels.", "answer": "784"}

``answer`` is the value of the right option (SELECT) or the text of the blank, marked
``%%`` in the title (FILL); ipyquiz shows ``hint`` once the student has answered, so it
is the explanation. One ipyquiz file holds one language and a course bank holds two, so
the importer takes the Hungarian and the English file of the same quiz and pairs their
questions by ``id``:

- SELECT becomes ``single``; both files must have the same option values and answer.
- FILL with one blank becomes ``numeric`` when both answers are numbers (tolerance: half
  a unit of the last digit written, so "2,97" accepts 2.965-2.975) and ``text``
  otherwise; the blank shows as ``___`` (a title without ``%%`` stays as it is: ipyquiz
  puts the answer box after it).
- Without a hint, the explanation states the right answer.

What the course's banks cannot hold is refused with the file and the question: a
SELECT without an answer (a survey), a FILL with several blanks, a question missing
from one of the files, different types or options in the two files.

Command line::

    python -m coursetools.ipyquiz_import quiz_hu.json quiz_en.json -o quizzes/ch02.yml \\
        --title-hu "Ellenőrizd magad: ..." --title-en "Test yourself: ..."
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from dlcourse.quiz.bank import BankError, parse_bank

BLANK = "%%"


class IpyquizError(ValueError):
    """An ipyquiz file the importer cannot turn into a bank; names the file and question."""


def read_ipyquiz(path: Path) -> list[dict[str, Any]]:
    """The questions of one ipyquiz file: JSON (a list, or ``{"questions": [...]}``), or a
    notebook or Python file whose ``QuizWidget(value=[...])`` calls hold them."""
    if path.suffix in (".ipynb", ".py"):
        return widget_questions(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise IpyquizError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        data = data["questions"]
    if not isinstance(data, list) or not all(isinstance(q, dict) for q in data):
        raise IpyquizError(f"{path}: an ipyquiz file is a JSON list of questions")
    return data


def widget_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of every ``QuizWidget(value=[...])`` call in a notebook's code cells
    or a Python file, in order. The list is read with ``ast.literal_eval``, never run: a
    value that is not a literal (a variable, a call) is refused with its line."""
    try:
        text = path.read_text(encoding="utf-8")
        sources = ([("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                    for c in json.loads(text)["cells"] if c.get("cell_type") == "code"]
                   if path.suffix == ".ipynb" else [text])
    except (ValueError, KeyError, TypeError) as err:
        raise IpyquizError(f"{path}: not a notebook ({err})") from None
    questions: list[dict[str, Any]] = []
    for number, source in enumerate(sources, start=1):
        where = f"{path}, code cell {number}" if path.suffix == ".ipynb" else str(path)
        # IPython's own syntax (%magic, !shell) is not Python: those lines are left out.
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            tree = ast.parse(code)
        except SyntaxError as err:
            raise IpyquizError(f"{where}:{err.lineno}: not Python: {err.msg}") from None
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "QuizWidget":
                value = next((k.value for k in node.keywords if k.arg == "value"),
                             node.args[0] if node.args else None)
                try:
                    found = ast.literal_eval(value) if value is not None else None
                except ValueError:
                    found = None
                if not isinstance(found, list) or not all(isinstance(q, dict) for q in found):
                    raise IpyquizError(f"{where}:{node.lineno}: QuizWidget's value must be a literal "
                                       "list of questions (it is read, never run)")
                questions += found
    if not questions:
        raise IpyquizError(f"{path}: no QuizWidget(value=[...]) call in it")
    return questions


def _called(call: ast.Call) -> str:
    """The name a call calls: ``QuizWidget(...)`` and ``ipyquiz.QuizWidget(...)`` alike."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def bank_id(raw: Any) -> str:
    """An ipyquiz id as a bank id (lower case letters, digits, - and _).

    >>> bank_id("Q 1.a"), bank_id(7)
    ('q-1-a', '7')
    """
    text = re.sub(r"[^a-z0-9_-]+", "-", str(raw).strip().lower()).strip("-_")
    return text or "q"


def read_number(text: str, lang: str) -> float | None:
    """A FILL answer as a number, read the way ``lang`` writes it, else None.

    >>> read_number("2,97", "hu"), read_number("26 000", "hu"), read_number("26,000", "en")
    (2.97, 26000.0, 26000.0)
    >>> read_number("ReLU", "en") is None
    True
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".") if lang == "hu" else cleaned.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", cleaned):
        return None
    return float(cleaned)


def tolerance_of(text: str, lang: str) -> float:
    """Half a unit of the last digit written: "2,97" -> 0.005, "784" -> 0.5.

    >>> tolerance_of("2,97", "hu"), tolerance_of("784", "en")
    (0.005, 0.5)
    """
    cleaned = text.strip().replace(",", ".") if lang == "hu" else text.strip().replace(",", "")
    decimals = len(cleaned.split(".")[1]) if "." in cleaned else 0
    return round(0.5 * 10**-decimals, decimals + 1)


def _answer(q: dict[str, Any]) -> Any:
    answer = q.get("answer")
    return answer[0] if isinstance(answer, list) and len(answer) == 1 else answer


def _question(pair: dict[str, dict[str, Any]], where: dict[str, str]) -> dict[str, Any]:
    """One bank question from the same ipyquiz question in both languages."""
    hu, en = pair["hu"], pair["en"]

    def fail(message: str) -> IpyquizError:
        return IpyquizError(f"{where['hu']}, {where['en']}: {message}")

    kinds = {str(hu.get("type", "")).upper(), str(en.get("type", "")).upper()}
    if len(kinds) != 1:
        raise fail(f"the type differs between the files: {hu.get('type')!r} and {en.get('type')!r}")
    kind = kinds.pop()
    for lang, q in pair.items():
        if not str(q.get("title", "")).strip():
            raise fail(f"the {lang} question has no title")
    out: dict[str, Any] = {"id": bank_id(hu["id"])}
    if kind == "SELECT":
        answers = {lang: _answer(q) for lang, q in pair.items()}
        if any(a in (None, "", []) for a in answers.values()):
            raise fail(
                "a SELECT without an answer is a survey; a bank question needs its right option"
            )
        if isinstance(answers["hu"], list):
            raise fail(
                "a SELECT has one right option, not a list of them"
            )
        values = {
            lang: [str(o.get("value")) for o in q.get("options", [])] for lang, q in pair.items()
        }
        if values["hu"] != values["en"]:
            raise fail(f"the option values differ: {values['hu']} and {values['en']}")
        if str(answers["hu"]) != str(answers["en"]) or str(answers["hu"]) not in values["hu"]:
            raise fail(
                f"the answer must be the value of one option, the same in both files "
                f"(got {answers['hu']!r} and {answers['en']!r})"
            )
        texts = {lang: [str(o.get("text", "")) for o in q["options"]] for lang, q in pair.items()}
        out["type"] = "single"
        out["prompt"] = {lang: str(q["title"]).strip() for lang, q in pair.items()}
        out["options"] = []
        for index, value in enumerate(values["hu"]):
            option: dict[str, Any] = {"text": {"hu": texts["hu"][index], "en": texts["en"][index]}}
            if value == str(answers["hu"]):
                option["correct"] = True
            out["options"].append(option)
        right = {lang: texts[lang][values["hu"].index(str(answers["hu"]))] for lang in pair}
    elif kind == "FILL":
        blanks = {lang: str(q["title"]).count(BLANK) for lang, q in pair.items()}
        answers = {lang: _answer(q) for lang, q in pair.items()}
        if max(blanks.values()) > 1 or any(isinstance(a, list) for a in answers.values()):
            raise fail("a FILL with several blanks; a bank question has one answer: split it")
        if any(not str(a or "").strip() for a in answers.values()):
            raise fail("a FILL without an answer")
        numbers = {lang: read_number(str(a), lang) for lang, a in answers.items()}
        numeric = numbers["hu"] is not None and numbers["en"] is not None
        if numeric and numbers["hu"] != numbers["en"]:
            raise fail(f"the numeric answers differ: {answers['hu']!r} and {answers['en']!r}")
        out["type"] = "numeric" if numeric else "text"
        # Without %%, ipyquiz puts the answer box after the title: keep the title as it is.
        out["prompt"] = {
            lang: str(q["title"]).replace(BLANK, "___").strip() for lang, q in pair.items()
        }
        if numeric:
            number = numbers["hu"] or 0.0
            out["answer"] = int(number) if number.is_integer() else number
            out["tolerance"] = tolerance_of(str(answers["en"]), "en")
        else:
            out["answers"] = {lang: [str(a).strip()] for lang, a in answers.items()}
        right = {lang: str(a).strip() for lang, a in answers.items()}
    else:
        raise fail(f"unknown ipyquiz type {kind!r}; ipyquiz has SELECT and FILL")
    out["explanation"] = {
        lang: str(q.get("hint") or "").strip()
        or (
            f"A helyes válasz: {right[lang]}."
            if lang == "hu"
            else f"The right answer: {right[lang]}."
        )
        for lang, q in pair.items()
    }
    return out


def convert(
    hu: list[dict[str, Any]],
    en: list[dict[str, Any]],
    bank: str,
    title: dict[str, str],
    sources: tuple[str, str] = ("hu", "en"),
) -> dict[str, Any]:
    """A bank (as data) from the Hungarian and English question lists of one quiz."""
    by_lang: dict[str, dict[str, tuple[int, dict[str, Any]]]] = {}
    for lang, questions, source in (("hu", hu, sources[0]), ("en", en, sources[1])):
        by_lang[lang] = {}
        for number, q in enumerate(questions, start=1):
            if "id" not in q:
                raise IpyquizError(f"{source}: question {number} has no id")
            key = bank_id(q["id"])
            if key in by_lang[lang]:
                raise IpyquizError(f"{source}: question {number}: duplicate id {q['id']!r}")
            by_lang[lang][key] = (number, q)
    only = {
        lang: sorted(set(by_lang[lang]) - set(by_lang[other]))
        for lang, other in (("hu", "en"), ("en", "hu"))
    }
    for lang, source in zip(("hu", "en"), sources):
        if only[lang]:
            raise IpyquizError(
                f"{source}: question(s) {', '.join(only[lang])} only in this file; "
                "each question needs both a Hungarian and an English version"
            )
    questions = []
    for key, (number, q_hu) in by_lang["hu"].items():
        number_en, q_en = by_lang["en"][key]
        where = {
            "hu": f"{sources[0]}: question {number} (id {q_hu['id']!r})",
            "en": f"{sources[1]}: question {number_en}",
        }
        questions.append(_question({"hu": q_hu, "en": q_en}, where))
    return {"bank": bank, "title": dict(title), "questions": questions}


def import_ipyquiz(hu_path: Path, en_path: Path, bank: str, title: dict[str, str]) -> str:
    """The bank's YAML text, already validated as a bank (``BankError`` otherwise)."""
    data = convert(
        read_ipyquiz(hu_path), read_ipyquiz(en_path), bank, title, (str(hu_path), str(en_path))
    )
    header = (
        f"# Imported from ipyquiz: {hu_path.name} (hu), {en_path.name} (en).\n"
        "# Format: quizzes/schema.json. Every text has a Hungarian (hu) and an English (en)"
        " version.\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    parse_bank(text, f"{bank}.yml (imported)")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursetools.ipyquiz_import",
        description="Turn the Hungarian and English ipyquiz files of one quiz into a course bank.",
    )
    parser.add_argument("hu", type=Path, help="the quiz in Hungarian (ipyquiz JSON, or a notebook "
                        "or .py file with QuizWidget(value=[...]))")
    parser.add_argument("en", type=Path, help="the same quiz in English (the same kinds of file)")
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="the bank to write, e.g. quizzes/ch02.yml"
    )
    parser.add_argument("--bank", help="the bank's id (default: the output file's name)")
    parser.add_argument("--title-hu", required=True, help="the bank's Hungarian title")
    parser.add_argument("--title-en", required=True, help="the bank's English title")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output file")
    args = parser.parse_args(argv)
    if args.output.exists() and not args.force:
        print(f"{args.output} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    try:
        text = import_ipyquiz(
            args.hu,
            args.en,
            args.bank or args.output.stem,
            {"hu": args.title_hu, "en": args.title_en},
        )
    except (IpyquizError, BankError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count('- id:')} questions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
