"""A busy machine costs no marks, and grading runs side by side never share a sandbox user.

README.md, "Grading a class": a cell that times out while its kernel got less than half
a CPU is graded again from the start with three times the time; a cell that spent its
time computing keeps its timeout. Each kernel runs as a user id of its own, unique among
every grading run on the machine while its job runs. Everything here goes through the
real command (`python -m coursetools.grading --course ROOT autograde ...`), real
nbgrader and real kernels, in the sandbox when run as root.

Nothing here depends on how fast the machine is, except through the grader's own rule
(the kernel's CPU share while a cell timed out): a waiting cell gets no CPU however idle
the machine is; a busy loop gets a whole core on an idle machine, and where other
programs keep it under half a CPU, the grader's own numbers in the report must say so.
(Each kernel is a session of its own, and Linux's autogroup scheduling shares the CPU
between sessions: a priority set here would not reach it.)
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coursetools.config import tool_env
from coursetools.grading.report import read_report

from .conftest import run
from .grading_cases import (
    Notebook,
    index,
    insert_after,
    points,
    set_source,
    source,
    without_device_cell,
)
from .nbgrader_course import Course

FULL = points(source("lab01_en"))  # grade id -> points; 11 in all


def grading(*args: str, root: Path) -> str:
    """The README's command."""
    return run([sys.executable, "-m", "coursetools.grading", "--course", str(root), *args]).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course with both languages of lab 1, released once (nbgrader takes seconds)."""
    root = tmp_path_factory.mktemp("course")
    Course(root, "lab01_en", "lab01_hu")
    return root


def course(built: Path, root: Path) -> Path:
    """A course of its own for one grading run: a copy of the released one."""
    shutil.copytree(built, root)
    return root


def start(*args: str, root: Path) -> subprocess.Popen[str]:
    """The README's command, running: its output comes line by line."""
    command = [sys.executable, "-m", "coursetools.grading", "--course", str(root), *args]
    return subprocess.Popen(command, env={**tool_env(), "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def submit(root: Path, student: str, assignment: str, nb: Notebook) -> None:
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True)
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb))


def correct(assignment: str = "lab01_en", device: bool = False) -> Notebook:
    nb = copy.deepcopy(source(assignment))
    return nb if device else without_device_cell(nb)


def insert_first(nb: Notebook, code: str) -> None:
    """A code cell right after the COURSE_LANG cell, before any answer."""
    at = next(i for i, c in enumerate(nb["cells"]) if "COURSE_LANG =" in "".join(c["source"])) + 1
    nb["cells"].insert(at, {"cell_type": "code", "execution_count": None,
                            "id": f"first-{len(nb['cells'])}", "metadata": {}, "outputs": [],
                            "source": code})


def append(nb: Notebook, code: str) -> None:
    nb["cells"].append({"cell_type": "code", "execution_count": None,
                        "id": f"last-{len(nb['cells'])}", "metadata": {}, "outputs": [],
                        "source": code})


def report(root: Path) -> dict[str, dict[str, str]]:
    """student -> row of the latest autograde report."""
    path = next((root / "reports").glob("autograde-*.csv"))  # one autograde run per course
    return {row["student"]: row for row in read_report(path)}


def scores(root: Path, assignment: str, student: str) -> dict[str, float | None]:
    """The student's grades as nbgrader's gradebook holds them (a manual score wins)."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "dl-course") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: g.score for g in notebook.grades}


def printed(root: Path, student: str, assignment: str = "lab01_en") -> str:
    """Everything the kernel printed to stdout in the autograded notebook."""
    path = root / "autograded" / student / assignment / f"{assignment}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    return "".join("".join(out.get("text", "")) for cell in cells for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


# -- 1. a waiting cell is graded again; a computing one is not ---------------------------------

WAITING, LOOPING = "WAIT01", "LOOP01"


@pytest.mark.slow
def test_a_waiting_cell_is_graded_again_a_busy_loop_is_not(built: Path, tmp_path: Path) -> None:
    root = course(built, tmp_path / "course")
    waits = correct()
    insert_after(waits, "predict", "import time\n\ntime.sleep(10)  # waits: no CPU at all")
    submit(root, WAITING, "lab01_en", waits)
    loops = correct()
    sse = index(loops, "sse")
    set_source(loops, "sse", "while True:\n    pass\n\n\n" + "".join(loops["cells"][sse]["source"]))
    submit(root, LOOPING, "lab01_en", loops)

    # 8 s per cell: the sleeping cell times out with about 0 s of CPU, then gets 24 s.
    output = grading("autograde", "lab01_en", "--cell-timeout", "8", root=root)
    assert "lost or doubled grades: 0" in output
    rows = report(root)

    waited = rows[WAITING]
    assert scores(root, "lab01_en", WAITING) == FULL, waited["events"]
    assert float(waited["score"]) == sum(FULL.values()) == 11
    assert waited["status"] == "graded" and waited["review"] == "no", waited["events"]
    assert "graded a second time with more time" in waited["events"]
    (name, elapsed, cpu), = starved(waited["events"])
    assert name != "sse" and float(elapsed) >= 8 and float(cpu) < 1, waited["events"]
    assert "stopped after" not in waited["events"]  # the second run had the time it needed

    # The loop's kernel computed the whole time: graded once, and only its cell (and so
    # the test of sse, which it never defined) lost. Only where the grader itself found
    # that kernel under half a CPU (other programs took this machine) may it run again.
    looped = rows[LOOPING]
    assert scores(root, "lab01_en", LOOPING) == {**FULL, "test_sse": 0.0}, looped["events"]
    assert looped["status"] == "graded"
    busy = starved(looped["events"])
    for name, elapsed, cpu in busy:  # seconds are rounded: half a second of slack
        assert name == "sse" and float(cpu) < 0.5 * (float(elapsed) + 0.5), looped["events"]
    if not busy:
        assert "sse: stopped after the 8 s time limit" in looped["events"]
        assert "second time" not in looped["events"] and looped["review"] == "no", looped["events"]
    else:
        assert "graded a second time with more time: sse timed out" in looped["events"]


def starved(events: str) -> list[tuple[str, str, str]]:
    """(cell, seconds, CPU seconds) of each cell that the grader found starved."""
    return re.findall(r"(\S+) timed out after (\d+) s with ([\d.]+) s of CPU", events)


# -- 2. CPU hogs beside the grader --------------------------------------------------------------

HOGS = 4  # two per core on the course's 2-core test machine
HOG_SECONDS = 900  # each one stops by itself at the latest after this (if the test is killed)


@contextmanager
def cpu_hogs(count: int, seconds: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    code = (f"import time\nend = time.monotonic() + {seconds}\n"
            "while time.monotonic() < end:\n    pass\n")
    hogs: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):  # each a session of its own, as other users' programs are
            hogs.append(subprocess.Popen([sys.executable, "-c", code], start_new_session=True))
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


@pytest.mark.slow
def test_honest_submissions_keep_full_marks_beside_cpu_hogs(built: Path, tmp_path: Path) -> None:
    root = course(built, tmp_path / "course")
    handed_in = {"HOG001": ("lab01_en", correct("lab01_en", device=True)),  # imports TF and torch
                 "HOG002": ("lab01_hu", correct("lab01_hu"))}
    for student, (assignment, nb) in handed_in.items():
        submit(root, student, assignment, nb)

    # Default settings. The hogs start when the grading of submissions does (the grader's
    # own start-up would only take longer on a busy machine) and run until it is done.
    process = start("autograde", "--lab", "lab01", root=root)
    try:
        assert process.stdout is not None
        output = ""
        for line in process.stdout:
            output += line
            if line.startswith("grading "):
                break
        with cpu_hogs(HOGS, HOG_SECONDS) as hogs:
            output += process.communicate(timeout=600)[0]
            assert all(hog.poll() is None for hog in hogs), "the hogs ran the whole time"
    finally:
        stop(process)
    assert process.returncode == 0 and "lost or doubled grades: 0" in output, output
    rows = report(root)
    for student, (assignment, nb) in handed_in.items():
        row = rows[student]
        assert scores(root, assignment, student) == points(nb), row["events"]
        assert row["status"] == "graded" and row["review"] == "no", row["events"]


# -- 3. two grading runs at once, one of them with a kernel that kills what it can -------------

KILLER, HONEST = "KIL001", ("HON001", "HON002")  # graded at once (--workers 2)
RUN_TIMEOUT = 90  # seconds per cell: the meeting of the killer and HON001 waits at most 45 s

# Both name their kernel process (/proc/self/comm, 15 characters at most) so that each can
# find the other in /proc: the killer starts killing only once an honest kernel is alive.
FIND = """import os, signal, time


def kernels(name):
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == name:
                        found.append(int(pid))
            except OSError:
                pass
    return found


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("Uid:"))


def wait_for(condition, seconds):
    end = time.time() + seconds
    while not condition() and time.time() < end:
        time.sleep(0.05)
    return condition()
"""

START = 'print(f"kernel uid={os.getuid()} start={time.time()}")\n'
END = 'import os, time\n\nprint(f"kernel uid={os.getuid()} end={time.time()}")\n'

KILL = FIND + START + """with open("/proc/self/comm", "w") as f:
    f.write("dlcourse-killer")
wait_for(lambda: kernels("dlcourse-honest"), 45)
honest = kernels("dlcourse-honest")
print("honest kernels seen:", len(honest))
attempts, signalled = 0, set()
end = time.time() + 5
while time.time() < end or attempts < 20:  # kill all this user may signal, again and again
    attempts += 1
    for pid in os.listdir("/proc"):  # kill(-1) itself says 0 even when it could signal none
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
                signalled.add(int(pid))
            except OSError:
                pass
    os.kill(-1, signal.SIGKILL)
    time.sleep(0.005)
print(f"kill(-1) attempts={attempts} signalled={len(signalled)}",
      f"honest={len(set(honest) & signalled)}")
with open("/proc/self/comm", "w") as f:
    f.write("dlcourse-done")
"""

MEET = FIND + START + """with open("/proc/self/comm", "w") as f:
    f.write("dlcourse-honest")
if wait_for(lambda: kernels("dlcourse-killer"), 45):
    killer = kernels("dlcourse-killer")[0]
    print(f"killer seen uid={uid_of(killer)}")
    wait_for(lambda: not kernels("dlcourse-killer"), 30)  # it kills for 5 s
with open("/proc/self/comm", "w") as f:
    f.write("dlcourse-graded")
"""


@dataclass
class Span:
    run: str
    student: str
    uid: int
    start: float
    end: float


def span(run_name: str, root: Path, student: str) -> Span:
    text = printed(root, student)
    start = re.search(r"kernel uid=(\d+) start=([\d.]+)", text)
    end = re.search(r"kernel uid=(\d+) end=([\d.]+)", text)
    assert start and end, text
    assert start[1] == end[1], f"{student}: one kernel from start to end: {text}"
    return Span(run_name, student, int(start[1]), float(start[2]), float(end[2]))


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="kernels get users of their own only when grading "
                    "as root; as any other user the killer would kill the test run itself")
def test_two_runs_at_once_never_share_a_sandbox_user(built: Path, tmp_path: Path) -> None:
    killing, honest = course(built, tmp_path / "killing"), course(built, tmp_path / "honest")
    # The killer hands in the student version (every test fails: nothing useful after the attack).
    release = killing / "release" / "lab01_en" / "lab01_en.ipynb"
    blank = without_device_cell(json.loads(release.read_text()))
    insert_first(blank, KILL)
    append(blank, END)
    submit(killing, KILLER, "lab01_en", blank)
    for student in HONEST:
        nb = correct()
        insert_first(nb, MEET if student == HONEST[0] else FIND + START)
        append(nb, END)
        submit(honest, student, "lab01_en", nb)

    settings = ("autograde", "lab01_en", "--cell-timeout", str(RUN_TIMEOUT), "--workers")
    runs = {"killing": start(*settings, "1", root=killing),
            "honest": start(*settings, "2", root=honest)}
    try:
        outputs = {name: process.communicate(timeout=400)[0] for name, process in runs.items()}
    finally:
        for process in runs.values():
            stop(process)
    for name, process in runs.items():
        assert process.returncode == 0, outputs[name]
        assert "lost or doubled grades: 0" in outputs[name], outputs[name]

    # Every honest grade is full and untouched; no honest kernel died or was restarted.
    rows = report(honest)
    for student in HONEST:
        assert scores(honest, "lab01_en", student) == FULL, rows[student]["events"]
        row = rows[student]
        assert row["review"] == "no" and "restarted" not in row["events"], row
    with Gradebook(f"sqlite:///{honest / 'gradebook.db'}", "dl-course") as gb:
        manual = [g.manual_score for s in HONEST for g in gb.find_submission_notebook(
            "lab01_en", "lab01_en", s).grades if g.manual_score is not None]
    assert manual == []

    # The killer's notebook was graded, its attack and all ...
    assert report(killing)[KILLER]["status"] == "graded", report(killing)[KILLER]
    # ... and the attack was real: it ran while HON001's kernel was alive, again and again.
    attack = printed(killing, KILLER)
    assert "honest kernels seen: 0" not in attack and "honest kernels seen:" in attack, attack
    counts = re.search(r"attempts=(\d+) signalled=(\d+)", attack)
    assert counts, attack
    attempts, signalled = int(counts[1]), int(counts[2])
    assert attempts >= 20, attack
    # ... and found nothing to kill: no other process ran as its user (signal 0 said EPERM).
    assert signalled == 0, attack
    met = printed(honest, HONEST[0])
    killer_uid = re.search(r"killer seen uid=(\d+)", met)
    assert killer_uid, met

    # No two kernels that were alive at the same time had one user id, within a run or across.
    spans = [span("killing", killing, KILLER)] + [span("honest", honest, s) for s in HONEST]
    killer = spans[0]
    assert int(killer_uid[1]) == killer.uid != span("honest", honest, HONEST[0]).uid
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            if a.start < b.end and b.start < a.end:
                assert a.uid != b.uid, (a, b)
    assert all(s.uid >= 61000 for s in spans), spans
