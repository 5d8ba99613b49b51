"""``python -m coursetools.grading intake|autograde|feedback|export``: see README.md."""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

from .course import Course
from .worker import default_workers


def _assignments(course: Course, args: argparse.Namespace) -> list[str]:
    names = list(args.assignments)
    for lab in args.lab or []:
        found = course.assignments_of(lab)
        if not found:
            raise SystemExit(f"error: {course.source_dir}: no assignment of lab {lab}")
        names += found
    if not names:
        raise SystemExit("error: name the assignments (lab01_en ...) or a lab (--lab lab01)")
    return sorted(set(names))


def main(argv: list[str] | None = None) -> int:
    # nbgrader's gradebook API makes SQLAlchemy warn about its own sessions: harmless noise.
    warnings.filterwarnings("ignore", module="nbgrader.api")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    parser = argparse.ArgumentParser(prog="python -m coursetools.grading", description=__doc__)
    parser.add_argument("--course", type=Path, default=Path.cwd(),
                        help="the nbgrader course folder (with nbgrader_config.py); default: here")
    parser.add_argument("--db", help="gradebook URL, e.g. postgresql://user@host/db "
                                     "(default: the course's nbgrader_config.py, else SQLite)")
    commands = parser.add_subparsers(dest="command", required=True)

    intake = commands.add_parser("intake", help="handed-in notebooks into submitted/")
    intake.add_argument("inbox", type=Path, help="folder of handed-in files (searched "
                                                 "recursively), or a .zip such as Moodle's download")
    which = intake.add_mutually_exclusive_group(required=True)
    which.add_argument("--lab", help="the lab they hand in, e.g. lab01 (every language of it)")
    which.add_argument("--assignment", dest="lab", help="or any nbgrader assignment, e.g. ps1")
    intake.add_argument("--roster", type=Path,
                        help="CSV of the class: student ids (a Neptun, ID number, id or username "
                             "column), and names or Moodle participant numbers for Moodle folders "
                             "(Moodle's grading worksheet works)")
    intake.add_argument("--timezone", help="zone of times without one (zip entries, the roster's "
                                           "times), e.g. Europe/Budapest; default: this machine's")

    for name, text in (("autograde", "grade every submission, in parallel"),
                       ("feedback", "feedback pages in each notebook's language"),
                       ("export", "all grades as CSV")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("assignments", nargs="*", help="e.g. lab01_en lab01_hu")
        sub.add_argument("--lab", action="append", help="every language of a lab, e.g. lab01")
        if name == "autograde":
            sub.add_argument("--student", action="append", help="only these students")
            sub.add_argument("--workers", type=int, default=default_workers(),
                             help="parallel workers (default: cores + 1)")
            sub.add_argument("--cell-timeout", type=int, default=30, help="seconds per cell")
            sub.add_argument("--submission-timeout", type=int, default=900)
            sub.add_argument("--memory-mb", type=int, default=8192, help="per kernel")
        if name == "export":
            sub.add_argument("--out", type=Path, help="CSV file (default: reports/grades-...csv)")

    args = parser.parse_args(argv)
    try:
        course = Course.load(args.course, args.db)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # As nbgrader, run from the course folder, imports from it: plugins such as the late
    # penalty's (c.AssignLatePenalties.plugin_class = "late.SubMarks").
    if str(course.root) not in sys.path:
        sys.path.insert(0, str(course.root))
    if re.match(r"\w+(\+\w+)?://[^/@]*:[^/@]*@", course.db_url):
        print("warning: the gradebook URL holds a password, which every user of this machine "
              "(and so every graded notebook) can read in the process list or the course "
              "config; put it in PGPASSWORD or ~/.pgpass instead", file=sys.stderr)
    if args.command == "intake":
        return _intake(course, args)
    if args.command == "autograde":
        return _autograde(course, args)
    if args.command == "feedback":
        from .feedback import generate_feedback

        for assignment in _assignments(course, args):
            for line in generate_feedback(course, assignment):
                print(line)
        return 0
    from .export import export

    print(f"grades: {export(course, _assignments(course, args), args.out)}")
    return 0


def _intake(course: Course, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .intake import intake, read_roster, write_intake_report

    notes: list[str] = []
    try:
        tz = ZoneInfo(args.timezone) if args.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        print(f"error: unknown time zone {args.timezone!r} (e.g. Europe/Budapest, UTC)", file=sys.stderr)
        return 2
    try:
        roster = read_roster(args.roster, tz) if args.roster else None
        rows = intake(course, args.inbox, args.lab, roster, tz, notes)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    report = write_intake_report(course, args.lab, rows)
    placed = [r for r in rows if r.status in ("placed", "already placed")]
    files = [r for r in rows if r.status != "time read"]
    print(f"{len(placed)} of {len(files)} files placed in {course.root / 'submitted'}")
    for row in rows:
        if row.status == "not placed":
            print(f"  not placed: {row.file}: {row.reason}")
    for note in notes:
        print(f"note: {note}")
    print(f"report: {report}")
    return 0


def _autograde(course: Course, args: argparse.Namespace) -> int:
    from .gradebook import GradebookMismatch
    from .parallel import SandboxError, autograde, summary
    from .worker import Settings

    settings = Settings(workers=max(1, args.workers), cell_timeout=args.cell_timeout,
                        submission_timeout=args.submission_timeout, memory_mb=args.memory_mb)
    try:
        run = autograde(course, _assignments(course, args), settings, args.student)
    except (GradebookMismatch, SandboxError, FileNotFoundError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(summary(run))
    return 1 if run.problems else 0


if __name__ == "__main__":
    sys.exit(main())
