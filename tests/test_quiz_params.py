"""Parameterised questions: per-student draws (their answers by the course's conv_out,
which tests/test_cnn_arithmetic.py checks against real frameworks), bank errors, the
static page's sealed variants and the live widget."""

from __future__ import annotations

import html
import json
import re

import pytest

from coursetools.quizpage import (
    accepted_responses,
    grid_index,
    question_data,
    render_bank,
    static_variants,
)
from dlcourse.cnn import conv_out
from dlcourse.quiz import BankError, load_bank, parse_bank
from dlcourse.quiz.widget import QuizWidget


def drawn() -> object:
    return {q.id: q for q in load_bank("ch03")}["conv-out-drawn"]


def test_variants_are_fixed_per_student_and_valid() -> None:
    q = drawn()
    assert q.variant("ABC123") == q.variant(" abc123 ") == load_bank("ch03").questions[-1].variant("ABC123")
    variants = [q.variant(f"student{i}") for i in range(200)]
    assert len({json.dumps(v, sort_keys=True) for v in variants}) > 100
    for v in variants:
        answer = q.answer(v)
        assert answer == conv_out(**v) >= 1
        assert q.check(answer, "hu", v) and q.check(str(int(answer)) + ",0", "hu", v)
        assert not q.check(answer + 1, "en", v)
        prompt = q.text("prompt", "en", v)
        assert "{{" not in prompt and f"{v['n']} wide" in prompt
        assert q.text("explanation", "en", v).endswith(f"= {int(answer)}$")
    with pytest.raises(ValueError, match="needs its params"):
        q.check(26, "en")


BASE = """\
bank: demo
title: {hu: Próba, en: Demo}
questions:
  - id: drawn
    type: parametric
    formula: conv_out
    params:
      n: {min: 8, max: 32}
      k: [3, 5]
    tolerance: 0.5
    prompt: {hu: "n = {{n}}, k = {{k}}?", en: "n = {{n}}, k = {{k}}?"}
    explanation: {hu: "Ennyi: {{answer}}.", en: "It is {{answer}}."}
"""


@pytest.mark.parametrize("text,line,message", [
    (BASE.replace("formula: conv_out", "formula: conv_size"), 6, "unknown formula 'conv_size'"),
    (BASE.replace("      k: [3, 5]\n", "      k: [3, 5]\n      q: [1]\n"), 10, "takes no parameter 'q'"),
    (BASE.replace("      k: [3, 5]\n", ""), 7, "needs the parameter(s) k"),
    (BASE.replace('en: "n = {{n}}, k', 'en: "n = {{m}}, k'), 11, "unknown placeholder {{m}}"),
    (BASE.replace('en: "n = {{n}}, k', 'en: "{{answer}}, k'), 11, "unknown placeholder {{answer}}"),
    (BASE.replace("{min: 8, max: 32}", "{min: 1, max: 2}"), 7, "rejects every drawn variant"),
    (BASE.replace("{min: 8, max: 32}", "{min: 32, max: 8}"), 8, "min > max"),
    (BASE.replace("{min: 8, max: 32}", "{min: 8}"), 8, "'max' is a required property"),
    (BASE.replace("    tolerance: 0.5\n", ""), 4, "'tolerance' is a required property"),
])
def test_malformed_parametric_question_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(BankError) as err:
        parse_bank(text, "quizzes/demo.yml")
    assert str(err.value).startswith(f"quizzes/demo.yml:{line}: "), str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_static_page_carries_sealed_variants_and_no_answer(lang: str) -> None:
    q = drawn()
    data = question_data(q, lang)
    assert set(data) == {"id", "type", "variants", "decimals", "exact"}  # an integer answer, exactly
    assert len(data["variants"]) == len(static_variants(q)) == 12
    for variant in data["variants"]:
        assert set(variant) == {"params", "prompt", "hint", "salt", "accept", "sealed"}
        answer = int(q.answer(variant["params"]))
        # The page accepts exactly what Question.check accepts: a number on the grid
        # (quiz.js refuses one off it, as the answer is exact) whose grid point is accepted.
        grid = {int(k) for k in accepted_responses(q, lang, variant["params"])}
        for tenth in range(10 * answer - 20, 10 * answer + 21):
            point = grid_index(tenth / 10, data["decimals"])
            on_grid = abs(tenth / 10 * 10 ** data["decimals"] - point) < 1e-6
            assert (point in grid and on_grid) == q.check(tenth / 10, lang, variant["params"])
        assert f"= {answer}" not in variant["prompt"] + variant["hint"]
    page = html.unescape(render_bank(load_bank("ch03"), lang))
    assert "\\rfloor + 1 =" not in page
    for form in re.findall(r"<form .*?</form>", page):
        assert not re.search(r"correct[\"'=:]|answer[\"'=:]", form)


def test_widget_draws_the_students_numbers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    quiz = QuizWidget(load_bank("ch03"), "hu", student="ABC123")
    widget = quiz.questions[-1]
    params = drawn().variant("ABC123")
    assert widget.params == params and f"bemenete {params['n']} széles" in widget.children[0].value
    widget.input.value = str(conv_out(**params) + 1)
    widget.button.click()
    assert "próbáld újra" in widget.feedback.value
    widget.input.value = str(conv_out(**params))
    widget.button.click()
    assert widget.answered_right and f"= {conv_out(**params)}" in widget.feedback.value
    other = QuizWidget(load_bank("ch03"), "en", student="abc123 ").questions[-1]
    assert other.params == params
