"""Hidden tests that run in the grader, calling the student's code through a proxy.

A lab's hidden tests live in ``hidden_tests/<lab>.py`` of the course, never in a
notebook: one function per graded test cell, named by its grade id, that takes the
student's notebook as a proxy::

    def test_sse(nb):
        a, c = ...
        assert abs(nb.sse(a, c) - expected) < 1e-9, "sse of 50 random pairs"

``nb.sse(a, c)`` calls the student's ``sse`` in the grading kernel, ``nb["name"]`` reads
a variable, ``nb.eval("expression")`` evaluates an expression in the student's namespace,
``nb.ref("model")`` passes one of the notebook's variables as an argument without it
leaving the kernel, and ``nb.track`` says the lab's framework track (keras, torch, None).
Only data crosses: the arguments and the result travel as JSON (numbers, strings,
lists, dicts, NumPy arrays as raw little-endian bytes), and :func:`decode` turns what
comes back into plain Python and plain NumPy values, or fails. So the kernel sees the
arguments and nothing else of a test: no expected value, no reference solution, no test
source in any frame or history, and an object with an always-true ``==`` cannot come
back. The kernel's reply is the student's answer and is treated as untrusted input.
"""

from __future__ import annotations

import base64
import json
import math
import secrets
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.random  # see below

from ..manifest import parse_assignment

# numpy 2 imports numpy.random on first use. Imported here, once, by the coordinator:
# else every forked worker whose hidden tests draw random inputs imports it again
# (about 0.5 s of CPU per submission on the course's 2-core machine).

MARK = "@@dlcourse-reply"
FAILED = "HiddenTestFailed"  # the ename of a test cell's output when its hidden test failed
DTYPES = ("float64", "float32", "int64", "int32", "uint8", "bool")
MAX_ITEMS = 50_000_000  # array elements in one reply

# Runs in the kernel for each call. It is sent with the first call to a kernel (and again
# after a restart, or when the student's code deleted it), so nothing of the grader has to
# be importable there; the student can change
# or delete it, and gains nothing by it: it only ever sees the arguments. (Sending it with
# every call cost about 20 ms of the kernel's CPU per call: IPython tokenizes each cell.)
KERNEL_SIDE = r'''
def __dlcourse_reply(token, request):
    import base64, json, sys
    def decode(v):
        if isinstance(v, dict):
            if "__ndarray__" in v:
                import numpy
                raw = base64.b64decode(v["data"])
                return numpy.frombuffer(raw, dtype=v["__ndarray__"]).reshape(v["shape"]).copy()
            if "__float__" in v:
                return float(v["__float__"])
            if "__ref__" in v:
                return user[v["__ref__"]]
            if "__tuple__" in v:
                return tuple(decode(x) for x in v["__tuple__"])
            return {k: decode(x) for k, x in v.items()}
        if isinstance(v, list):
            return [decode(x) for x in v]
        return v
    def encode(v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int):
            return int(v)
        if isinstance(v, float):
            return float(v) if v == v and abs(v) != float("inf") else {"__float__": repr(float(v))}
        if isinstance(v, (list, tuple)):
            items = [encode(x) for x in v]
            return {"__tuple__": items} if isinstance(v, tuple) else items
        if isinstance(v, dict):
            return {str(k): encode(x) for k, x in v.items()}
        import numpy
        if hasattr(v, "detach") and hasattr(v, "cpu"):  # a torch tensor
            v = v.detach().cpu().numpy()
        elif hasattr(v, "numpy") and not isinstance(v, (numpy.ndarray, numpy.generic)):
            v = v.numpy()  # a TensorFlow or Keras tensor
        if isinstance(v, numpy.generic):
            return encode(v.item())
        if isinstance(v, numpy.ndarray):
            kind = v.dtype.kind
            dtype = {"b": "bool", "i": "int64", "u": "int64", "f": "float64"}.get(kind)
            if v.dtype.name in ("float32", "uint8", "int32"):
                dtype = v.dtype.name
            if dtype is None:
                return {"__unsupported__": "array of " + v.dtype.name}
            data = numpy.ascontiguousarray(v, dtype=numpy.dtype(dtype).newbyteorder("<"))
            return {"__ndarray__": dtype, "shape": list(v.shape),
                    "data": base64.b64encode(data.tobytes()).decode()}
        return {"__unsupported__": type(v).__name__}
    user = get_ipython().user_ns
    try:
        request = json.loads(request)
        if request["kind"] == "call":
            value = user[request["name"]](*decode(request["args"]), **decode(request["kwargs"]))
        elif request["kind"] == "value":
            value = user[request["name"]]
        else:
            value = eval(request["expression"], user)
        reply = {"value": encode(value)}
    except BaseException as error:
        reply = {"error": type(error).__name__, "message": str(error)[:2000]}
    sys.stdout.write("\n" + MARK + " " + token + " " + json.dumps(reply) + "\n")
    sys.stdout.flush()
'''


class StudentError(Exception):
    """The student's code raised, or gave back something the grader cannot read."""


class Ref(str):
    """A variable of the student's notebook passed as an argument: ``nb.ref("model")``.

    >>> encode([Ref("model"), 2])
    [{'__ref__': 'model'}, 2]
    """


def encode(value: Any) -> Any:
    """Arguments for the kernel, as JSON-ready data."""
    if isinstance(value, Ref):
        return {"__ref__": str(value)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    array = np.asarray(value)
    dtype = array.dtype.name if array.dtype.name in DTYPES else "float64"
    data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"__ndarray__": dtype, "shape": list(array.shape),
            "data": base64.b64encode(data.tobytes()).decode()}


def decode(data: Any, where: str = "the result") -> Any:
    """What the kernel sent, as plain values: ``bool``, ``int``, ``float``, ``str``,
    ``None``, ``list``, ``tuple``, ``dict`` and base-class ``numpy.ndarray``; anything
    else raises :class:`StudentError`.

    >>> decode({"__tuple__": [1, {"__float__": "nan"}, [True, "a"]]})
    (1, nan, [True, 'a'])
    >>> decode(encode(np.arange(3.0))).tolist()
    [0.0, 1.0, 2.0]
    >>> decode({"__unsupported__": "Foo"})
    Traceback (most recent call last):
    ...
    coursetools.grading.proxy.StudentError: the result is a Foo, which the grader cannot compare
    """
    kind = type(data)
    if data is None or kind in (bool, int, str):
        return data
    if kind is float:
        return float(data)
    if kind is list:
        return [decode(item, where) for item in data]
    if kind is not dict:
        raise StudentError(f"{where} is not readable data")
    if "__unsupported__" in data:
        raise StudentError(f"{where} is a {str(data['__unsupported__'])[:80]}, "
                           "which the grader cannot compare")
    if set(data) == {"__float__"}:
        text = data["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise StudentError(f"{where} holds a malformed number")
        return float(text)
    if set(data) == {"__tuple__"} and type(data["__tuple__"]) is list:
        return tuple(decode(item, where) for item in data["__tuple__"])
    if set(data) == {"__ndarray__", "shape", "data"}:
        return _array(data, where)
    if any(type(key) is not str or key.startswith("__") for key in data):
        raise StudentError(f"{where} is not readable data")
    return {key: decode(value, where) for key, value in data.items()}


def _array(data: dict[str, Any], where: str) -> np.ndarray:
    dtype, shape, raw = data["__ndarray__"], data["shape"], data["data"]
    if (dtype not in DTYPES or type(shape) is not list or type(raw) is not str
            or not all(type(n) is int and 0 <= n <= MAX_ITEMS for n in shape)
            or math.prod(shape) > MAX_ITEMS):
        raise StudentError(f"{where} holds a malformed array")
    try:
        buffer = base64.b64decode(raw, validate=True)
    except ValueError:
        raise StudentError(f"{where} holds a malformed array") from None
    item = np.dtype(dtype).newbyteorder("<")
    if len(buffer) != math.prod(shape) * item.itemsize:
        raise StudentError(f"{where} holds a malformed array")
    return np.frombuffer(buffer, dtype=item).astype(np.dtype(dtype)).reshape(shape)


def call_source(request: dict[str, Any], define: bool = True) -> tuple[str, str]:
    """(the code a kernel runs for one request, the token its reply line carries); with
    ``define``, the code first defines the kernel's side (KERNEL_SIDE)."""
    token = secrets.token_hex(8)
    body = KERNEL_SIDE.replace("MARK", repr(MARK)) + "\n" if define else ""
    return f"{body}__dlcourse_reply({token!r}, {json.dumps(request)!r})\n", token


def parse_reply(stdout: str, token: str, what: str) -> Any:
    """The value in the kernel's reply line, decoded; StudentError when there is none."""
    prefix = f"{MARK} {token} "
    lines = [line for line in stdout.splitlines() if line.startswith(prefix)]
    if not lines:
        raise StudentError(f"{what} gave no answer (did the code replace print or stdout?)")
    try:
        reply = json.loads(lines[-1][len(prefix):], parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise StudentError(f"{what} gave an unreadable answer") from None
    if type(reply) is not dict:
        raise StudentError(f"{what} gave an unreadable answer")
    if "error" in reply:
        raise StudentError(f"{what} raised {str(reply['error'])[:80]}: {str(reply.get('message'))[:500]}")
    if set(reply) != {"value"}:
        raise StudentError(f"{what} gave an unreadable answer")
    try:
        return decode(reply["value"], f"what {what} returned")
    except RecursionError:
        raise StudentError(f"{what} gave an answer nested too deeply") from None


def _no_constant(name: str) -> None:
    raise ValueError(name)


Runner = Callable[[dict[str, Any], str], Any]  # (request, description) -> decoded value


class StudentNotebook:
    """The student's notebook as the hidden tests see it (see the module's docstring)."""

    def __init__(self, run: Runner, track: str | None = None) -> None:
        self._run = run
        self.track = track  # the lab's framework track (keras, torch), or None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            request = {"kind": "call", "name": name, "args": encode(list(args)),
                       "kwargs": encode(kwargs)}
            return self._run(request, f"{name}(...)")
        return call

    def __getitem__(self, name: str) -> Any:
        return self._run({"kind": "value", "name": name}, f"the variable {name}")

    def eval(self, expression: str) -> Any:
        return self._run({"kind": "eval", "expression": expression}, expression)

    def ref(self, name: str) -> Ref:
        """The notebook's variable ``name``, to pass to a call: ``nb.predict(nb.ref("model"), x)``;
        it stays in the kernel."""
        return Ref(name)


HIDDEN_TESTS = "hidden_tests"  # the folder of the course that holds them


def hidden_tests_file(course_root: Path, assignment: str) -> Path | None:
    """``hidden_tests/<assignment>.py``, else the file of its track (lab02_torch), else of
    its lab (lab02), as the assignment's name says them (manifest.parse_assignment). So one
    file serves every language and every framework track of a lab (lab01_hu and lab01_en
    share hidden_tests/lab01.py), which is what keeps the tracks' hidden tests the same."""
    lab, track, _ = parse_assignment(assignment)
    for name in dict.fromkeys((assignment, f"{lab}_{track}" if track else lab, lab)):
        path = course_root / HIDDEN_TESTS / f"{name}.py"
        if path.is_file():
            return path
    return None


def load_hidden_tests(path: Path, grade_ids: set[str]) -> dict[str, Callable[[StudentNotebook], None]]:
    """The test functions of a hidden-test module, by grade id; ValueError when one
    names no graded cell of ``grade_ids`` (helpers' names start with ``_``)."""
    module = ModuleType(f"hidden_tests_{path.stem}")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    tests = {name: value for name, value in vars(module).items()
             if callable(value) and getattr(value, "__module__", None) == module.__name__
             and not name.startswith("_")}
    unknown = sorted(set(tests) - grade_ids)
    if unknown:
        raise ValueError(f"{path}: {', '.join(unknown)} names no graded cell (its graded cells: "
                         f"{', '.join(sorted(grade_ids))}); name a hidden test by its cell's "
                         "grade_id, and start a helper's name with _")
    return tests
