"""What the training labs show while and after a model trains, in the notebook's language.

Both tracks of a lab keep their history in Keras's form, a dict of per-epoch lists
(``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``): Keras's ``fit`` returns it as
``history.history``, and the PyTorch track fills the same dict in its loop. So one plot
serves both.

>>> epoch_label(0, 3, "hu"), epoch_label(0, 3, "en")
('1/3. epoch', 'epoch 1/3')
>>> print(epoch_summary({"loss": [0.51], "accuracy": [0.862], "val_loss": [0.3],
...                      "val_accuracy": [0.9]}, "hu"))
tanító: veszteség 0,510, pontosság 0,862 | validációs: veszteség 0,300, pontosság 0,900
"""

from __future__ import annotations

from typing import Any

from .text import Texts, page_lang

TEXT = Texts({
    "epoch": {"hu": "{n}/{total}. epoch", "en": "epoch {n}/{total}"},
    "epochs": {"hu": "epoch", "en": "epoch"},
    "loss": {"hu": "veszteség", "en": "loss"},
    "accuracy": {"hu": "pontosság", "en": "accuracy"},
    "training": {"hu": "tanító", "en": "training"},
    "validation": {"hu": "validációs", "en": "validation"},
    "test_accuracy": {"hu": "pontosság a tesztadatbázison: {accuracy:.3f}", "en": "test accuracy: {accuracy:.3f}"},
    "summary": {"hu": "tanító: veszteség {loss:.3f}, pontosság {accuracy:.3f} | validációs: "
                      "veszteség {val_loss:.3f}, pontosság {val_accuracy:.3f}",
                "en": "training: loss {loss:.3f}, accuracy {accuracy:.3f} | validation: "
                      "loss {val_loss:.3f}, accuracy {val_accuracy:.3f}"},
})


def epoch_label(epoch: int, epochs: int, lang: str | None = None) -> str:
    """The progress bar's label of epoch ``epoch`` (counted from 0)."""
    return TEXT("epoch", lang, n=epoch + 1, total=epochs)


def epoch_summary(history: dict[str, list[float]], lang: str | None = None) -> str:
    """One line with the last epoch's figures."""
    return TEXT("summary", lang, **{key: float(values[-1]) for key, values in history.items() if values})


def accuracy_line(accuracy: float, lang: str | None = None) -> str:
    """The test cell's line: the accuracy on the test set.

    >>> accuracy_line(0.9125, "hu")
    'pontosság a tesztadatbázison: 0,912'
    """
    return TEXT("test_accuracy", lang, accuracy=float(accuracy))


def plot_history(history: dict[str, list[float]], lang: str | None = None) -> Any:
    """The training curves: loss and accuracy per epoch, for the training and the
    validation set, side by side; returns the figure (drawn with ``dlcourse.text.show``)."""
    import matplotlib.pyplot as plt

    from .text import show

    lang = page_lang(lang)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    epochs = range(1, len(history["loss"]) + 1)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label=TEXT("training", lang))
        ax.plot(epochs, history[f"val_{metric}"], "s--", label=TEXT("validation", lang))
        ax.set_xlabel(TEXT("epochs", lang))
        ax.set_title(TEXT(metric, lang))
        ax.set_xticks(list(epochs))
        ax.legend()
    fig.tight_layout()
    show(fig, lang)
    return fig
