"""Join a live class quiz from a notebook: the students' side of the session server.

    import dlcourse.quiz
    dlcourse.quiz.join("http://192.168.1.10:8765", "ABC123", "hu")

The widget uses only the standard library and ipywidgets: it talks to the session's JSON
API (``coursetools/quizserver/server.py``) over plain HTTP with urllib, long-polling from
a background thread, so the kernel stays free. It stops when the quiz ends, when
:meth:`LiveQuiz.stop` is called, after ``max_hours``, or when the server has been
unreachable for a few minutes.

A student who runs the cell again, or restarts the kernel, rejoins as the same player and
keeps their score: the player's token is kept in memory and in
``~/.dlcourse/quiz-tokens.json`` (``DLCOURSE_QUIZ_TOKENS`` names another file).
Colab runs in Google's cloud and cannot reach a laptop on the classroom network; there,
students join from the session's web page on their phone or laptop instead.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..text import LANGS
from .bank import student_seed
from .messages import message

POLL_WAIT = 25.0  # seconds the server may hold a state request
MAX_FAILURES = 60  # consecutive failed polls (about five minutes) before giving up
_TOKENS: dict[str, str] = {}


class QuizServerError(Exception):
    """The server refused a request; ``message`` is in the student's language."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class SessionClient:
    """The session's HTTP API as three calls."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read())
            except ValueError:
                detail = {"error": f"http_{error.code}", "message": str(error.reason)}
            raise QuizServerError(
                error.code, detail.get("error", ""), detail.get("message", "")
            ) from None

    def join(self, name: str, lang: str, token: str | None = None) -> dict[str, Any]:
        return self._request("POST", "/api/join", {"name": name, "lang": lang, "token": token})

    def state(self, token: str, version: int = -1, wait: float = POLL_WAIT) -> dict[str, Any]:
        query = urllib.parse.urlencode({"token": token, "version": version, "wait": wait})
        return self._request("GET", f"/api/state?{query}", timeout=wait + 10)

    def answer(self, token: str, number: int, response: Any) -> dict[str, Any]:
        return self._request(
            "POST", "/api/answer", {"token": token, "number": number, "response": response}
        )


def _token_file() -> Path:
    return Path(
        os.environ.get("DLCOURSE_QUIZ_TOKENS") or Path.home() / ".dlcourse" / "quiz-tokens.json"
    )


def _remembered(key: str) -> str | None:
    if key in _TOKENS:
        return _TOKENS[key]
    try:
        return json.loads(_token_file().read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None


def _remember(key: str, token: str) -> None:
    _TOKENS[key] = token
    path = _token_file()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        known[key] = token
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known), encoding="utf-8")
    except (OSError, ValueError):
        pass  # memory still has it; a read-only home only costs the reconnect after a restart


def plain(fragment: str) -> str:
    """Rendered quiz HTML as plain text, for button labels (which cannot show HTML).

    >>> plain('<code>relu</code> + <span class="math">\\\\(x &lt; 1\\\\)</span>')
    'relu + x < 1'
    """
    text = re.sub(r"<[^>]+>", "", fragment).replace("\\(", "").replace("\\)", "")
    return html.unescape(text)


class LiveQuiz(widgets.VBox):  # type: ignore[misc]
    """A student's view of a live session: the question, the result and the leaderboard."""

    def __init__(
        self,
        url: str,
        name: str,
        lang: str = "hu",
        token: str | None = None,
        max_hours: float = 4.0,
    ) -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be 'hu' or 'en', not {lang!r}")
        self.client, self.lang, self.max_hours = SessionClient(url), lang, max_hours
        self.header, self.status = widgets.HTML(), widgets.HTML()
        self.question, self.result, self.board = widgets.VBox(), widgets.HTMLMath(), widgets.HTML()
        self.number, self.phase, self.version = 0, "", -1
        self.inputs: list[widgets.Widget] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        super().__init__([self.header, self.question, self.status, self.result, self.board])
        self._key = f"{self.client.url}|{student_seed(name)}"
        try:
            joined = self.client.join(name, lang, token or _remembered(self._key))
        except QuizServerError as error:
            self._say(error.message, error=True)
            return
        except OSError:
            self._say(message("server_gone", lang), error=True)
            return
        self.token, self.lang = joined["token"], joined["lang"]
        _remember(self._key, self.token)
        self.header.value = (
            f"<b>{html.escape(message('playing_as', self.lang, name=joined['name']))}</b>"
        )
        self._thread = threading.Thread(target=self._poll, name="dlcourse-live-quiz", daemon=True)
        self._thread.start()

    def _t(self, key: str, **values: object) -> str:
        """An interface string in the student's language, escaped for HTML."""
        return html.escape(message(key, self.lang, **values))

    def _say(self, text: str, error: bool = False) -> None:
        color = "#c62828" if error else "#52606d"
        self.status.value = f"<span style='color:{color}'>{html.escape(text)}</span>"

    def stop(self) -> None:
        """Stop listening to the server (the widget stays on screen)."""
        self._stop.set()

    def _poll(self) -> None:
        end, failures = time.monotonic() + 3600 * self.max_hours, 0
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                state = self.client.state(self.token, self.version)
            except QuizServerError as error:
                self._say(error.message, error=True)
                if error.status == 403:
                    return
                failures += 1
            except OSError:
                failures += 1
                self._say(
                    message("server_gone" if failures > 3 else "connecting", self.lang),
                    error=failures > 3,
                )
            else:
                failures = 0
                self.render(state)
                if state["phase"] == "finished":
                    return
                continue
            if failures >= MAX_FAILURES:
                return
            self._stop.wait(min(5.0, 0.5 * failures))

    def render(self, state: dict[str, Any]) -> None:
        self.version = state["version"]
        q = state.get("question")
        view = (state["phase"], q["number"] if q else 0)
        if view == (self.phase, self.number):
            return  # a long-poll that timed out: nothing new
        self._draw(state, q)
        self.phase, self.number = view  # last: whoever waits for this phase finds it drawn

    def _draw(self, state: dict[str, Any], q: dict[str, Any] | None) -> None:
        self.result.value = self.board.value = ""
        self._say("")
        if state["phase"] == "lobby":
            self.question.children = []
            self._say(message("waiting", self.lang))
            return
        if state["phase"] == "finished":
            self.question.children = [
                widgets.HTML(f"<h3>{html.escape(message('finished', self.lang))}</h3>")
            ]
        elif q is not None:
            self._show_question(q)
            if state["phase"] == "open" and state.get("answered"):
                self._lock()
                self._say(message("answer_received", self.lang))
            if state["phase"] == "closed":
                self._lock()
                self._show_result(state["result"])
                self._say(message("waiting", self.lang))
        if "leaderboard" in state:
            self._show_board(state)

    def _show_question(self, q: dict[str, Any]) -> None:
        head = widgets.HTMLMath(
            f"<p>{self._t('question_of', number=q['number'], total=q['total'])}</p>"
            f"<p><b>{q['prompt']}</b></p>"
        )
        number = q["number"]
        if q["type"] == "single":
            self.inputs = [
                widgets.Button(description=plain(o), layout={"width": "auto"}) for o in q["options"]
            ]
            for index, button in enumerate(self.inputs):
                button.on_click(lambda _, i=index: self.submit(number, i))
            self.question.children = [head, *self.inputs]
            return
        if q["type"] == "multiple":
            boxes = [
                widgets.Checkbox(False, description=plain(o), indent=False) for o in q["options"]
            ]
            send = widgets.Button(description=message("submit", self.lang), button_style="primary")
            send.on_click(
                lambda _: self.submit(number, [i for i, b in enumerate(boxes) if b.value])
            )
            self.inputs = [*boxes, send]
            self.question.children = [
                head,
                widgets.HTML(message("pick_all", self.lang)),
                *self.inputs,
            ]
            return
        key = "number_placeholder" if q["type"] == "numeric" else "text_placeholder"
        text = widgets.Text(placeholder=message(key, self.lang))
        send = widgets.Button(description=message("submit", self.lang), button_style="primary")
        send.on_click(lambda _: self.submit(number, text.value))
        self.inputs = [text, send]
        self.question.children = [
            head,
            widgets.HBox([text, widgets.Label(q.get("unit", ""))]),
            send,
        ]

    def _lock(self, locked: bool = True) -> None:
        for widget in self.inputs:
            widget.disabled = locked

    def submit(self, number: int, response: Any) -> bool:
        """Send an answer; the status line says whether the server took it and why not."""
        if response in ("", []):
            self._say(message("no_answer", self.lang), error=True)
            return False
        self._lock()
        try:
            reply = self.client.answer(self.token, number, response)
        except QuizServerError as error:
            self._say(error.message, error=True)
            self._lock(error.status != 400)  # a malformed answer may be corrected
            return False
        except OSError:
            self._say(message("server_gone", self.lang), error=True)
            self._lock(False)
            return False
        self._say(reply["message"])
        return True

    def _show_result(self, result: dict[str, Any]) -> None:
        if not result["answered"]:
            verdict = f"<p>{self._t('result_none')}</p>"
        elif result["correct"]:
            right = self._t("result_right", points=result["points"])
            verdict = f"<p style='color:#2e7d32'><b>{right}</b></p>"
        else:
            verdict = f"<p style='color:#c62828'><b>{self._t('result_wrong')}</b></p>"
        self.result.value = (
            f"{verdict}<p><b>{self._t('right_answer')}</b> "
            f"{result['answer']}</p><p>{result['explanation']}</p>"
        )

    def _show_board(self, state: dict[str, Any]) -> None:
        bold = {True: " style='font-weight:bold'", False: ""}
        rows = "".join(
            f"<tr{bold[row['name'] == state['name']]}><td>{row['rank']}.</td>"
            f"<td>{html.escape(row['name'])}</td><td>{row['score']}</td></tr>"
            for row in state["leaderboard"]
        )
        place = message(
            "your_place",
            self.lang,
            rank=state["rank"],
            players=state["players"],
            score=state["score"],
        )
        self.board.value = (
            f"<h4>{html.escape(message('leaderboard', self.lang))}</h4>"
            f"<table>{rows}</table><p>{html.escape(place)}</p>"
        )
