"""Runs inside the grading kernel: what the tests rely on is pristine when they run.

The hidden tests run in the student's kernel, after the student's code. A notebook could
replace what they use (``np.allclose = lambda *a, **k: True``, ``builtins.abs``, a name
``abs`` of its own, an IPython input transformer that empties later cells). The grader
runs :func:`setup` before the first cell, which snapshots the modules the tests use, and
:func:`check` in a cell of its own before every test cell, which puts back whatever was
changed since and reports it. Each run prints a line with the grader's random token, so
the grader can tell that the check really ran.

This is a guard, not a wall: code in the same process can always reach the snapshot. It
stops the monkeypatching and reports it; the sandbox (sandbox.py) is what keeps other
students and the gradebook out of reach. The module is plain Python with no imports from
the course, because its source is sent to the kernel as it is.
"""

from __future__ import annotations

import builtins
import importlib
import json
import sys
import warnings
from typing import Any

MARK = "@@dlcourse-guard"
# IPython's own names in the user namespace that a notebook could replace.
SHELL_NAMES = ("__builtins__", "__builtin__", "get_ipython", "exit", "quit", "__name__")
# Shell methods that a notebook could override on the instance.
SHELL_METHODS = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                 "showtraceback", "_showtraceback", "showsyntaxerror", "user_expressions")
# Replaced by ipykernel itself for every cell (input) or by the display hook (_).
KERNEL_MANAGED = {("builtins", "input"), ("builtins", "_")}
# Callbacks of these packages may legitimately appear after setup (e.g. inline plots).
TRUSTED_CALLBACKS = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "comm")

_state: dict[str, Any] = {}


def _warnings_to_stdout(message: Any, category: Any, filename: str, lineno: int,
                        file: Any = None, line: str | None = None) -> None:
    """A warning is not an error: print it on stdout, where it cannot zero a test."""
    sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))


def _shell() -> Any:
    from IPython import get_ipython

    return get_ipython()


def setup(modules: list[str], aliases: dict[str, str], token: str) -> None:
    """Before any student code: import and snapshot ``modules`` (and builtins, math),
    remember the IPython hooks, and route warnings to stdout."""
    roots = sorted(set(modules) | {"builtins", "math"})
    for name in roots:
        try:
            importlib.import_module(name)
        except Exception:  # a module the tests need but this machine lacks: nothing to guard
            pass
    warnings.showwarning = _warnings_to_stdout
    prefixes = tuple(root + "." for root in roots)
    snapshot = {name: (module, dict(vars(module))) for name, module in list(sys.modules.items())
                if module is not None and (name in roots or name.startswith(prefixes))}
    shell = _shell()
    _state.update(
        snapshot=snapshot,
        aliases=_resolve(aliases, snapshot),
        user_ns={name: shell.user_ns[name] for name in SHELL_NAMES if name in shell.user_ns},
        user_names=set(shell.user_ns),
        hooks=_hooks(shell),
        methods=set(vars(shell)),
        trace=(sys.gettrace(), sys.getprofile(), sys.displayhook, sys.excepthook),
        showwarning=warnings.showwarning,
    )
    print(f"{MARK} {token} []")


def _resolve(aliases: dict[str, str], snapshot: dict[str, Any]) -> dict[str, Any]:
    """{"np": "numpy", "isclose": "math:isclose"} -> the objects those names mean."""
    resolved = {}
    for alias, target in aliases.items():
        module_name, _, attribute = target.partition(":")
        if module_name not in snapshot:
            continue
        module = snapshot[module_name][0]
        if not attribute:
            resolved[alias] = module
        elif attribute in snapshot[module_name][1]:
            resolved[alias] = snapshot[module_name][1][attribute]
    return resolved


def _hooks(shell: Any) -> dict[str, list[Any]]:
    hooks = {
        "input_transformers_cleanup": list(shell.input_transformers_cleanup),
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
        "custom_exceptions": list(shell.custom_exceptions),
    }
    for event, callbacks in shell.events.callbacks.items():
        hooks[f"event:{event}"] = list(callbacks)
    return hooks


def check(token: str) -> None:
    """Put back everything the tests rely on; print the token and what was put back."""
    shell = _shell()
    restored: list[str] = []
    for name, (module, pristine) in _state["snapshot"].items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            restored.append(f"sys.modules[{name!r}]")
        current = vars(module)
        for key, value in pristine.items():
            # Functions, classes and modules are what tests call; other module attributes
            # are state that libraries change as they run (caches, flags), left alone.
            guarded = (callable(value) or type(value) is type(sys)) and (name, key) not in KERNEL_MANAGED
            if guarded and current.get(key, _MISSING) is not value:
                current[key] = value
                restored.append(f"{name}.{key}")
    ns = shell.user_ns
    for name, value in _state["user_ns"].items():
        if ns.get(name, _MISSING) is not value:
            ns[name] = value
            restored.append(f"the name {name}")
    pristine_builtins = _state["snapshot"]["builtins"][1]
    for name in list(ns):
        if (name in pristine_builtins and not name.startswith("_") and name not in _state["user_names"]
                and ns[name] is not pristine_builtins[name]):
            del ns[name]
            restored.append(f"the name {name} (hid the builtin)")
    for alias, value in _state["aliases"].items():
        if alias in ns and ns[alias] is not value:
            ns[alias] = value
            restored.append(f"the name {alias}")
    restored += _restore_hooks(shell)
    _forget_last_error(shell)
    print(f"{MARK} {token} {json.dumps(restored)}")


def _forget_last_error(shell: Any) -> None:
    """A failed cell's traceback keeps its frames, and their memory, alive (a notebook that
    allocated all memory would make every later test fail): let them go."""
    if getattr(sys, "last_value", None) is not None:
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                setattr(sys, name, None)
        for formatter in (getattr(shell, "InteractiveTB", None), getattr(shell, "SyntaxTB", None)):
            if formatter is not None and hasattr(formatter, "tb"):
                formatter.tb = None  # IPython's traceback formatter keeps the last one too
        import gc

        gc.collect()


def _restore_hooks(shell: Any) -> list[str]:
    restored = []
    saved = _state["hooks"]
    for name in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        if list(getattr(shell, name)) != saved[name]:
            getattr(shell, name)[:] = saved[name]
            restored.append(f"IPython {name}")
    if list(shell.custom_exceptions) != saved["custom_exceptions"]:
        shell.set_custom_exc(tuple(saved["custom_exceptions"]), None)
        restored.append("IPython custom exception handler")
    for event, callbacks in shell.events.callbacks.items():
        before = saved.get(f"event:{event}", [])
        for callback in list(callbacks):
            module = (getattr(callback, "__module__", None) or "").split(".")[0]
            if callback not in before and module not in TRUSTED_CALLBACKS:
                callbacks.remove(callback)
                restored.append(f"IPython {event} callback")
    for name in set(vars(shell)) - _state["methods"]:
        if name in SHELL_METHODS:
            delattr(shell, name)
            restored.append(f"IPython shell.{name}")
    trace, profile, displayhook, excepthook = _state["trace"]
    if (sys.gettrace(), sys.getprofile()) != (trace, profile):
        sys.settrace(trace)
        sys.setprofile(profile)
        restored.append("sys.settrace/setprofile")
    if (sys.displayhook, sys.excepthook) != (displayhook, excepthook):
        sys.displayhook, sys.excepthook = displayhook, excepthook
        restored.append("sys.displayhook/excepthook")
    if warnings.showwarning is not _state["showwarning"]:
        warnings.showwarning = _state["showwarning"]
    return restored


class _Missing:
    pass


_MISSING = _Missing()
