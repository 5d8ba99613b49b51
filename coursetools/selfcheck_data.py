"""The visible tests of every lab, for the students' self-check in Colab:
``python -m coursetools.selfcheck_data`` writes dlcourse/labtests/<assignment>.json.

nbgrader does not run in Colab, so the course package carries the tests that the student
version of each lab already shows (the hidden ones are cut out, as nbgrader cuts them),
with each exercise's heading and points. ``dlcourse.selfcheck.check`` runs them.
tests/test_selfcheck.py fails when a file here is out of date with its lab.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .config import ROOT
from .grading.notebooks import nbgrader_meta, source_of, visible_part
from .release import LABS, assignments, source_notebook

OUT = ROOT / "dlcourse" / "labtests"


def visible_tests(notebook: Path) -> dict[str, Any]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {}).get("dlcourse", {})
    exercises, heading = [], ""
    for cell in nb["cells"]:
        text = source_of(cell)
        if cell["cell_type"] == "markdown":
            titles = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")]
            heading = titles[-1] if titles else heading
            continue
        grading = nbgrader_meta(cell)
        if grading.get("grade") and not grading.get("solution") and cell["cell_type"] == "code":
            exercises.append({"grade_id": grading["grade_id"], "title": heading,
                              "points": grading["points"], "code": visible_part(text).rstrip() + "\n"})
    return {"lab": meta.get("lab"), "lang": meta.get("lang"), "exercises": exercises}


def expected_files(labs: Path = LABS) -> dict[str, str]:
    return {f"{name}.json": json.dumps(visible_tests(source_notebook(name, labs)), ensure_ascii=False,
                                       indent=1) + "\n"
            for name in assignments(labs)}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, text in expected_files().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"visible tests: {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
