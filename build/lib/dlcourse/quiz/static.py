"""A question bank as a static HTML quiz that checks answers with no kernel and no network.

The page must not give the answers away, so it holds no answer key in the clear:
- each accepted response is stored only as a salted SHA-256 hash;
- the explanation (which would reveal the answer) is encrypted with a key derived from
  the correct response, and each accepted response unwraps that key.
The browser (``assets/quiz.js``) hashes what the student chose or typed, and on a match
unwraps the key and decrypts the explanation. Numeric answers are accepted on a grid
fine enough for the question's tolerance: every grid point inside the tolerance is one
accepted response, the student's number is rounded to that grid.

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
from typing import Any

from .bank import Bank, Question, normalize_text
from .messages import message
from .render import render_inline

ASSETS = ("quiz.js", "quiz.css")


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def numeric_decimals(tolerance: float) -> int:
    """Decimals of the answer grid: at least about ten grid points per tolerance.

    >>> numeric_decimals(1), numeric_decimals(0.5), numeric_decimals(50)
    (1, 1, 0)
    """
    return max(0, math.ceil(math.log10(5 / tolerance) - 1e-12))


def grid_index(value: float, decimals: int) -> int:
    """The grid point of ``value``; quiz.js computes the same with ``Math.floor``.

    >>> grid_index(1881.6, 1), grid_index(1880.6, 1)
    (18816, 18806)
    """
    return math.floor(value * 10**decimals + 0.5)


def accepted_responses(q: Question, lang: str) -> list[str]:
    """Every response that counts as right, in the canonical form quiz.js produces.

    The first one is the canonical right answer, from which the key is derived.
    """
    if q.type in ("single", "multiple"):
        return [",".join(str(i) for i in q.correct_options())]
    if q.type == "numeric":
        d = numeric_decimals(q.data["tolerance"])
        answer, tol, eps = q.data["answer"], q.data["tolerance"], 1e-9
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


def question_data(q: Question, lang: str) -> dict[str, Any]:
    """What quiz.js needs to check one question: hashes and the sealed explanation."""
    salt = hashlib.sha256(f"{q.bank}/{q.id}".encode()).hexdigest()[:16]
    responses = accepted_responses(q, lang)
    key = _sha(f"key|{salt}|{responses[0]}")
    entries = [
        [_sha(f"h|{salt}|{r}").hex()[:32], _xor(key, _sha(f"w|{salt}|{r}")).hex()]
        for r in responses
    ]
    explanation = render_inline(q.text("explanation", lang)).encode("utf-8")
    data: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "salt": salt,
        "accept": entries,
        "sealed": _xor(explanation, _keystream(key, len(explanation))).hex(),
    }
    if q.type == "numeric":
        data["decimals"] = numeric_decimals(q.data["tolerance"])
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
    placeholder = message("number_placeholder" if q.type == "numeric" else "text_placeholder", lang)
    mode = ' inputmode="decimal"' if q.type == "numeric" else ""
    unit = q.data.get("unit", "")
    unit_html = f' <span class="dlq-unit">{html.escape(unit)}</span>' if unit else ""
    return (
        f'<input class="dlq-input" type="text" name="{name}"{mode} '
        f'placeholder="{html.escape(placeholder)}" aria-label="{html.escape(placeholder)}">'
        + unit_html
    )


def render_question(q: Question, lang: str, number: int) -> str:
    hint = q.text("hint", lang)
    hint_html = (
        f'<p class="dlq-hint" hidden><strong>{message("hint", lang)}</strong> '
        f"{render_inline(hint)}</p>"
        if hint
        else ""
    )
    payload = json.dumps(question_data(q, lang), separators=(",", ":"))
    return (
        f'<form class="dlq-question" data-qid="{html.escape(q.id)}" data-type="{q.type}">'
        f'<script type="application/json" class="dlq-data">{payload}</script>'
        f'<p class="dlq-prompt"><span class="dlq-number">{number}.</span> '
        f"{render_inline(q.text('prompt', lang))}</p>"
        f"{_inputs(q, lang)}"
        f'<button type="submit" class="dlq-check">{message("check", lang)}</button>'
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
