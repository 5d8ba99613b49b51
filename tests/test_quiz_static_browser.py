"""A static quiz page in a real browser (Debian's Chromium, headless, via Playwright),
with no kernel and no network: the page that the book's ``quiz`` directive renders,
served from a folder on 127.0.0.1. Its parametric question shows one of the variants
that Python drew and sealed; the right answer is what the course's conv_out computes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coursetools.quizpage import ASSET_DIR, ASSETS, render_bank
from dlcourse.cnn import conv_out
from dlcourse.quiz import load_bank, parse_bank

from .test_browser import Page, browser, server  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")


def write_page(path: Path, lang: str, body: str) -> None:
    path.write_text(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
                    f'<link rel="stylesheet" href="quiz.css"><script src="quiz.js" defer></script></head>'
                    f"<body>{body}</body></html>", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page per language, as a book page carries the quiz: the fragment plus quiz.js/css."""
    root = tmp_path_factory.mktemp("static-quiz")
    for asset in ASSETS:
        shutil.copy(ASSET_DIR / asset, root / asset)
    for (name, bank), lang in [(pair, lang) for pair in (("", "ch03"), ("ch02-", "ch02")) for lang in ("hu", "en")]:
        body = render_bank(load_bank(bank), lang)
        write_page(root / f"{name}{lang}.html", lang, body)
    exact = parse_bank(EXACT_BANK, "tests/exact.yml")
    for lang in ("hu", "en"):
        write_page(root / f"exact-{lang}.html", lang, render_bank(exact, lang))
    return root


EXACT_BANK = """\
bank: exact
title: {hu: Pontos válaszok, en: Exact answers}
questions:
  - id: half
    type: numeric
    prompt: {hu: "Mennyi 5/2?", en: "What is 5/2?"}
    answer: 2.5
    tolerance: 0
    explanation: {hu: "Kettő és fél.", en: "Two and a half."}
  - id: drawn
    type: parametric
    formula: conv_out
    params:
      n: {min: 8, max: 32}
      k: [3, 5]
    tolerance: 0
    prompt: {hu: "n = {{n}}, k = {{k}}?", en: "n = {{n}}, k = {{k}}?"}
    explanation: {hu: "Ennyi: {{answer}}.", en: "It is {{answer}}."}
"""


@pytest.mark.parametrize("lang,right", [("hu", "Helyes!"), ("en", "Correct!")])
def test_exact_answers_take_no_slack(browser, server: str, lang: str, right: str) -> None:  # type: ignore[no-untyped-def]
    """Tolerance 0: only the answer itself is right, in the page as in Python."""
    tab = Page(browser, server)
    tab.page.goto(f"{server}/exact-{lang}.html")
    comma = (lambda text: text.replace(".", ",")) if lang == "hu" else (lambda text: text)
    half = {q.id: q for q in parse_bank(EXACT_BANK, "tests/exact.yml")}["half"]
    for typed, ok in (("2.5", True), ("2.50", True), ("2.6", False), ("2.4", False), ("2.51", False), ("3", False)):
        assert tab.answer("half", text=comma(typed)).startswith(right) == ok == half.check(comma(typed), lang), typed
    answer = conv_out(**shown_params(tab, "drawn"))
    for typed, ok in ((f"{answer}", True), (f"{answer}.0", True), (f"{answer}.4", False), (f"{answer + 1}", False)):
        assert tab.answer("drawn", text=comma(typed)).startswith(right) == ok, typed


def shown_params(tab: Page, qid: str) -> dict[str, int]:
    return dict(json.loads(tab.page.locator(f'form[data-qid="{qid}"]').get_attribute("data-params")))


@pytest.mark.parametrize("lang,right,wrong", [("hu", "Helyes!", "próbáld újra"), ("en", "Correct!", "try again")])
def test_parametric_question_checks_against_conv_out(browser, server: str, lang: str, right: str,  # type: ignore[no-untyped-def]
                                                     wrong: str) -> None:
    tab = Page(browser, server)
    tab.page.goto(f"{server}/{lang}.html")
    form = tab.page.locator('form[data-qid="conv-out-drawn"]')
    seen = []
    for _ in range(3):
        params = shown_params(tab, "conv-out-drawn")
        seen.append(params)
        prompt = form.locator(".dlq-prompt-text").inner_text()
        assert f" {params['n']} " in prompt and f" {params['k']}" in prompt and "{{" not in prompt
        answer = conv_out(**params)  # Python's helper is the oracle for the page
        assert wrong in tab.answer("conv-out-drawn", text=str(answer + 1))
        feedback = tab.answer("conv-out-drawn", text=str(answer) if lang == "en" else f"{answer},0")
        assert feedback.startswith(right) and f"= {answer}" in feedback
        form.locator("button.dlq-new").click()
        assert form.locator(".dlq-feedback").inner_text() == ""
    assert len({json.dumps(p, sort_keys=True) for p in seen}) == 3
    # A reader keeps their numbers: the page remembers the variant.
    kept = shown_params(tab, "conv-out-drawn")
    tab.page.reload()
    assert shown_params(tab, "conv-out-drawn") == kept
    # The other kinds still work beside it.
    assert tab.answer("conv-out-no-padding", choose=[1]).startswith(right)
    assert tab.answer("receptive-field", text="15").startswith(right)
    assert tab.errors == [] and tab.outside == []


def test_page_source_holds_no_answer(browser, server: str, site: Path) -> None:  # type: ignore[no-untyped-def]
    """What the browser received: no explanation and no computed answer in the clear."""
    tab = Page(browser, server)
    response = tab.page.goto(f"{server}/en.html")
    source = response.text() + (site / "quiz.js").read_text()
    bank = load_bank("ch03")
    for q in bank:
        assert q.text("explanation", "en")[:25] not in source
    assert "rfloor + 1 =" not in source


@pytest.mark.parametrize("lang,right,typed,not_right", [
    ("en", "Correct!", ["100,480", "100480", "100 480"], ["100,48", "100.480"]),
    ("hu", "Helyes!", ["100 480", "100\u00a0480", "100480"], ["100,480", "100.480"]),
])
def test_numbers_are_read_as_the_language_writes_them(browser, server: str, lang: str, right: str,  # type: ignore[no-untyped-def]
                                                      typed: list[str], not_right: list[str]) -> None:
    """What parse_number accepts, the page accepts: an English "100,480" is 100480."""
    from dlcourse.quiz.bank import parse_number

    from .test_quiz_bank import NUMBER_CASES

    tab = Page(browser, server)
    tab.page.goto(f"{server}/ch02-{lang}.html")
    for text in typed:
        assert tab.answer("dense-params", text=text).startswith(right), text
    for text in not_right:
        assert not tab.answer("dense-params", text=text).startswith(right), text
    cases = [[text, case_lang] for text, case_lang, _ in NUMBER_CASES]
    read = tab.page.evaluate("cases => cases.map(([text, lang]) => window.dlqParseNumber(text, lang))", cases)
    assert read == [parse_number(text, case_lang) for text, case_lang in cases]
    assert tab.errors == [] and tab.outside == []
