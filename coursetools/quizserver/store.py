"""The session's results in SQLite, and their CSV export.

Every join, question and answer is written (and committed) the moment it happens, so a
crash of the server loses nothing that a student was told was received. One file can
hold many sessions; each row carries its session's id.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, bank TEXT NOT NULL, lang TEXT NOT NULL, seconds REAL NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE IF NOT EXISTS players (
    session_id TEXT NOT NULL REFERENCES sessions(id), player_id INTEGER NOT NULL,
    name TEXT NOT NULL, lang TEXT NOT NULL, token_sha256 TEXT NOT NULL, joined_at TEXT NOT NULL,
    PRIMARY KEY (session_id, player_id), UNIQUE (session_id, name));
CREATE TABLE IF NOT EXISTS rounds (
    session_id TEXT NOT NULL REFERENCES sessions(id), number INTEGER NOT NULL,
    question_id TEXT NOT NULL, seconds REAL NOT NULL, opened_at TEXT NOT NULL, closed_at TEXT,
    PRIMARY KEY (session_id, number));
CREATE TABLE IF NOT EXISTS answers (
    session_id TEXT NOT NULL, number INTEGER NOT NULL, player_id INTEGER NOT NULL,
    response TEXT NOT NULL, params TEXT, correct INTEGER NOT NULL, points INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL, received_at TEXT NOT NULL,
    PRIMARY KEY (session_id, number, player_id),
    FOREIGN KEY (session_id, number) REFERENCES rounds(session_id, number),
    FOREIGN KEY (session_id, player_id) REFERENCES players(session_id, player_id));
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the schema in place (WAL: readers never block the server)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(SCHEMA)
    return db


class Store:
    """The writes of one running session (all from the server's event-loop thread)."""

    def __init__(self, path: Path | str, session_id: str) -> None:
        self.path, self.session_id = path, session_id
        self.db = connect(path)

    def _write(self, sql: str, *values: Any) -> None:
        with self.db:  # one transaction, committed at once
            self.db.execute(sql, values)

    def start(self, bank: str, lang: str, seconds: float) -> None:
        self._write(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL)",
            self.session_id,
            bank,
            lang,
            seconds,
            now_iso(),
        )

    def add_player(self, player_id: int, name: str, lang: str, token_sha256: str) -> None:
        self._write(
            "INSERT INTO players VALUES (?, ?, ?, ?, ?, ?)",
            self.session_id,
            player_id,
            name,
            lang,
            token_sha256,
            now_iso(),
        )

    def open_round(self, number: int, question_id: str, seconds: float) -> None:
        self._write(
            "INSERT INTO rounds VALUES (?, ?, ?, ?, ?, NULL)",
            self.session_id,
            number,
            question_id,
            seconds,
            now_iso(),
        )

    def close_round(self, number: int) -> None:
        self._write(
            "UPDATE rounds SET closed_at = ? WHERE session_id = ? AND number = ?",
            now_iso(),
            self.session_id,
            number,
        )

    def add_answer(
        self,
        number: int,
        player_id: int,
        response: Any,
        params: dict[str, float] | None,
        correct: bool,
        points: int,
        elapsed_ms: int,
    ) -> None:
        self._write(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.session_id,
            number,
            player_id,
            json.dumps(response, ensure_ascii=False),
            json.dumps(params) if params is not None else None,
            int(correct),
            points,
            elapsed_ms,
            now_iso(),
        )

    def finish(self) -> None:
        self._write("UPDATE sessions SET finished_at = ? WHERE id = ?", now_iso(), self.session_id)

    def close(self) -> None:
        self.db.close()


@dataclass(frozen=True)
class PlayerResult:
    rank: int
    name: str
    points: int
    correct: int
    answered: int
    per_question: dict[int, int]  # round number -> points


def sessions(path: Path | str) -> list[dict[str, Any]]:
    """Every session in the database, newest first, with its player and round counts."""
    db = connect(path)
    try:
        rows = db.execute("""
            SELECT s.id, s.bank, s.lang, s.started_at, s.finished_at,
                   (SELECT COUNT(*) FROM players p WHERE p.session_id = s.id),
                   (SELECT COUNT(*) FROM rounds r WHERE r.session_id = s.id)
            FROM sessions s ORDER BY s.started_at DESC""").fetchall()
    finally:
        db.close()
    keys = ("id", "bank", "lang", "started_at", "finished_at", "players", "rounds")
    return [dict(zip(keys, row)) for row in rows]


def results(path: Path | str, session_id: str) -> tuple[list[int], list[PlayerResult]]:
    """The round numbers and every player's totals, ranked as the leaderboard ranks them:
    points, then the less time spent on right answers, then who joined first."""
    db = connect(path)
    try:
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            known = ", ".join(s["id"] for s in sessions(path)) or "none"
            raise KeyError(f"no session {session_id!r} in {path}; the sessions are: {known}")
        rounds = [
            r
            for (r,) in db.execute(
                "SELECT number FROM rounds WHERE session_id = ? ORDER BY number", (session_id,)
            )
        ]
        players = db.execute(
            """
            SELECT p.player_id, p.name, COALESCE(SUM(a.points), 0), COALESCE(SUM(a.correct), 0),
                   COUNT(a.number), COALESCE(SUM(a.elapsed_ms * a.correct), 0)
            FROM players p LEFT JOIN answers a
                 ON a.session_id = p.session_id AND a.player_id = p.player_id
            WHERE p.session_id = ? GROUP BY p.player_id
            ORDER BY 3 DESC, 6 ASC, p.player_id ASC""",
            (session_id,),
        ).fetchall()
        points: dict[int, dict[int, int]] = {}
        for player_id, number, value in db.execute(
            "SELECT player_id, number, points FROM answers WHERE session_id = ?", (session_id,)
        ):
            points.setdefault(player_id, {})[number] = value
    finally:
        db.close()
    ranked = [
        PlayerResult(rank, name, total, correct, answered, points.get(player_id, {}))
        for rank, (player_id, name, total, correct, answered, _) in enumerate(players, start=1)
    ]
    return rounds, ranked


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell that a spreadsheet shows as text: a string that would start a formula
    (``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3``) gets a leading apostrophe, as OWASP
    advises; numbers, and strings that are just a number ("-0.5"), stay as they are.

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-0.5"), csv_cell(-3), csv_cell("Kis Panni")
    ("'=HYPERLINK(1)", '-0.5', -3, 'Kis Panni')
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def write_csv(path: Path | str, session_id: str, folder: Path) -> tuple[Path, Path]:
    """``<session>-results.csv`` (a row per player) and ``<session>-answers.csv`` (a row per
    answer), UTF-8 with a byte-order mark so that Excel reads the accents right."""
    folder.mkdir(parents=True, exist_ok=True)
    rounds, players = results(path, session_id)
    summary = folder / f"{session_id}-results.csv"
    with summary.open("w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(
            ["rank", "name", "points", "correct", "answered", "questions"]
            + [f"q{n}_points" for n in rounds]
        )
        for p in players:
            out.writerow(
                [p.rank, csv_cell(p.name), p.points, p.correct, p.answered, len(rounds)]
                + [p.per_question.get(n, "") for n in rounds]
            )
    answers = folder / f"{session_id}-answers.csv"
    db = connect(path)
    try:
        rows = db.execute(
            """
            SELECT a.number, r.question_id, p.name, a.response, a.params, a.correct, a.points,
                   a.elapsed_ms, a.received_at
            FROM answers a JOIN players p USING (session_id, player_id)
                           JOIN rounds r ON r.session_id = a.session_id AND r.number = a.number
            WHERE a.session_id = ? ORDER BY a.number, a.received_at""",
            (session_id,),
        ).fetchall()
    finally:
        db.close()
    with answers.open("w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "question",
                "question_id",
                "name",
                "response",
                "params",
                "correct",
                "points",
                "elapsed_ms",
                "received_at",
            ]
        )
        out.writerows([csv_cell(value) for value in row] for row in rows)
    return summary, answers
