"""Grade one submission, alone, with nbgrader's own Autograde converter.

Each submission gets a temporary course of its own: a copy of the assignment's gradebook
(made once per run by the real ``nbgrader generate_assignment``), the one submission, and
a sandbox folder for the kernel. Nothing of other students is in it, and the real
gradebook is not touched: the worker returns a :class:`Result`, and one process alone
writes results into the real gradebook (gradebook.py). As everywhere in the course, an
assignment is one notebook named like it (labs/lab01_en/lab01_en.ipynb).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import sandbox
from .course import CONFIG_FILE
from .events import recorded
from .execute import SandboxedExecute
from .intake import MIN_OVERLAP
from .noise import FrameworkNoise
from .notebooks import (NotANotebook, Notebook, course_meta, fingerprints, nbgrader_meta,
                        read_notebook, source_of)
from .repair import restore_grading_metadata

ALWAYS_GUARDED = ["numpy", "numpy.testing", "math"]


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


@dataclass
class Template:
    """An assignment as its gradebook knows it, made once per run (parallel.py)."""

    assignment: str
    course_id: str
    folder: Path  # gradebook.db, source/<assignment>/, release/<assignment>/<assignment>.ipynb
    release: Notebook
    max_scores: dict[str, float]
    modules: list[str]
    aliases: dict[str, str]

    @property
    def lab(self) -> str:
        return self.assignment.rsplit("_", 1)[0]


@dataclass
class Job:
    index: int
    student: str
    assignment: str
    path: Path


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
    autograded: str | None = None
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Result:
        return cls(**json.loads(text))


def zero_result(job: Job, template: Template, status: str, reason: str) -> Result:
    """Every graded cell 0, with the reason, for a person to look at."""
    return Result(job.student, job.assignment, str(job.path), status,
                  scores={gid: 0.0 for gid in template.max_scores}, events=[reason], review=True)


def guarded_names(source: Notebook) -> tuple[list[str], dict[str, str]]:
    """The modules the tests import (plus numpy, numpy.testing and math), and the names the notebook
    gives them or their functions: (["numpy", "math", "torch"], {"np": "numpy"})."""
    modules = list(ALWAYS_GUARDED)
    imports: list[tuple[str, str, str]] = []  # (alias, module, attribute)
    for cell in source["cells"]:
        if cell.get("cell_type") != "code":
            continue
        code = "\n".join(line for line in source_of(cell).splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        test = bool(nbgrader_meta(cell).get("grade")) and not nbgrader_meta(cell).get("solution")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for name in node.names:
                    alias = name.asname or name.name.split(".")[0]
                    target = name.name if name.asname else name.name.split(".")[0]
                    imports.append((alias, target, ""))
                    if test and name.name.split(".")[0] not in modules:
                        modules.append(name.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for name in node.names:
                    imports.append((name.asname or name.name, node.module, name.name))
                if test and node.module.split(".")[0] not in modules:
                    modules.append(node.module.split(".")[0])
    aliases = {alias: f"{module}:{attribute}" if attribute else module
               for alias, module, attribute in imports if module.split(".")[0] in modules}
    return modules, aliases


def grade(job: Job, template: Template, settings: Settings, folder: Path) -> Result:
    """Grade ``job`` in ``folder`` (a fresh, empty folder)."""
    try:
        nb = read_notebook(job.path)
    except NotANotebook as err:
        return zero_result(job, template, "not gradable", f"{err}: every cell scored 0")
    except OSError as err:
        return zero_result(job, template, "not gradable", f"cannot read the file: {err}")
    claimed = course_meta(nb).get("lab")
    if claimed and claimed != template.lab:
        return zero_result(job, template, "not gradable",
                           f"wrong assignment: the notebook is {claimed}, not {template.lab}")
    reference = fingerprints(template.release)
    if not claimed and len(fingerprints(nb) & reference) < MIN_OVERLAP * len(reference):
        return zero_result(job, template, "not gradable",
                           f"not {template.assignment}: no course metadata and almost nothing in "
                           "common with the assignment")
    repair = restore_grading_metadata(nb, template.release)
    _build_course(job, template, folder, repair.notebook)
    uid = sandbox.sandbox_uid(job.index) if sandbox.can_switch_user() else None
    try:
        _autograde(job, template, settings, folder, uid)
    except Exception as err:  # nbgrader gave up on the notebook: nothing was graded
        result = zero_result(job, template, "grader error",
                             f"nbgrader could not grade it ({type(err).__name__}: {err}); "
                             f"log: {folder / 'grading.log'}")
        result.events[:0] = repair.events
        return result
    finally:
        sandbox.kill_descendants()
        if uid is not None:
            sandbox.kill_user(uid)
            sandbox.remove_user_files(uid)
    return _read_result(job, template, folder, repair.events, repair.uncertain)


def _build_course(job: Job, template: Template, folder: Path, notebook: Notebook) -> None:
    """The temporary course: the assignment's gradebook, its source files, one submission."""
    os.chmod(folder, 0o711)  # the sandbox user may pass through to its own folder, no more
    shutil.copy(template.folder / "gradebook.db", folder / "gradebook.db")
    os.chmod(folder / "gradebook.db", 0o600)
    shutil.copytree(template.folder / "source", folder / "source",
                    ignore=shutil.ignore_patterns("*.ipynb"))
    submitted = folder / "submitted" / job.student / job.assignment
    submitted.mkdir(parents=True)
    (submitted / f"{job.assignment}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
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
                                 file_mb=settings.file_mb, threads=1)
    os.environ["JUPYTER_PATH"] = str(jupyter)  # this worker process only
    sandbox.set_subreaper()
    config = _config(job, template, settings, folder, work)
    converter = Autograde(coursedir=CourseDirectory(config=config), config=config)
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
    c.SandboxedExecute.max_output_chars = settings.output_chars
    c.SandboxedExecute.guard_modules = template.modules
    c.SandboxedExecute.guard_aliases = template.aliases
    c.SandboxedExecute.work_dir = str(work)
    config.merge(c)
    return config


def _read_result(job: Job, template: Template, folder: Path, repair_events: list[str],
                 uncertain: bool) -> Result:
    result = Result(job.student, job.assignment, str(job.path), "graded", events=list(repair_events))
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}", template.course_id) as gb:
        notebook = gb.find_submission_notebook(job.assignment, job.assignment, job.student)
        result.scores = {g.name: g.auto_score for g in notebook.grades}
        result.comments = {c.name: c.auto_comment for c in notebook.comments}
    autograded = folder / "autograded" / job.student / job.assignment / f"{job.assignment}.ipynb"
    result.autograded = str(autograded)
    nb = json.loads(autograded.read_text(encoding="utf-8"))
    events, review = recorded(nb)
    result.events += events
    result.review = review
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or cell.get("cell_type") != "code":
            continue
        kinds = {(o.get("output_type"), o.get("name")) for o in cell.get("outputs", [])}
        if ("stream", "stderr") in kinds and not any(kind == "error" for kind, _ in kinds):
            result.events.append(f"{meta['grade_id']} scored 0 only because it wrote to stderr")
            result.review = True
    total = sum(score or 0 for score in result.scores.values())
    if uncertain and total < sum(template.max_scores.values()):
        result.events.append("the grader had to guess where some cells are: check the points")
        result.review = True
    if any(score is None for score in result.scores.values()):
        result.review = True  # nbgrader itself asks for manual grading
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
