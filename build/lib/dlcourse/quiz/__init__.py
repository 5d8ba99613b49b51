"""The course's quiz engine: one bilingual question bank per chapter, shown either as a
live ipywidgets quiz in a notebook (:func:`show`) or as a static HTML quiz on a book page
(:mod:`dlcourse.quiz.static`, used by the book's ``quiz`` directive)."""

from .bank import Bank, BankError, Question, load_bank, parse_bank

__all__ = ["Bank", "BankError", "Question", "load_bank", "parse_bank", "show"]


def show(bank: str, lang: str):  # type: ignore[no-untyped-def]
    """Show chapter ``bank`` as a live widget quiz in ``lang`` ("hu" or "en")."""
    from .widget import QuizWidget

    return QuizWidget(load_bank(bank), lang)
