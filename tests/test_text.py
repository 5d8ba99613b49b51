"""dlcourse.text, the one lookup for bilingual strings: where a page's language comes from,
and numbers in Hungarian."""

from __future__ import annotations

import sys
import types

import pytest

from dlcourse.text import LANGS, Texts, localize_figure, page_lang


def test_the_language_comes_from_the_notebook_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert page_lang() == "en"
    monkeypatch.setenv("COURSE_LANG", "hu")  # a book page or a deck: set by the build
    assert page_lang() == "hu"
    sys.modules["__main__"].COURSE_LANG = "en"  # a lab's `lang` cell
    assert page_lang() == "en" and page_lang("hu") == "hu"


def test_every_table_has_every_language() -> None:
    from coursetools.grading.feedback import TEXTS
    from coursetools.sphinxext.lab import TEXT as LAB
    from dlcourse.cnn_explorer import TEXT as EXPLORER
    from dlcourse.device import TEXT as DEVICE
    from dlcourse.quiz.messages import MESSAGES
    from dlcourse.selfcheck import MESSAGES as SELFCHECK
    from dlcourse.text_ch01 import t
    from dlcourse.text_ch02 import t as t2
    from dlcourse.text_ch03 import t as t3
    from dlcourse.text_ch04 import t as t4
    from dlcourse.text_ch05 import t as t5
    from dlcourse.text_ch05_deck import t as t5_deck

    for table in (TEXTS, LAB, DEVICE, EXPLORER, MESSAGES, SELFCHECK, t, t2, t3, t4, t5, t5_deck):
        assert isinstance(table, Texts)
        assert all(set(by_lang) == set(LANGS) for by_lang in table.values())
    with pytest.raises(ValueError, match="lacks"):
        Texts({"x": {"hu": "csak magyar"}})


def test_hungarian_figures_get_decimal_commas() -> None:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 0.5, 1], [0, 0.25, 1])
    fig.canvas.draw()
    english = [label.get_text() for label in ax.get_xticklabels()]
    localize_figure(fig, "hu")
    fig.canvas.draw()
    hungarian = [label.get_text() for label in ax.get_xticklabels()]
    plt.close(fig)
    assert "0.2" in english and hungarian == [x.replace(".", ",") for x in english]
