"""The class session's rules without the web server: joining, scoring, refusals, what each
side may see, the SQLite record and the CSV export. The clock is a plain variable, so
timing rules are tested exactly; the database is a real SQLite file."""

from __future__ import annotations

import ast
import csv
import json
import sqlite3
import string
from pathlib import Path

import pytest

from coursetools.quizserver.session import Refusal, Session, points_for
from coursetools.quizserver.store import Store, results, write_csv
from dlcourse.cnn import conv_out
from dlcourse.quiz import load_bank
from dlcourse.quiz.bank import format_number
from dlcourse.quiz.messages import MESSAGES

BANK = Path(__file__).parent / "data" / "session_bank.yml"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "quiz.sqlite"


def new_session(db: Path, clock: Clock, bank: str | Path = BANK, seconds: float = 20) -> Session:
    return Session(load_bank(bank), Store(db, "s1"), "hu", seconds, clock=clock)


def refused(code: str, call, *args) -> Refusal:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as err:
        call(*args)
    assert err.value.code == code, err.value.code
    return err.value


def test_points_reward_right_and_fast_answers() -> None:
    scores = [points_for(True, t, 20) for t in (0, 1, 5, 10, 19.9, 20)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1000 and scores[-1] == 500
    assert points_for(False, 0, 20) == 0


def test_a_round_scores_by_correctness_and_speed(db: Path, clock: Clock) -> None:
    s = new_session(db, clock)
    anna, _, _ = s.join("ABC123", "hu")
    bob, _, _ = s.join("Bob", "en")
    cili, _, _ = s.join("Cili", "hu")
    s.open_next()
    clock.now += 1
    s.answer(anna, 1, 2)          # right after 1 s
    clock.now += 1
    s.answer(cili, 1, 0)          # wrong after 2 s
    clock.now += 3
    assert s.phase == "open" and anna.score == 0  # scores move only when the question closes
    s.answer(bob, 1, 2)           # right after 5 s; everyone has answered: it closes
    assert s.phase == "closed"
    assert [(r["name"], r["score"]) for r in s.leaderboard()] == [("ABC123", 975), ("Bob", 875), ("Cili", 0)]
    assert s.rank(cili) == 3 and s.student_state(bob)["rank"] == 2
    rows = sqlite3.connect(db).execute(
        "SELECT player_id, response, correct, points, elapsed_ms FROM answers ORDER BY player_id").fetchall()
    assert rows == [(1, "2", 1, 975, 1000), (2, "2", 1, 875, 5000), (3, "0", 0, 0, 2000)]
    dist = s.distribution(s.rounds[0])
    assert [(d["count"], d["correct"]) for d in dist] == [(1, False), (0, False), (2, True), (0, False), (0, False)]


def test_points_agree_with_the_stored_milliseconds(db: Path, clock: Clock) -> None:
    """An answer after 0.1004 s is stored as 100 ms; its points are those of 100 ms (998),
    not of 0.1004 s (997), so the record scores the same when scored again."""
    assert points_for(True, 0.1004, 20) != points_for(True, 0.1, 20)  # the case where they part
    s = new_session(db, clock)
    anna, _, _ = s.join("Anna", "hu")
    s.open_next()
    clock.now += 0.1004
    s.answer(anna, 1, 2)
    rows = sqlite3.connect(db).execute("SELECT points, elapsed_ms FROM answers").fetchall()
    assert rows == [(points_for(True, 0.1, 20), 100)]


def test_late_duplicate_and_unopened_answers_are_refused(db: Path, clock: Clock) -> None:
    s = new_session(db, clock, seconds=10)
    p, _, _ = s.join("ABC123")
    q, _, _ = s.join("XYZ789")
    assert refused("not_open", s.answer, p, 1, 2).message("hu") == "Ez a kérdés most nem fogad válaszokat."
    s.open_next()
    refused("not_open", s.answer, p, 2, 0)
    s.answer(p, 1, 2)
    assert "first answer counts" in refused("duplicate", s.answer, p, 1, 0).message("en")
    clock.now += 10.001
    assert "Time is up" in refused("late", s.answer, q, 1, 2).message("en")
    s.close()
    s.open_next()
    refused("late", s.answer, q, 1, 2)  # an answer to the previous question
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)


@pytest.mark.parametrize("number,response,code", [
    (1, 7, "bad_option"), (1, "2", "bad_option"), (1, True, "bad_option"), (1, None, "bad_option"),
    (2, [], "bad_options"), (2, [0, 0], "bad_options"), (2, [0, 5], "bad_options"), (2, 1, "bad_options"),
    (3, "sok", "not_a_number"), (3, [2.97], "not_a_number"), (3, "1" * 50, "not_a_number"),
    (4, "", "bad_text"), (4, "x" * 201, "bad_text"), (4, 3, "bad_text"),
    (5, "tizenkettő", "not_a_number"),
    ("1", 2, "bad_request"),
])
def test_malformed_answers_are_refused_and_can_be_corrected(db: Path, clock: Clock, number: object,
                                                            response: object, code: str) -> None:
    s = new_session(db, clock)
    p, _, _ = s.join("ABC123")
    s.join("Other")  # so that one answer does not close the round
    while s.current is None or s.current.number < (number if isinstance(number, int) else 1):
        s.close()
        s.open_next()
    error = refused(code, s.answer, p, number, response)
    assert error.status == 400 and error.message("hu") and error.message("en")
    assert s.current is not None and p.id not in s.current.answers  # nothing recorded


def test_a_number_is_read_in_the_players_language(db: Path, clock: Clock) -> None:
    """"1,881.6" is a number in English only (a comma groups thousands there); a Hungarian
    player who types it is asked again, not marked wrong."""
    s = new_session(db, clock)
    hu, _, _ = s.join("Kati", "hu")
    en, _, _ = s.join("Kate", "en")
    while s.current is None or s.current.number < 3:
        s.close()
        s.open_next()
    refused("not_a_number", s.answer, hu, 3, "1,881.6")
    s.answer(hu, 3, "2,97")
    s.answer(en, 3, "1,881.6")
    assert set(s.current.answers) == {hu.id, en.id}


def test_joining_names_and_reconnecting(db: Path, clock: Clock) -> None:
    s = new_session(db, clock)
    p, token, again = s.join("  Kis   Panni ", "hu")
    assert p.name == "Kis Panni" and not again
    assert refused("name_taken", s.join, "kis panni", "en").status == 409
    refused("bad_name", s.join, "", "hu")
    refused("bad_name", s.join, "x" * 25, "hu")
    refused("bad_name", s.join, "tab\there\x00", "hu")
    refused("bad_request", s.join, "Zoli", "de")
    s.join("Zoli", "en")
    s.open_next()
    s.answer(p, 1, 2)
    s.close()
    same, same_token, again = s.join("whatever", "en", token)
    assert same is p and same_token == token and again and same.score > 0
    stranger, _, again = s.join("Stranger", "en", "not-a-token")
    assert stranger is not p and not again
    refused("unknown_player", s.player, "not-a-token")
    s.finish()
    refused("finished", s.join, "Late Comer", "hu")
    assert s.join("x", "hu", token)[0] is p  # a reconnect still works after the end


KEY_FIELDS = {"result", "answer", "explanation", "distribution", "correct"}


@pytest.mark.parametrize("bank", [BANK, "ch01", "ch03"])
def test_no_answer_key_reaches_anyone_while_a_question_is_open(db: Path, clock: Clock, bank: object) -> None:
    s = new_session(db, clock, bank)  # type: ignore[arg-type]
    hu, _, _ = s.join("ABC123", "hu")
    en, _, _ = s.join("Bob", "en")
    for q in s.bank:
        s.open_next()
        for player in (hu, en):
            state = s.student_state(player)
            assert not KEY_FIELDS & set(state) and not KEY_FIELDS & set(state["question"])
            text = json.dumps(state, ensure_ascii=False)
            params = s.params(q, player)
            assert q.text("explanation", player.lang, params)[:30] not in text
            if q.type in ("numeric", "text"):
                # Beyond the prompt, no field holds the answer.
                rest = {**state, "question": {k: v for k, v in state["question"].items() if k != "prompt"}}
                right = (format_number(q.answer(), player.lang) if q.type == "numeric"
                         else q.data["answers"][player.lang][0])
                assert right not in json.dumps(rest, ensure_ascii=False)
        teacher = json.dumps(s.instructor_state(), ensure_ascii=False)
        assert not KEY_FIELDS & set(s.instructor_state()) and q.text("explanation", "hu", None)[:30] not in teacher
        s.close()
        closed = s.student_state(hu)
        assert closed["result"]["explanation"] and closed["result"]["answer"]


def test_parametric_questions_give_each_student_their_numbers(db: Path, clock: Clock) -> None:
    s = new_session(db, clock)
    players = [s.join(name)[0] for name in ("ABC123", "XYZ789", "QWE456", "Panni")]
    for _ in range(5):
        s.open_next()
        if s.current and s.current.question.type == "parametric":
            break
        s.close()
    q = s.current.question  # type: ignore[union-attr]
    prompts = {s.student_state(p)["question"]["prompt"] for p in players}
    assert len(prompts) > 1
    for i, p in enumerate(players):
        params = q.variant(p.name)
        assert f"Bemenet: {params['n']}," in s.student_state(p)["question"]["prompt"]
        right = conv_out(**params)
        s.answer(p, s.current.number, str(right if i % 2 == 0 else right + 1))  # type: ignore[union-attr]
    assert [s.current.answers[p.id].correct for p in players] == [True, False, True, False]  # type: ignore[union-attr]
    assert s.student_state(players[0])["result"]["answer"] == str(conv_out(**q.variant("ABC123")))
    stored = sqlite3.connect(db).execute("SELECT params FROM answers WHERE player_id = 1").fetchone()[0]
    assert json.loads(stored) == q.variant("ABC123")


def test_results_and_csv_export(db: Path, clock: Clock, tmp_path: Path) -> None:
    s = new_session(db, clock)
    a, _, _ = s.join("ABC123")
    b, _, _ = s.join("Ödön")
    s.open_next()
    s.answer(a, 1, 2)
    s.answer(b, 1, 1)
    s.open_next()
    clock.now += 10
    s.answer(b, 2, [0, 2])
    s.finish()
    rounds, players = results(db, "s1")
    assert rounds == [1, 2] and [(p.name, p.points, p.correct, p.answered) for p in players] == [
        ("ABC123", 1000, 1, 1), ("Ödön", 750, 1, 2)]
    summary, answers = write_csv(db, "s1", tmp_path / "out")
    assert summary.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    with summary.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[1]["name"] == "Ödön" and rows[1]["q1_points"] == "0" and rows[1]["q2_points"] == "750"
    assert rows[0]["q2_points"] == "" and rows[0]["questions"] == "2"
    with answers.open(encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) == 3
    with pytest.raises(KeyError, match="no session 'nope'"):
        results(db, "nope")


def test_every_session_string_has_both_languages_and_the_same_placeholders() -> None:
    source = Path(__file__).parents[1] / "dlcourse" / "quiz" / "messages.py"
    table = next(n for n in ast.walk(ast.parse(source.read_text())) if isinstance(n, ast.Dict))
    keys = [k.value for k in table.keys]  # type: ignore[union-attr]
    assert len(keys) == len(set(keys)), "a key appears twice in MESSAGES"
    fields = lambda text: {name for _, name, _, _ in string.Formatter().parse(text) if name}  # noqa: E731
    for key, text in MESSAGES.items():
        assert set(text) == {"hu", "en"} and all(text.values()), key
        assert fields(text["hu"]) == fields(text["en"]), key


def test_ties_go_to_who_joined_first_and_a_wrong_answer_costs_no_place(db: Path, clock: Clock) -> None:
    s = new_session(db, clock)
    players = [s.join(name)[0] for name in ("Ada", "Bea", "Cecil", "Dani")]
    s.open_next()
    clock.now += 2
    s.answer(players[0], 1, 0)  # Ada: wrong after 2 s; Cecil and Dani do not answer
    s.answer(players[1], 1, 2)  # Bea: right after 2 s
    s.close()
    s.open_next()
    s.answer(players[2], 2, [0, 2])  # Cecil: right at once
    s.finish()
    expected = [("Cecil", 1000), ("Bea", 950), ("Ada", 0), ("Dani", 0)]
    assert [(row["name"], row["score"]) for row in s.leaderboard()] == expected
    assert [(p.name, p.points) for p in results(db, "s1")[1]] == expected
