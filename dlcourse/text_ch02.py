"""What chapter 2's code shows (figure titles, labels, legends), in both languages. The
book pages and the deck call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code.

>>> t("drawn_digit", "hu", side=28), t("drawn_digit", "en", side=28)
('a rajzolt 7-es (28 × 28)', 'the drawn 7 (28 × 28)')
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # book/*/02_dense_mnist.md
    "drawn_digit": {"hu": "a rajzolt 7-es ({side} × {side})", "en": "the drawn 7 ({side} × {side})"},
    "marked_part": {"hu": "a kijelölt rész, 255-tel osztva", "en": "the marked part, divided by 255"},
    "flattened_image": {"hu": "a kilapított kép: {values} érték, soronként {per_row}",
                        "en": "the flattened image: {values} values, {per_row} per row"},
    "vector_index": {"hu": "a vektor indexe", "en": "index in the vector"},
    # book/*/02_output_heads.md
    "loss_target_1": {"hu": "a veszteség, ha a célérték 1", "en": "loss when the target is 1"},
    "true_class_probability": {"hu": "a helyes osztály valószínűsége, p",
                               "en": "probability of the true class, p"},
    "loss_derivative": {"hu": "a veszteség deriváltja a logit szerint",
                        "en": "derivative of the loss with respect to the logit"},
    "the_logit": {"hu": "a logit, z", "en": "the logit, z"},
    "cross_entropy": {"hu": "keresztentrópia", "en": "cross-entropy"},
    "squared_error": {"hu": "négyzetes hiba", "en": "squared error"},
    # lectures/*/02_dense_mnist.md (the deck)
    "digit_in_mnist_format": {"hu": "egy 7-es az MNIST formátumában (a kód rajzolta)",
                              "en": "a 7 in MNIST's format (drawn by code)"},
    "target_1_loss_derivative": {"hu": "a célérték 1: a veszteség deriváltja a logit szerint",
                                 "en": "target 1: derivative of the loss with respect to the logit"},
})
