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

import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..config import tool_env
from . import gradebook, sandbox
from .course import CONFIG_FILE, Course
from .gradebook import GradebookMismatch, check_recorded, differences, merge, structure
from .notebooks import read_notebook
from .proxy import hidden_tests_file, load_hidden_tests
from .report import write_report
from .worker import Job, Result, Settings, Template, kernel_needs, run_in_child, zero_result

COLUMNS = ["student", "assignment", "status", "score", "max_score", "review", "events", "file", "seconds"]


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lost or doubled grades
    report: Path | None = None
    seconds: float = 0.0


NAME_LIMIT = 120  # a file name may have 255 bytes; leave room for the date and the folder's tools


def report_name(command: str, assignments: list[str]) -> str:
    """``autograde-lab01_en-lab01_hu``; for a whole course's assignments, which would pass
    the file system's limit on a name, the first and last and how many in all.

    >>> report_name("autograde", ["lab01_en", "lab01_hu"])
    'autograde-lab01_en-lab01_hu'
    >>> report_name("autograde", [f"lab{i:02d}_torch_hu" for i in range(1, 20)])
    'autograde-lab01_torch_hu-to-lab19_torch_hu-19-assignments'
    """
    name = f"{command}-{'-'.join(assignments)}"
    if len(name) <= NAME_LIMIT:
        return name
    return f"{command}-{assignments[0]}-to-{assignments[-1]}-{len(assignments)}-assignments"


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
    notebooks = course.notebooks(assignment)
    if not notebooks:
        raise FileNotFoundError(f"{course.source_dir / assignment}: no such assignment source "
                                "(no notebook in it)")
    folder.mkdir(parents=True)
    shutil.copy(course.root / CONFIG_FILE, folder / CONFIG_FILE)
    shutil.copytree(course.source_dir / assignment, folder / "source" / assignment)
    _new_gradebook(folder / "gradebook.db")
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
            f"{course.source_dir / assignment} no longer matches the gradebook "
            f"({'; '.join(changed)}). If students got the new version, run "
            f"`nbgrader generate_assignment {assignment} --force` first.")
    releases = {name: read_notebook(folder / "release" / assignment / f"{name}.ipynb")
                for name in notebooks}
    release = releases.get(assignment, releases[notebooks[0]])
    tests_file = hidden_tests_file(course.root, assignment)
    try:
        tests = load_hidden_tests(tests_file, set(real.max_scores)) if tests_file else None
    except ValueError as err:
        raise GradebookMismatch(str(err)) from None
    return Template(assignment, course.course_id, folder, release, real.max_scores, tests, releases)



class SandboxError(Exception):
    """The sandbox users cannot run the course's Python; the message says what to do."""


def check_sandbox() -> str:
    """How kernels will run; as root, first checks that the sandbox users can start Python."""
    if not sandbox.can_switch_user():
        return f"kernels run as this user ({os.getuid()}): not separated from the grader (needs root)"
    import sysconfig

    import ipykernel
    import numpy

    import dlcourse

    needed = [os.path.realpath(sys.executable), os.path.dirname(os.__file__),
              str(sysconfig.get_config_var("LIBDIR")),
              *(os.path.dirname(m.__file__ or "") for m in (ipykernel, numpy, dlcourse))]
    why = sandbox.check_isolation()
    if why:
        raise SandboxError(
            f"kernels cannot be given a view of their own here (namespaces: {why}), so they "
            "could read the course's solutions and hidden tests. Grade on a machine (or a "
            "container with CAP_SYS_ADMIN) where root may create mount and network namespaces.")
    blocked = sandbox.check_access(needed, [str(p) for p in kernel_needs()])
    if blocked:
        raise SandboxError(
            f"{blocked} is closed to other users, so the sandbox users that run the students' "
            f"kernels (group {sandbox.GROUP}) cannot start the course's Python. Let that group "
            f"through (`setfacl -m g:{sandbox.GROUP}:x {blocked}`, package acl), or install the "
            "course's Python where other users can read it. Student code is never run as root.")
    return f"kernels run as separate sandbox users (group {sandbox.GROUP})"


def _new_gradebook(path: Path) -> None:
    """An empty SQLite gradebook that already records its schema's version. nbgrader
    finds the version of a gradebook it creates by running the ``alembic heads`` command
    (3.5 s before the first worker could start); here it is read in this process, from
    nbgrader's own migration scripts, and nbgrader then adds its tables as usual."""
    import sqlite3

    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
    db.close()


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
    for key, path in course.header_footer().items():  # relative to the course, not to here
        if not Path(path).is_file():
            raise FileNotFoundError(f"{course.root / CONFIG_FILE}: IncludeHeaderFooter.{key} "
                                    f"is {path}, which does not exist")
        setattr(c.IncludeHeaderFooter, key, path)
    config.merge(c)
    GenerateAssignment(coursedir=CourseDirectory(config=config), config=config).start()


def find_jobs(course: Course, assignments: list[str], students: list[str] | None) -> list[Job]:
    """One job per submission that holds a notebook of its assignment."""
    jobs: list[Job] = []
    for assignment in assignments:
        notebooks = course.notebooks(assignment)
        for folder in sorted((course.root / "submitted").glob(f"*/{assignment}")):
            student = folder.parent.name
            files = {n: folder / f"{n}.ipynb" for n in notebooks if (folder / f"{n}.ipynb").is_file()}
            if not files or (students is not None and student not in students):
                continue
            if notebooks == [assignment]:  # this course's labs: the job is the notebook
                jobs.append(Job(len(jobs), student, assignment, files[assignment]))
            else:
                jobs.append(Job(len(jobs), student, assignment, folder, files=files))
    return jobs


def late_penalty_config(course: Course) -> Config:
    """The course's configuration for nbgrader's AssignLatePenalties; a plugin that does
    not load (``c.AssignLatePenalties.plugin_class``) stops the run before any grading."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets import TraitError

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    try:
        AssignLatePenalties(config=config).init_plugin()
    except (ImportError, AttributeError, TypeError, ValueError, TraitError) as err:
        raise RuntimeError(f"{course.root / CONFIG_FILE}: the late penalty plugin does not load "
                           f"({type(err).__name__}: {err})") from None
    return config


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
        _import_what_workers_need()
        late_config = late_penalty_config(course)
        jobs = find_jobs(course, assignments, students)
        log(f"grading {len(jobs)} submissions with {settings.workers} workers")
        for result, folder in _run_jobs(jobs, templates, settings, workdir):
            template = templates[result.assignment]
            _keep_log(course, result, folder)
            try:
                timestamp = gradebook.submission_time(
                    course.root / "submitted" / result.student / result.assignment)
            except ValueError as err:  # nbgrader would stop at it: the grades still count
                timestamp = None
                result.events.append(f"{err}: the submission's time is not recorded")
                result.review = True
            merge(course.db_url, course.course_id, result, template.max_scores,
                  timestamp=timestamp, late_config=late_config)
            _keep_autograded(course, result)
            run.results.append(result)
            log(f"  {result.student} {result.assignment}: {_score(result):g}/"
                f"{sum(template.max_scores.values()):g} {result.status}"
                + (" (review)" if result.review else ""))
        run.problems = check_recorded(course.db_url, course.course_id, run.results,
                                      {a: t.max_scores for a, t in templates.items()})
        rows = [_row(r, templates[r.assignment], course) for r in run.results]
        run.report = write_report(course.reports, report_name("autograde", assignments), rows, COLUMNS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        course.protect_student_data()  # also what this run created (a new gradebook.db)
    run.seconds = time.monotonic() - start
    return run


def _import_what_workers_need() -> None:
    """Modules that starting a kernel imports (jupyter_client's kernel specs and local
    interfaces), imported once here rather than in every forked worker: 0.12 s of CPU
    per submission."""
    import ipykernel.kernelspec  # noqa: F401
    import IPython.paths  # noqa: F401
    import psutil  # noqa: F401


def _run_jobs(jobs: list[Job], templates: dict[str, Template], settings: Settings, workdir: Path):  # type: ignore[no-untyped-def]
    """Run the jobs in forked workers; yield each result as it comes. A job that failed
    because the machine was too busy (a kernel that did not start, a cell that timed out
    while its kernel got little CPU) runs once more with three times the time."""
    context = multiprocessing.get_context("fork")
    waiting = list(jobs)
    running: dict[int, tuple[Job, Any, float, Path, ExitStack]] = {}
    while waiting or running:
        while waiting and len(running) < settings.workers:
            job = waiting.pop(0)
            folder = workdir / f"{job.index:05d}-{job.attempt}"
            folder.mkdir()
            held = ExitStack()
            if sandbox.can_switch_user():
                job.uid = held.enter_context(sandbox.sandbox_user())
            process = context.Process(target=run_in_child, args=(
                job, templates[job.assignment], _settings(settings, job), folder))
            # Objects that exist before the fork are never collected in the worker: its
            # garbage collector would touch, and so copy, every page of them.
            gc.freeze()
            process.start()
            running[process.sentinel] = (job, process, time.monotonic(), folder, held)
        wait(list(running), timeout=1.0)
        for sentinel, (job, process, started, folder, held) in list(running.items()):
            late = time.monotonic() - started > _settings(settings, job).submission_timeout
            if process.is_alive() and not late:
                continue
            if process.is_alive():
                _stop(process)
            del running[sentinel]
            with held:  # the job's sandbox user is cleaned up and set free
                result = _collect(job, templates[job.assignment], folder, late)
            result.seconds = round(time.monotonic() - started, 1)
            again = _busy_machine(result)
            if again and job.attempt == 1:
                waiting.insert(0, replace(job, attempt=2, uid=None, retry_reason=again))
                continue
            if job.attempt == 2:
                result.events.insert(0, f"graded a second time with more time: {job.retry_reason}")
                if again:  # a grader error is among the events already; starving is not
                    detail = "" if result.status == "grader error" else f" ({again})"
                    result.events.append(f"it failed again with more time{detail}: check by hand")
                    result.review = True
            yield result, folder


def _settings(settings: Settings, job: Job) -> Settings:
    return settings if job.attempt == 1 else settings.with_more_time()


def _busy_machine(result: Result) -> str:
    """Why a result may be the machine's fault rather than the notebook's, or ''."""
    if result.status == "grader error":
        return result.events[-1] if result.events else "the grader failed"
    return "; ".join(result.starved)


def _stop(process: Any) -> None:
    """A worker past its time: it and its kernel (its descendants) are killed."""
    sandbox.kill_descendants(process.pid)
    process.kill()
    process.join()


def _collect(job: Job, template: Template, folder: Path, late: bool) -> Result:
    result_file = folder / "result.json"
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
    """The autograded notebooks go where nbgrader's generate_feedback looks for them."""
    target = course.autograded_dir(result.student, result.assignment)
    if target.exists():
        shutil.rmtree(target)
    found = Path(result.autograded) if result.autograded else None
    if found is not None and found.is_file():
        target.mkdir(parents=True)
        shutil.copy(found, target / f"{result.assignment}.ipynb")
        result.autograded = str(target / f"{result.assignment}.ipynb")
    elif found is not None and found.is_dir() and any(found.glob("*.ipynb")):
        target.mkdir(parents=True)
        for notebook in found.glob("*.ipynb"):  # several notebooks: the folder
            shutil.copy(notebook, target / notebook.name)
        result.autograded = str(target)
    else:
        result.autograded = None
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
