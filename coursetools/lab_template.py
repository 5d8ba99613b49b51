"""The cells every lab shares, written in one place.

A lab source marks its boilerplate cells with ``metadata.dlcourse.template`` (one of
:data:`ROLES`); their code comes from here, filled in from the lab's name (lab, track,
language) and the chapter's quiz bank in book/chapters.yml. The notebook's own metadata
says the same (``metadata.dlcourse``: lab, track, lang), which intake and the self-check
read. ``python -m coursetools.lab_template`` rewrites the cells of every lab;
``--check`` (run by the release and the tests) fails, naming the file and the cell, when
one differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dlcourse.text import Texts

from .grading.notebooks import source_of
from .manifest import Course, LabName, load, parse_assignment

ROLES = ("install", "lang", "device", "quiz", "selfcheck")
LINKS = Texts({
    "colab": {"hu": "Megnyitás Colabban", "en": "Open in Colab"},
    "download": {"hu": "A hallgatói notebook letöltése (.ipynb)", "en": "Download the student notebook (.ipynb)"},
})


def badge_line(lang: str) -> str:
    """The first line of every lab: Colab's badge, linked to the lab's own Colab URL."""
    return f"[![{LINKS('colab', lang)}](https://colab.research.google.com/assets/colab-badge.svg)](@COLAB_URL@)"

INSTALL = '''\
# Colab only: install the course helpers. Nothing else is installed, so Colab's own
# TensorFlow, torch and numpy stay as they are. Elsewhere this cell does nothing.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("google.colab") is not None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "@COURSE_PIP_SOURCE@"], check=True)'''

DEVICE = {
    # A NumPy lab needs no accelerator; it still shows what the runtime has.
    None: 'from dlcourse.device import detect\n\naccelerator = detect("torch")',
    "torch": ('from dlcourse.device import detect\n\n'
              'accelerator = detect("torch")  # accelerator.device: where the model and the batches go'),
    "keras": ('from dlcourse.device import detect\n\n'
              'accelerator = detect("keras")  # build and compile the model in accelerator.strategy.scope()'),
}


def selfcheck_name(name: LabName) -> str:
    """What the self-check calls a lab: its assignment without the language."""
    return f"{name.lab}_{name.track}" if name.track else name.lab


def sources(name: LabName, quiz: str | None) -> dict[str, str]:
    """The code of each boilerplate cell of the lab ``name``."""
    found = {
        "install": INSTALL,
        "lang": f'COURSE_LANG = "{name.lang}"  # the language of this notebook',
        "device": DEVICE[name.track],
        "selfcheck": f'from dlcourse.selfcheck import check\n\ncheck("{selfcheck_name(name)}", COURSE_LANG)',
    }
    if quiz:
        found["quiz"] = f'from dlcourse.quiz import show\n\nshow("{quiz}", COURSE_LANG)'
    return found


def notebook_meta(name: LabName) -> dict[str, Any]:
    meta: dict[str, Any] = {"lab": name.lab, "lang": name.lang}
    if name.track:
        meta["track"] = name.track
    return meta


def _quiz_of(course: Course, lab: str) -> str | None:
    return next((c.quiz for c in course.chapters if c.lab and c.lab.id == lab), None)


def role_of(cell: dict[str, Any]) -> str | None:
    meta = cell.get("metadata", {}).get("dlcourse", {})
    return meta.get("template") if isinstance(meta, dict) else None


def check_notebook(path: Path, course: Course | None = None, fix: bool = False) -> list[str]:
    """What in the lab at ``path`` differs from the template (fixed in place with ``fix``)."""
    course = course or load()
    name = parse_assignment(path.stem)
    nb = json.loads(path.read_text(encoding="utf-8"))
    expected = sources(name, _quiz_of(course, name.lab))
    found: list[str] = []
    if nb.get("metadata", {}).get("dlcourse") != notebook_meta(name):
        found.append(f"{path}: metadata.dlcourse must be {notebook_meta(name)}")
        nb.setdefault("metadata", {})["dlcourse"] = notebook_meta(name)
    cells = nb.get("cells", [])
    badge = badge_line(str(name.lang))
    if not cells or not source_of(cells[0]).startswith(badge):
        found.append(f"{path}: cell 1 must start with the Colab badge line {badge}")
    seen: dict[str, int] = {}
    for number, cell in enumerate(cells, start=1):
        role = role_of(cell)
        if role is None:
            continue
        if role not in expected or role in seen:
            found.append(f"{path}: cell {number} has template role {role!r}, which is "
                         f"{'repeated' if role in seen else 'not one of ' + ', '.join(expected)}")
            continue
        seen[role] = number
        if source_of(cell) != expected[role]:
            found.append(f"{path}: cell {number} ({role}) differs from the lab template")
            cell["source"] = expected[role].splitlines(keepends=True)
    for role in expected:
        if role not in seen:
            found.append(f"{path}: no {role} cell (a code cell with metadata.dlcourse.template = {role!r})")
    if fix and found:
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args(argv)
    course = load()
    problems = []
    for path in (path for chapter in course.chapters for path in chapter.lab_sources()):
        if path.is_file():
            problems += check_notebook(path, course, fix=not args.check)
    for line in problems:
        print(("error: " if args.check else "fixed: ") + line, file=sys.stderr)
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
