"""Command line of the class quiz.

python -m coursetools.quizserver serve ch01 --lang hu --seconds 20 --host 0.0.0.0
python -m coursetools.quizserver sessions
python -m coursetools.quizserver export SESSION_ID
python -m coursetools.quizserver gradebook SESSION_ID --assignment quiz_ch01
"""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser
from pathlib import Path

from dlcourse.quiz.bank import BankError
from dlcourse.text import LANGS

from .server import DEFAULT_DB, JOINS_PER_MINUTE, MAX_PLAYERS, QuizServer
from .store import sessions, write_csv


def serve(args: argparse.Namespace) -> int:
    try:
        quiz = QuizServer(
            args.bank,
            db=args.db,
            lang=args.lang,
            seconds=args.seconds,
            host=args.host,
            port=args.port,
            max_players=args.max_players or None,
            joins_per_minute=args.joins_per_minute,
        ).start()
    except (BankError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(
        f"Quiz session {quiz.session_id}: bank {quiz.bank.id}, "
        f"{len(quiz.bank.questions)} questions, {quiz.seconds:g} s each"
    )
    print(f"Students join at: {quiz.join_url}")
    print(f"Instructor view:  {quiz.instructor_url}")
    print(f"Results:          {quiz.db} (CSV files beside it when the quiz ends)")
    print("Press Ctrl-C to stop.", flush=True)
    if args.open:
        webbrowser.open(quiz.instructor_url)
    try:
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        quiz.stop()
    return 0


def list_sessions(args: argparse.Namespace) -> int:
    for s in sessions(args.db):
        print(
            f"{s['id']}  bank {s['bank']}  {s['players']} players  {s['rounds']} questions  "
            f"started {s['started_at']}  {'finished' if s['finished_at'] else 'not finished'}"
        )
    return 0


def export(args: argparse.Namespace) -> int:
    try:
        summary, answers = write_csv(args.db, args.session, args.out or Path(args.db).parent)
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 1
    print(f"wrote {summary} and {answers}")
    return 0


def gradebook(args: argparse.Namespace) -> int:
    from .gradebook import add_to_gradebook

    try:
        report = add_to_gradebook(
            args.db,
            args.session,
            args.assignment,
            args.gradebook,
            args.course,
            args.create_students,
        )
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 1
    print(f"{report.assignment}: graded {len(report.graded)} student(s) out of {report.max_score}")
    if report.skipped:
        print(
            f"skipped (not nbgrader students; add them or pass --create-students): "
            f"{', '.join(report.skipped)}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursetools.quizserver",
        description="Live class quizzes from the course's question banks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run a live session of one bank")
    p.add_argument("bank", help="a bank name (ch01) or a .yml file")
    p.add_argument(
        "--lang",
        choices=LANGS,
        default="hu",
        help="the instructor view's language and the students' default (default: hu)",
    )
    p.add_argument("--seconds", type=float, default=20.0, help="time per question (default: 20)")
    p.add_argument(
        "--host",
        default="0.0.0.0",
        help="address to listen on (default 0.0.0.0: phones on the network can join; "
        "127.0.0.1: only this machine)",
    )
    p.add_argument(
        "--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)"
    )
    p.add_argument(
        "--db", type=Path, default=DEFAULT_DB, help=f"SQLite file (default: {DEFAULT_DB})"
    )
    p.add_argument("--max-players", type=int, default=MAX_PLAYERS,
                   help=f"players who may join (default: {MAX_PLAYERS}; 0: no cap)")
    p.add_argument("--joins-per-minute", type=int, default=JOINS_PER_MINUTE,
                   help=f"new joins from one address per minute (default: {JOINS_PER_MINUTE}; "
                   "0: no limit, e.g. for a load test from one machine)")
    p.add_argument("--open", action="store_true", help="open the instructor view in a browser")
    p.set_defaults(run=serve)

    p = commands.add_parser("sessions", help="list the sessions in the database")
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.set_defaults(run=list_sessions)

    p = commands.add_parser("export", help="write a session's results as CSV")
    p.add_argument("session")
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--out", type=Path, help="folder (default: the database's folder)")
    p.set_defaults(run=export)

    p = commands.add_parser(
        "gradebook", help="add a session to the nbgrader gradebook as a graded item"
    )
    p.add_argument("session")
    p.add_argument(
        "--assignment", required=True, help="the nbgrader assignment name, e.g. quiz_ch01"
    )
    p.add_argument("--db", type=Path, default=DEFAULT_DB)
    p.add_argument("--gradebook", default="sqlite:///gradebook.db", help="nbgrader's database URL")
    p.add_argument("--course", default="dl-course", help="nbgrader course id (nbgrader_config.py)")
    p.add_argument(
        "--create-students",
        action="store_true",
        help="add players who are not yet nbgrader students",
    )
    p.set_defaults(run=gradebook)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
