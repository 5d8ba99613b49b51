"""The session's web server: Tornado (already installed with Jupyter) on one event loop.

It serves the students' page (phones and laptops), the instructor's page and a small
JSON API, which the notebook widget (:mod:`dlcourse.quiz.live`) also uses. Clients
long-poll ``/api/state``: a request waits until something they can see changes, or at
most :data:`MAX_WAIT` seconds, so hundreds of students cost one idle connection each.

The server runs in a background thread, so the same object works from a notebook cell
(the kernel stays free) and from the command line (``python -m coursetools.quizserver``).

API (JSON bodies; errors are ``{"error": code, "message": text}`` in the asker's language)::

    POST /api/join     {"name", "lang", "token"?}  -> {"token", "name", "lang", "reconnected"}
    GET  /api/state    ?token=&version=&wait=      -> what this student may see now
    POST /api/answer   {"token", "number", "response"} -> {"accepted": true, "message"}
    GET  /api/instructor/state ?version=&wait=     (header X-Quiz-Key)
    POST /api/instructor/next | close | finish     (header X-Quiz-Key)
    GET  /api/instructor/results.csv ?key=
"""

from __future__ import annotations

import asyncio
import hmac
import json
import math
import secrets
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from dlcourse.quiz.bank import Bank, load_bank
from dlcourse.quiz.messages import MESSAGES, message
from dlcourse.text import LANGS

from .session import Refusal, Session
from .store import Store, write_csv

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parent / "static"
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"  # npm's copy, as the book uses
DEFAULT_DB = Path("quiz-results") / "quiz.sqlite"
MAX_WAIT = 25.0  # seconds a long-poll may wait
MAX_BODY = 16 * 1024  # bytes; an answer is a few dozen: larger ones get a clear refusal
MAX_NESTING = 4  # of lists and objects in a body; an answer has two ({"response": [0, 2]})
HARD_MAX_BODY = 1024 * 1024  # beyond this Tornado closes the connection unread
MAX_PLAYERS = 500  # a lecture hall; the instructor sets it (--max-players)
JOINS_PER_MINUTE = 20  # new joins from one address; a device needs one or two


def new_session_id(bank: str) -> str:
    return f"{bank}-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def lan_address() -> str:
    """This machine's address on the local network, for the students' URL.

    Connecting a UDP socket sends nothing; it only asks the OS which interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


class QuizServer:
    """A live session of one bank: start it, share :attr:`join_url`, drive it from
    :attr:`instructor_url` (or :meth:`next`, :meth:`close`, :meth:`finish` in Python)."""

    def __init__(
        self,
        bank: Bank | str,
        *,
        db: Path | str = DEFAULT_DB,
        lang: str = "hu",
        seconds: float = 20.0,
        host: str = "127.0.0.1",
        port: int = 8765,
        key: str | None = None,
        max_players: int | None = MAX_PLAYERS,
        joins_per_minute: int | None = JOINS_PER_MINUTE,
    ) -> None:
        if lang not in LANGS:
            raise ValueError(f"lang must be 'hu' or 'en', not {lang!r}")
        self.bank = load_bank(bank) if isinstance(bank, str) else bank
        self.db, self.lang, self.seconds = Path(db), lang, float(seconds)
        self.host, self.port = host, port
        self.key = key or secrets.token_urlsafe(16)
        self.max_players = max_players
        self.join_limit = JoinLimit(joins_per_minute)
        self.session_id = new_session_id(self.bank.id)
        self.session: Session
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host = lan_address() if self.host in ("0.0.0.0", "", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def join_url(self) -> str:
        return f"{self.url}/"

    @property
    def instructor_url(self) -> str:
        # The key travels in the fragment, which browsers never send to a server or a log.
        return f"http://127.0.0.1:{self.port}/instructor#key={self.key}"

    @property
    def results_dir(self) -> Path:
        return self.db.parent

    # -- life cycle ------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> QuizServer:
        """Start serving in a background thread; returns once the port is open."""
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name=f"quiz-{self.session_id}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the quiz server did not start in time")
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(10)

    def __enter__(self) -> QuizServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _main(self) -> None:
        try:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            self._events = {True: asyncio.Event(), False: asyncio.Event()}  # students?, instructor
            self.store = Store(self.db, self.session_id)
            self.session = Session(
                self.bank,
                self.store,
                self.lang,
                self.seconds,
                clock=self._loop.time,
                on_change=self._wake,
                max_players=self.max_players,
            )
            server = tornado.httpserver.HTTPServer(
                self._app(), max_body_size=HARD_MAX_BODY, idle_connection_timeout=60
            )
            # A long backlog: a whole class may connect in the same second.
            sockets = tornado.netutil.bind_sockets(self.port, address=self.host, backlog=1024)
            server.add_sockets(sockets)
            self.port = sockets[0].getsockname()[1]
        except BaseException as error:
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        await self._stopping.wait()
        server.stop()
        self._wake(True)
        await asyncio.sleep(0.05)  # let woken long-polls answer before the sockets close
        self.store.close()

    def _wake(self, students: bool) -> None:
        """Wake the long-polls of the instructor, and of the students if ``students``."""
        for kind in (True, False) if students else (False,):
            event, self._events[kind] = self._events[kind], asyncio.Event()
            event.set()

    async def wait_change(self, students: bool, version: int, wait: float) -> None:
        current = self.session.student_version if students else self.session.instructor_version
        if version != current or wait <= 0 or self._stopping.is_set():
            return
        try:
            await asyncio.wait_for(self._events[students].wait(), wait)
        except TimeoutError:
            pass

    def run(self, fn: Any, *args: Any) -> Any:
        """Call ``fn(*args)`` on the server's thread (the session is not thread-safe)."""
        assert self._loop is not None, "start() the server first"

        async def call() -> Any:
            return fn(*args)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(10)

    # -- the instructor's controls (also used by the HTTP handlers) --------------------------

    def _next(self) -> dict[str, Any]:
        round_ = self.session.open_next()
        assert self._loop is not None
        self._loop.call_later(round_.seconds, self.session.close_if_due, round_.number)
        return {"number": round_.number}

    def _finish(self) -> dict[str, Any]:
        self.session.finish()
        summary, answers = write_csv(self.db, self.session_id, self.results_dir)
        return {"results": str(summary), "answers": str(answers)}

    def next(self) -> dict[str, Any]:
        """Open the next question (its timer starts now)."""
        return dict(self.run(self._next))

    def close(self) -> None:
        """Close the open question now."""
        self.run(self.session.close)

    def finish(self) -> dict[str, Any]:
        """End the session and write its CSV files; returns their paths."""
        return dict(self.run(self._finish))

    def leaderboard(self) -> list[dict[str, Any]]:
        return list(self.run(self.session.leaderboard))

    def state(self) -> dict[str, Any]:
        return dict(self.run(self.session.instructor_state))

    def view(self, height: int = 640) -> Any:
        """The instructor's page inside the notebook."""
        from IPython.display import IFrame

        return IFrame(self.instructor_url, width="100%", height=height)

    def _repr_html_(self) -> str:
        return (
            f"<p>{message('join_at', self.lang)} <a href='{self.join_url}' target='_blank'>"
            f"{self.join_url}</a><br>{message('instructor_title', self.lang)}: "
            f"<a href='{self.instructor_url}' target='_blank'>{self.instructor_url}</a></p>"
        )

    # -- HTTP ------------------------------------------------------------------------------

    def _app(self) -> tornado.web.Application:
        args = {"quiz": self}
        routes: list[Any] = [
            (r"/", PageHandler, {**args, "page": "student.html"}),
            (r"/instructor", PageHandler, {**args, "page": "instructor.html"}),
            (r"/api/join", JoinHandler, args),
            (r"/api/state", StateHandler, args),
            (r"/api/answer", AnswerHandler, args),
            (r"/api/instructor/state", InstructorStateHandler, args),
            (r"/api/instructor/(next|close|finish)", InstructorActionHandler, args),
            (r"/api/instructor/results\.csv", ResultsHandler, args),
            (r"/static/(.*)", tornado.web.StaticFileHandler, {"path": str(STATIC)}),
        ]
        if MATHJAX.is_dir():
            routes.append((r"/mathjax/(.*)", tornado.web.StaticFileHandler, {"path": str(MATHJAX)}))
        return tornado.web.Application(
            routes,
            default_handler_class=NotFoundHandler,
            default_handler_args=args,
            log_function=lambda handler: None,  # no line per request; errors still log
        )


class JoinLimit:
    """At most ``per_minute`` new joins from one address in a minute, as a token bucket
    that holds a minute's worth: a phone joins once or twice, a script that joins 1,900
    times from one laptop is cut off after its first ``per_minute``. None or 0: no limit."""

    def __init__(self, per_minute: int | None) -> None:
        self.per_minute = per_minute or 0
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (joins left, when)

    def wait(self, address: str) -> float:
        """0.0 when a join from ``address`` may go ahead now (it is counted), else the
        seconds until it may."""
        if not self.per_minute:
            return 0.0
        now, rate = time.monotonic(), self.per_minute / 60
        left, then = self._buckets.get(address, (float(self.per_minute), now))
        left = min(float(self.per_minute), left + (now - then) * rate)
        if left < 1:
            self._buckets[address] = (left, now)
            return (1 - left) / rate
        self._buckets[address] = (left - 1, now)
        if len(self._buckets) > 10_000:  # forget the addresses whose bucket is full again
            self._buckets = {a: (n, t) for a, (n, t) in self._buckets.items()
                             if n + (now - t) * rate < self.per_minute}
        return 0.0


def nesting(value: Any) -> int:
    """How deep lists and objects nest in a parsed JSON value (without recursion).

    >>> nesting({"name": "x"}), nesting({"response": [0, 2]}), nesting([[[]]])
    (1, 2, 3)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


class BaseHandler(tornado.web.RequestHandler):
    def initialize(self, quiz: QuizServer, **kwargs: Any) -> None:
        self.quiz, self.session = quiz, quiz.session
        self.lang = quiz.lang  # the language of error messages until the asker is known

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def json_body(self) -> dict[str, Any]:
        if len(self.request.body) > MAX_BODY:
            raise Refusal(413, "too_large", "err_too_large", limit=MAX_BODY // 1024)
        try:
            body = json.loads(self.request.body or b"")
        except (ValueError, UnicodeDecodeError, RecursionError):  # [[[[...]]]]: too deep
            body = None
        if not isinstance(body, dict) or nesting(body) > MAX_NESTING:
            raise Refusal(400, "bad_json", "err_bad_json")
        if body.get("lang") in LANGS:
            self.lang = body["lang"]
        return body

    def refuse(self, refusal: Refusal) -> None:
        self.set_status(refusal.status)
        self.finish({"error": refusal.code, "message": refusal.message(self.lang)})

    def wait_args(self) -> tuple[int, float]:
        try:
            version = int(self.get_query_argument("version", "-1"))
            wait = float(self.get_query_argument("wait", str(MAX_WAIT)))
        except ValueError:
            raise Refusal(400, "bad_request", "err_field", field="version/wait") from None
        return version, min(max(wait, 0.0), MAX_WAIT)

    def require_key(self) -> None:
        given = self.request.headers.get("X-Quiz-Key") or self.get_query_argument("key", "")
        if not hmac.compare_digest(given.encode(), self.quiz.key.encode()):
            raise Refusal(403, "instructor_only", "err_key")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"error": f"http_{status_code}", "message": self._reason})


class NotFoundHandler(BaseHandler):
    def prepare(self) -> None:
        self.refuse(Refusal(404, "not_found", "err_not_found"))


class PageHandler(BaseHandler):
    """The students' or the instructor's page, with the interface strings built in."""

    def initialize(self, quiz: QuizServer, **kwargs: Any) -> None:
        super().initialize(quiz)
        self.page = kwargs["page"]

    def get(self) -> None:
        config = {
            "session": self.quiz.session_id,
            "lang": self.quiz.lang,
            "messages": MESSAGES,
            "mathjax": MATHJAX.is_dir(),
            "joinUrl": self.quiz.join_url,
        }
        # "</" cannot close the script element inside a JSON string written as "<\/".
        payload = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
        html = (STATIC / self.page).read_text(encoding="utf-8")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(html.replace("/*CONFIG*/null", payload))


class JoinHandler(BaseHandler):
    def post(self) -> None:
        try:
            body = self.json_body()
            if not self.session.knows(body.get("token")):  # a reconnect is never limited
                wait = self.quiz.join_limit.wait(self.request.remote_ip or "")
                if wait:
                    self.set_header("Retry-After", str(math.ceil(wait)))
                    raise Refusal(429, "too_many_joins", "err_too_many_joins", seconds=math.ceil(wait))
            player, token, again = self.session.join(
                body.get("name"), body.get("lang"), body.get("token")
            )
        except Refusal as refusal:
            return self.refuse(refusal)
        self.finish(
            {
                "token": token,
                "name": player.name,
                "lang": player.lang,
                "reconnected": again,
                "session": self.session.id,
            }
        )


class StateHandler(BaseHandler):
    async def get(self) -> None:
        try:
            player = self.session.player(self.get_query_argument("token", ""))
            self.lang = player.lang
            version, wait = self.wait_args()
        except Refusal as refusal:
            return self.refuse(refusal)
        await self.quiz.wait_change(True, version, wait)
        self.finish(self.session.student_state(player))


class AnswerHandler(BaseHandler):
    def post(self) -> None:
        try:
            body = self.json_body()
            player = self.session.player(body.get("token"))
            self.lang = player.lang
            if "response" not in body:
                raise Refusal(400, "bad_request", "err_field", field="response")
            self.session.answer(player, body.get("number"), body["response"])
        except Refusal as refusal:
            return self.refuse(refusal)
        self.finish({"accepted": True, "message": message("answer_received", player.lang)})


class InstructorStateHandler(BaseHandler):
    async def get(self) -> None:
        try:
            self.require_key()
            version, wait = self.wait_args()
        except Refusal as refusal:
            return self.refuse(refusal)
        await self.quiz.wait_change(False, version, wait)
        state = self.session.instructor_state()
        state["joinUrl"] = self.quiz.join_url
        self.finish(state)


class InstructorActionHandler(BaseHandler):
    def post(self, action: str) -> None:
        try:
            self.require_key()
            if action == "next":
                result = self.quiz._next()
            elif action == "close":
                self.session.close()
                result = {}
            else:
                result = self.quiz._finish()
        except Refusal as refusal:
            return self.refuse(refusal)
        self.finish({"ok": True, **result})


class ResultsHandler(BaseHandler):
    def get(self) -> None:
        try:
            self.require_key()
        except Refusal as refusal:
            return self.refuse(refusal)
        summary, _ = write_csv(self.quiz.db, self.quiz.session_id, self.quiz.results_dir)
        self.set_header("Content-Type", "text/csv; charset=UTF-8")
        self.set_header("Content-Disposition", f'attachment; filename="{summary.name}"')
        self.finish(summary.read_bytes())
