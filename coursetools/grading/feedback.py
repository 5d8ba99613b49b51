"""Feedback pages: nbgrader's generate_feedback, in each notebook's language, without
the hidden tests.

nbgrader's feedback shows the autograded notebook, hidden tests and all, with English
labels. Students must never receive a hidden test (they are reused every year), and a
Hungarian notebook deserves a Hungarian page. :class:`FeedbackView` runs inside nbgrader's
converter: it cuts the hidden part out of every test cell, rewrites the tracebacks that
would quote it, and hands the page template the texts of the notebook's language
(``templates/dlcourse_feedback``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbgrader
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from dlcourse.text import LANGS, Texts

from ..manifest import parse_assignment
from .course import Course
from .notebooks import notebook_language, split_hidden
from .proxy import FAILED

TEMPLATES = Path(__file__).parent / "templates"
NBGRADER_TEMPLATES = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

TEXTS = Texts({
    "title": {"hu": "Visszajelzés", "en": "Feedback"},
    "score": {"hu": "Pontszám", "en": "Score"},
    "test_cell": {"hu": "Teszt", "en": "Test cell"},
    "answer": {"hu": "A válaszod", "en": "Your answer"},
    "task": {"hu": "Feladat", "en": "Task"},
    "written": {"hu": "Szöveges válasz", "en": "Written response"},
    "coding": {"hu": "Programkód (kézi pontozás)", "en": "Coding free-response"},
    "comment": {"hu": "Megjegyzés", "en": "Comment"},
    "comments": {"hu": "Megjegyzések:", "en": "Comments:"},
    "late": {"hu": "Késedelmi levonás", "en": "Late submission penalty"},
    "top": {"hu": "(fel)", "en": "(top)"},
    "hidden_tests": {"hu": "# [itt futottak a rejtett tesztek]", "en": "# [the hidden tests ran here]"},
    "hidden_failed": {"hu": "egy rejtett teszt nem teljesült (a rejtett teszteket nem mutatjuk meg)",
                      "en": "a hidden test failed (hidden tests are not shown)"},
    "line": {"hu": "{line}. sor", "en": "line {line}"},
    "hidden_check": {"hu": "egy rejtett teszt nem teljesült: {what}", "en": "a hidden test failed: {what}"},
})


def texts(lang: str) -> dict[str, str]:
    return TEXTS.of(lang)


def _cut_hidden(source: str, marker: str) -> tuple[str, int | None]:
    """(the source without its hidden tests, the 1-based line where they began)."""
    lines: list[str] = []
    start = None
    for text, hidden in split_hidden(source):
        if hidden:
            start = start or len(lines) + 1  # the line of the first BEGIN marker
            lines.append(marker)
        else:
            lines.extend(text.splitlines())
    return "\n".join(lines), start


def _failure_line(entry: str) -> int | None:
    match = re.search(r"line (\d+)", _ANSI.sub("", entry))
    return int(match.group(1)) if match else None


class FeedbackView(NbGraderPreprocessor):
    """Inside nbgrader's generate_feedback: the page's language, no hidden tests."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        assignment = str(resources.get("nbgrader", {}).get("assignment", ""))
        lang = notebook_language(nb) or parse_assignment(assignment).lang or "en"
        lang = lang if lang in LANGS else "en"
        resources["dlcourse"] = {"lang": lang, "texts": texts(lang)}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                self._hide(cell, texts(lang))
        return nb, resources

    def _hide(self, cell: NotebookNode, words: dict[str, str]) -> None:
        full = cell.source
        cell.source, hidden_from = _cut_hidden(full, words["hidden_tests"])
        visible_lines = full.splitlines()
        prompt = f"In[{cell.get('execution_count')}]"
        for output in cell.get("outputs", []):
            if output.output_type != "error":
                continue
            if output.ename == FAILED:  # a hidden test of the grader (proxy.py): its label only
                output.traceback = [words["hidden_check"].format(what=output.evalue)]
                continue
            kept, in_hidden = [], False
            for entry in output.traceback[:-1]:
                if prompt not in _ANSI.sub("", entry):
                    kept.append(entry)  # the student's own code or a library: nothing hidden
                    continue
                line = _failure_line(entry)
                if line is None or (hidden_from is not None and line >= hidden_from):
                    in_hidden = True
                    kept.append(words["hidden_failed"])
                else:
                    where = words["line"].format(line=line)
                    kept.append(f"{where}: {visible_lines[line - 1]}")
            last = output.ename if in_hidden else f"{output.ename}: {output.evalue}"
            output.traceback = kept + [last]
            if in_hidden:
                output.evalue = ""


def generate_feedback(course: Course, assignment: str) -> list[str]:
    """nbgrader's own GenerateFeedback converter, as ``nbgrader generate_feedback`` runs
    it, for every autograded submission of ``assignment``; returns the pages written."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    from .course import CONFIG_FILE

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    c = Config()
    c.CourseDirectory.root = str(course.root)
    c.CourseDirectory.db_url = course.db_url
    c.CourseDirectory.assignment_id = assignment
    c.GenerateFeedback.force = True
    c.GenerateFeedback.preprocessors = [GetGrades, FeedbackView, CSSHTMLHeaderPreprocessor]
    c.HTMLExporter.template_name = "dlcourse_feedback"
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(NBGRADER_TEMPLATES)]
    config.merge(c)
    GenerateFeedback(coursedir=CourseDirectory(config=config), config=config).start()
    feedback = course.root / "feedback"
    if feedback.exists():
        feedback.chmod(0o700)  # it names students
    return [f"feedback: {page}" for page in sorted(feedback.glob(f"*/{assignment}/*.html"))]
