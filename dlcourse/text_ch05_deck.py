"""What chapter 5's lecture deck (lectures/*/05_looking_inside.md) shows: figure titles,
labels and printed words, in both languages. The deck calls ``t("id", ...)``; the language
is the page's own (dlcourse.text.page_lang), so the twin decks keep identical code. The book
pages of chapter 5 have their own table (dlcourse.text_ch05).

>>> t("occlusion_title", "hu", size=4, patch=7, stride=7)
'kitakarási térkép (4 × 4): 7 × 7-es folt, 7-es lépésköz'
>>> t("prediction", "en", label=7, prob=0.987)
'prediction 7 (98.7%)'
>>> t("prediction", "hu", label=7, prob=0.987)
'jóslat: 7 (98,7%)'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    "filters_title": {"hu": "az első konvolúciós réteg 32 szűrője (3 × 3)",
                      "en": "the 32 filters of the first convolutional layer (3 × 3)"},
    "input": {"hu": "bemenet", "en": "input"},
    "channel": {"hu": "{n}. csatorna", "en": "channel {n}"},
    "maps_title": {"hu": "a relu1 réteg első 7 aktivációs térképe (26 × 26)",
                   "en": "the first 7 activation maps of layer relu1 (26 × 26)"},
    "occlusion_title": {"hu": "kitakarási térkép ({size} × {size}): {patch} × {patch}-es folt, {stride}-es lépésköz",
                        "en": "occlusion map ({size} × {size}): {patch} × {patch} patch, stride {stride}"},
    "score_drop": {"hu": "a helyes osztály logitjának csökkenése", "en": "drop of the true class's logit"},
    "ascent_title": {"hu": "gradiens-emelkedés a bemeneten: a relu3 réteg {n}. csatornája",
                     "en": "gradient ascent on the input: channel {n} of layer relu3"},
    "step_n": {"hu": "{n}. lépés", "en": "step {n}"},
    "activation": {"hu": "átlagos aktiváció", "en": "mean activation"},
    "steps": {"hu": "lépés", "en": "step"},
    "dream_title": {"hu": "DeepDream: a relu2 és a relu3 réteg felerősítése egy valódi képen",
                    "en": "DeepDream: layers relu2 and relu3 amplified on a real image"},
    "original": {"hu": "eredeti", "en": "original"},
    "dreamed": {"hu": "{steps} lépés után", "en": "after {steps} steps"},
    "prediction": {"hu": "jóslat: {label} ({prob:.1%})", "en": "prediction {label} ({prob:.1%})"},
    "noise": {"hu": "irányított zaj (×{scale})", "en": "directed noise (×{scale})"},
    "adversarial_title": {"hu": "megtévesztő példa: legfeljebb {eps} képpontonként",
                          "en": "adversarial example: at most {eps} per pixel"},
})
