"""One class session: players, rounds, answers, scores, and what each side may see.

Plain Python with no web code, so the rules are easy to read and to unit-test: the
server (:mod:`.server`) only turns HTTP requests into these calls. Every answer is
checked by the same :meth:`Question.check` as the book and the notebook widget.

What a student may see is decided here, in :meth:`Session.student_state`: while a
question is open it holds the prompt and the options but never which option is right,
the answer or the explanation; those appear only once the question has closed. The
instructor's state also keeps them back until then, because the instructor's screen is
usually projected in front of the class.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dlcourse.quiz.bank import PLACEHOLDER, Bank, Question, parse_number, student_seed
from dlcourse.quiz.messages import message
from dlcourse.quiz.render import render_inline
from dlcourse.text import LANGS

from .store import Store

NAME_MAX = 24
# What a name may not hold: the characters of TeX (\ $ { }) and HTML (< > & `) markup.
# Names are shown as text on every page; they are refused here as well, so that no page
# is ever the only guard.
NAME_MARKUP = "\\${}<>&`"
TEXT_MAX = 200
TOP = 5  # leaderboard rows a student sees (plus their own place)


def points_for(correct: bool, elapsed: float, seconds: float) -> int:
    """Kahoot-style scoring: a right answer earns 1000 points at once, falling linearly to
    500 at the deadline; a wrong answer earns nothing.

    >>> points_for(True, 0, 20), points_for(True, 10, 20), points_for(True, 20, 20)
    (1000, 750, 500)
    >>> points_for(False, 1, 20), points_for(True, 25, 20)
    (0, 500)
    """
    if not correct:
        return 0
    fraction = min(max(elapsed / seconds, 0.0), 1.0)
    return round(1000 * (1 - fraction / 2))


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Refusal(Exception):
    """A request the session refuses, with an HTTP status, a code for programs and a
    message (in the asker's language) for people."""

    def __init__(self, status: int, code: str, key: str, **values: object) -> None:
        super().__init__(code)
        self.status, self.code, self.key, self.values = status, code, key, values

    def message(self, lang: str) -> str:
        return message(self.key, lang, **self.values)


@dataclass
class Player:
    id: int
    name: str
    lang: str
    token_sha256: str
    score: int = 0  # counts closed questions only, so it never gives an answer away early
    correct: int = 0
    elapsed_ms: int = 0  # time spent on right answers: breaks ties in favour of the faster


@dataclass
class Answer:
    response: Any
    correct: bool
    points: int
    elapsed_ms: int


@dataclass
class Round:
    number: int
    question: Question
    opened: float  # clock() time
    seconds: float
    answers: dict[int, Answer] = field(default_factory=dict)
    closed: bool = False

    @property
    def deadline(self) -> float:
        return self.opened + self.seconds


class Session:
    """The state of one session. Not thread-safe: the server calls it from one thread."""

    def __init__(
        self,
        bank: Bank,
        store: Store,
        lang: str = "hu",
        seconds: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[bool], None] | None = None,
        max_players: int | None = None,
    ) -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be 'hu' or 'en', not {lang!r}")
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        self.bank, self.store, self.lang, self.seconds = bank, store, lang, float(seconds)
        self.id = store.session_id
        self.clock = clock
        self.max_players = max_players  # None: as many as join
        self.on_change = on_change
        self.players: dict[int, Player] = {}
        self._by_token: dict[str, Player] = {}
        self._by_name: dict[str, Player] = {}
        self.rounds: list[Round] = []
        self.finished = False
        # Long-polling clients wait for these to change; students' only on what they see.
        self.student_version = 0
        self.instructor_version = 0
        self._ranking: list[Player] = []
        store.start(bank.id, lang, self.seconds)

    # -- changes -------------------------------------------------------------------------

    def _changed(self, students: bool) -> None:
        self.instructor_version += 1
        if students:
            self.student_version += 1
        if self.on_change is not None:
            self.on_change(students)

    @property
    def current(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def phase(self) -> str:
        if self.finished:
            return "finished"
        if self.current is None:
            return "lobby"
        return "closed" if self.current.closed else "open"

    def knows(self, token: Any) -> bool:
        """Is ``token`` a player's (a reconnect, not a new join)?"""
        return isinstance(token, str) and token_sha256(token) in self._by_token

    def join(self, name: Any, lang: Any = None, token: Any = None) -> tuple[Player, str, bool]:
        """A new player, or the same one again when ``token`` is theirs (a reconnect keeps
        the score). Returns the player, their token and whether they reconnected."""
        if self.knows(token):
            return self._by_token[token_sha256(token)], token, True
        if self.finished:
            raise Refusal(409, "finished", "err_finished")
        if self.max_players is not None and len(self.players) >= self.max_players:
            raise Refusal(409, "full", "err_full", limit=self.max_players)
        lang = self.lang if lang is None else lang
        if lang not in LANGS:
            raise Refusal(400, "bad_request", "err_field", field="lang")
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not 1 <= len(name) <= NAME_MAX or not name.isprintable():
            raise Refusal(400, "bad_name", "err_name")
        if any(c in NAME_MARKUP for c in name):
            raise Refusal(400, "bad_name", "err_name_markup", chars=" ".join(NAME_MARKUP))
        if student_seed(name) in self._by_name:
            raise Refusal(409, "name_taken", "err_name_taken")
        token = secrets.token_urlsafe(18)
        player = Player(len(self.players) + 1, name, lang, token_sha256(token))
        self.store.add_player(player.id, player.name, player.lang, player.token_sha256)
        self.players[player.id] = player
        self._by_token[player.token_sha256] = player
        self._by_name[student_seed(name)] = player
        self._ranking.append(player)
        self._changed(students=False)
        return player, token, False

    def player(self, token: Any) -> Player:
        player = self._by_token.get(token_sha256(token)) if isinstance(token, str) else None
        if player is None:
            raise Refusal(403, "unknown_player", "err_unknown_player")
        return player

    def open_next(self) -> Round:
        if self.finished:
            raise Refusal(409, "finished", "err_finished")
        if self.current is not None and not self.current.closed:
            raise Refusal(409, "still_open", "err_still_open")
        if len(self.rounds) == len(self.bank.questions):
            raise Refusal(409, "no_more", "err_no_more")
        question = self.bank.questions[len(self.rounds)]
        round_ = Round(len(self.rounds) + 1, question, self.clock(), self.seconds)
        self.store.open_round(round_.number, question.id, round_.seconds)
        self.rounds.append(round_)
        self._changed(students=True)
        return round_

    def close(self) -> Round | None:
        """Close the open question (if any): scores and the leaderboard move on."""
        round_ = self.current
        if round_ is None or round_.closed:
            return None
        round_.closed = True
        for player_id, answer in round_.answers.items():
            player = self.players[player_id]
            player.score += answer.points
            player.correct += answer.correct
            player.elapsed_ms += answer.elapsed_ms if answer.correct else 0
        self._ranking = sorted(self.players.values(), key=lambda p: (-p.score, p.elapsed_ms, p.id))
        self.store.close_round(round_.number)
        self._changed(students=True)
        return round_

    def close_if_due(self, number: int) -> None:
        """The timer's call: close question ``number`` if it is still the open one."""
        if self.current is not None and self.current.number == number and not self.finished:
            self.close()

    def finish(self) -> None:
        if self.finished:
            return
        self.close()
        self.finished = True
        self.store.finish()
        self._changed(students=True)

    def answer(self, player: Player, number: Any, response: Any) -> Answer:
        """Record one answer, or refuse it (late, duplicate, malformed) saying why."""
        if not isinstance(number, int) or isinstance(number, bool):
            raise Refusal(400, "bad_request", "err_field", field="number")
        round_ = self.current
        if round_ is None or number > round_.number:
            raise Refusal(409, "not_open", "err_not_open")
        if number < round_.number:
            raise Refusal(409, "late", "err_late")
        if player.id in round_.answers:
            raise Refusal(409, "duplicate", "err_duplicate")
        elapsed = self.clock() - round_.opened
        if round_.closed or elapsed > round_.seconds:
            raise Refusal(409, "late", "err_late")
        value = valid_response(round_.question, response, player.lang)
        params = self.params(round_.question, player)
        correct = round_.question.check(value, player.lang, params)
        # The points come from the milliseconds that are stored, so that the record (and
        # its CSV) gives the same points when scored again.
        elapsed_ms = round(elapsed * 1000)
        answer = Answer(value, correct, points_for(correct, elapsed_ms / 1000, round_.seconds), elapsed_ms)
        # Stored before the student is told it was received: a crash loses nothing.
        self.store.add_answer(
            number, player.id, value, params, correct, answer.points, answer.elapsed_ms
        )
        round_.answers[player.id] = answer
        self._changed(students=False)
        if len(round_.answers) == len(self.players):
            self.close()  # everyone has answered: no need to wait for the timer
        return answer

    @staticmethod
    def params(question: Question, player: Player) -> dict[str, float] | None:
        """A parametric question's numbers for this player (drawn from their name)."""
        return question.variant(player.name) if question.type == "parametric" else None

    # -- what each side sees ----------------------------------------------------------------

    def leaderboard(self, top: int | None = None) -> list[dict[str, Any]]:
        board = self._ranking if top is None else self._ranking[:top]
        return [{"rank": i, "name": p.name, "score": p.score} for i, p in enumerate(board, start=1)]

    def rank(self, player: Player) -> int:
        return self._ranking.index(player) + 1

    def _question(
        self, round_: Round, lang: str, params: dict[str, float] | None, instructor: bool = False
    ) -> dict[str, Any]:
        q = round_.question
        prompt = q.text("prompt", lang, params)
        if instructor and q.type == "parametric":
            prompt = PLACEHOLDER.sub(lambda m: m.group(1), prompt)  # "n wide": names, not numbers
        remaining = 0.0 if round_.closed else max(0.0, round_.deadline - self.clock())
        return {
            "number": round_.number,
            "total": len(self.bank.questions),
            "type": "numeric" if q.type == "parametric" else q.type,
            "prompt": render_inline(prompt),
            "options": [render_inline(o) for o in q.options(lang)],
            "unit": q.data.get("unit", ""),
            "seconds": round_.seconds,
            "remaining_ms": round(remaining * 1000),
        }

    def _reveal(self, round_: Round, lang: str, params: dict[str, float] | None) -> dict[str, str]:
        """The answer and the explanation: only ever for a closed question."""
        assert round_.closed, "the answer key of an open question must not leave the server"
        q = round_.question
        if q.type == "parametric" and params is None:
            return {"answer": message("own_numbers", lang), "explanation": ""}
        return {
            "answer": render_inline(q.answer_text(lang, params)),
            "explanation": render_inline(q.text("explanation", lang, params)),
        }

    def student_state(self, player: Player) -> dict[str, Any]:
        state: dict[str, Any] = {
            "session": self.id,
            "version": self.student_version,
            "phase": self.phase,
            "name": player.name,
            "lang": player.lang,
            "score": player.score,
            "rank": self.rank(player),
            "players": len(self.players),
        }
        round_ = self.current
        if round_ is not None and not self.finished:
            params = self.params(round_.question, player)
            state["question"] = self._question(round_, player.lang, params)
            answer = round_.answers.get(player.id)
            state["answered"] = answer is not None
            if round_.closed:
                state["result"] = {
                    "answered": answer is not None,
                    "correct": bool(answer and answer.correct),
                    "points": answer.points if answer else 0,
                    **self._reveal(round_, player.lang, params),
                }
        if self.phase in ("closed", "finished"):
            state["leaderboard"] = self.leaderboard(TOP if self.phase == "closed" else 2 * TOP)
        return state

    def instructor_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "session": self.id,
            "version": self.instructor_version,
            "phase": self.phase,
            "title": self.bank.title[self.lang],
            "lang": self.lang,
            "players": [p.name for p in self.players.values()],
            "rounds": len(self.rounds),
            "total": len(self.bank.questions),
        }
        round_ = self.current
        if round_ is not None:
            state["question"] = self._question(round_, self.lang, None, instructor=True)
            state["answers"] = len(round_.answers)
            if round_.closed:
                state["distribution"] = self.distribution(round_)
                state.update(self._reveal(round_, self.lang, None))
        if self.phase in ("closed", "finished"):
            state["leaderboard"] = self.leaderboard(2 * TOP)
        return state

    def distribution(self, round_: Round) -> list[dict[str, Any]]:
        """How the class answered: a bar per option (choice questions) or right/wrong,
        and one for those who did not answer."""
        q, lang = round_.question, self.lang
        answers = round_.answers.values()
        bars: list[dict[str, Any]]
        if q.type in ("single", "multiple"):
            right = set(q.correct_options())
            bars = [
                {"label": render_inline(text), "count": 0, "correct": i in right}
                for i, text in enumerate(q.options(lang))
            ]
            for a in answers:
                for index in [a.response] if q.type == "single" else a.response:
                    bars[index]["count"] += 1
        else:
            n_right = sum(a.correct for a in answers)
            bars = [
                {"label": message("label_right", lang), "count": n_right, "correct": True},
                {
                    "label": message("label_wrong", lang),
                    "count": len(round_.answers) - n_right,
                    "correct": False,
                },
            ]
        missing = len(self.players) - len(round_.answers)
        bars.append({"label": message("no_answer_given", lang), "count": missing, "correct": False})
        return bars


def valid_response(q: Question, response: Any, lang: str = "en") -> Any:
    """The response in the form ``Question.check`` takes, or a 400 refusal saying why. A
    number is read the way the player's language writes it (``lang``), as the check reads it."""
    n_options = len(q.options("en"))
    if q.type == "single":
        if (
            isinstance(response, bool)
            or not isinstance(response, int)
            or not 0 <= response < n_options
        ):
            raise Refusal(400, "bad_option", "err_option")
        return response
    if q.type == "multiple":
        if (
            not isinstance(response, list)
            or not response
            or any(
                isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < n_options
                for r in response
            )
            or len(set(response)) != len(response)
        ):
            raise Refusal(400, "bad_options", "err_options")
        return sorted(response)
    if q.type in ("numeric", "parametric"):
        if (
            isinstance(response, bool)
            or not isinstance(response, (int, float, str))
            or len(str(response)) > 40
            or parse_number(response, lang) is None
        ):
            raise Refusal(400, "not_a_number", "not_a_number")
        return response
    if not isinstance(response, str) or not response.strip() or len(response) > TEXT_MAX:
        raise Refusal(400, "bad_text", "err_text")
    return response
