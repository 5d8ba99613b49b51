"""Benchmark: plain sequential ``nbgrader autograde`` against the course's parallel
autograding, on the same 60 submissions of lab 1, in one run on one machine.

Run: .venv/bin/python benchmarks/grading.py   (about 20 minutes on 2 cores)

The submissions are the real lab, as students hand it in: correct answers, the typical
wrong answers of tests/wrong_answers/lab01.yml, untouched student versions and hostile
notebooks (endless loops, os._exit, a kernel that kills itself, 100 MB of output, ...; a
memory hog only asks for 64 GiB at once, since plain nbgrader has no memory limit). Both
use nbgrader's default 30 s per cell. Prints the seconds, the ratio, the seconds per
submission and the lost grades (graded cells without a score) of each. Goal on 2 cores:
at least 2.09 times faster than sequential nbgrader (issue 7), with zero lost grades. The hidden tests
live in hidden_tests/, which only the course's grader runs (in its own process, calling
the kernel); plain nbgrader grades the visible tests alone, so it does slightly less work.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbgrader.api import Gradebook  # noqa: E402

from coursetools.config import tool_env  # noqa: E402
from coursetools.grading.worker import default_workers  # noqa: E402
from tests import grading_cases as cases  # noqa: E402

HOSTILE = ["loop_top_level", "loop_in_graded_function", "loop_ignoring_interrupts", "sys_exit",
           "os_exit_in_graded_function", "kernel_kills_itself", "prints_100_mb", "deleted_test_cell",
           "edited_test_cell", "lost_nbgrader_metadata", "monkeypatches_test_tools",
           "input_transformer_strips_asserts", "framework_noise", "own_stderr_output"]


def _memory_hog(nb: cases.Notebook) -> None:
    cases.set_source(nb, "train_perceptron",
                     "def train_perceptron(X, y, lr=1.0, epochs=20):\n    return np.ones(2**33)\n")


def submissions(count: int, course: Path) -> dict[str, bytes]:
    """``count`` hand-ins: a fifth hostile, the rest correct, wrong or untouched."""
    mistakes = cases.wrong_answers("lab01")
    of_lab01 = cases.hostile_cases("lab01_en")
    hostile = [of_lab01[name].make(course) for name in HOSTILE]
    hostile.append(cases._nb(_memory_hog, assignment="lab01_en")(course))
    benign = [cases._nb(cases._nothing, device=True, assignment="lab01_en")(course),
              (course / "release" / "lab01_en" / "lab01_en.ipynb").read_bytes()]
    benign += [cases._wrong("lab01_en", m)(course) for m in mistakes]
    found = {}
    n_hostile = count // 5
    for i in range(count):
        data = hostile[i % len(hostile)] if i < n_hostile else benign[i % len(benign)]
        found[f"B{i:05d}"] = data
    return found


def lost_grades(course: Path, students: list[str]) -> int:
    """Submissions with a graded cell that has no score (nbgrader gave up on them)."""
    lost = 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "dl-course") as gb:
        for student in students:
            try:
                notebook = gb.find_submission_notebook("lab01_en", "lab01_en", student)
            except Exception:
                lost += 1
                continue
            lost += any(g.auto_score is None for g in notebook.grades)
    return lost


def make_course(folder: Path, handed_in: dict[str, bytes] | None) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "labs" / "lab01_en", folder / "labs" / "lab01_en")
    # Only the course's grader reads them; plain nbgrader grades the visible tests alone.
    shutil.copytree(ROOT / "hidden_tests", folder / "hidden_tests")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "lab01_en", "--force"],
                   cwd=folder, env=tool_env(), check=True, capture_output=True)
    for student, data in (handed_in or {}).items():
        target = folder / "submitted" / student / "lab01_en"
        target.mkdir(parents=True)
        (target / "lab01_en.ipynb").write_bytes(data)
    return folder


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=60)
    parser.add_argument("--workers", type=int, default=default_workers(), help="default: cores + 1")
    parser.add_argument("--keep", type=Path, help="keep both courses (reports, gradebooks) here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grading-benchmark-") as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        os.chmod(base, 0o700)
        handed_in = submissions(args.submissions, make_course(base / "template", None))
        plain, ours = make_course(base / "plain", handed_in), make_course(base / "ours", handed_in)
        # A plain shell: no TF_* variables, as an instructor's terminal.
        env = {k: v for k, v in tool_env().items() if not k.startswith("TF_")}
        plain_s = timed([sys.executable, "-m", "nbgrader", "autograde", "lab01_en", "--force"], plain, env)
        ours_s = timed([sys.executable, "-m", "coursetools.grading", "--course", str(ours), "autograde",
                        "lab01_en", "--workers", str(args.workers)], ours, env)
        students = sorted(handed_in)
        n = len(students)
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor())
        print(f"machine: {platform.node()}, {cpu}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, {args.workers} workers")
        print(f"submissions: {n} of lab01_en ({n // 5} hostile)")
        print(f"plain sequential nbgrader autograde: {plain_s:7.1f} s  {plain_s / n:5.2f} s/submission  "
              f"lost grades: {lost_grades(plain, students)}")
        print(f"parallel coursetools.grading:        {ours_s:7.1f} s  {ours_s / n:5.2f} s/submission  "
              f"lost grades: {lost_grades(ours, students)}")
        print(f"ratio (plain / parallel): {plain_s / ours_s:.2f}  (goal on 2 cores: >= 2.09, issue 7)")


if __name__ == "__main__":
    main()
