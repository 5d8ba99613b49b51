"""Question banks: schema, both languages, clear errors, checking, static and live quizzes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from dlcourse.quiz import BankError, load_bank, parse_bank
from dlcourse.quiz.bank import bank_dir
from dlcourse.quiz.static import accepted_responses, render_bank
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
