"""The visible tests of every lab, for the students' self-check in Colab: the release
(coursetools/release.py) writes dlcourse/labtests/<assignment>.json before it builds the
course package; nobody writes or commits them by hand (they are not in git).

nbgrader does not run in Colab, so the course package carries the tests that the student
version of each lab already shows (the hidden tests are not in the notebook at all), with
each exercise's heading and points. ``dlcourse.selfcheck.check`` runs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import ROOT
from .grading.notebooks import nbgrader_meta, source_of, visible_part
from .release import LABS, source_notebook

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
    return {"lab": meta.get("lab"), "track": meta.get("track"), "lang": meta.get("lang"),
            "exercises": exercises}




def write(names: list[str], labs: Path = LABS) -> list[Path]:
    """Write the self-check data of the assignments ``names`` (and remove any other)."""
    OUT.mkdir(exist_ok=True)
    wanted = {f"{name}.json" for name in names}
    for stale in OUT.glob("*.json"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name in names:
        path = OUT / f"{name}.json"
        text = json.dumps(visible_tests(source_notebook(name, labs)), ensure_ascii=False, indent=1) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
