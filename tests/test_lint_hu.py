"""The Hungarian text follows the glossary and is spelled right, and the lint really catches
violations. The spell check runs the real hunspell: without it these tests fail, and say how
to install it (`bash .ci/install-test-tools.sh`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursetools import lint_hu
from coursetools.glossary import load_glossary
from coursetools.lint_hu import (
    WORD_LIST,
    SpellChecker,
    SpellCheckUnavailable,
    WordList,
    hungarian_sources,
    lint,
    spelling_blocks,
    unknown_words,
)


def test_hungarian_sources_follow_the_glossary(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = hungarian_sources()
    assert any(p.suffix == ".ipynb" for p in sources) and any("lectures" in str(p) for p in sources)
    runs = []
    real = lint_hu._run_hunspell
    monkeypatch.setattr(lint_hu, "_run_hunspell", lambda *a: runs.append(a) or real(*a))
    findings = lint()
    assert not findings, "\n".join(map(str, findings))
    # One hunspell run for every word of every file (and one to find the dictionaries,
    # one for English in parentheses), not one per file or per word: the lint takes seconds.
    assert 2 <= len(runs) <= 3, [args for args, _ in runs]


def test_glossary_entries_are_unique_and_accented() -> None:
    terms = load_glossary()
    english = [t["en"].lower() for t in terms]
    assert len(english) == len(set(english))
    assert any(ch in "őű" for t in terms for ch in t["hu"])


def test_lint_catches_each_kind_of_mistake(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Próba\n\n"
        "A tanulási arány számít.\n"
        "Itt a learning rate szerepel.\n"
        "A reteg es a háló.\n"
        "A mélytanulás (deep learning) rendben van.\n\n"
        "```{code-cell} ipython3\nlearning_rate = 0.1  # reteg\n```\n\n"
        "Kifejezés\n: a definíciója is reteg\n",
        encoding="utf-8",
    )
    bank = tmp_path / "bank.yml"
    bank.write_text("title:\n  hu: A mély tanulás\n  en: Deep learning\n", encoding="utf-8")
    found = [str(f) for f in lint([page], [bank])]
    assert any("line 3: 'tanulási arány'" in f for f in found)
    assert any("line 4: English 'learning rate'" in f for f in found)
    assert any("line 5: 'reteg' lacks its accents" in f for f in found)
    assert any("line 5: 'es' lacks its accents" in f for f in found)
    assert any("line 13: 'reteg' lacks its accents" in f for f in found)  # a definition list
    assert any("bank.yml: line 2: 'mély tanulás'" in f for f in found)
    assert not any("line 6" in f or "line 9" in f for f in found), found
    # Each mistake is reported once: not again as an unknown word.
    assert not any("unknown word" in f for f in found), found


def test_spell_check_reports_a_misspelled_word_with_its_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Próba\n\n"
        "A perceptron tanítása a GPU-val gyors, a Kerasban is.\n"
        "A pontoság nő, a hiba csökken.\n"
        "A kezdőérték (seed) rögzített, de a seed szó magyar szövegben nem áll meg.\n"
        "A képlet $\\mathrm{pontoság}$, a `pontoság` kód és a [link](https://pontoság.hu) sem\n"
        "hiba, ahogy a kettőt átfogó $x +\n"
        "\\mathrm{pontoság}$ képlet sem.\n\n"
        "```{code-cell} ipython3\npontosag = 1  # pontoság\n```\n\n"
        ":::{figure} pontoság.svg\n:name: pontoság\n\nA pontoság ábrája.\n:::\n",
        encoding="utf-8",
    )
    notebook = tmp_path / "lab.ipynb"
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Labor\n"]},
             {"cell_type": "code", "metadata": {}, "source": ["pontoság = 1\n"], "outputs": [],
              "execution_count": None},
             {"cell_type": "markdown", "metadata": {}, "source": ["Mérd meg a pontoságot!\n"]}]
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                    "nbformat_minor": 5}), encoding="utf-8")
    bank = tmp_path / "bank.yml"
    bank.write_text("q:\n  hu: \"Mekkora a $p$ pontoság?\"\n  en: How accurate?\n",
                    encoding="utf-8")
    found = [str(f) for f in lint([page, notebook], [bank]) if "unknown word" in f.message]
    hint = f"(add it to {WORD_LIST.relative_to(lint_hu.ROOT)} if it is a correct technical term)"
    assert f"{page}: line 4: unknown word 'pontoság' {hint}" in found
    assert any(f.startswith(f"{page}: line 5: unknown word 'seed'") for f in found)
    assert any(f.startswith(f"{page}: line 17: unknown word 'pontoság'") for f in found)  # caption
    assert any(f.startswith(f"{notebook}: cell 3: unknown word 'pontoságot'") for f in found)
    assert any(f.startswith(f"{bank}: line 2: unknown word 'pontoság'") for f in found)
    # Nothing else: not the code, the maths (across lines too), the inline code, the URL,
    # the directive's options, English in parentheses, or the listed words' inflections.
    assert len(found) == 5, "\n".join(found)


def test_lint_stops_without_hunspell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("A háló.\n", encoding="utf-8")
    monkeypatch.setattr(lint_hu, "HUNSPELL", "hunspell-that-is-not-installed")
    with pytest.raises(SpellCheckUnavailable, match="apt-get install -y hunspell hunspell-hu"):
        lint([page], [])
    assert lint_hu.main() == 2
    assert "needs hunspell, which is not installed: apt-get install" in capsys.readouterr().err


def test_lint_stops_without_a_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("A háló.\n", encoding="utf-8")
    monkeypatch.setattr(lint_hu, "ENGLISH_DICTIONARY", "xx_XX")
    with pytest.raises(SpellCheckUnavailable, match="no xx_XX dictionary.*apt-get install"):
        lint([page], [])


def test_word_list_is_sorted_needed_and_used() -> None:
    words = WordList.read(WORD_LIST)
    assert not words.problems, "\n".join(map(str, words.problems))
    assert len(words.words) + len(words.phrases) >= 50
    # A word without a model is one that hunspell does not know by itself.
    plain = {word for _, word, model in words.words if not model}
    known = plain - unknown_words(plain, [lint_hu.DICTIONARY], [])
    assert not known, f"hunspell knows these already; remove them from {WORD_LIST}: {known}"
    # Every entry is used somewhere in the Hungarian text.
    lines = [line.text for block in spelling_blocks() for line in block]
    tokens = {t.lower() for text in lines for t in lint_hu._tokens(text)}
    unused = [word for _, word, _ in words.words
              if not any(t.startswith(word.lower()) for t in tokens)]
    unused += [phrase for (_, phrase), pattern in zip(words.phrases, words.phrase_patterns())
               if not any(pattern.search(text) for text in lines)]
    assert not unused, f"no Hungarian text uses these; remove them from {WORD_LIST}: {unused}"


def test_word_list_problems_are_reported(tmp_path: Path) -> None:
    listed = tmp_path / "words.txt"
    listed.write_text("# header\nszigmoid/kód\nRosenblatt\nábrázoló/xqzv\nRosenblatt\nfoo/\n",
                      encoding="utf-8")
    found = [str(f) for f in SpellChecker(listed).check([])]
    assert any("line 3: 'Rosenblatt' is out of order" in f for f in found), found
    assert any("line 5: 'Rosenblatt' is listed twice" in f for f in found), found
    assert any("line 6: 'foo/': write a word, or word/model" in f for f in found), found
    assert any("line 4: the model 'xqzv' of 'ábrázoló' is not in the hu_HU dictionary" in f
               for f in found), found
