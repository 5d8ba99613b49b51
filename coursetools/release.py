"""Generate the student versions of every lab: ``python -m coursetools.release``.

For each labs/<assignment>/<assignment>.ipynb it
1. checks the cells every lab shares against the template (lab_template.py), the
   nbgrader metadata (a missing or duplicated grade id fails with the file, the cell and
   what to do) and the lab's hidden tests (each names a graded cell), then
2. runs the real ``nbgrader generate_assignment``, which strips the solutions (the
   hidden tests are not in the notebook: hidden_tests/<lab>.py, read by the grader only), and
3. fills in the course links (@COURSE_PIP_SOURCE@, @COLAB_URL@) from _config.yml, then
4. writes the labs' visible tests for the students' self-check into the course package
   (dlcourse/labtests/, coursetools/selfcheck_data.py) and builds the package's wheel,
   which the site publishes and every lab's install cell installs.
The student notebooks land in _build/release/<assignment>/, the wheel in _build/release/dist/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import lab_template
from .config import BUILD, ROOT, WHEEL_DIR, lab_site_path, repository, tool_env, wheel_name
from .grading.notebooks import source_of, split_hidden
from .grading.proxy import HIDDEN_TESTS, hidden_tests_file, load_hidden_tests
from .manifest import parse_assignment

LABS = ROOT / "labs"
RELEASE = BUILD / "release"
PIP_TOKEN = "@COURSE_PIP_SOURCE@"
COLAB_TOKEN = "@COLAB_URL@"


class ReleaseError(Exception):
    """A lab source that nbgrader would mis-grade; the message says where and what to do."""


def assignments(labs: Path = LABS) -> list[str]:
    """The lab assignments: folders of labs/ that hold a notebook of the same name."""
    return sorted(p.parent.name for p in labs.glob("*/*.ipynb") if p.stem == p.parent.name)


def source_notebook(assignment: str, labs: Path = LABS) -> Path:
    return labs / assignment / f"{assignment}.ipynb"


def check_grade_ids(path: Path) -> None:
    """Every nbgrader cell needs a grade id of its own, and graded cells need points."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ReleaseError(f"{path}: not a readable notebook: {err}") from None
    seen: dict[str, int] = {}
    graded: set[str] = set()
    for index, cell in enumerate(nb.get("cells", []), start=1):
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise ReleaseError(
                f"{path}: cell {index} is an nbgrader cell without a grade_id; give it a "
                "unique one in its metadata (nbgrader.grade_id, or the Create Assignment "
                "toolbar)"
            )
        if grade_id in seen:
            raise ReleaseError(
                f"{path}: cell {index} repeats the grade_id {grade_id!r} of cell "
                f"{seen[grade_id]}; every nbgrader cell needs a unique grade_id"
            )
        seen[grade_id] = index
        if meta.get("grade"):
            graded.add(grade_id)
        if meta.get("grade") and not meta.get("points"):
            raise ReleaseError(f"{path}: cell {index} ({grade_id}) is graded but has no points")
        if any(hidden for _, hidden in split_hidden(source_of(cell))):
            raise ReleaseError(
                f"{path}: cell {index} ({grade_id}) has hidden tests in the notebook, where the "
                f"student's kernel would run them; move them to {HIDDEN_TESTS}/<lab>.py "
                "(README.md, \"Lab authors\")")
    if not seen:
        raise ReleaseError(f"{path}: no nbgrader cells; is this a lab source?")
    tests_file = hidden_tests_file(path.parents[2], path.stem)
    if tests_file is not None:
        try:
            load_hidden_tests(tests_file, graded)
        except ValueError as err:
            raise ReleaseError(str(err)) from None


def fill_links(notebook: Path, assignment: str) -> None:
    """Replace the link tokens of a released notebook with the course's URLs."""
    repo = repository()
    text = notebook.read_text(encoding="utf-8")
    text = text.replace(PIP_TOKEN, repo.pip_source)
    text = text.replace(COLAB_TOKEN, repo.colab_url(lab_site_path(assignment)))
    notebook.write_text(text, encoding="utf-8")


def release(names: list[str] | None = None, labs: Path = LABS, out: Path = RELEASE) -> list[Path]:
    """Check and generate the given assignments (default: all); return the notebooks."""
    names = names or assignments(labs)
    if not names:
        raise ReleaseError(f"{labs}: no lab sources (expected labs/<name>/<name>.ipynb)")
    for name in names:
        path = source_notebook(name, labs)
        if not path.is_file():
            raise ReleaseError(f"{path}: no such lab source (expected labs/<name>/<name>.ipynb)")
        check_grade_ids(path)
        if parse_assignment(name).lang:  # a lab of this course, not any nbgrader assignment
            differs = lab_template.check_notebook(path)
            if differs:
                raise ReleaseError("\n".join(differs) + "\n(python -m coursetools.lab_template "
                                   "writes the shared cells from the template)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        command = [
            sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
            "--log-level=WARN",
            f"--CourseDirectory.root={ROOT}",
            f"--CourseDirectory.source_directory={labs.resolve()}",
            f"--CourseDirectory.release_directory={out}",
            f"--CourseDirectory.db_url=sqlite:///{BUILD / 'release-gradebook.db'}",
        ]
        result = subprocess.run(command, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
        if result.returncode != 0:
            raise ReleaseError(
                f"{source_notebook(name, labs)}: nbgrader generate_assignment failed:\n"
                f"{result.stdout}{result.stderr}"
            )
        notebook = out / name / f"{name}.ipynb"
        fill_links(notebook, name)
        written.append(notebook)
    if labs.resolve() == LABS.resolve():  # the course's own labs: the package carries their tests
        from . import selfcheck_data

        selfcheck_data.write(assignments(labs))
        build_package(out / WHEEL_DIR)
    return written


def build_package(dist: Path) -> Path:
    """The wheel of the course package, built from a clean copy of its sources (setuptools
    would otherwise ship stale files it left in build/)."""
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="dlcourse-wheel-") as tmp:
        source = Path(tmp)
        for part in ("dlcourse", "quizzes"):
            shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
        for part in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / part, source / part)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                   "--wheel-dir", str(dist), str(source)]
        result = subprocess.run(command, cwd=source, env=tool_env(), capture_output=True, text=True)
        if result.returncode != 0:
            raise ReleaseError(f"building the course package failed:\n{result.stdout}{result.stderr}")
    return dist / wheel_name()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every lab in labs/")
    parser.add_argument("--labs", type=Path, default=LABS, help="folder of the lab sources")
    parser.add_argument("--out", type=Path, default=RELEASE, help="where the student versions go")
    args = parser.parse_args(argv)
    BUILD.mkdir(exist_ok=True)
    try:
        for notebook in release(args.assignments, args.labs, args.out):
            print(f"student version: {notebook}")
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
