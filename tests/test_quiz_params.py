"""Parameterised questions: the course's conv_out against real frameworks, per-student
draws, bank errors, the static page's sealed variants and the live widget."""

from __future__ import annotations

import html
import json
import os
import re

import pytest

from coursetools.quizpage import accepted_responses, question_data, render_bank, static_variants
from dlcourse.cnn import conv_out
from dlcourse.quiz import BankError, load_bank, parse_bank
from dlcourse.quiz.widget import QuizWidget

# Curriculum §4.1, (n, k, s, p, d) -> out. C5 has stride and dilation both above 1.
CONV_1D = {"C1": ((200, 5, 1, 0, 1), 196), "C3": ((5, 3, 1, 1, 1), 5),
           "C4": ((100, 7, 3, 0, 1), 32), "C5": ((10, 3, 2, 1, 2), 4)}
CONV_2D = {"C7": ((28, 3, 1, 0, 1), 26), "C8": ((28, 3, 1, 1, 1), 28), "C9": ((28, 5, 1, 2, 1), 28),
           "C10": ((32, 3, 2, 1, 1), 16), "C11": ((7, 3, 2, 0, 1), 3), "C12": ((7, 3, 3, 0, 1), 2),
           "C13": ((7, 3, 3, 1, 1), 3), "C14": ((7, 3, 1, 0, 2), 3), "C15": ((7, 3, 1, 0, 3), 1),
           "C16": ((32, 3, 1, 2, 2), 32), "C17a": ((224, 11, 4, 2, 1), 55),
           "C17b": ((227, 11, 4, 0, 1), 55), "C17c": ((224, 11, 4, 0, 1), 54),
           "C19": ((224, 3, 1, 1, 1), 224), "C21": ((7, 3, 2, 1, 1), 4)}
POOL = {"C2": ((196, 2, 2, 0, 1), 98), "C18": ((55, 3, 2, 0, 1), 27),
        "C19pool": ((224, 2, 2, 0, 1), 112), "C20": ((11, 2, 2, 0, 1), 5)}
ALL_CASES = {**CONV_1D, **CONV_2D, **POOL}


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_conv_out_gives_the_curriculum_numbers(case: str) -> None:
    (n, k, s, p, d), out = ALL_CASES[case]
    assert conv_out(n, k, s, p, d) == out


def test_conv_out_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_out(7, 3, d=4)
    with pytest.raises(ValueError, match="s must be at least 1"):
        conv_out(28, 3, s=0)
    with pytest.raises(TypeError, match="n must be an int"):
        conv_out(28.0, 3)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def frameworks():  # type: ignore[no-untyped-def]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras
    import numpy as np
    import torch

    return torch, keras, np


@pytest.mark.slow
def test_conv_out_matches_torch_and_keras(frameworks) -> None:  # type: ignore[no-untyped-def]
    """The real layers are the oracle: torch pads symmetrically; Keras gets the same zero
    padding from a ZeroPadding layer in front of a 'valid' convolution."""
    torch, keras, np = frameworks
    for dims, cases in ((1, CONV_1D), (2, CONV_2D)):
        conv_t = torch.nn.Conv1d if dims == 1 else torch.nn.Conv2d
        conv_k = keras.layers.Conv1D if dims == 1 else keras.layers.Conv2D
        pad_k = keras.layers.ZeroPadding1D if dims == 1 else keras.layers.ZeroPadding2D
        for case, ((n, k, s, p, d), _) in cases.items():
            expected = conv_out(n, k, s, p, d)
            x = torch.zeros((1, 1) + (n,) * dims)
            got = conv_t(1, 1, k, stride=s, padding=p, dilation=d)(x).shape[2:]
            assert tuple(got) == (expected,) * dims, (case, "torch")
            if s > 1 and d > 1:
                # Keras refuses stride and dilation together; torch (above) covers it.
                with pytest.raises(ValueError, match="dilation_rate"):
                    conv_k(1, k, strides=s, dilation_rate=d)
                continue
            layer = conv_k(1, k, strides=s, dilation_rate=d, padding="valid")
            xk = pad_k(p)(np.zeros((1,) + (n,) * dims + (1,), "float32"))
            assert tuple(layer(xk).shape[1:-1]) == (expected,) * dims, (case, "keras")
    for (n, k, s, p, d), _ in POOL.values():
        x = torch.zeros((1, 1, n, n))
        assert torch.nn.MaxPool2d(k, stride=s, padding=p)(x).shape[2:] == (conv_out(n, k, s, p, d),) * 2
        xk = np.zeros((1, n, n, 1), "float32")
        assert keras.layers.MaxPooling2D(k, strides=s)(xk).shape[1:3] == (conv_out(n, k, s),) * 2


@pytest.mark.slow
def test_causal_and_same_padding_in_conv_out_terms(frameworks) -> None:  # type: ignore[no-untyped-def]
    """C6: a causal conv pads d(k-1) on the left only; C21: Keras 'same' gives ceil(n/s)."""
    _, keras, np = frameworks
    causal = keras.layers.Conv1D(1, 2, dilation_rate=512, padding="causal")(np.zeros((1, 16000, 1), "float32"))
    assert causal.shape[1] == conv_out(16000 + 512, 2, d=512) == 16000
    same = keras.layers.Conv2D(1, 3, strides=2, padding="same")(np.zeros((1, 7, 7, 1), "float32"))
    assert same.shape[1] == conv_out(7, 3, s=2, p=1) == 4


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
    assert set(data) == {"id", "type", "variants", "decimals"}
    assert len(data["variants"]) == len(static_variants(q)) == 12
    for variant in data["variants"]:
        assert set(variant) == {"params", "prompt", "hint", "salt", "accept", "sealed"}
        answer = int(q.answer(variant["params"]))
        # The page's grid holds exactly what Question.check accepts (to the grid step).
        grid = {int(k) for k in accepted_responses(q, lang, variant["params"])}
        for tenth in range(10 * answer - 20, 10 * answer + 21):
            assert (tenth in grid) == q.check(tenth / 10, lang, variant["params"])
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
