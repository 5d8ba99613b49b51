"""A question bank as a static HTML quiz that checks answers with no kernel and no network.

Used only by the book build (the ``quiz`` directive, :mod:`coursetools.sphinxext.quiz`),
so it lives here and not in the student package ``dlcourse``; the browser side is
``assets/quiz.js`` and ``assets/quiz.css`` (:data:`ASSET_DIR`).

The page must not give the answers away, so it holds no answer key in the clear:
- each accepted response is stored only as a salted SHA-256 hash;
- the explanation (which would reveal the answer) is encrypted with a key derived from
  the correct response, and each accepted response unwraps that key.
The browser (``assets/quiz.js``) hashes what the student chose or typed, and on a match
unwraps the key and decrypts the explanation. Numeric answers are accepted on a grid
fine enough for the question's tolerance: every grid point inside the tolerance is one
accepted response, the student's number is rounded to that grid.

A parametric question (numbers drawn per student) cannot be hashed for a variant the page
does not know, so the page carries a fixed set of variants (:data:`STATIC_VARIANTS`), each
drawn, computed and sealed here in Python like a numeric question; the browser shows one
(remembered per reader) and a "New numbers" button moves to the next. No formula is
ported to JavaScript and no answer is in the page.

>>> from dlcourse.quiz.bank import load_bank
>>> page = render_bank(load_bank("ch01"), "en")
>>> page.startswith('<div class="dlq-quiz"')
True
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dlcourse.quiz.bank import Bank, Question, normalize_text
from dlcourse.quiz.messages import message
from dlcourse.quiz.render import render_inline

ASSET_DIR = Path(__file__).resolve().parent / "assets"
ASSETS = ("quiz.js", "quiz.css")  # in ASSET_DIR; a page with a quiz loads both
STATIC_VARIANTS = 12  # variants of a parametric question on a static page
MAX_EXACT_DECIMALS = 6  # of an exact answer (tolerance 0) on the answer grid


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def numeric_decimals(tolerance: float, answers: Iterable[float] = ()) -> int:
    """Decimals of the answer grid: at least about ten grid points per tolerance. An exact
    answer (tolerance 0) gets as many decimals as its answers have, up to six.

    >>> numeric_decimals(1), numeric_decimals(0.5), numeric_decimals(50)
    (1, 1, 0)
    >>> numeric_decimals(0, [26]), numeric_decimals(0, [26, 2.5, 0.125])
    (0, 3)
    """
    if tolerance > 0:
        return max(0, math.ceil(math.log10(5 / tolerance) - 1e-12))
    return max((_decimals_of(a) for a in answers), default=0)


def _decimals_of(value: float) -> int:
    return next((d for d in range(MAX_EXACT_DECIMALS) if abs(round(value, d) - value) < 1e-9),
                MAX_EXACT_DECIMALS)


def question_decimals(q: Question) -> int:
    """The grid of a numeric or parametric question: one for all its static variants."""
    variants = static_variants(q) if q.type == "parametric" else [None]
    return numeric_decimals(q.data["tolerance"], [q.answer(params) for params in variants])


def grid_index(value: float, decimals: int) -> int:
    """The grid point of ``value``; quiz.js computes the same with ``Math.floor``.

    >>> grid_index(1881.6, 1), grid_index(1880.6, 1)
    (18816, 18806)
    """
    return math.floor(value * 10**decimals + 0.5)


def static_variants(q: Question) -> list[dict[str, float]]:
    """The distinct variants a static page carries for a parametric question.

    >>> from dlcourse.quiz.bank import load_bank
    >>> q = {q.id: q for q in load_bank("ch03")}["conv-out-drawn"]
    >>> variants = static_variants(q)
    >>> len(variants), variants == static_variants(q), sorted(variants[0])
    (12, True, ['d', 'k', 'n', 'p', 's'])
    """
    found: list[dict[str, float]] = []
    for i in range(4 * STATIC_VARIANTS):
        params = q.variant(f"page-{i}")
        if params not in found:
            found.append(params)
        if len(found) == STATIC_VARIANTS:
            break
    return found


def accepted_responses(q: Question, lang: str, params: dict[str, float] | None = None) -> list[str]:
    """Every response that counts as right, in the canonical form quiz.js produces.

    The first one is the canonical right answer, from which the key is derived. A
    parametric question without ``params`` uses the page's first variant.
    """
    if q.type in ("single", "multiple"):
        return [",".join(str(i) for i in q.correct_options())]
    if q.type in ("numeric", "parametric"):
        if q.type == "parametric" and params is None:
            params = static_variants(q)[0]
        d = question_decimals(q)
        answer, tol, eps = q.answer(params), q.data["tolerance"], 1e-9
        low = math.ceil((answer - tol) * 10**d - eps)
        high = math.floor((answer + tol) * 10**d + eps)
        best = grid_index(answer, d)
        return [str(best)] + [str(k) for k in range(low, high + 1) if k != best]
    answers = [normalize_text(a) for a in q.data["answers"][lang]]
    return list(dict.fromkeys(answers))


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, key))


def _keystream(key: bytes, length: int) -> bytes:
    blocks = (hashlib.sha256(key + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _sealed(q: Question, lang: str, salt: str, params: dict[str, float] | None) -> dict[str, Any]:
    """The hashes of the accepted responses and the explanation sealed with the key."""
    responses = accepted_responses(q, lang, params)
    key = _sha(f"key|{salt}|{responses[0]}")
    entries = [
        [_sha(f"h|{salt}|{r}").hex()[:32], _xor(key, _sha(f"w|{salt}|{r}")).hex()]
        for r in responses
    ]
    explanation = render_inline(q.text("explanation", lang, params)).encode("utf-8")
    return {
        "salt": salt,
        "accept": entries,
        "sealed": _xor(explanation, _keystream(key, len(explanation))).hex(),
    }


def _salt(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def question_data(q: Question, lang: str) -> dict[str, Any]:
    """What quiz.js needs to check one question: hashes and the sealed explanation."""
    data: dict[str, Any] = {"id": q.id, "type": q.type}
    if q.type != "parametric":
        data.update(_sealed(q, lang, _salt(f"{q.bank}/{q.id}"), None))
    else:
        data["variants"] = [
            {
                "params": params,
                "prompt": render_inline(q.text("prompt", lang, params)),
                "hint": render_inline(q.text("hint", lang, params)),
                **_sealed(q, lang, _salt(f"{q.bank}/{q.id}/{index}"), params),
            }
            for index, params in enumerate(static_variants(q))
        ]
    if q.type in ("numeric", "parametric"):
        data["decimals"] = question_decimals(q)
        if q.data["tolerance"] == 0:
            data["exact"] = True
    return data


def _inputs(q: Question, lang: str) -> str:
    name = html.escape(f"{q.bank}-{q.id}")
    if q.type in ("single", "multiple"):
        kind = "radio" if q.type == "single" else "checkbox"
        rows = [
            f'<label class="dlq-option"><input type="{kind}" name="{name}" value="{i}"> '
            f"{render_inline(text)}</label>"
            for i, text in enumerate(q.options(lang))
        ]
        note = f'<p class="dlq-note">{message("pick_all", lang)}</p>' if kind == "checkbox" else ""
        return note + '<div class="dlq-options">' + "".join(rows) + "</div>"
    number = q.type in ("numeric", "parametric")
    placeholder = message("number_placeholder" if number else "text_placeholder", lang)
    mode = ' inputmode="decimal"' if number else ""
    unit = q.data.get("unit", "")
    unit_html = f' <span class="dlq-unit">{html.escape(unit)}</span>' if unit else ""
    return (
        f'<input class="dlq-input" type="text" name="{name}"{mode} '
        f'placeholder="{html.escape(placeholder)}" aria-label="{html.escape(placeholder)}">'
        + unit_html
    )


def render_question(q: Question, lang: str, number: int) -> str:
    data = question_data(q, lang)
    # A parametric question shows its first variant until quiz.js picks the reader's.
    first = data["variants"][0] if q.type == "parametric" else None
    prompt = first["prompt"] if first else render_inline(q.text("prompt", lang))
    hint = first["hint"] if first else render_inline(q.text("hint", lang))
    hint_html = (
        f'<p class="dlq-hint" hidden><strong>{message("hint", lang)}</strong> '
        f'<span class="dlq-hint-text">{hint}</span></p>'
        if hint
        else ""
    )
    new_numbers = (
        f'<button type="button" class="dlq-new">{message("new_numbers", lang)}</button>'
        if first else ""
    )
    payload = json.dumps(data, separators=(",", ":"))
    return (
        f'<form class="dlq-question" data-qid="{html.escape(q.id)}" data-type="{q.type}">'
        f'<script type="application/json" class="dlq-data">{payload}</script>'
        f'<p class="dlq-prompt"><span class="dlq-number">{number}.</span> '
        f'<span class="dlq-prompt-text">{prompt}</span></p>'
        f"{_inputs(q, lang)}"
        f'<button type="submit" class="dlq-check">{message("check", lang)}</button>'
        f"{new_numbers}"
        f'<div class="dlq-feedback" role="status" aria-live="polite"></div>'
        f"{hint_html}</form>"
    )


def render_bank(bank: Bank, lang: str) -> str:
    """The whole bank as one HTML fragment; the page must also load quiz.js and quiz.css."""
    strings = {key: message(key, lang) for key in ("correct", "wrong", "no_answer", "not_a_number")}
    questions = "".join(render_question(q, lang, i) for i, q in enumerate(bank, start=1))
    return (
        f'<div class="dlq-quiz" lang="{lang}" data-bank="{html.escape(bank.id)}" '
        f"data-messages='{html.escape(json.dumps(strings, ensure_ascii=False), quote=True)}'>"
        f"{questions}</div>"
    )
