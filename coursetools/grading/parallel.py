"""Autograde many submissions at once, on every core, into the real gradebook.

The coordinating process
1. makes, per assignment, a template with nbgrader's own GenerateAssignment converter
   and checks that the real gradebook knows the assignment the same way;
2. forks one worker per submission, at most ``workers`` at a time (forking a process that
   has already imported nbgrader costs milliseconds, not nbgrader's 2 s start-up); a
   worker that runs past ``submission_timeout`` is killed with everything it started;
3. writes each result into the real gradebook itself, one at a time, so that SQLite
   never sees two writers and no grade is lost or doubled, then reads them all back.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..config import tool_env
from . import sandbox
from .course import CONFIG_FILE, Course
from .gradebook import GradebookMismatch, check_recorded, differences, merge, structure
from .notebooks import read_notebook
from .report import write_report
from .worker import Job, Result, Settings, Template, guarded_names, run_in_child, zero_result

COLUMNS = ["student", "assignment", "status", "score", "max_score", "review", "events", "file", "seconds"]


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lost or doubled grades
    report: Path | None = None
    seconds: float = 0.0


def nbgrader(course: Course, *args: str) -> subprocess.CompletedProcess:
    """Run the real nbgrader command line in the course."""
    command = [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN",
               f"--CourseDirectory.root={course.root}", f"--CourseDirectory.db_url={course.db_url}"]
    result = subprocess.run(command, cwd=course.root, env=tool_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def make_template(course: Course, assignment: str, folder: Path) -> Template:
    """The assignment's gradebook and student version, made by the real nbgrader."""
    if not course.source_notebook(assignment).is_file():
        raise FileNotFoundError(f"{course.source_notebook(assignment)}: no such assignment source")
    folder.mkdir(parents=True)
    shutil.copy(course.root / CONFIG_FILE, folder / CONFIG_FILE)
    shutil.copytree(course.source_dir / assignment, folder / "source" / assignment)
    _generate(course, assignment, folder)
    fresh = structure(f"sqlite:///{folder / 'gradebook.db'}", course.course_id, assignment)
    assert fresh is not None
    real = structure(course.db_url, course.course_id, assignment)
    if real is None:  # never released into this gradebook: do what the instructor would
        nbgrader(course, "generate_assignment", assignment, "--force")
        real = structure(course.db_url, course.course_id, assignment)
    assert real is not None
    changed = differences(real, fresh)
    if changed:
        raise GradebookMismatch(
            f"{course.source_notebook(assignment)} no longer matches the gradebook "
            f"({'; '.join(changed)}). If students got the new version, run "
            f"`nbgrader generate_assignment {assignment} --force` first.")
    modules, aliases = guarded_names(read_notebook(course.source_notebook(assignment)))
    release = read_notebook(folder / "release" / assignment / f"{assignment}.ipynb")
    return Template(assignment, course.course_id, folder, release, real.max_scores, modules, aliases)


class SandboxError(Exception):
    """The sandbox users cannot run the course's Python; the message says what to do."""


def check_sandbox() -> str:
    """How kernels will run; as root, first checks that the sandbox users can start Python."""
    if not sandbox.can_switch_user():
        return f"kernels run as this user ({os.getuid()}): not separated from the grader (needs root)"
    import sysconfig

    import dlcourse
    import ipykernel
    import numpy

    needed = [os.path.realpath(sys.executable), os.path.dirname(os.__file__),
              str(sysconfig.get_config_var("LIBDIR")),
              *(os.path.dirname(m.__file__ or "") for m in (ipykernel, numpy, dlcourse))]
    blocked = sandbox.check_access(needed)
    if blocked:
        raise SandboxError(
            f"{blocked} is closed to other users, so the sandbox users that run the students' "
            f"kernels (group {sandbox.GROUP}) cannot start the course's Python. Let that group "
            f"through (`setfacl -m g:{sandbox.GROUP}:x {blocked}`, package acl), or install the "
            "course's Python where other users can read it. Student code is never run as root.")
    return f"kernels run as separate sandbox users (group {sandbox.GROUP})"


def _generate(course: Course, assignment: str, folder: Path) -> None:
    """nbgrader's own GenerateAssignment converter, as ``nbgrader generate_assignment``
    runs it, in this process: the template's gradebook and student version."""
    config = PyFileConfigLoader(CONFIG_FILE, path=str(folder)).load_config()
    c = Config()
    c.CourseDirectory.root = str(folder)
    c.CourseDirectory.course_id = course.course_id
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = "release"
    c.CourseDirectory.db_url = f"sqlite:///{folder / 'gradebook.db'}"
    c.CourseDirectory.assignment_id = assignment
    c.GenerateAssignment.force = True
    config.merge(c)
    GenerateAssignment(coursedir=CourseDirectory(config=config), config=config).start()


def find_jobs(course: Course, assignments: list[str], students: list[str] | None) -> list[Job]:
    jobs: list[Job] = []
    for assignment in assignments:
        for path in sorted((course.root / "submitted").glob(f"*/{assignment}/{assignment}.ipynb")):
            student = path.parents[1].name
            if students is None or student in students:
                jobs.append(Job(len(jobs), student, assignment, path))
    return jobs


def autograde(course: Course, assignments: list[str], settings: Settings,
              students: list[str] | None = None, log: Any = print) -> Run:
    start = time.monotonic()
    log(check_sandbox())
    course.protect_student_data()
    workdir = Path(tempfile.mkdtemp(prefix="dlcourse-grading-"))
    os.chmod(workdir, 0o711)
    run = Run()
    try:
        templates = {a: make_template(course, a, workdir / f"template-{a}") for a in assignments}
        jobs = find_jobs(course, assignments, students)
        log(f"grading {len(jobs)} submissions with {settings.workers} workers")
        for result, folder in _run_jobs(jobs, templates, settings, workdir):
            template = templates[result.assignment]
            _keep_log(course, result, folder)
            merge(course.db_url, course.course_id, result, template.max_scores)
            _keep_autograded(course, result)
            run.results.append(result)
            log(f"  {result.student} {result.assignment}: {_score(result):g}/"
                f"{sum(template.max_scores.values()):g} {result.status}"
                + (" (review)" if result.review else ""))
        run.problems = check_recorded(course.db_url, course.course_id, run.results,
                                      {a: t.max_scores for a, t in templates.items()})
        rows = [_row(r, templates[r.assignment], course) for r in run.results]
        run.report = write_report(course.reports, f"autograde-{'-'.join(assignments)}", rows, COLUMNS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    run.seconds = time.monotonic() - start
    return run


def _run_jobs(jobs: list[Job], templates: dict[str, Template], settings: Settings, workdir: Path):  # type: ignore[no-untyped-def]
    """Run the jobs in forked workers; yield each result as it comes."""
    context = multiprocessing.get_context("fork")
    waiting = list(jobs)
    running: dict[int, tuple[Job, Any, float, Path]] = {}
    while waiting or running:
        while waiting and len(running) < settings.workers:
            job = waiting.pop(0)
            folder = workdir / f"{job.index:05d}"
            folder.mkdir()
            process = context.Process(target=run_in_child,
                                      args=(job, templates[job.assignment], settings, folder))
            process.start()
            running[process.sentinel] = (job, process, time.monotonic(), folder)
        wait(list(running), timeout=1.0)
        for sentinel, (job, process, started, folder) in list(running.items()):
            late = time.monotonic() - started > settings.submission_timeout
            if process.is_alive() and not late:
                continue
            if process.is_alive():
                _stop(process)
            del running[sentinel]
            result = _collect(job, templates[job.assignment], folder, late)
            result.seconds = round(time.monotonic() - started, 1)
            yield result, folder


def _stop(process: Any) -> None:
    """A worker past its time: it and its kernel (its descendants) are killed."""
    sandbox.kill_descendants(process.pid)
    process.kill()
    process.join()


def _collect(job: Job, template: Template, folder: Path, late: bool) -> Result:
    result_file = folder / "result.json"
    if sandbox.can_switch_user() and (late or not result_file.is_file()):
        uid = sandbox.sandbox_uid(job.index)  # the worker could not clean up after its kernel
        sandbox.kill_user(uid)
        sandbox.remove_user_files(uid)
    if late:
        return zero_result(job, template, "timed out", "grading took longer than the limit for one "
                           "submission: every cell scored 0")
    if not result_file.is_file():
        return zero_result(job, template, "grader error",
                           f"the worker ended without a result; log: {folder / 'grading.log'}")
    return Result.from_json(result_file.read_text(encoding="utf-8"))


def _keep_log(course: Course, result: Result, folder: Path) -> None:
    """When nbgrader or the worker failed, its log goes to reports/logs/ for a person."""
    log = folder / "grading.log"
    if result.status in ("grader error", "timed out") and log.is_file():
        target = course.reports / "logs" / f"{result.student}-{result.assignment}.log"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, target)
        result.events = [e.replace(str(log), str(target)) for e in result.events]
        if str(target) not in " ".join(result.events):
            result.events.append(f"log: {target}")


def _keep_autograded(course: Course, result: Result) -> None:
    """The autograded notebook goes where nbgrader's generate_feedback looks for it."""
    target = course.autograded_dir(result.student, result.assignment)
    if target.exists():
        shutil.rmtree(target)
    if result.autograded and Path(result.autograded).is_file():
        target.mkdir(parents=True)
        shutil.copy(result.autograded, target / f"{result.assignment}.ipynb")
    result.autograded = str(target / f"{result.assignment}.ipynb") if target.exists() else None
    for folder in (course.root / "autograded", target.parent):
        if folder.exists():
            os.chmod(folder, 0o700)


def _score(result: Result) -> float:
    return sum(s or 0 for s in result.scores.values())


def _row(result: Result, template: Template, course: Course) -> dict[str, Any]:
    path = Path(result.file)
    return {
        "student": result.student, "assignment": result.assignment, "status": result.status,
        "score": _score(result), "max_score": sum(template.max_scores.values()),
        "review": result.review, "events": result.events, "seconds": result.seconds,
        "file": str(path.relative_to(course.root)) if path.is_relative_to(course.root) else str(path),
    }


def summary(run: Run) -> str:
    flagged = [r for r in run.results if r.review]
    lines = [f"graded {len(run.results)} submissions in {run.seconds:.0f} s; "
             f"{len(flagged)} flagged for review; lost or doubled grades: {len(run.problems)}"]
    lines += [f"  lost: {p}" for p in run.problems]
    lines += [f"  review {r.student} {r.assignment}: {'; '.join(r.events)}" for r in flagged]
    if run.report:
        lines.append(f"report: {run.report}")
    return "\n".join(lines)
