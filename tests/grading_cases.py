"""Handed-in notebooks for the grading tests, made from the real lab 1 sources.

Each case is what a student could hand in: a correct or wrong answer, a hostile or a
broken notebook. ``expected`` is the score it deserves, computed from the lab's own points
(the tests that must fail lose theirs). Most hostile cases drop the lab's device cell,
which imports TensorFlow and torch for 6 s and plays no part in what is tested; the cases
that need a kernel worth restarting (os._exit) and the correct ones keep it.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from coursetools.config import ROOT

Notebook = dict[str, Any]
TESTS_OF_LAB01 = {"test_activations", "test_predict", "test_train_perceptron", "test_sse", "test_speedup"}


def source(assignment: str) -> Notebook:
    return json.loads((ROOT / "labs" / assignment / f"{assignment}.ipynb").read_text())


def points(nb: Notebook) -> dict[str, float]:
    found = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade"):
            found[meta["grade_id"]] = float(meta["points"])
    return found


def index(nb: Notebook, grade_id: str) -> int:
    for i, cell in enumerate(nb["cells"]):
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def text(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def set_source(nb: Notebook, grade_id: str, code: str) -> None:
    nb["cells"][index(nb, grade_id)]["source"] = code


def replace_in(nb: Notebook, grade_id: str, old: str, new: str) -> None:
    cell = nb["cells"][index(nb, grade_id)]
    assert old in text(cell), f"{old!r} is not in {grade_id}"
    cell["source"] = text(cell).replace(old, new)


def insert_after(nb: Notebook, grade_id: str, code: str) -> None:
    nb["cells"].insert(index(nb, grade_id) + 1, {
        "cell_type": "code", "execution_count": None, "id": f"added-{len(nb['cells'])}",
        "metadata": {}, "outputs": [], "source": code})


def without_device_cell(nb: Notebook) -> Notebook:
    nb["cells"] = [c for c in nb["cells"] if "detect(" not in text(c)]
    return nb


@dataclass
class Case:
    student: str
    make: Callable[[Path], bytes]  # course root -> the file's bytes
    lost: set[str] = field(default_factory=set)  # tests that must score 0
    assignment: str = "lab01_en"
    review: bool | None = None  # must (True) or must not (False) be flagged
    intake: bool = True  # False: intake rejects it; the test puts it in submitted/ itself
    events: tuple[str, ...] = ()  # words the grading report must mention
    filename: str = ""  # the handed-in file's name (default: a Colab-like one)

    def expected(self) -> float:
        return sum(v for k, v in points(source(self.assignment)).items() if k not in self.lost)


def _nb(edit: Callable[[Notebook], None], device: bool = False,
        assignment: str = "lab01_en") -> Callable[[Path], bytes]:
    def make(course_root: Path) -> bytes:
        nb = copy.deepcopy(source(assignment))
        if not device:
            without_device_cell(nb)
        edit(nb)
        return json.dumps(nb).encode()
    return make


def _with_root(edit: Callable[[Notebook, Path], None]) -> Callable[[Path], bytes]:
    def make(course_root: Path) -> bytes:
        nb = without_device_cell(copy.deepcopy(source("lab01_en")))
        edit(nb, course_root)
        return json.dumps(nb).encode()
    return make


def _nothing(nb: Notebook) -> None:
    pass


def _strip_nbgrader(nb: Notebook) -> None:
    for cell in nb["cells"]:
        cell["metadata"].pop("nbgrader", None)
    nb["metadata"].pop("dlcourse", None)  # a round trip that lost all metadata


def _pasted(nb: Notebook) -> None:
    test = copy.deepcopy(nb["cells"][index(nb, "test_predict")])
    test["id"] = nb["cells"][index(nb, "test_predict")]["id"]  # editors copy the cell id too
    nb["cells"].insert(index(nb, "test_predict") + 1, test)
    answer = copy.deepcopy(nb["cells"][index(nb, "predict")])
    nb["cells"].append(answer)


def _edited_metadata(nb: Notebook) -> None:
    nb["cells"][index(nb, "test_sse")]["metadata"]["nbgrader"]["points"] = 100
    nb["cells"][index(nb, "test_predict")]["metadata"]["nbgrader"]["grade"] = False
    meta = nb["cells"][index(nb, "test_activations")]["metadata"]["nbgrader"]
    meta.update(locked=False, solution=True)


def _edited_test(nb: Notebook) -> None:
    replace_in(nb, "sse", "return float(np.sum(diff**2))", "return 0.0")
    set_source(nb, "test_sse", "pass  # the test, edited away")


def _monkeypatch(nb: Notebook) -> None:
    # Wrong relu and sse, and, in the first answer cell, what would make the tests pass anyway.
    replace_in(nb, "activations", "return np.maximum(0.0, np.asarray(z, dtype=float))",
               "return np.asarray(z, dtype=float)")
    cell = nb["cells"][index(nb, "activations")]
    cell["source"] = text(cell) + (
        "\n\nimport builtins\nimport math\nimport numpy.testing\n\n"
        "np.allclose = lambda *args, **kwargs: True\n"
        "numpy.testing.assert_allclose = lambda *args, **kwargs: None\n"
        "math.isclose = lambda *args, **kwargs: True\n"
        "builtins.abs = lambda x: 0\n")
    set_source(nb, "sse", "def sse(y, y_hat):\n    return 0.0\n")


def _transformer(nb: Notebook) -> None:
    set_source(nb, "predict", (
        "def predict(X, w, b):\n    raise NotImplementedError()\n\n\n"
        "get_ipython().input_transformers_cleanup.append(\n"
        "    lambda lines: [line for line in lines if 'assert' not in line])\n"))


def _transformer_all(nb: Notebook) -> None:
    insert_after(nb, "test_activations",
                 "get_ipython().input_transformers_cleanup.append(lambda lines: [])")


def _read_others(nb: Notebook, course_root: Path) -> None:
    # Its own sse is missing: it tries to take another student's, and to raise its grade.
    set_source(nb, "sse", f"""import glob, json, os, sqlite3
print("kernel user id:", os.getuid())
stolen = None
patterns = [{str(course_root)!r} + "/submitted/*/lab01_en/lab01_en.ipynb",
            "../../../*/submitted/*/lab01_en/lab01_en.ipynb",
            "/tmp/dlcourse-grading-*/*/submitted/*/lab01_en/lab01_en.ipynb"]
for pattern in patterns:
    for path in glob.glob(pattern):
        try:
            with open(path) as f:
                cells = json.load(f)["cells"]
        except OSError:
            continue
        for cell in cells:
            if "def sse" in "".join(cell["source"]):
                stolen = "".join(cell["source"])
if stolen:
    exec(stolen)
for db in [{str(course_root / "gradebook.db")!r}, "../../gradebook.db"]:
    try:
        con = sqlite3.connect(db)
        con.execute("update grade set manual_score = 99")
        con.commit()
    except Exception:
        pass
""")


def _sys_exit(nb: Notebook) -> None:
    insert_after(nb, "predict", "import sys\nsys.exit()")
    set_source(nb, "sse", "def sse(y, y_hat):\n    import sys\n    sys.exit(1)\n")


def _tf_noise(nb: Notebook) -> None:
    set_source(nb, "sse", (
        "def sse(y, y_hat):\n"
        "    import tensorflow as tf  # imported here: its start-up messages land in the test\n\n"
        "    diff = tf.constant(np.asarray(y, dtype=float)) - tf.constant(np.asarray(y_hat, dtype=float))\n"
        "    return float(tf.reduce_sum(diff * diff).numpy())\n"))
    set_source(nb, "predict", (
        "import torch\n\n\n"
        "def predict(X, w, b):\n"
        "    X = np.array(X, dtype=float)\n"
        "    X.setflags(write=False)  # torch warns about read-only arrays\n"
        "    scores = torch.from_numpy(X) @ torch.as_tensor(np.asarray(w, dtype=float)) + b\n"
        "    return step(scores.numpy())\n"))


def _stderr(nb: Notebook) -> None:
    replace_in(nb, "sse", "diff = np.asarray", "import sys\n    print('computing', file=sys.stderr)\n    diff = np.asarray")


def _wrong_assignment(course_root: Path) -> bytes:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"dlcourse": {"lab": "lab02", "lang": "en"}},
        "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Lab 2: backpropagation"},
                  {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": "def backprop():\n    return 0"}]}).encode()


def wrong_answers(lab: str) -> list[dict[str, Any]]:
    """The typical mistakes of a lab's answers: tests/wrong_answers/<lab>.yml."""
    path = ROOT / "tests" / "wrong_answers" / f"{lab}.yml"
    assert path.is_file(), f"{path}: every lab needs its typical wrong answers"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _wrong(assignment: str, mistake: dict[str, Any]) -> Callable[[Path], bytes]:
    def edit(nb: Notebook) -> None:
        replace_in(nb, mistake["cell"], mistake["replace"], mistake["with"])
    return _nb(edit, device=True, assignment=assignment)


def lab_cases() -> dict[str, Case]:
    """For every lab assignment: its source, its student version and typical wrong answers
    (the mistakes of tests/wrong_answers/<lab>.yml, spread over the lab's languages)."""
    from coursetools.release import assignments

    cases: dict[str, Case] = {}
    for n, assignment in enumerate(assignments()):
        lab, lang = assignment.rsplit("_", 1)
        tests = set(points(source(assignment)))
        cases[f"{assignment}-source"] = Case(f"SRC{n:03d}", _nb(_nothing, True, assignment),
                                             assignment=assignment, review=False)
        cases[f"{assignment}-release"] = Case(f"REL{n:03d}", lambda root, a=assignment: (
            root / "release" / a / f"{a}.ipynb").read_bytes(), lost=tests, assignment=assignment)
        languages = sorted({a.rsplit("_", 1)[1] for a in assignments() if a.startswith(lab + "_")})
        for k, mistake in enumerate(wrong_answers(lab)):
            if languages[k % len(languages)] == lang:
                cases[f"{assignment}-wrong-{k}"] = Case(
                    f"W{n:02d}{k:03d}", _wrong(assignment, mistake), lost=set(mistake["fails"]),
                    assignment=assignment)
    return cases


HOSTILE: dict[str, Case] = {
    "loop_top_level": Case("LOP001", _nb(lambda nb: insert_after(nb, "predict", "while True:\n    pass")),
                           events=("stopped after",)),
    "loop_in_graded_function": Case("LOP002", _nb(lambda nb: replace_in(
        nb, "sse", "    return float(", "    while True:\n        pass\n    return float(")),
        lost={"test_sse"}, events=("test_sse: stopped after",)),
    "loop_ignoring_interrupts": Case("LOP003", _nb(lambda nb: set_source(nb, "sse", (
        "def sse(y, y_hat):\n    while True:\n        try:\n            while True:\n"
        "                pass\n        except KeyboardInterrupt:\n            pass\n"))),
        lost={"test_sse"}, events=("kernel restarted",)),
    "sys_exit": Case("EXI001", _nb(_sys_exit), lost={"test_sse"}),
    "os_exit_in_graded_function": Case("EXI002", _nb(lambda nb: set_source(
        nb, "sse", "def sse(y, y_hat):\n    import os\n    os._exit(1)\n"), device=True),
        lost={"test_sse"}, events=("kernel restarted",)),
    "kernel_kills_itself": Case("EXI003", _nb(lambda nb: insert_after(
        nb, "predict", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")),
        events=("kernel restarted",)),
    "all_memory": Case("MEM001", _nb(lambda nb: set_source(nb, "train_perceptron", (
        "def train_perceptron(X, y, lr=1.0, epochs=20):\n    hog = []\n    while True:\n"
        "        hog.append(np.ones(2**24))\n"))), lost={"test_train_perceptron"}),
    "prints_100_mb": Case("OUT001", _nb(lambda nb: insert_after(nb, "predict", 'print("x" * 100_000_000)')),
                          events=("was cut",)),
    "deleted_test_cell": Case("DEL001", _nb(lambda nb: nb["cells"].pop(index(nb, "test_sse")) and None),
                              events=("test_sse was missing",)),
    "edited_test_cell": Case("EDT001", _nb(_edited_test), lost={"test_sse"}),
    "edited_metadata_and_points": Case("EDT002", _nb(_edited_metadata), events=("edited metadata",)),
    "not_json": Case("BAD001", lambda root: b"this is not a notebook {", lost=TESTS_OF_LAB01,
                     review=True, intake=False, events=("invalid JSON",)),
    "wrong_assignment": Case("BAD002", _wrong_assignment, lost=TESTS_OF_LAB01, review=True,
                             intake=False, events=("wrong assignment",)),
    "empty_file": Case("BAD003", lambda root: b"", lost=TESTS_OF_LAB01, review=True, intake=False,
                       events=("empty file",)),
    "lost_nbgrader_metadata": Case("MET001", _nb(_strip_nbgrader), events=("lost its nbgrader metadata",)),
    "pasted_graded_cells": Case("MET002", _nb(_pasted), events=("a copy of cell test_predict",)),
    "reads_other_students": Case("SPY001", _with_root(_read_others), lost={"test_sse"}),
    "monkeypatches_test_tools": Case("MON001", _nb(_monkeypatch), lost={"test_activations", "test_sse"},
                                     review=True, events=("numpy.allclose", "builtins.abs", "math.isclose",
                                                          "numpy.testing.assert_allclose")),
    "input_transformer_strips_asserts": Case(
        "MON002", _nb(_transformer), lost={"test_predict", "test_train_perceptron"}, review=True,
        events=("input_transformers_cleanup",)),
    "input_transformer_empties_cells": Case(
        "MON003", _nb(_transformer_all), review=True, events=("did not run",),
        lost={"test_predict", "test_train_perceptron", "test_sse", "test_speedup"}),
    # TensorFlow's C++ start-up lines reach the kernel's stderr asynchronously (they may land
    # in a later cell or none); tests/test_grading_noise.py checks them line by line.
    "framework_noise": Case("NOI001", _nb(_tf_noise), review=False),
    "own_stderr_output": Case("NOI002", _nb(_stderr), lost={"test_sse"}, review=True,
                              events=("only because it wrote to stderr",)),
}
