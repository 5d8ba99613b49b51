"""The students' self-check (dlcourse.selfcheck): the labs' visible tests, and nothing
else, run in a real kernel, with a summary in the notebook's language."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coursetools.config import ROOT, WHEEL_DIR, wheel_name
from coursetools.manifest import parse_assignment
from coursetools.release import assignments
from coursetools.selfcheck_data import OUT

from .grading_cases import round_trips, source, without_device_cell
from .test_lab_grading import solution_lines


def test_the_release_puts_every_labs_visible_tests_into_the_package(released: Path) -> None:
    """Written by the release, for the labs as they are now, and shipped in its wheel."""
    wanted = {f"{a}.json" for a in assignments()}
    assert {p.name for p in OUT.glob("*.json")} == wanted
    with zipfile.ZipFile(released / WHEEL_DIR / wheel_name()) as wheel:
        for name in wanted:
            assert wheel.read(f"dlcourse/labtests/{name}").decode() == (OUT / name).read_text(encoding="utf-8")
    for assignment in assignments():
        data = json.loads((OUT / f"{assignment}.json").read_text(encoding="utf-8"))
        assert (data["lab"], data["track"], data["lang"]) == tuple(parse_assignment(assignment))


@pytest.mark.parametrize("assignment", assignments())
def test_packaged_tests_hold_no_hidden_test_or_solution(assignment: str, released: Path) -> None:
    packaged = (OUT / f"{assignment}.json").read_text(encoding="utf-8")
    secret = solution_lines(ROOT / "labs" / assignment / f"{assignment}.ipynb")
    assert secret and not [line for line in secret if json.dumps(line)[1:-1] in packaged]
    tests = json.loads(packaged)["exercises"]
    assert [t["grade_id"] for t in tests] == [
        c["metadata"]["nbgrader"]["grade_id"] for c in source(assignment)["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade") and not c["metadata"]["nbgrader"].get("solution")]


def _run(nb: dict, tmp_path: Path) -> str:
    """Run the notebook in a real kernel, self-check cell included; its output."""
    node = nbformat.reads(json.dumps(nb), as_version=4)
    NotebookClient(node, timeout=120, skip_cells_with_tag="none", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    last = node.cells[-1]
    assert "check(" in last.source
    return "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")


def _runnable(nb: dict, assignment: str) -> dict:
    """A NumPy lab runs without its device cell (importing torch takes seconds); a lab
    with a framework track needs it."""
    return nb if parse_assignment(assignment).track else without_device_cell(nb)


SELF_CHECKED = [mine for mine, _ in round_trips()]


@pytest.fixture(scope="module")
def self_checks(released: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """The self-check's output in each round trip's source and student version, each run
    in a real kernel of its own, three notebooks at a time (one notebook's run keeps about
    one core busy)."""
    def both(assignment: str) -> tuple[str, str]:
        folder = tmp_path_factory.mktemp(assignment)
        student = json.loads((released / assignment / f"{assignment}.ipynb").read_text())
        return (_run(_runnable(source(assignment), assignment), folder),
                _run(_runnable(student, assignment), folder))

    with ThreadPoolExecutor(3) as pool:
        return dict(zip(SELF_CHECKED, pool.map(both, SELF_CHECKED)))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SELF_CHECKED)
def test_self_check_in_a_real_kernel(assignment: str, self_checks: dict[str, tuple[str, str]]) -> None:
    lang = parse_assignment(assignment).lang
    done, todo = self_checks[assignment]
    exercises = len(json.loads((OUT / f"{assignment}.json").read_text())["exercises"])
    assert done.count("✓") == exercises and "✗" not in done, done
    assert todo.count("✗") == exercises, todo
    assert ("még nincs kész" if lang == "hu" else "not done yet") in todo
    assert ("Önellenőrzés" if lang == "hu" else "Self-check") in todo


def test_a_failing_visible_test_is_named_with_its_line(released: Path) -> None:
    from dlcourse.selfcheck import run_visible_tests

    namespace: dict = {}
    exec("import numpy as np\ndef sse(y, y_hat):\n    return 0.5\n", namespace)
    outcome = {o.title: o.problem for o in run_visible_tests("lab01", "en", namespace)}
    sse = next(problem for title, problem in outcome.items() if "squared errors" in title)
    assert sse == "a visible test fails, line 1: assert abs(sse([1, 0, 1], [0.8, 0.2, 0.6]) - 0.24) < 1e-12"
    assert any("step is not defined" in str(p) for p in outcome.values())


def test_import_is_light() -> None:
    code = ("import sys, dlcourse.selfcheck; print(sorted(m for m in ('numpy', 'torch', 'tensorflow', "
            "'ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
