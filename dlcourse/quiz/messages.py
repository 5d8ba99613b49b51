"""Interface strings of the quizzes, in both languages (one table for widget and page)."""

MESSAGES: dict[str, dict[str, str]] = {
    "check": {"hu": "Ellenőrzés", "en": "Check"},
    "correct": {"hu": "Helyes!", "en": "Correct!"},
    "wrong": {"hu": "Nem egészen, próbáld újra.", "en": "Not quite, try again."},
    "hint": {"hu": "Tipp:", "en": "Hint:"},
    "no_answer": {"hu": "Előbb add meg a válaszodat.", "en": "Choose or type an answer first."},
    "not_a_number": {"hu": "Ez nem szám. Tizedesvessző és -pont is jó.",
                     "en": "That is not a number. A decimal point or comma both work."},
    "number_placeholder": {"hu": "Írj be egy számot", "en": "Type a number"},
    "text_placeholder": {"hu": "Írd be a választ", "en": "Type your answer"},
    "pick_all": {"hu": "Jelöld be az összes helyes választ.", "en": "Tick every correct answer."},
    "score": {"hu": "Helyes válaszok: {right} / {total}", "en": "Correct answers: {right} / {total}"},
}


def message(key: str, lang: str, **values: object) -> str:
    """One interface string.

    >>> message("score", "hu", right=2, total=5)
    'Helyes válaszok: 2 / 5'
    """
    return MESSAGES[key][lang].format(**values)
