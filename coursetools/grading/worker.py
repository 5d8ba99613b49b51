"""Grade one submission, alone, with nbgrader's own Autograde converter.

Each submission gets a temporary course of its own: a copy of the assignment's gradebook
(made once per run by the real ``nbgrader generate_assignment``), the one submission, and
a sandbox folder for the kernel. Nothing of other students is in it, and the real
gradebook is not touched: the worker returns a :class:`Result`, and one process alone
writes results into the real gradebook (gradebook.py). In this course an assignment is
one notebook named like it (labs/lab01_en/lab01_en.ipynb); in any nbgrader course it may
have several (ps1: problem1, problem2), graded together as ``nbgrader autograde`` does.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..manifest import parse_assignment
from . import sandbox
from .course import CONFIG_FILE, cell_key
from .events import KEY, recorded
from .execute import SandboxedExecute
from .intake import MIN_OVERLAP
from .noise import FrameworkNoise
from .notebooks import (
    NotANotebook,
    Notebook,
    course_meta,
    fingerprints,
    nbgrader_meta,
    read_notebook,
)
from .repair import restore_grading_metadata


def default_workers() -> int:
    """One worker per core, plus one: a grading kernel also waits (starting, passing
    messages), and the extra worker uses those gaps (12 submissions of lab 1 on 2 cores:
    60 s instead of 64 s)."""
    return (os.cpu_count() or 1) + 1


@dataclass(frozen=True)
class Settings:
    workers: int = field(default_factory=default_workers)
    cell_timeout: int = 30  # seconds per cell, as nbgrader's default
    submission_timeout: int = 900  # seconds per submission, all cells and restarts together
    memory_mb: int = 8192  # address space of the kernel
    cpu_seconds: int = 900
    file_mb: int = 64
    output_chars: int = 100_000
    startup_timeout: int = 60  # seconds for a kernel to start, as nbclient's default

    def with_more_time(self, factor: int = 3) -> Settings:
        """For a second try when the machine, not the notebook, was too slow."""
        return replace(self, cell_timeout=self.cell_timeout * factor,
                       startup_timeout=self.startup_timeout * factor,
                       submission_timeout=self.submission_timeout * factor,
                       cpu_seconds=self.cpu_seconds * factor)


def kernel_needs() -> list[Path]:
    """What a grading kernel sees of this machine's files besides the system's
    (sandbox.isolate): the Python installation and environment, and the student package
    with its data (dlcourse, its question banks)."""
    import dlcourse
    from dlcourse.quiz.bank import bank_dir

    python = {Path(sys.base_prefix), Path(sys.prefix), Path(os.path.realpath(sys.executable)).parents[1]}
    return [*sorted(python), *(Path(p) for p in dlcourse.__path__), bank_dir()]


@dataclass
class Template:
    """An assignment as its gradebook knows it, made once per run (parallel.py)."""

    assignment: str
    course_id: str
    folder: Path  # gradebook.db, source/<assignment>/, release/<assignment>/<notebook>.ipynb
    release: Notebook  # of the notebook named like the assignment, else of the first one
    max_scores: dict[str, float]  # by gradebook.cell_key
    hidden_tests: dict[str, Callable[[Any], None]] | None  # by grade id; None: in the notebook
    releases: dict[str, Notebook] = field(default_factory=dict)  # every notebook's, by name

    @property
    def lab(self) -> str:
        return parse_assignment(self.assignment).lab

    @property
    def track(self) -> str | None:
        return parse_assignment(self.assignment).track

    @property
    def notebooks(self) -> list[str]:
        return list(self.releases) or [self.assignment]

    def release_of(self, notebook: str) -> Notebook:
        return self.releases.get(notebook, self.release)


@dataclass
class Job:
    index: int
    student: str
    assignment: str
    path: Path  # the handed-in notebook; of several notebooks, the submission's folder
    uid: int | None = None  # its sandbox user, held for it by the coordinator (parallel.py)
    attempt: int = 1  # 2: graded again with more time, the machine was too busy the first time
    retry_reason: str = ""
    files: dict[str, Path] = field(default_factory=dict)  # notebook -> file; {}: {assignment: path}

    def notebook_files(self) -> dict[str, Path]:
        return self.files or {self.assignment: self.path}


@dataclass
class Result:
    student: str
    assignment: str
    file: str
    status: str  # graded | not gradable | grader error | timed out
    scores: dict[str, float | None] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    review: bool = False
    autograded: str | None = None  # the notebook; of several notebooks, their folder
    seconds: float = 0.0
    starved: list[str] = field(default_factory=list)  # cells timed out on a busy machine

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Result:
        return cls(**json.loads(text))


def zero_result(job: Job, template: Template, status: str, reason: str) -> Result:
    """Every graded cell 0, with the reason, for a person to look at."""
    return Result(job.student, job.assignment, str(job.path), status,
                  scores={gid: 0.0 for gid in template.max_scores}, events=[reason], review=True)


def _gradable(path: Path, name: str, template: Template) -> Notebook | tuple[str, str]:
    """The handed-in notebook, or (status, reason) why it cannot be graded."""
    try:
        nb = read_notebook(path)
    except NotANotebook as err:
        return "not gradable", f"{err}: every cell scored 0"
    except OSError as err:
        return "not gradable", f"cannot read the file: {err}"
    claimed = course_meta(nb).get("lab")
    if claimed and claimed != template.lab:
        return "not gradable", f"wrong assignment: the notebook is {claimed}, not {template.lab}"
    track = course_meta(nb).get("track")
    if claimed and template.track and track and track != template.track:
        return "not gradable", (f"wrong track: the notebook is the {track} track of {claimed}, "
                                f"not the {template.track} track")
    reference = fingerprints(template.release_of(name))
    if not claimed and len(fingerprints(nb) & reference) < MIN_OVERLAP * len(reference):
        what = template.assignment if name == template.assignment else f"{name} of {template.assignment}"
        return "not gradable", (f"not {what}: no course metadata and almost nothing in common "
                                "with the assignment")
    return nb


def grade(job: Job, template: Template, settings: Settings, folder: Path) -> Result:
    """Grade ``job`` in ``folder`` (a fresh, empty folder): every notebook of the
    submission, in one run of nbgrader's Autograde, as ``nbgrader autograde`` does."""
    several = template.notebooks != [job.assignment]
    notebooks: dict[str, Notebook] = {}
    events: list[str] = []
    refused: list[str] = []  # events for notebooks that could not be graded
    uncertain = tampered = False
    for name, path in job.notebook_files().items():
        found = _gradable(path, name, template)
        if isinstance(found, tuple):
            if not several:
                return zero_result(job, template, *found)
            refused.append(f"{name}.ipynb: {found[1]}")
            continue
        repair = restore_grading_metadata(found, template.release_of(name))
        notebooks[name] = repair.notebook
        events += [f"{name}.ipynb: {e}" if several else e for e in repair.events]
        uncertain = uncertain or repair.uncertain
        tampered = tampered or repair.tampered
    if not notebooks:
        return zero_result(job, template, "not gradable", "; ".join(refused))
    _build_course(job, template, folder, notebooks)
    try:
        _autograde(job, template, settings, folder, job.uid)
    except Exception as err:  # nbgrader gave up on the notebook: nothing was graded
        result = zero_result(job, template, "grader error",
                             f"nbgrader could not grade it ({type(err).__name__}: {err}); "
                             f"log: {folder / 'grading.log'}")
        result.events[:0] = events
        return result
    finally:
        sandbox.kill_descendants()  # the coordinator then cleans up after the sandbox user
    result = _read_result(job, template, folder, events, uncertain)
    result.review = result.review or tampered  # edited locked cells or grading metadata
    if refused:  # nbgrader scored the cells of the missing notebooks 0
        result.events += refused
        result.review = True
    missing = [n for n in template.notebooks if n not in job.notebook_files()]
    result.events += [f"{n}.ipynb was not handed in: its cells scored 0" for n in missing]
    return result


def _build_course(job: Job, template: Template, folder: Path, notebooks: dict[str, Notebook]) -> None:
    """The temporary course: the assignment's gradebook, its source files, one submission."""
    os.chmod(folder, 0o711)  # the sandbox user may pass through to its own folder, no more
    shutil.copy(template.folder / "gradebook.db", folder / "gradebook.db")
    os.chmod(folder / "gradebook.db", 0o600)
    shutil.copytree(template.folder / "source", folder / "source",
                    ignore=shutil.ignore_patterns("*.ipynb"))
    submitted = folder / "submitted" / job.student / job.assignment
    submitted.mkdir(parents=True)
    for name, notebook in notebooks.items():
        (submitted / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    for private in ("source", "submitted"):
        os.chmod(folder / private, 0o700)


def _autograde(job: Job, template: Template, settings: Settings, folder: Path, uid: int | None) -> None:
    home, work = folder / "sandbox" / "home", folder / "sandbox" / "work"
    (folder / "sandbox").mkdir()
    os.chmod(folder / "sandbox", 0o711)
    sandbox.prepare_folders(home, work, uid)
    # Data files next to the lab's notebook are where the student's code expects them.
    for item in (folder / "source" / job.assignment).iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, work / item.name)
    jupyter = sandbox.kernelspec(folder / "jupyter", uid=uid, home=home, work=work,
                                 memory_mb=settings.memory_mb, cpu_seconds=settings.cpu_seconds,
                                 file_mb=settings.file_mb, threads=1, keep=kernel_needs())
    os.environ["JUPYTER_PATH"] = str(jupyter)  # this worker process only
    sandbox.set_subreaper()
    if uid is not None:
        sandbox.private_network()  # the kernel talks to this worker, and to no one else
    config = _config(job, template, settings, folder, work)
    # nbgrader's converters log to their parent app's logger; without one, to nowhere. A
    # failure's traceback goes to this worker's stderr, that is grading.log (run_in_child).
    log = logging.getLogger("dlcourse.grading.nbgrader")
    if not log.handlers:
        log.addHandler(logging.StreamHandler(sys.stderr))
    converter = Autograde(coursedir=CourseDirectory(config=config), config=config, log=log)
    converter.start()


def _config(job: Job, template: Template, settings: Settings, folder: Path, work: Path) -> Config:
    config = PyFileConfigLoader(CONFIG_FILE, path=str(template.folder)).load_config()
    c = Config()
    c.CourseDirectory.root = str(folder)
    c.CourseDirectory.course_id = template.course_id
    c.CourseDirectory.db_url = f"sqlite:///{folder / 'gradebook.db'}"
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.assignment_id = job.assignment
    c.CourseDirectory.student_id = job.student
    c.Autograde.force = True
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute, FrameworkNoise, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    c.SandboxedExecute.timeout = settings.cell_timeout
    c.SandboxedExecute.startup_timeout = settings.startup_timeout
    c.SandboxedExecute.max_output_chars = settings.output_chars
    c.SandboxedExecute.hidden_tests = template.hidden_tests
    c.SandboxedExecute.track = template.track
    c.SandboxedExecute.work_dir = str(work)
    config.merge(c)
    return config


def _read_result(job: Job, template: Template, folder: Path, repair_events: list[str],
                 uncertain: bool) -> Result:
    result = Result(job.student, job.assignment, str(job.path), "graded", events=list(repair_events))
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", template.course_id) as gb:
        for notebook in gb.find_submission(job.assignment, job.student).notebooks:
            for g in notebook.grades:
                result.scores[cell_key(job.assignment, notebook.name, g.name)] = g.auto_score
            for c in notebook.comments:
                result.comments[cell_key(job.assignment, notebook.name, c.name)] = c.auto_comment
    autograded_dir = folder / "autograded" / job.student / job.assignment
    several = template.notebooks != [job.assignment]
    result.autograded = str(autograded_dir if several else autograded_dir / f"{job.assignment}.ipynb")
    for name in template.notebooks:
        autograded = autograded_dir / f"{name}.ipynb"
        if not autograded.is_file():
            continue  # not handed in
        nb = json.loads(autograded.read_text(encoding="utf-8"))
        events, review = recorded(nb)
        result.events += events
        result.review = result.review or review
        result.starved += [str(s) for s in nb.get("metadata", {}).get(KEY, {}).get("starved", [])]
        for cell in nb["cells"]:
            meta = nbgrader_meta(cell)
            if not meta.get("grade") or cell.get("cell_type") != "code":
                continue
            kinds = {(o.get("output_type"), o.get("name")) for o in cell.get("outputs", [])}
            if ("stream", "stderr") in kinds and not any(kind == "error" for kind, _ in kinds):
                where = f"{name}/{meta['grade_id']}" if several else meta["grade_id"]
                result.events.append(f"{where} scored 0 only because it wrote to stderr")
                result.review = True
    # Cells nbgrader leaves unscored (written answers, task cells) are the formgrader's
    # work, not an alarm; only the points the autograder gives are checked here.
    scored = [key for key, score in result.scores.items() if score is not None]
    total = sum(result.scores[key] or 0 for key in scored)
    if uncertain and total < sum(template.max_scores.get(key, 0) for key in scored):
        result.events.append("the grader had to guess where some cells are: check the points")
        result.review = True
    return result


def run_in_child(job: Job, template: Template, settings: Settings, folder: Path) -> None:
    """The entry point of a forked worker: grade, write result.json, never raise."""
    log = os.open(folder / "grading.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    try:
        result = grade(job, template, settings, folder)
    except BaseException as err:  # a bug of ours: report it, do not lose the submission
        import traceback

        traceback.print_exc()
        result = zero_result(job, template, "grader error",
                             f"internal error ({type(err).__name__}: {err}); log: {folder / 'grading.log'}")
    (folder / "result.json").write_text(result.to_json(), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
