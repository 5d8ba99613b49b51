"""Live class quizzes, the course's Kahoot replacement (instructor side).

From a notebook::

    from coursetools.quizserver import start
    quiz = start("ch01", lang="hu", seconds=20, host="0.0.0.0")  # shows the two links
    quiz.view()          # the instructor's page inside the notebook
    quiz.next(); quiz.close(); quiz.finish()   # or use the page's buttons

From the command line: ``python -m coursetools.quizserver serve ch01`` (see ``--help``).
Students join at the printed address from a phone or a laptop browser, or from their
notebook with ``dlcourse.quiz.join(url, name)``. Results go to SQLite
(``quiz-results/quiz.sqlite``), to CSV files beside it, and, on request, into the
nbgrader gradebook (:mod:`.gradebook`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .server import DEFAULT_DB, QuizServer

__all__ = ["DEFAULT_DB", "QuizServer", "start"]


def start(
    bank: str,
    lang: str = "hu",
    seconds: float = 20.0,
    host: str = "127.0.0.1",
    port: int = 8765,
    db: Path | str = DEFAULT_DB,
    **kwargs: Any,
) -> QuizServer:
    """Start a session of ``bank`` in a background thread and return it.

    ``host="0.0.0.0"`` lets phones on the classroom network reach the laptop; the
    default, 127.0.0.1, lets in only this machine.
    """
    return QuizServer(
        bank, lang=lang, seconds=seconds, host=host, port=port, db=db, **kwargs
    ).start()
