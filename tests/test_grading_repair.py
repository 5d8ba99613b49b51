"""Restoring nbgrader metadata that a round trip lost, a paste doubled or a student edited,
on the real student versions of the labs (no kernel: what nbgrader will see)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from coursetools.grading.repair import restore_grading_metadata
from coursetools.release import assignments

from .grading_cases import index

pytestmark = pytest.mark.slow  # the `released` fixture runs nbgrader generate_assignment


def release(released: Path, assignment: str) -> dict:
    return json.loads((released / assignment / f"{assignment}.ipynb").read_text())


def graded_meta(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c["metadata"]["nbgrader"]) for i, c in enumerate(nb["cells"]) if "nbgrader" in c["metadata"]]


@pytest.mark.parametrize("assignment", assignments())
def test_an_untouched_notebook_is_left_alone(assignment: str, released: Path) -> None:
    nb = release(released, assignment)
    repair = restore_grading_metadata(nb, nb)
    assert repair.notebook == nb and repair.events == [] and not repair.uncertain


@pytest.mark.parametrize("assignment", assignments())
def test_lost_metadata_comes_back_exactly(assignment: str, released: Path) -> None:
    ref = release(released, assignment)
    nb = copy.deepcopy(ref)
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)
        if cell["metadata"].get("nbgrader") is None and "def " in "".join(cell["source"]):
            cell["source"] = "".join(cell["source"]).replace("raise NotImplementedError()", "return 0")
    repair = restore_grading_metadata(nb, ref)
    assert graded_meta(repair.notebook) == graded_meta(ref)
    assert all("lost its nbgrader metadata" in e for e in repair.events) and repair.events


def test_a_deleted_test_cell_is_put_back_after_its_answer(released: Path) -> None:
    ref = release(released, "lab01_en")
    nb = copy.deepcopy(ref)
    del nb["cells"][index(nb, "test_sse")]
    repair = restore_grading_metadata(nb, ref)
    cells = repair.notebook["cells"]
    assert index(repair.notebook, "test_sse") == index(repair.notebook, "sse") + 1
    assert cells[index(repair.notebook, "test_sse")]["source"] == ref["cells"][index(ref, "test_sse")]["source"]
    assert repair.events == ["graded cell test_sse was missing: put back from the assignment"]


def test_pasted_copies_lose_their_labels_and_ids_stay_unique(released: Path) -> None:
    ref = release(released, "lab01_en")
    nb = copy.deepcopy(ref)
    nb["cells"].insert(index(nb, "test_predict") + 1, copy.deepcopy(nb["cells"][index(nb, "test_predict")]))
    nb["cells"].append(copy.deepcopy(nb["cells"][index(nb, "activations")]))
    repair = restore_grading_metadata(nb, ref)
    labels = [m["grade_id"] for _, m in graded_meta(repair.notebook)]
    assert labels == [m["grade_id"] for _, m in graded_meta(ref)]  # once each, in order
    ids = [c["id"] for c in repair.notebook["cells"]]
    assert len(ids) == len(set(ids))
    assert len(repair.events) == 2 and all("it runs, but is not graded" in e for e in repair.events)


def test_edited_points_and_flags_are_restored(released: Path) -> None:
    ref = release(released, "lab01_en")
    nb = copy.deepcopy(ref)
    nb["cells"][index(nb, "test_sse")]["metadata"]["nbgrader"]["points"] = 100
    nb["cells"][index(nb, "test_predict")]["metadata"]["nbgrader"]["grade"] = False
    nb["cells"][index(nb, "test_speedup")]["cell_type"] = "markdown"
    repair = restore_grading_metadata(nb, ref)
    assert graded_meta(repair.notebook) == graded_meta(ref)
    assert repair.notebook["cells"][index(ref, "test_speedup")]["cell_type"] == "code"
    assert any("points" in e for e in repair.events) and any("grade" in e for e in repair.events)
