"""Check your work before you hand it in: the lab's visible tests, exercise by exercise.

nbgrader, which grades the labs, does not run in Colab. The last cell of each lab calls
``check("lab01", COURSE_LANG)``: it runs the visible tests of every exercise (the same
ones the notebook shows; the hidden tests run only when your notebook is graded) against
the functions you wrote, and prints one line per exercise in the notebook's language.
Run the cells above it first. It imports only the standard library.

>>> outcomes = [Outcome("Part 1: steps", 3, None), Outcome("Part 2: more", 2, "not done yet")]
>>> print(summary(outcomes, "en"))
  ✓ Part 1: steps
  ✗ Part 2: more: not done yet
Visible tests passed in 1 of 2 exercises (3 of 5 points). Hidden tests will check more.
"""

from __future__ import annotations

import inspect
import json
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .text import Texts, page_lang

MESSAGES = Texts({
    "title": {"hu": "Önellenőrzés ({lab}): a látható tesztek feladatonként",
              "en": "Self-check ({lab}): the visible tests, exercise by exercise"},
    "summary": {"hu": "{passed} / {total} feladat látható tesztjei teljesülnek ({points:g} / {max:g} pont). "
                      "A rejtett tesztek ennél többet ellenőriznek.",
                "en": "Visible tests passed in {passed} of {total} exercises ({points:g} of {max:g} points). "
                      "Hidden tests will check more."},
    "not_done": {"hu": "még nincs kész (NotImplementedError)", "en": "not done yet (NotImplementedError)"},
    "missing": {"hu": "nincs ilyen név: {name}; futtasd le a feladat celláit",
                "en": "{name} is not defined: run the exercise's cells first"},
    "failed": {"hu": "egy látható teszt nem teljesül, {line}. sor: {code}",
               "en": "a visible test fails, line {line}: {code}"},
    "error": {"hu": "hiba: {error}", "en": "error: {error}"},
    "timeout": {"hu": "{seconds} s után sem ért véget (végtelen ciklus?)",
                "en": "still running after {seconds} s (an endless loop?)"},
    "unknown_lab": {"hu": "Ehhez a laborhoz nincs önellenőrzés: {lab}", "en": "No self-check for lab {lab}"},
})
message = MESSAGES


@dataclass(frozen=True)
class Outcome:
    title: str
    points: float
    problem: str | None  # None: the visible tests pass


def exercises(lab: str, lang: str) -> list[dict[str, Any]]:
    """The visible tests of ``lab`` in ``lang`` (written by coursetools.selfcheck_data)."""
    data = resources.files("dlcourse").joinpath("labtests", f"{lab}_{lang}.json")
    if not data.is_file():
        raise LookupError(message("unknown_lab", lang, lab=f"{lab}_{lang}"))
    return list(json.loads(data.read_text(encoding="utf-8"))["exercises"])


class _TooLong(Exception):
    pass


def _explain(error: BaseException, code: str, name: str, lang: str) -> str:
    if isinstance(error, NotImplementedError):
        return message("not_done", lang)
    if isinstance(error, NameError):
        return message("missing", lang, name=getattr(error, "name", None) or str(error))
    if isinstance(error, AssertionError):
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == name]
        if frames and frames[-1].lineno:
            line = frames[-1].lineno
            return message("failed", lang, line=line, code=code.splitlines()[line - 1].strip())
    return message("error", lang, error=f"{type(error).__name__}: {error}")


def run_visible_tests(lab: str, lang: str, namespace: dict[str, Any], seconds: int = 60) -> list[Outcome]:
    """Run each exercise's visible tests in a copy of ``namespace``, in order (later tests
    may use what earlier ones defined, as in the notebook)."""
    scope = dict(namespace)
    outcomes = []
    for exercise in exercises(lab, lang):
        name = f"<visible tests: {exercise['grade_id']}>"
        problem = None
        try:
            with _time_limit(seconds):
                exec(compile(exercise["code"], name, "exec"), scope)
        except _TooLong:
            problem = message("timeout", lang, seconds=seconds)
        except Exception as error:  # the student's code may raise anything
            problem = _explain(error, exercise["code"], name, lang)
        outcomes.append(Outcome(exercise["title"], float(exercise["points"]), problem))
    return outcomes


class _time_limit:
    """SIGALRM after ``seconds`` where that works (the main thread on Unix, as in Colab)."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self.armed = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._stop)
            signal.alarm(self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)

    @staticmethod
    def _stop(signum: int, frame: object) -> None:
        raise _TooLong()


def summary(outcomes: list[Outcome], lang: str) -> str:
    lines = [f"  {'✓' if o.problem is None else '✗'} {o.title}" + (f": {o.problem}" if o.problem else "")
             for o in outcomes]
    passed = [o for o in outcomes if o.problem is None]
    lines.append(message("summary", lang, passed=len(passed), total=len(outcomes),
                         points=sum(o.points for o in passed), max=sum(o.points for o in outcomes)))
    return "\n".join(lines)


def check(lab: str, lang: str | None = None, namespace: dict[str, Any] | None = None) -> None:
    """Print the self-check of ``lab`` for the notebook that calls it (in the notebook's
    language, ``COURSE_LANG``, unless ``lang`` says otherwise)."""
    lang = page_lang(lang)
    if namespace is None:
        caller = inspect.currentframe()
        namespace = caller.f_back.f_globals if caller and caller.f_back else {}
    print(message("title", lang, lab=lab))
    print(summary(run_visible_tests(lab, lang, namespace), lang))
    sys.stdout.flush()
