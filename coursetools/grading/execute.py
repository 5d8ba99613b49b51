"""nbgrader's Execute preprocessor, hardened for notebooks that fight back.

Plain nbgrader loses a whole submission when its kernel dies (``os._exit``, a crash, the
memory limit) or a cell ignores the interrupt after its timeout. Here such a cell scores
0 and the rest is still graded: the kernel is restarted, the cells that ran before it are
run again to rebuild the student's state, and execution goes on with the next cell.

It also
- runs the kernel in the sandbox's working folder, not next to nbgrader's own files;
- keeps at most ``max_output_chars`` of each cell's output (a notebook printing 100 MB
  would otherwise end up in the gradebook's notebook and every feedback page);
- for an assignment with hidden tests in the grader (proxy.py), runs each test cell's
  hidden test right after the cell, in this process, calling the student's functions
  through the kernel; a failure becomes an error output of the cell, so nbgrader's own
  SaveAutoGrades scores it 0. What such a test cell displays is dropped: nbgrader would
  read it as partial credit, and the student's code chooses it.
What happened is recorded in the notebook's metadata (``dlcourse_grading.events``).
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Any as AnyTrait
from traitlets import Integer, Unicode

from .events import KEY, add_event, flag
from .proxy import FAILED, StudentError, StudentNotebook, call_source, parse_reply

ROLE = "dlcourse_grading_cell"  # metadata key of the cells this preprocessor inserts
DISPLAYED = ("execute_result", "display_data", "update_display_data")
# A cell that timed out while its kernel got less CPU than this share of the time did not
# spend its time computing: the machine was busy (or the code waited).
STARVED = 0.5


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def timed_out(cell: NotebookNode) -> bool:
    """Did nbclient stop the cell at its time limit (an error output it adds)?"""
    return any(o.get("ename") == "CellTimeoutError" for o in cell.outputs if o.output_type == "error")


def is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class KernelLost(Exception):
    """The kernel died or hung during a hidden test's call; it has been restarted."""


class SandboxedExecute(Execute):
    """nbgrader's Execute with kernel restarts, an output cap and hidden tests in the grader."""

    hidden_tests = AnyTrait(None, allow_none=True,
                            help="{grade_id: test(notebook)} of the assignment (proxy.py), "
                                 "or None: hidden tests, if any, are in the notebook").tag(config=True)
    max_output_chars = Integer(100_000, help="output kept per cell").tag(config=True)
    max_reply_chars = Integer(64_000_000, help="output kept per call of a hidden test").tag(config=True)
    max_restarts = Integer(3, help="kernel restarts per notebook before giving up").tag(config=True)
    work_dir = Unicode("", help="the kernel's working folder (the sandbox's)").tag(config=True)
    track = Unicode(None, allow_none=True, help="the lab's framework track, for the hidden tests").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        self._skip_on_replay: set[int] = set()
        self._restarts = 0
        self._given_up = False
        self._chars: dict[int, int] = {}
        self._limits: dict[int, int] = {}
        self._dropped: dict[int, dict[str, int]] = {}
        self._starved: list[str] = []
        self._kernel_side_sent = False  # the proxy's side, in this kernel (proxy.KERNEL_SIDE)
        run_resources = copy.deepcopy(resources) if resources is not None else {}
        if self.work_dir:
            run_resources.setdefault("metadata", {})["path"] = self.work_dir
        super().preprocess(nb, run_resources, km)
        if self._starved:  # the worker asks for a second run with more time (parallel.py)
            nb.metadata.setdefault(KEY, {})["starved"] = self._starved
        return nb, resources

    # -- hidden tests in the grader -------------------------------------------------------
    def _grade_in_grader(self, cell: NotebookNode, index: int) -> None:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        shown = [o for o in cell.outputs if o.get("output_type") in DISPLAYED]
        if shown:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") not in DISPLAYED]
            add_event(self.nb, f"{grade_id}: the test cell displayed a value, which nbgrader would "
                               "read as its score; dropped")
            flag(self.nb)
        test: Callable[[StudentNotebook], None] | None = self.hidden_tests.get(grade_id)
        if test is None or any(o.get("output_type") == "error" for o in cell.outputs):
            return  # no hidden test, or the visible tests failed already: 0 points anyway
        notebook = StudentNotebook(lambda request, what: self._call(request, what, cell, index), self.track)
        try:
            test(notebook)
        except KernelLost:
            pass  # the error output is in the cell already
        except StudentError as err:
            cell.outputs.append(error_output(FAILED, str(err)))
        except AssertionError as err:
            cell.outputs.append(error_output(FAILED, str(err) or "a hidden test failed"))
        except Exception as err:  # a string returned where a number was due, or a bug in the test
            what = f"{type(err).__name__}: {err}"[:500]
            cell.outputs.append(error_output(FAILED, what))
            add_event(self.nb, f"{grade_id}: the hidden test itself raised {what}; check by hand")
            flag(self.nb)

    def _call(self, request: dict[str, Any], what: str, test_cell: NotebookNode, test_index: int) -> Any:
        """One request of a hidden test and its decoded reply. The kernel's side of the
        proxy is sent with the first request to a kernel (and again if the student's code
        deleted it)."""
        define = not self._kernel_side_sent
        call, token = self._call_cell(request, what, test_cell, test_index, define)
        self._kernel_side_sent = True
        if not define and any(o.get("ename") == "NameError" for o in call.outputs if o.output_type == "error"):
            call, token = self._call_cell(request, what, test_cell, test_index, define=True)
        stdout = "".join(str(o.get("text", "")) for o in call.outputs
                         if o.output_type == "stream" and o.get("name") == "stdout")
        return parse_reply(stdout, token, what)

    def _call_cell(self, request: dict[str, Any], what: str, test_cell: NotebookNode, test_index: int,
                   define: bool) -> tuple[NotebookNode, str]:
        """Run one request in the kernel, in a cell of its own that is never part of the
        notebook; the cell with its outputs, and the token of its reply line."""
        code, token = call_source(request, define)
        call = NotebookNode(cell_type="code", source=code, outputs=[], execution_count=None,
                            metadata=NotebookNode({ROLE: "call"}))
        self.nb.cells.append(call)
        index = len(self.nb.cells) - 1
        self._limits[index] = self.max_reply_chars
        try:
            self._run(call, index, store_history=False)
        except (DeadKernelError, CellTimeoutError):
            self.nb.cells.pop()  # before the replay, which runs the notebook's own cells only
            self._recover(test_cell, test_index, "KernelDiedError",
                          f"a hidden test called {what}, which killed the kernel or did not stop "
                          f"after {self.timeout} s; the kernel was restarted", replay_through=True)
            raise KernelLost() from None
        finally:
            if self.nb.cells and self.nb.cells[-1] is call:
                self.nb.cells.pop()
            self._limits.pop(index, None)
        if timed_out(call):
            raise StudentError(f"{what} ran longer than the {self.timeout} s limit")
        return call, token

    # -- running the cells ----------------------------------------------------------------
    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code":
            return cell, self.resources
        if self._given_up:
            cell.outputs = [error_output("KernelDiedError", "not run: the kernel kept dying")]
            return cell, self.resources
        try:
            self._run(cell, index, store_history=True)
        except DeadKernelError:
            self._recover(cell, index, "KernelDiedError",
                          "the kernel died while running this cell (os._exit, a crash or the "
                          "memory limit); it was restarted and the cells before were run again")
        except CellTimeoutError:
            self._recover(cell, index, "CellTimeoutError",
                          f"the cell ran longer than {self.timeout} s and did not stop when "
                          "interrupted; the kernel was restarted and the cells before were run again")
        if timed_out(cell):
            self._skip_on_replay.add(index)
            add_event(self.nb, f"{self._name(cell, index)}: stopped after the {self.timeout} s time limit")
        if self.hidden_tests is not None and is_test_cell(cell) and not self._given_up:
            self._grade_in_grader(cell, index)
        return cell, self.resources

    def _name(self, cell: NotebookNode, index: int) -> str:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        return grade_id or f"cell {index}"

    def _run(self, cell: NotebookNode, index: int, store_history: bool) -> None:
        self._chars[index] = 0
        self._dropped[index] = {}
        started, cpu = time.monotonic(), self._kernel_cpu()
        try:
            self.execute_cell(cell, index, store_history=store_history)
        except CellTimeoutError:
            self._check_starved(cell, index, started, cpu)
            raise
        else:
            if timed_out(cell):
                self._check_starved(cell, index, started, cpu)
        finally:
            dropped = self._dropped.pop(index, {})
            for stream, chars in sorted(dropped.items()):
                cell.outputs.append(NotebookNode(
                    output_type="stream", name=stream,
                    text=f"\n[{chars} more characters of output were not kept]\n"))
            if dropped:
                add_event(self.nb, f"{self._name(cell, index)}: output over {self.max_output_chars} "
                                   "characters was cut")

    def _kernel_cpu(self) -> float | None:
        """CPU seconds the kernel process has used so far, or None if it is gone."""
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def _check_starved(self, cell: NotebookNode, index: int, started: float, cpu: float | None) -> None:
        now, elapsed = self._kernel_cpu(), time.monotonic() - started
        if cpu is None or now is None or now - cpu >= STARVED * elapsed:
            return  # the student's code was computing the whole time: its own timeout
        self._starved.append(f"{self._name(cell, index)} timed out after {elapsed:.0f} s with "
                             f"{now - cpu:.1f} s of CPU: the machine was busy, or the code waited")

    def _recover(self, cell: NotebookNode, index: int, ename: str, evalue: str,
                 replay_through: bool = False) -> None:
        """Restart the kernel and run again the cells before ``index`` (and the cell at
        ``index`` itself when it ran to its end, ``replay_through``)."""
        cell.outputs.append(error_output(ename, evalue))
        if not replay_through:
            self._skip_on_replay.add(index)
        add_event(self.nb, f"{self._name(cell, index)}: {ename}, kernel restarted")
        flag(self.nb)
        self._restarts += 1
        if self._restarts > self.max_restarts:
            self._give_up()
            return
        assert self.km is not None and self.kc is not None
        run_sync(self.km.restart_kernel)(now=True)
        self._kernel_side_sent = False
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        for earlier in range(index + 1 if replay_through else index):
            graded = self.nb.cells[earlier]
            if graded.cell_type != "code" or earlier in self._skip_on_replay:
                continue
            try:
                self._run(copy.deepcopy(graded), earlier, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                self._give_up()
                return
            finally:
                # nbclient stores the cell it ran in the notebook: put back the graded one,
                # with its first outputs and the hidden tests' verdicts, not the replay's.
                self.nb.cells[earlier] = graded

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
            if used + size > self._limits.get(cell_index, self.max_output_chars):
                name = content.get("name", "stdout")
                dropped = self._dropped.setdefault(cell_index, {})
                dropped[name] = dropped.get(name, 0) + size
                return None
            self._chars[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)
