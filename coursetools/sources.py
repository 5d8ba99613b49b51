"""Reading the course's notebook sources, and catching syntax errors before a build.

A syntax error in a chapter would otherwise surface deep inside the Jupyter Book log;
here it is reported as ``file: cell N (line L): SyntaxError: ...`` before anything runs.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from IPython.core.inputtransformer2 import TransformerManager

_TRANSFORMER = TransformerManager()


class SourceError(Exception):
    """A broken source file; the message names the file and the cell."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A MyST Markdown notebook (.md with jupytext front matter) or an .ipynb file."""
    try:
        if path.suffix == ".ipynb":
            return nbformat.read(path, as_version=4)
        nb = jupytext.read(path)
    except Exception as err:  # nbformat and jupytext raise many kinds
        raise SourceError(f"{path}: cannot be read as a notebook: {err}") from err
    if path.suffix == ".md" and "jupytext" not in nb.metadata:
        raise SourceError(
            f"{path}: no jupytext front matter, so its code cells would not run; "
            "copy the front matter of another chapter"
        )
    return nb


def code_cell_start_lines(path: Path) -> list[int]:
    """The line where each code cell of a MyST file starts (1-based), in order."""
    if path.suffix != ".md":
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if line.startswith("```{code-cell}")]


def check_syntax(path: Path) -> None:
    """Raise SourceError naming the file, cell and line of the first syntax error."""
    nb = read_notebook(path)
    starts = code_cell_start_lines(path)
    code_index = 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        source = _TRANSFORMER.transform_cell(cell.source)
        try:
            compile(source, f"{path} cell {index}", "exec")
        except SyntaxError as err:
            where = f"cell {index}"
            if code_index < len(starts):
                where += f" (starting at line {starts[code_index]})"
            raise SourceError(
                f"{path}: {where}: SyntaxError: {err.msg} (line {err.lineno} of the cell)"
            ) from None
        code_index += 1
