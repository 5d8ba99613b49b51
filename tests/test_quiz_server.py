"""The session server over real HTTP on 127.0.0.1: joining, answering, refusals with clear
messages, long-polling, the instructor's key, the answer key kept back, concurrent
answers, the command line, CSV and the nbgrader gradebook, and the notebook widget."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coursetools.config import ROOT, tool_env
from coursetools.quizserver import QuizServer
from coursetools.quizserver.server import STATIC
from dlcourse.quiz import load_bank
from dlcourse.quiz.live import LiveQuiz, SessionClient

BANK = Path(__file__).parent / "data" / "session_bank.yml"


def http(url: str, method: str = "GET", body: Any = None, key: str | None = None,
         raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method)
    if key:
        request.add_header("X-Quiz-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            status, payload, kind = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, payload, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    return status, json.loads(payload) if "json" in kind else payload.decode("utf-8")


def until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait (bounded) for something another thread does."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


class Quiz:
    """A running server and shortcuts for its API."""

    def __init__(self, server: QuizServer) -> None:
        self.server, self.url = server, f"http://127.0.0.1:{server.port}"

    def join(self, name: str, lang: str = "hu", token: str | None = None) -> tuple[int, Any]:
        return http(f"{self.url}/api/join", "POST", {"name": name, "lang": lang, "token": token})

    def token(self, name: str, lang: str = "hu") -> str:
        status, body = self.join(name, lang)
        assert status == 200, body
        return str(body["token"])

    def state(self, token: str, version: int = -1, wait: float = 0) -> Any:
        status, body = http(f"{self.url}/api/state?token={token}&version={version}&wait={wait}")
        assert status == 200, body
        return body

    def answer(self, token: str, number: Any, response: Any) -> tuple[int, Any]:
        return http(f"{self.url}/api/answer", "POST", {"token": token, "number": number, "response": response})

    def act(self, action: str) -> tuple[int, Any]:
        return http(f"{self.url}/api/instructor/{action}", "POST", {}, key=self.server.key)

    def teacher(self, version: int = -1, wait: float = 0) -> Any:
        return http(f"{self.url}/api/instructor/state?version={version}&wait={wait}", key=self.server.key)[1]


@pytest.fixture
def quiz(tmp_path: Path) -> Iterator[Quiz]:
    """A session whose players all join from 127.0.0.1: no per-address limit (its own test
    below has one)."""
    with QuizServer(str(BANK), db=tmp_path / "quiz.sqlite", port=0, seconds=30, joins_per_minute=None) as server:
        yield Quiz(server)


def test_a_question_round_over_http(quiz: Quiz) -> None:
    anna, bob = quiz.token("ABC123", "hu"), quiz.token("Bob", "en")
    assert quiz.state(anna)["phase"] == "lobby"
    assert quiz.act("next") == (200, {"ok": True, "number": 1})
    state = quiz.state(bob)
    assert state["phase"] == "open" and state["question"]["options"][2] == "XOR"
    assert quiz.answer(anna, 1, 2) == (200, {"accepted": True, "message": "Megkaptuk a válaszodat. Várd meg, amíg a kérdés lezárul."})
    assert quiz.teacher()["answers"] == 1
    assert quiz.answer(bob, 1, 0)[0] == 200  # all in: the question closes
    closed = quiz.state(anna)
    assert closed["phase"] == "closed" and closed["result"]["correct"] and closed["result"]["points"] > 900
    assert quiz.state(bob)["result"] == {
        "answered": True, "correct": False, "points": 0, "answer": "XOR",
        "explanation": "No single straight line separates the true and false points of XOR."}
    teacher = quiz.teacher()
    assert [b["count"] for b in teacher["distribution"]] == [1, 0, 1, 0, 0]
    assert [row["name"] for row in teacher["leaderboard"]] == ["ABC123", "Bob"]


@pytest.mark.parametrize("body,status,code,text", [
    # Before the player is known, the message is in the session's language (Hungarian here).
    (b"{not json", 400, "bad_json", "A kérés nem érvényes JSON-objektum."),
    (b"[1, 2]", 400, "bad_json", "A kérés nem érvényes JSON-objektum."),
    (b'{"x": "' + b"a" * 20000 + b'"}', 413, "too_large", "túl nagy (legfeljebb 16 KiB"),
    (b'{"token": "TOKEN", "number": 1}', 400, "bad_request", "Missing or malformed field: response"),
    (b'{"token": "TOKEN", "number": "one", "response": 2}', 400, "bad_request", "field: number"),
    (b'{"token": "TOKEN", "number": 1, "response": "XOR"}', 400, "bad_option", "Choose one of the options"),
    (b'{"token": "nobody", "number": 1, "response": 2}', 403, "unknown_player", "Ismeretlen játékos"),
    (b'{"token": "TOKEN", "number": 2, "response": 2}', 409, "not_open", "not open for answers"),
    # Nested past Python's recursion limit (a RecursionError, once a 500), or just past ours.
    (b'{"response": ' + b"[" * 5000 + b"]" * 5000 + b"}", 400, "bad_json", "nem érvényes JSON"),
    (b'{"token": "TOKEN", "number": 1, "response": [[[[2]]]]}', 400, "bad_json", "nem érvényes JSON"),
])
def test_malformed_answers_get_a_clear_error(quiz: Quiz, body: bytes, status: int, code: str, text: str) -> None:
    token = quiz.token("Bob", "en")
    quiz.act("next")
    got = http(f"{quiz.url}/api/answer", "POST", raw=body.replace(b"TOKEN", token.encode()))
    assert got[0] == status and got[1]["error"] == code and text in got[1]["message"], got
    assert quiz.teacher()["answers"] == 0  # nothing was recorded
    assert quiz.answer(token, 1, 2)[0] == 200  # and the student can still answer


# Thirteen such names, each harmless alone, spelled a full-page javascript: link on the
# instructor's page once its player list was typeset (tests/test_quiz_session_browser.py
# checks the pages themselves). Every name with markup is refused, in the player's language.
@pytest.mark.parametrize("name", ["\\(\\href{javascript:/*", "*/pwned=1}{X}\\)", "$x$", "<b>Bob</b>",
                                  "Tom & Jerry", "a`b`"])
def test_names_with_markup_are_refused(quiz: Quiz, name: str) -> None:
    for lang, text in (("hu", "A név nem tartalmazhatja ezeket a jeleket: \\ $ { } < > & `"),
                       ("en", "A name may not contain these characters: \\ $ { } < > & `")):
        status, body = quiz.join(name, lang)
        assert (status, body["error"], body["message"]) == (400, "bad_name", text)
    assert quiz.teacher()["players"] == []


def test_formula_names_reach_the_csv_as_text(tmp_path: Path) -> None:
    """A name that a spreadsheet would run (=HYPERLINK, @SUM, +, -) is exported with a
    leading apostrophe, in both CSV files; a number stays a number."""
    from coursetools.quizserver.store import write_csv

    names = ['=HYPERLINK("http://x")', "@SUM(1+1)", "+1+2", "-2+3", "Kis Panni"]
    with QuizServer(str(BANK), db=tmp_path / "q.sqlite", port=0, seconds=30) as server:
        quiz = Quiz(server)
        tokens = [quiz.token(name) for name in names]
        quiz.act("next")
        for token in tokens:
            assert quiz.answer(token, 1, 2)[0] == 200
        quiz.act("finish")
        summary, answers = write_csv(server.db, server.session_id, tmp_path / "csv")
    exported = {row["name"] for row in csv.DictReader(io.StringIO(summary.read_text(encoding="utf-8-sig")))}
    assert exported == {"'" + name for name in names[:-1]} | {"Kis Panni"}
    rows = list(csv.DictReader(io.StringIO(answers.read_text(encoding="utf-8-sig"))))
    assert {row["name"] for row in rows} == exported and {row["response"] for row in rows} == {"2"}


def test_a_join_flood_is_cut_off_and_the_game_has_a_cap(tmp_path: Path) -> None:
    """Twenty joins a minute from one address (the server's default), and the instructor's
    cap on players: the flood gets 429 with Retry-After, reconnects still work, and the
    players who are in keep answering."""
    with QuizServer(str(BANK), db=tmp_path / "q.sqlite", port=0, seconds=30, max_players=25) as server:
        quiz = Quiz(server)
        tokens = [quiz.token(f"Bot{i:02d}", "en") for i in range(20)]
        status, body = quiz.join("Bot20", "hu")
        assert (status, body["error"]) == (429, "too_many_joins")
        assert body["message"].startswith("Túl sok csatlakozás erről a címről. Próbáld újra ")
        request = urllib.request.Request(f"{quiz.url}/api/join", data=b'{"name": "Bot21"}', method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert 1 <= int(refused.value.headers["Retry-After"]) <= 3  # a minute holds 20 joins
        assert quiz.join("Bot00", "en", token=tokens[0])[1]["reconnected"] is True
        quiz.act("next")
        assert all(quiz.answer(token, 1, 2)[0] == 200 for token in tokens[:5])
        assert len(quiz.teacher()["players"]) == 20
        server.join_limit.per_minute = 0  # the cap is the instructor's, whatever the address
        for i in range(5):
            quiz.token(f"Late{i}", "en")
        status, body = quiz.join("One too many", "en")
        assert (status, body["error"], body["message"]) == (
            409, "full", "The game is full (25 players). Tell the instructor.")


def test_late_and_duplicate_answers_are_refused(tmp_path: Path) -> None:
    with QuizServer(str(BANK), db=tmp_path / "q.sqlite", port=0, seconds=1.0) as server:
        quiz = Quiz(server)
        anna, bob, cili = quiz.token("ABC123", "hu"), quiz.token("Bob", "en"), quiz.token("Cili")
        quiz.act("next")
        assert quiz.answer(anna, 1, 2)[0] == 200
        status, body = quiz.answer(anna, 1, 2)
        assert status == 409 and body["error"] == "duplicate" and "az első válaszod számít" in body["message"]
        time.sleep(1.2)  # the timer closes the question
        status, body = quiz.answer(bob, 1, 2)
        assert status == 409 and body == {"error": "late", "message": "Time is up: the question has closed, so this answer does not count."}
        assert quiz.state(bob)["phase"] == "closed"
        quiz.act("next")
        quiz.act("close")  # the instructor may close early too
        assert quiz.answer(cili, 2, [0, 2])[1]["error"] == "late"


def test_long_polls_wake_on_change_and_are_bounded(quiz: Quiz) -> None:
    token = quiz.token("Bob", "en")
    version = quiz.state(token)["version"]
    start = time.monotonic()
    quiz.state(token, version, wait=0.3)  # nothing changes: back after the wait
    assert 0.25 < time.monotonic() - start < 5
    got: list[Any] = []
    poll = threading.Thread(target=lambda: got.append(quiz.state(token, version, wait=20)))
    poll.start()
    time.sleep(0.3)
    start = time.monotonic()
    quiz.act("next")
    poll.join(10)
    assert got and got[0]["phase"] == "open" and time.monotonic() - start < 2


def test_reconnecting_keeps_the_score(quiz: Quiz) -> None:
    token = quiz.token("ABC123")
    quiz.act("next")
    quiz.answer(token, 1, 2)
    status, body = quiz.join("ABC123", "hu")  # a stranger with the same name
    assert status == 409 and body["error"] == "name_taken" and "már foglalt" in body["message"]
    status, body = quiz.join("ABC123", "hu", token)  # the same student, with their token
    assert status == 200 and body["reconnected"] and body["token"] == token
    assert quiz.state(token)["score"] > 900


def test_instructor_api_needs_the_key(quiz: Quiz) -> None:
    for path, method in (("state", "GET"), ("next", "POST"), ("finish", "POST"), ("results.csv", "GET")):
        status, body = http(f"{quiz.url}/api/instructor/{path}", method, {} if method == "POST" else None)
        assert status == 403 and body["error"] == "instructor_only", path
        assert http(f"{quiz.url}/api/instructor/{path}", method, {} if method == "POST" else None,
                    key="wrong")[0] == 403
    assert quiz.teacher()["phase"] == "lobby"
    assert http(f"{quiz.url}/nothing/here") == (404, {"error": "not_found", "message": "Nincs ilyen oldal."})
    assert http(f"{quiz.url}/api/join")[0] == 405


def test_no_student_response_holds_the_key_while_a_question_is_open(quiz: Quiz) -> None:
    """Every student-facing byte: the page, its scripts and styles, every API reply."""
    bank = load_bank(str(BANK))
    tokens = {"hu": quiz.token("ABC123", "hu"), "en": quiz.token("Bob", "en")}
    page = http(f"{quiz.url}/")[1]
    assets = [http(f"{quiz.url}/static/{p.name}")[1] for p in STATIC.iterdir()]
    for q in bank:
        quiz.act("next")
        seen = [json.dumps(quiz.state(tokens[lang]), ensure_ascii=False) for lang in tokens]
        seen += [json.dumps(quiz.answer(tokens["hu"], 99, 0)[1], ensure_ascii=False)]
        for lang in ("hu", "en"):
            for text in [page, *assets, *seen]:
                assert q.text("explanation", lang)[:20] not in text
                if q.type == "text":
                    assert q.data["answers"][lang][0] not in text
            if q.type in ("single", "multiple"):
                assert '"correct"' not in "".join(seen)
        quiz.act("close")
        assert all("result" in quiz.state(t) for t in tokens.values())


def test_concurrent_answers_are_all_recorded(quiz: Quiz) -> None:
    tokens = [quiz.token(f"P{i:03d}") for i in range(60)]
    quiz.act("next")
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda t=t, i=i: statuses.append(quiz.answer(t, 1, i % 4)[0]))
               for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 60
    assert quiz.teacher()["phase"] == "closed"  # everyone answered
    status, text = http(f"{quiz.url}/api/instructor/results.csv?key={quiz.server.key}")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert status == 200 and len(rows) == 60 and sum(r["correct"] == "1" for r in rows) == 15


def test_the_notebook_widget_plays_a_session(quiz: Quiz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLCOURSE_QUIZ_TOKENS", str(tmp_path / "tokens.json"))
    widget = LiveQuiz(quiz.url, "ABC123", "hu")
    other = SessionClient(quiz.url)
    bob = other.join("Bob", "en")["token"]
    try:
        until(lambda: widget.phase == "lobby")
        quiz.act("next")
        until(lambda: widget.phase == "open" and widget.number == 1)
        assert "perceptron" in widget.question.children[0].value
        widget.inputs[2].click()  # XOR
        assert "Megkaptuk" in widget.status.value and widget.inputs[0].disabled
        other.answer(bob, 1, 0)
        until(lambda: widget.phase == "closed")
        assert "Helyes! +" in widget.result.value and "egyetlen egyenes" in widget.result.value
        assert "1." in widget.board.value and "ABC123" in widget.board.value
        quiz.act("next")
        until(lambda: widget.phase == "open" and widget.number == 2)
        widget.stop()
        again = LiveQuiz(quiz.url, "abc123", "hu")  # the cell run again: same player, score kept
        until(lambda: again.phase == "open" and again.number == 2)
        assert again.token == widget.token
        assert json.loads((tmp_path / "tokens.json").read_text())  # kept for a kernel restart
        assert not again.submit(2, [])  # nothing ticked: a clear message, nothing sent
        assert "Előbb add meg a válaszodat." in again.status.value
        again.inputs[0].value = again.inputs[2].value = True
        again.inputs[-1].click()
        assert "Megkaptuk" in again.status.value
        quiz.act("finish")
        until(lambda: again.phase == "finished")
        assert again._thread is not None
        again._thread.join(5)
        assert not again._thread.is_alive()  # the poll loop ended with the quiz
    finally:
        widget.stop()


def test_command_line_serves_exports_and_lists(tmp_path: Path) -> None:
    db = tmp_path / "results" / "quiz.sqlite"
    command = [sys.executable, "-m", "coursetools.quizserver", "serve", str(BANK), "--host", "127.0.0.1",
               "--port", "0", "--db", str(db), "--seconds", "5", "--lang", "en"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [server.stdout.readline() for _ in range(5)]  # type: ignore[union-attr]
        url = re.search(r"join at: (http://127\.0\.0\.1:\d+)/", "".join(lines)).group(1)  # type: ignore[union-attr]
        key = re.search(r"#key=(\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]
        session = re.search(r"Quiz session (\S+):", lines[0]).group(1)  # type: ignore[union-attr]
        quiz = Quiz.__new__(Quiz)
        quiz.url = url
        quiz.server = type("S", (), {"key": key})()  # type: ignore[assignment]
        token = quiz.token("ABC123", "en")
        quiz.act("next")
        assert quiz.answer(token, 1, 2)[0] == 200
        assert quiz.act("finish")[1]["results"].endswith(f"{session}-results.csv")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=15)
    assert server.returncode == 0, err
    assert (db.parent / f"{session}-answers.csv").exists()
    listing = subprocess.run([sys.executable, "-m", "coursetools.quizserver", "sessions", "--db", str(db)],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert session in listing and "1 players" in listing and "finished" in listing
    out_dir = tmp_path / "csv"
    subprocess.run([sys.executable, "-m", "coursetools.quizserver", "export", session, "--db", str(db),
                    "--out", str(out_dir)], cwd=ROOT, check=True, capture_output=True)
    assert (out_dir / f"{session}-results.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,ABC123,")
    bad = subprocess.run([sys.executable, "-m", "coursetools.quizserver", "export", "nope", "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "no session 'nope'" in bad.stderr


@pytest.mark.slow
def test_results_enter_the_nbgrader_gradebook(quiz: Quiz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real nbgrader: its gradebook API to enrol students, its CLI to export grades."""
    from nbgrader.api import Gradebook

    plain_env = dict(os.environ)  # as an instructor runs it: the venv perhaps not activated
    monkeypatch.setenv("PATH", tool_env()["PATH"])  # nbgrader runs `alembic` by name
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    gradebook = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(gradebook, "dl-course") as gb:
        for student in ("ABC123", "XYZ789", "QWE456"):
            gb.add_student(student)
    tokens = {name: quiz.token(name) for name in ("abc123", "XYZ789", "Panni")}
    quiz.act("next")
    quiz.answer(tokens["abc123"], 1, 2)
    quiz.answer(tokens["XYZ789"], 1, 0)
    quiz.answer(tokens["Panni"], 1, 2)
    quiz.act("next")
    quiz.answer(tokens["abc123"], 2, [0, 2])
    quiz.act("finish")
    result = subprocess.run(
        [sys.executable, "-m", "coursetools.quizserver", "gradebook", quiz.server.session_id,
         "--assignment", "quiz_demo", "--db", str(quiz.server.db), "--gradebook", gradebook],
        cwd=ROOT, capture_output=True, text=True, env=plain_env)
    assert result.returncode == 0, result.stderr
    assert "graded 2 student(s) out of 2" in result.stdout and "skipped" in result.stdout and "Panni" in result.stdout
    export = subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", "grades.csv"],
                            cwd=course, capture_output=True, text=True, env=tool_env())
    assert export.returncode == 0, export.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((course / "grades.csv").open())
            if r["assignment"] == "quiz_demo"}
    assert {s: (float(r["score"]), float(r["max_score"])) for s, r in rows.items()} == {
        "ABC123": (2.0, 2.0), "XYZ789": (0.0, 2.0), "QWE456": (0.0, 2.0)}


def test_the_notebook_api_drives_a_session(tmp_path: Path) -> None:
    from coursetools.quizserver import start

    quiz = start(str(BANK), lang="en", seconds=30, port=0, db=tmp_path / "q.sqlite")
    try:
        client = SessionClient(f"http://127.0.0.1:{quiz.port}")
        token = client.join("ABC123", "hu")["token"]
        assert quiz.join_url in quiz._repr_html_() and quiz.key in quiz._repr_html_()
        assert quiz.view().src == quiz.instructor_url
        assert quiz.next() == {"number": 1}
        assert quiz.state()["phase"] == "open"
        client.answer(token, 1, 2)  # the only player: the question closes
        assert quiz.state()["phase"] == "closed" and quiz.leaderboard()[0]["name"] == "ABC123"
        quiz.next()
        quiz.close()
        paths = quiz.finish()
        assert Path(paths["results"]).read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,ABC123,")
    finally:
        quiz.stop()
    with pytest.raises(OSError):  # the port is free again: a new server may bind it
        urllib.request.urlopen(f"http://127.0.0.1:{quiz.port}/", timeout=2)


@pytest.mark.slow
def test_the_benchmark_script_runs_and_loses_nothing() -> None:
    """A small run of benchmarks/quiz_session.py, so that the script keeps working; its
    timings are not judged here (shared machines vary too much)."""
    run = subprocess.run([sys.executable, "benchmarks/quiz_session.py", "--students", "20", "--spread", "0.5"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "answers accepted: 20, refused: 0, in the database: 20, counted by the server: 20" in run.stdout, run
    assert "answers lost: 0, not confirmed in the student's state: 0" in run.stdout
