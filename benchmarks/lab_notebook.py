"""Runs a training lab's real source notebook (solutions filled in) in a real kernel, for
the training benchmarks (lab02_training.py, lab04_training.py, lab06_transfer.py,
lab07_conv1d.py).

The mode switch ``FAST`` of the data cell is set to the mode measured; ``edits`` replace
further pieces of the source (each must be there, so a changed notebook fails loudly);
``after_data`` is a cell run after the data cell. The benchmark's ``evaluate`` code runs
last and prints one line ``@@result {json}``; the seconds of the training cell and of the
whole notebook are added to that result. The quiz and self-check cells are left out.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
T10K = ROOT.parent / "shared" / "data" / "mnist-t10k"  # the official test set: evaluation only
SWITCH = 'FAST = accelerator.kind == "cpu"'


def run_lab(assignment: str, fast: bool, evaluate: str, edits: tuple[tuple[str, str], ...] = (),
            after_data: str = "") -> dict[str, Any]:
    nb = nbformat.read(ROOT / "labs" / assignment / f"{assignment}.ipynb", as_version=4)
    data = next(i for i, c in enumerate(nb.cells) if "load_mnist(" in c.source)
    assert SWITCH in nb.cells[data].source, f"{assignment}: the data cell no longer sets FAST with {SWITCH!r}"
    nb.cells[data].source = nb.cells[data].source.replace(SWITCH, f"FAST = {fast}")
    for old, new in edits:
        cells = [c for c in nb.cells if old in c.source]
        assert cells, f"{assignment}: {old!r} is no longer in the notebook"
        for cell in cells:
            cell.source = cell.source.replace(old, new)
    if after_data:
        nb.cells.insert(data + 1, nbformat.v4.new_code_cell(after_data))
    t10k = repr(str(T10K)) if T10K.is_dir() else "None"
    nb.cells.append(nbformat.v4.new_code_cell(f"T10K = {t10k}\n{evaluate}"))
    nb.cells = [c for c in nb.cells if c.metadata.get("dlcourse", {}).get("template") not in ("quiz", "selfcheck")]
    training = next(i for i, c in enumerate(nb.cells) if "EPOCHS = " in c.source)
    started = time.perf_counter()
    seconds = execute_timed(nb)
    result = printed_result(nb)
    result["train_seconds"] = seconds[training]
    result["notebook_seconds"] = time.perf_counter() - started
    return result


def printed_result(nb: Any) -> dict[str, Any]:
    """The JSON of the executed notebook's ``@@result {json}`` line."""
    line = next(line for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                for line in str(o.get("text", "")).splitlines() if line.startswith("@@result"))
    result: dict[str, Any] = json.loads(line.split(" ", 1)[1])
    return result


def execute_timed(nb: Any) -> dict[int, float]:
    """Run the notebook in a real kernel in the course's folder; the seconds of each cell."""
    client = NotebookClient(nb, timeout=3600, resources={"metadata": {"path": str(ROOT)}})
    seconds: dict[int, float] = {}
    original = client.async_execute_cell

    async def timed(cell, cell_index, **kwargs):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        try:
            return await original(cell, cell_index, **kwargs)
        finally:
            seconds[cell_index] = time.perf_counter() - begun

    client.async_execute_cell = timed  # type: ignore[method-assign]
    client.execute()
    return seconds


def machine() -> str:
    """The CPU, its cores, Python and the time: the line each benchmark result starts with."""
    import os
    import platform
    from datetime import datetime

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {datetime.now():%Y-%m-%d %H:%M}"
