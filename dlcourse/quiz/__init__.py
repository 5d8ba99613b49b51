"""The course's quiz engine: one bilingual question bank per chapter, shown either as a
live ipywidgets quiz in a notebook (:func:`show`) or as a static HTML quiz on a book page
(:mod:`coursetools.quizpage`, used by the book's ``quiz`` directive; not shipped to
students), and played in class through the instructor's session server (:func:`join` is
the students' notebook side)."""

from __future__ import annotations

from pathlib import Path

from .bank import Bank, BankError, Question, load_bank, parse_bank

__all__ = ["Bank", "BankError", "Question", "join", "load_bank", "parse_bank", "show"]


def show(bank: str, lang: str, student: str = ""):  # type: ignore[no-untyped-def]
    """Show chapter ``bank`` as a live widget quiz in ``lang`` ("hu" or "en").

    ``student`` (a Neptun code or nickname) fixes the numbers of parametric questions.
    A bank file of one's own (a ``.yml`` path) is validated first.
    """
    from .widget import QuizWidget

    # The bundled banks were validated by the build and the tests; validating them again
    # would import jsonschema, seconds of a student's wait for nothing.
    own_file = Path(bank).suffix in (".yml", ".yaml")
    return QuizWidget(load_bank(bank, validate=own_file), lang, student)


def join(url: str, name: str, lang: str = "hu", token: str | None = None):  # type: ignore[no-untyped-def]
    """Join the instructor's live class quiz at ``url`` as ``name`` (nickname or Neptun code).

    Running it again with the same name rejoins as the same player, score kept.
    """
    from .live import LiveQuiz

    return LiveQuiz(url, name, lang, token)
