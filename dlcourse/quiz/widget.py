"""The live quiz: ipywidgets in JupyterLab, Notebook 7, VS Code and Colab.

It checks answers with the same :meth:`Question.check` as the tests, and, like the
static page, shows the explanation once the answer is right. A parametric question draws
its numbers from ``student`` (say, a Neptun code): the same student always gets the same
numbers, here and in a class session; without one, each quiz draws fresh numbers.
"""

from __future__ import annotations

import secrets
from typing import Any

import ipywidgets as widgets

from ..text import LANGS
from .bank import Bank, Question, parse_number
from .messages import message
from .render import render_inline


class QuestionWidget(widgets.VBox):  # type: ignore[misc]
    """One question with its inputs, a check button and the feedback line."""

    def __init__(self, question: Question, lang: str, number: int, student: str = "") -> None:
        self.question, self.lang = question, lang
        self.params = (question.variant(student.strip() or secrets.token_hex(8))
                       if question.type == "parametric" else None)
        prompt = widgets.HTMLMath(
            f"<b>{number}.</b> {render_inline(question.text('prompt', lang, self.params))}"
        )
        self.input = self._make_input()
        self.button = widgets.Button(description=message("check", lang), button_style="primary")
        self.feedback = widgets.HTMLMath("")
        self.answered_right = False
        self.button.on_click(lambda _: self.check())
        super().__init__([prompt, self.input, self.button, self.feedback])
        self.layout.margin = "0 0 1em 0"

    def _make_input(self) -> widgets.Widget:
        q, lang = self.question, self.lang
        # Option labels are plain text: RadioButtons and Checkbox cannot render HTML.
        if q.type == "single":
            choices = [(text, index) for index, text in enumerate(q.options(lang))]
            return widgets.RadioButtons(options=choices, value=None,
                                        layout={"width": "max-content"})
        if q.type == "multiple":
            boxes = [widgets.Checkbox(False, description=text, indent=False) for text in q.options(lang)]
            return widgets.VBox([widgets.HTML(message("pick_all", lang)), *boxes])
        key = "number_placeholder" if q.type in ("numeric", "parametric") else "text_placeholder"
        return widgets.Text(placeholder=message(key, lang))

    def response(self) -> Any:
        """What the student chose or typed, in the form ``Question.check`` takes."""
        q = self.question
        if q.type == "single":
            return self.input.value
        if q.type == "multiple":
            return [i for i, box in enumerate(self.input.children[1:]) if box.value]
        return self.input.value

    def check(self) -> bool:
        q, lang, response = self.question, self.lang, self.response()
        if response is None or response == [] or response == "":
            self.feedback.value = message("no_answer", lang)
            return False
        if q.type in ("numeric", "parametric") and parse_number(response, lang) is None:
            self.feedback.value = message("not_a_number", lang)
            return False
        self.answered_right = q.check(response, lang, self.params)
        if self.answered_right:
            explanation = render_inline(q.text("explanation", lang, self.params))
            self.feedback.value = (
                f"<span style='color:#2e7d32'><b>{message('correct', lang)}</b></span> {explanation}"
            )
        else:
            hint = q.text("hint", lang, self.params)
            extra = f" <b>{message('hint', lang)}</b> {render_inline(hint)}" if hint else ""
            self.feedback.value = f"<span style='color:#c62828'>{message('wrong', lang)}</span>{extra}"
        return self.answered_right


class QuizWidget(widgets.VBox):  # type: ignore[misc]
    """A whole bank; ``score()`` counts the questions answered right so far."""

    def __init__(self, bank: Bank, lang: str, student: str = "") -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be 'hu' or 'en', not {lang!r}")
        self.bank = bank
        self.questions = [QuestionWidget(q, lang, i, student) for i, q in enumerate(bank, start=1)]
        title = widgets.HTML(f"<h3>{bank.title[lang]}</h3>")
        super().__init__([title, *self.questions])

    def score(self) -> tuple[int, int]:
        return sum(q.answered_right for q in self.questions), len(self.questions)
