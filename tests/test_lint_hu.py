"""The Hungarian text follows the glossary, and the lint really catches violations."""

from __future__ import annotations

from pathlib import Path

from coursetools.glossary import load_glossary
from coursetools.lint_hu import hungarian_sources, lint


def test_hungarian_sources_follow_the_glossary() -> None:
    sources = hungarian_sources()
    assert any(p.suffix == ".ipynb" for p in sources) and any("lectures" in str(p) for p in sources)
    findings = lint()
    assert not findings, "\n".join(map(str, findings))


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
        "Kifejezés\n: a definíciója is reteg\n"
    )
    bank = tmp_path / "bank.yml"
    bank.write_text("title:\n  hu: A mély tanulás\n  en: Deep learning\n")
    found = [str(f) for f in lint([page], [bank])]
    assert any("line 3: 'tanulási arány'" in f for f in found)
    assert any("line 4: English 'learning rate'" in f for f in found)
    assert any("line 5: 'reteg' lacks its accents" in f for f in found)
    assert any("line 5: 'es' lacks its accents" in f for f in found)
    assert any("line 13: 'reteg' lacks its accents" in f for f in found)  # a definition list
    assert any("bank.yml: line 2: 'mély tanulás'" in f for f in found)
    assert not any("line 6" in f or "line 9" in f for f in found), found
