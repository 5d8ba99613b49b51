"""Notebooks that implement nothing and attack the grader (tests/grading_cases.py, ATTACKS),
graded in the same batch as every other case (the ``graded`` fixture).

Whatever they try, every test cell scores 0, and beyond the points: they read nothing of
the course or the grader, change none of the grader's files, leave no process and no file
behind, and hear nothing of other kernels. Each attack prints "ATTACK armed" once its code
ran in the kernel: an attack that did not run proves nothing.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from .conftest import SANDBOX_UIDS, GradedClass
from .grading_cases import ATTACKS, HONEST, points, root_exec_marker, source

SHARED_FOLDERS = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock",
                  *[p for p in sys.path if p.endswith("site-packages")]]


def lines(graded: GradedClass, attack: str, prefix: str) -> list[str]:
    return [line for line in graded.printed(ATTACKS[attack].student) if line.startswith(prefix)]


def kernel_uids(graded: GradedClass) -> set[int]:
    """The user ids the attacks' kernels ran as (each prints its own)."""
    return {int(line.split(":")[1]) for name in ATTACKS for line in lines(graded, name, "kernel user id:")}


def grading_folders(graded: GradedClass) -> set[str]:
    """The folders of this grading run (dlcourse-grading-...) that the attacks' kernels had
    their homes in: a process with its HOME there is this run's, whatever its uid (another
    run may have the same uids). A process that cleared its environment goes unseen."""
    folders = set()
    for name in ATTACKS:
        for line in lines(graded, name, "kernel home:"):
            parts = Path(line.split(":", 1)[1].strip()).parts
            run = next((i for i, part in enumerate(parts) if part.startswith("dlcourse-grading-")), None)
            if run is not None:
                folders.add(str(Path(*parts[:run + 1])))
    return folders


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ATTACKS))
def test_an_attack_scores_nothing(name: str, graded: GradedClass) -> None:
    case = ATTACKS[name]
    row = graded.report[case.student]
    assert lines(graded, name, "ATTACK armed"), f"{name}: the attack's code did not run"
    assert graded.scores[case.student] == {gid: 0.0 for gid in points(source(case.assignment))}, row["events"]
    assert float(row["score"]) == 0 and row["status"] == "graded", row


@pytest.mark.slow
def test_the_honest_notebook_in_the_same_batch_keeps_full_marks(graded: GradedClass) -> None:
    assert graded.scores[HONEST.student] == points(source(HONEST.assignment)), graded.report[HONEST.student]["events"]


@pytest.mark.slow
def test_a_kernel_reads_nothing_of_the_course_the_grader_or_other_kernels(graded: GradedClass) -> None:
    read = lines(graded, "solution_from_disk", "READ ") + lines(graded, "solution_from_disk", "UNMOUNTED ")
    stole = lines(graded, "solution_from_disk", "STOLE ")
    assert not read and not stole, "\n".join(read + stole)


@pytest.mark.slow
def test_a_kernel_cannot_change_the_grader_or_the_course(graded: GradedClass) -> None:
    changed = [f"{path}: {graded.before.get(path)} -> {graded.after.get(path)}"
               for path in sorted(graded.before.keys() | graded.after.keys())
               if graded.before.get(path) != graded.after.get(path)]
    marker = root_exec_marker(ATTACKS["root_exec_through_connection_file"].student)
    ran = marker.read_text() if marker.exists() else ""
    attempt = "\n".join(lines(graded, "root_exec_through_connection_file", ""))
    assert not changed and not ran, f"changed: {changed}\n{marker}: {ran!r}\nthe kernel printed:\n{attempt}"


def _environment(pid: str) -> dict[str, str]:
    data = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in data.decode(errors="replace").split("\0") if "=" in item)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="without root, kernels run as the grader's own user")
def test_no_sandbox_process_outlives_the_grading(graded: GradedClass) -> None:
    uids, folders = kernel_uids(graded), grading_folders(graded)
    assert uids and min(uids) >= SANDBOX_UIDS and folders, (uids, folders)
    alive = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            uid = int(re.search(r"^Uid:\s+(\d+)", text, re.M)[1])  # type: ignore[index]
            state = re.search(r"^State:\s+(\w)", text, re.M)[1]  # type: ignore[index]
            pid = status.parent.name
            if uid < SANDBOX_UIDS or state == "Z":
                continue
            # this run's, not another grading run's (which may use the same uids)
            home = _environment(pid).get("HOME", "")
            if any(home.startswith(folder + "/") for folder in folders):
                alive.append(f"{pid} uid {uid} HOME {home}: " + (status.parent / "cmdline").read_bytes()
                             .replace(b"\0", b" ").decode(errors="replace")[:160])
        except (OSError, TypeError):
            continue
    started = lines(graded, "leaves_processes_and_files", "BACKGROUND")
    assert not alive, "\n".join(alive + ["the attack started:"] + started)


@pytest.mark.slow
def test_no_file_is_left_for_the_next_kernels(graded: GradedClass) -> None:
    uids = kernel_uids(graded)
    left = []
    for folder in SHARED_FOLDERS:
        for path in [*Path(folder).glob("*"), *Path(folder).glob("*/*")]:
            try:
                if path.lstat().st_uid in uids:
                    left.append(str(path))
            except OSError:
                continue
    assert not left, "\n".join(left + ["the attack said:"] + lines(graded, "leaves_processes_and_files", "LEFT"))


@pytest.mark.slow
def test_a_kernel_hears_nothing_of_other_kernels(graded: GradedClass) -> None:
    heard = lines(graded, "copies_answers_from_other_kernels", "HEARD")
    assert not heard, "\n".join(heard)
