"""Running a book page's code the way the build does, for the chapters' numbers tests."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any


def run_cells(path: Path, replace: tuple[str, str] | None = None) -> str:
    """Run every code cell of a page in one namespace and return what it printed; ``replace``
    swaps one piece of source (e.g. a results file's path) before it runs."""
    import matplotlib

    from coursetools.sources import read_notebook

    matplotlib.use("Agg")
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in read_notebook(path).cells:
            if cell.cell_type == "code":
                exec(cell.source if replace is None else cell.source.replace(*replace), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
    return out.getvalue()
