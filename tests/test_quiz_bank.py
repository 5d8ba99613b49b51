"""Question banks: schema, both languages, clear errors, checking, static and live quizzes."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursetools.quizpage import ASSET_DIR, accepted_responses, render_bank
from dlcourse.quiz import BankError, load_bank, parse_bank
from dlcourse.quiz.bank import bank_dir, parse_number
from dlcourse.quiz.widget import QuizWidget

BANKS = sorted(p.stem for p in bank_dir().glob("*.yml"))
GOOD = """\
bank: demo
title: {hu: Próba, en: Demo}
questions:
  - id: q1
    type: single
    prompt: {hu: "Melyik?", en: "Which?"}
    options:
      - text: {hu: egy, en: one}
      - text: {hu: kettő, en: two}
        correct: true
    explanation: {hu: Mert., en: Because.}
"""


def test_there_is_a_bank_for_chapter_1() -> None:
    assert "ch01" in BANKS


@pytest.mark.parametrize("name", BANKS)
def test_bank_validates_and_every_text_has_both_languages(name: str) -> None:
    bank = load_bank(name)
    assert bank.id == name and len(bank.questions) >= 5
    for q in bank:
        for key in ("prompt", "explanation"):
            assert q.text(key, "hu").strip() and q.text(key, "en").strip()
        for lang in ("hu", "en"):
            assert all(o.strip() for o in q.options(lang))
        assert accepted_responses(q, "hu") and accepted_responses(q, "en")


@pytest.mark.parametrize("text,line,message", [
    (GOOD.replace("title: {hu: Próba, en: Demo}", "title: {hu: Próba"), 3, "not valid YAML"),
    (GOOD.replace("{hu: Mert., en: Because.}", "{hu: Mert.}"), 11, "'en' is a required property"),
    (GOOD.replace("type: single", "type: essay"), 5, "'essay' is not one of"),
    (GOOD.replace("        correct: true\n", ""), 4, "exactly 1 correct option, not 0"),
    (GOOD.replace("      - text: {hu: egy, en: one}\n", "      - text: {hu: egy, en: one}\n        correct: true\n"),
     4, "exactly 1 correct option, not 2"),
    (GOOD + GOOD.split("questions:\n")[1], 12, "duplicate id 'q1'"),
    (GOOD.split("    options:")[0].replace("type: single", "type: numeric")
     + "    tolerance: 1\n    explanation: {hu: Mert., en: Because.}\n", 4, "'answer' is a required property"),
    (GOOD.replace("prompt: {hu: \"Melyik?\"", "prompt: {hu: \"\""), 6, "should be non-empty"),
    ("", 1, "the file is empty"),
])
def test_malformed_bank_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(BankError) as err:
        parse_bank(text, "quizzes/broken.yml")
    assert str(err.value).startswith(f"quizzes/broken.yml:{line}: ")
    assert message in str(err.value)


def test_malformed_bank_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "ch99.yml"
    path.write_text(GOOD.replace("type: single", "typ: single"))
    with pytest.raises(BankError, match=rf"^{re.escape(str(path))}:4: "):
        load_bank(path)


def test_build_rejects_a_malformed_bank_naming_file_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The build validates every bank with the schema, so show() may trust the bundled ones."""
    from coursetools import build

    path = tmp_path / "quizzes" / "ch99.yml"
    path.parent.mkdir()
    path.write_text(GOOD.replace("{hu: Mert., en: Because.}", "{hu: Mert.}"), encoding="utf-8")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "BOOK", tmp_path / "book")

    class NoChapters:  # the chapter manifest and the labs are other tests' business
        def assignments(self) -> list[str]:
            return []

    monkeypatch.setattr(build.manifest, "load", lambda *args: NoChapters())
    monkeypatch.setattr(build.manifest, "problems", lambda course: [])

    def no_release() -> None:
        raise AssertionError("the build went past the bank check")

    monkeypatch.setattr(build.release, "release", no_release)
    assert build.main([]) == 1
    assert capsys.readouterr().err == f"error: {path}:11: 'en' is a required property (questions[0].explanation)\n"


def test_show_skips_validation_only_for_the_bundled_banks(tmp_path: Path) -> None:
    """A student's show() of a bundled bank never imports jsonschema (seconds); a bank file
    of one's own is still validated, naming the file and line."""
    own = tmp_path / "mine.yml"
    own.write_text(GOOD.replace("type: single", "type: essay"), encoding="utf-8")
    code = ("import sys, dlcourse.quiz as quiz; quiz.show('ch01', 'en'); "
            "print('jsonschema' in sys.modules)\n"
            "try:\n    quiz.show(sys.argv[1], 'en')\n"
            "except quiz.BankError as err:\n    print(err)")
    out = subprocess.run([sys.executable, "-c", code, str(own)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "False"
    assert out[1].startswith(f"{own}:5: 'essay' is not one of")


def test_unvalidated_load_gives_the_same_bank() -> None:
    for name in BANKS:
        assert load_bank(name, validate=False) == load_bank(name)


def test_checking_answers() -> None:
    bank = {q.id: q for q in load_bank("ch01")}
    assert bank["differentiable-activation"].check(2) and not bank["differentiable-activation"].check(0)
    speed = bank["rapids-speedup"]
    for right in (1881.6, "1881,6", " 1 881,6 ", "1882", 1880.7):
        assert speed.check(right), right
    for wrong in (1880.4, "1883", "abc", ""):
        assert not speed.check(wrong), wrong
    learnable = bank["perceptron-learnable"]
    assert learnable.check([0, 1, 3]) and learnable.check({3, 1, 0})
    assert not learnable.check([0, 1]) and not learnable.check([0, 1, 2, 3])


def test_numeric_answers_agree_with_check() -> None:
    """The static page's grid accepts what Question.check accepts, to its grid step."""
    speed = {q.id: q for q in load_bank("ch01")}["rapids-speedup"]
    grid = {int(k) for k in accepted_responses(speed, "en")}
    for tenth in range(18780, 18850):
        assert (tenth in grid) == speed.check(tenth / 10), tenth / 10


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_static_quiz_holds_no_answer_key(lang: str) -> None:
    bank = load_bank("ch01")
    page = render_bank(bank, lang)
    forms = re.findall(r"<form .*?</form>", page)
    assert len(forms) == len(bank.questions)
    for q, form in zip(bank, forms):
        assert not re.search(r"correct[\"'=:]|answer[\"'=:]", form, re.IGNORECASE), q.id
        explanation = q.text("explanation", lang)
        assert explanation[:25] not in html.unescape(page), q.id
        data = json.loads(re.search(r'<script type="application/json" class="dlq-data">(.*?)</script>', form).group(1))
        assert set(data) <= {"id", "type", "salt", "accept", "sealed", "decimals"}
    assert "1881.6" not in page and "1881,6" not in page


@pytest.mark.parametrize("lang,correct,wrong", [("hu", "Helyes!", "próbáld újra"), ("en", "Correct!", "try again")])
def test_live_widget_checks_and_explains(lang: str, correct: str, wrong: str) -> None:
    quiz = QuizWidget(load_bank("ch01"), lang)
    first, speed, _, learnable, _ = quiz.questions
    first.input.value = 0
    first.button.click()
    assert wrong in first.feedback.value and not first.answered_right
    first.input.value = 2
    first.button.click()
    assert correct in first.feedback.value and first.answered_right
    assert first.question.text("explanation", lang)[:20] in first.feedback.value
    speed.input.value = "1881,6" if lang == "hu" else "1881.6"
    speed.button.click()
    assert speed.answered_right
    for index in (0, 1, 3):
        learnable.input.children[1 + index].value = True
    learnable.button.click()
    assert learnable.answered_right
    assert quiz.score() == (3, 5)


def test_widget_rejects_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="lang must be"):
        QuizWidget(load_bank("ch01"), "de")


# Typed numbers, as each language writes them; the static page (quiz.js) reads them alike.
NUMBER_CASES = [
    # (text, lang, value): in English a comma before exactly three digits groups thousands
    ("100,480", "en", 100480.0), ("1,881.6", "en", 1881.6), ("12,345,678", "en", 12345678.0),
    ("100480", "en", 100480.0), ("100 480", "en", 100480.0), ("1881.6", "en", 1881.6),
    ("1881,6", "en", 1881.6), ("2,5", "en", 2.5), ("0,125", "en", 0.125), ("-1,000", "en", -1000.0),
    # in Hungarian the comma is the decimal mark, and a space groups thousands
    ("100,480", "hu", 100.48), ("100 480", "hu", 100480.0), ("100\u00a0480", "hu", 100480.0),
    ("1 881,6", "hu", 1881.6), ("1881,6", "hu", 1881.6), ("1881.6", "hu", 1881.6),
    ("-0,5", "hu", -0.5), (" 26\u202f000 ", "hu", 26000.0), ("1e3", "hu", 1000.0),
    # not numbers
    ("1,881.6", "hu", None), ("1,2,3", "en", None), ("12,34.5", "en", None), ("1.2.3", "en", None),
    ("1_000", "en", None), ("inf", "en", None), ("nan", "hu", None), ("abc", "en", None),
    ("", "en", None), (",", "hu", None), ("١٢", "en", None), ("1e999", "en", None),
]


@pytest.mark.parametrize("text,lang,value", NUMBER_CASES)
def test_parse_number_reads_each_language(text: str, lang: str, value: float | None) -> None:
    assert parse_number(text, lang) == value


def test_chapter_2_parameter_counts_with_thousands_separators() -> None:
    """The bug this guards: an English "100,480" read as 100.48."""
    q = {q.id: q for q in load_bank("ch02")}["dense-params"]
    for right in ("100,480", "100480", "100 480"):
        assert q.check(right, "en"), right
    for right in ("100 480", "100\u00a0480", "100480"):
        assert q.check(right, "hu"), right
    assert not q.check("100,480", "hu") and not q.check("100,48", "en")
    assert "digits only" not in q.text("prompt", "en") and "számjegyeket" not in q.text("prompt", "hu")


def test_quiz_js_parses_numbers_as_python_does(tmp_path: Path) -> None:
    """quiz.js's reading of a typed number, run in Node (the browser test drives the page)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js here; tests/test_quiz_static_browser.py checks it in Chromium")
    script = tmp_path / "numbers.js"
    script.write_text(
        "global.window = {}; global.document = {readyState: 'complete', querySelectorAll: () => []};\n"
        f"require({json.dumps(str(ASSET_DIR / 'quiz.js'))});\n"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(cases.map(([text, lang]) => window.dlqParseNumber(text, lang))));\n",
        encoding="utf-8")
    cases = [[text, lang] for text, lang, _ in NUMBER_CASES]
    result = subprocess.run([node, str(script)], input=json.dumps(cases), capture_output=True,
                            text=True, check=True)
    assert json.loads(result.stdout) == [value for _, _, value in NUMBER_CASES]
