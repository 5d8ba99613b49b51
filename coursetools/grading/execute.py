"""nbgrader's Execute preprocessor, hardened for notebooks that fight back.

Plain nbgrader loses a whole submission when its kernel dies (``os._exit``, a crash, the
memory limit) or a cell ignores the interrupt after its timeout. Here such a cell scores
0 and the rest is still graded: the kernel is restarted, the cells that ran before it are
run again to rebuild the student's state, and execution goes on with the next cell.

It also
- runs the kernel in the sandbox's working folder, not next to nbgrader's own files;
- keeps at most ``max_output_chars`` of each cell's output (a notebook printing 100 MB
  would otherwise end up in the gradebook's notebook and every feedback page);
- runs ``kernel_guard.setup`` before the first cell and ``kernel_guard.check`` before
  every test cell, in cells of its own that are removed again afterwards; a test whose
  check did not report back scores 0 and is flagged.
What happened is recorded in the notebook's metadata (``dlcourse_grading.events``).
"""

from __future__ import annotations

import copy
import json
import secrets
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer, List, Unicode

from . import kernel_guard
from .events import add_event, flag

ROLE = "dlcourse_grading_cell"  # metadata key of the cells this preprocessor inserts

def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def setup_source(modules: list[str], aliases: dict[str, str], token: str) -> str:
    guard = Path(kernel_guard.__file__).read_text(encoding="utf-8")
    return (
        "def __dlcourse_grading_setup():\n"
        "    import sys, types\n"
        "    module = types.ModuleType('_dlcourse_guard')\n"
        f"    exec(compile({guard!r}, 'grading-guard', 'exec'), module.__dict__)\n"
        "    sys.modules['_dlcourse_guard'] = module\n"
        f"    module.setup({modules!r}, {aliases!r}, {token!r})\n"
        "__dlcourse_grading_setup()\n"
        "del __dlcourse_grading_setup\n"
    )


class SandboxedExecute(Execute):
    """nbgrader's Execute with kernel restarts, an output cap and the test guard."""

    guard_modules = List(Unicode(), help="modules the tests use: snapshot and restore").tag(config=True)
    guard_aliases = Dict(help='names the tests use for them, {"np": "numpy"}').tag(config=True)
    max_output_chars = Integer(100_000, help="output kept per cell").tag(config=True)
    max_restarts = Integer(3, help="kernel restarts per notebook before giving up").tag(config=True)
    work_dir = Unicode("", help="the kernel's working folder (the sandbox's)").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._token = secrets.token_hex(8)
        self._skip_on_replay: set[int] = set()
        self._restarts = 0
        self._given_up = False
        self._chars: dict[int, int] = {}
        self._dropped: dict[int, dict[str, int]] = {}
        nb.cells = self._with_guard_cells(nb.cells)
        run_resources = copy.deepcopy(resources) if resources is not None else {}
        if self.work_dir:
            run_resources.setdefault("metadata", {})["path"] = self.work_dir
        try:
            super().preprocess(nb, run_resources, km)
        finally:
            self._remove_guard_cells(nb)
        return nb, resources

    # -- the guard cells ------------------------------------------------------------------
    def _with_guard_cells(self, cells: list[NotebookNode]) -> list[NotebookNode]:
        def inserted(role: str, source: str) -> NotebookNode:
            return NotebookNode(cell_type="code", source=source, outputs=[], execution_count=None,
                                metadata=NotebookNode({ROLE: role}))

        planned = [inserted("setup", setup_source(list(self.guard_modules), dict(self.guard_aliases),
                                                  self._token))]
        for cell in cells:
            if is_test_cell(cell):
                planned.append(inserted("guard", f"__import__('sys').modules['_dlcourse_guard']"
                                                 f".check({self._token!r})"))
            planned.append(cell)
        return planned

    def _guard_report(self, cell: NotebookNode) -> list[str] | None:
        """What the guard cell printed: the list of things it put back, or None."""
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            for line in str(output.get("text", "")).splitlines():
                parts = line.split(" ", 2)
                if len(parts) == 3 and parts[0] == kernel_guard.MARK and parts[1] == self._token:
                    try:
                        return [str(item) for item in json.loads(parts[2])]
                    except ValueError:
                        return None
        return None

    def _remove_guard_cells(self, nb: NotebookNode) -> None:
        kept: list[NotebookNode] = []
        pending: list[str] | None = []
        for cell in nb.cells:
            role = cell.metadata.get(ROLE)
            if role == "setup":
                if self._guard_report(cell) is None:
                    add_event(nb, "the grading guard could not be set up")
                    flag(nb)
                continue
            if role == "guard":
                pending = self._guard_report(cell)
                continue
            if is_test_cell(cell):
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                if pending is None:
                    cell.outputs.append(error_output(
                        "GradingGuardError", "the check before this test did not run: the notebook "
                        "changed how cells run; scored 0 and flagged for review"))
                    add_event(nb, f"{grade_id}: the check before the test did not run (scored 0)")
                    flag(nb)
                elif pending:
                    add_event(nb, f"before {grade_id} the grader put back: {', '.join(sorted(set(pending)))}")
                    flag(nb)
                pending = []
            kept.append(cell)
        nb.cells = kept

    # -- running the cells ----------------------------------------------------------------
    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code":
            return cell, self.resources
        if self._given_up:
            cell.outputs = [error_output("KernelDiedError", "not run: the kernel kept dying")]
            return cell, self.resources
        inserted = ROLE in cell.metadata
        try:
            self._run(cell, index, store_history=not inserted)
        except DeadKernelError:
            self._recover(cell, index, "KernelDiedError",
                          "the kernel died while running this cell (os._exit, a crash or the "
                          "memory limit); it was restarted and the cells before were run again")
        except CellTimeoutError:
            self._recover(cell, index, "CellTimeoutError",
                          f"the cell ran longer than {self.timeout} s and did not stop when "
                          "interrupted; the kernel was restarted and the cells before were run again")
        if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs if o.output_type == "error"):
            self._skip_on_replay.add(index)
            add_event(self.nb, f"{self._name(cell, index)}: stopped after the {self.timeout} s time limit")
        return cell, self.resources

    def _name(self, cell: NotebookNode, index: int) -> str:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        return grade_id or f"cell {index}"

    def _run(self, cell: NotebookNode, index: int, store_history: bool) -> None:
        self._chars[index] = 0
        self._dropped[index] = {}
        try:
            self.execute_cell(cell, index, store_history=store_history)
        finally:
            dropped = self._dropped.pop(index, {})
            for stream, chars in sorted(dropped.items()):
                cell.outputs.append(NotebookNode(
                    output_type="stream", name=stream,
                    text=f"\n[{chars} more characters of output were not kept]\n"))
            if dropped:
                add_event(self.nb, f"{self._name(cell, index)}: output over {self.max_output_chars} "
                                   "characters was cut")

    def _recover(self, cell: NotebookNode, index: int, ename: str, evalue: str) -> None:
        cell.outputs.append(error_output(ename, evalue))
        self._skip_on_replay.add(index)
        add_event(self.nb, f"{self._name(cell, index)}: {ename}, kernel restarted")
        self._restarts += 1
        if self._restarts > self.max_restarts:
            self._give_up()
            return
        assert self.km is not None and self.kc is not None
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        for earlier in range(index):
            before = self.nb.cells[earlier]
            if before.cell_type != "code" or earlier in self._skip_on_replay:
                continue
            try:
                self._run(copy.deepcopy(before), earlier, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                self._give_up()
                return

    def _give_up(self) -> None:
        self._given_up = True
        add_event(self.nb, "the kernel kept dying: the cells after this point were not run")
        flag(self.nb)

    def output(self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> NotebookNode | None:
        if msg["msg_type"] == "error":  # always kept (it scores 0), but never huge
            content = msg["content"]
            limit = self.max_output_chars // 10
            content["evalue"] = str(content.get("evalue", ""))[:limit]
            content["traceback"] = [str(line)[:limit] for line in content.get("traceback", [])[:200]]
        if msg["msg_type"] in ("stream", "display_data", "execute_result", "update_display_data"):
            content = msg["content"]
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            used = self._chars.get(cell_index, 0)
            if used + size > self.max_output_chars:
                name = content.get("name", "stdout")
                dropped = self._dropped.setdefault(cell_index, {})
                dropped[name] = dropped.get(name, 0) + size
                return None
            self._chars[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)
