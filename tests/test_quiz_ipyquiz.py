"""ipyquiz's format (SELECT/FILL) imports into a bilingual bank that the engine checks."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursetools.config import ROOT
from coursetools.ipyquiz_import import IpyquizError, convert, import_ipyquiz, read_ipyquiz
from coursetools.quizpage import render_bank
from dlcourse.quiz import parse_bank

DATA = Path(__file__).parent / "data" / "ipyquiz"
HU, EN = DATA / "ch02_hu.json", DATA / "ch02_en.json"
TITLE = {"hu": "Ellenőrizd magad: sűrű hálók", "en": "Test yourself: dense nets"}


def test_import_makes_a_valid_bilingual_bank() -> None:
    bank = parse_bank(import_ipyquiz(HU, EN, "ch02", TITLE), "ch02.yml")
    questions = {q.id: q for q in bank}
    assert list(questions) == ["mnist-sizes", "multilabel-head", "dense-params", "flat-inputs", "sigmoid-range"]
    assert [q.type for q in bank] == ["single", "single", "numeric", "numeric", "text"]
    sizes = questions["mnist-sizes"]
    assert sizes.check(1) and not sizes.check(0)
    assert sizes.options("hu")[1] == "60 000 / 10 000" and sizes.options("en")[1] == "60,000 / 10,000"
    assert sizes.text("explanation", "en").startswith("70,000 images")  # ipyquiz's hint
    params = questions["dense-params"]
    assert params.text("prompt", "hu") == "Egy 784 bemenetű `Dense(128)` rétegnek ___ paramétere van."
    assert params.check("100 480") and params.check("100480") and not params.check("100352")
    flat = questions["flat-inputs"]
    assert flat.text("prompt", "en").endswith("need?")  # no %%: ipyquiz puts the box after
    assert flat.text("explanation", "hu") == "A helyes válasz: 784."  # no hint
    sigmoid = questions["sigmoid-range"]
    assert sigmoid.check(" Szigmoid ", "hu") and sigmoid.check("sigmoid", "en")
    assert not sigmoid.check("sigmoid", "hu")
    for lang in ("hu", "en"):
        assert render_bank(bank, lang).count("<form ") == 5


def test_command_line_writes_the_bank(tmp_path: Path) -> None:
    out = tmp_path / "ch02.yml"
    command = [sys.executable, "-m", "coursetools.ipyquiz_import", str(HU), str(EN), "-o", str(out),
               "--title-hu", TITLE["hu"], "--title-en", TITLE["en"]]
    # An author's tool, run from the repository root as the README says (not installed).
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "5 questions" in result.stdout
    assert parse_bank(out.read_text(encoding="utf-8"), str(out)).id == "ch02"
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert again.returncode == 2 and "--force" in again.stderr


def broken(edit) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    hu, en = read_ipyquiz(HU), read_ipyquiz(EN)
    hu, en = copy.deepcopy(hu), copy.deepcopy(en)
    edit(hu, en)
    return hu, en


@pytest.mark.parametrize("edit,message", [
    (lambda hu, en: en.pop(2), "dense-params only in this file"),
    (lambda hu, en: en[0].update(type="FILL"), "the type differs"),
    (lambda hu, en: en[0]["options"].pop(), "the option values differ"),
    (lambda hu, en: en[0].update(answer="C"), "the same in both files"),
    (lambda hu, en: (hu[0].pop("answer"), en[0].pop("answer")), "a SELECT without an answer is a survey"),
    (lambda hu, en: (hu[2].update(title="%% és %%", answer=["1", "2"])), "several blanks"),
    (lambda hu, en: en[2].update(answer="100,352"), "the numeric answers differ"),
    (lambda hu, en: (hu[1].update(type="ESSAY"), en[1].update(type="ESSAY")), "unknown ipyquiz type 'ESSAY'"),
    (lambda hu, en: hu.append(dict(hu[0])), "duplicate id 'mnist-sizes'"),
])
def test_what_a_bank_cannot_hold_is_refused_clearly(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    hu, en = broken(edit)
    with pytest.raises(IpyquizError, match=message) as err:
        convert(hu, en, "ch02", TITLE, ("ch02_hu.json", "ch02_en.json"))
    assert "ch02_" in str(err.value)  # names the file


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "quiz_hu.json"
    bad.write_text('[\n  {"id": "a",\n   "type": "SELECT"\n  ,, }\n]\n')
    with pytest.raises(IpyquizError, match=rf"{bad}:4: not valid JSON"):
        read_ipyquiz(bad)
    bad.write_text(json.dumps({"id": "a"}))
    with pytest.raises(IpyquizError, match="a JSON list of questions"):
        read_ipyquiz(bad)


def test_quiz_widgets_in_a_notebook_and_a_python_file_import_as_the_json_does(tmp_path: Path) -> None:
    """ipyquiz as it is used: the questions are the literal passed to QuizWidget, in a
    notebook cell (beside magics) or a .py file; they are read, never run."""
    questions = {lang: json.loads((DATA / f"ch02_{lang}.json").read_text(encoding="utf-8")) for lang in ("hu", "en")}
    notebook = tmp_path / "kviz.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": "# Kvíz", "metadata": {}},
        {"cell_type": "code", "source": ["%pip install ipyquiz\n", "from ipyquiz import QuizWidget"], "metadata": {}},
        {"cell_type": "code", "source": f"QuizWidget(value={questions['hu'][:2]!r})", "metadata": {}},
        {"cell_type": "code", "source": f"quiz = QuizWidget(value={questions['hu'][2:]!r})\nquiz", "metadata": {}},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    script = tmp_path / "quiz.py"
    script.write_text(f"import ipyquiz\n\nipyquiz.QuizWidget(value={questions['en']!r})\n", encoding="utf-8")
    assert import_ipyquiz(notebook, script, "ch02", TITLE).split("\n", 2)[2] == \
        import_ipyquiz(HU, EN, "ch02", TITLE).split("\n", 2)[2]  # the same bank, but the header's file names


@pytest.mark.parametrize("call,why", [
    ("QuizWidget(value=__import__('os').system('touch RAN'))", "must be a literal list of questions"),
    ("questions = []\nQuizWidget(value=questions)", "must be a literal list of questions"),
    ("QuizWidget(value=[1, 2])", "must be a literal list of questions"),
    ("print('no quiz here')", "no QuizWidget(value=[...]) call in it"),
    ("QuizWidget(value=[", "not Python"),
])
def test_a_widget_that_is_not_a_literal_is_refused_and_never_run(tmp_path: Path, monkeypatch, call: str, why: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "quiz.py"
    script.write_text(call, encoding="utf-8")
    with pytest.raises(IpyquizError, match=re.escape(why)) as refused:
        read_ipyquiz(script)
    assert str(script) in str(refused.value) and not (tmp_path / "RAN").exists()
