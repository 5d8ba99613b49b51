"""What chapter 5's code shows (figure titles, labels, printed lines), in both languages. The
book pages call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code.

>>> t("same_outputs", "hu", n=100, gap="7,6e-06", agree=100)
'100 tesztkép: a két keretrendszer logitjainak legnagyobb eltérése 7,6e-06, a jóslat 100 képen egyezik'
>>> t("fgsm_line", "en", eps=0.1, label=4, before=4, after=9)
'ε = 0.10: label 4, prediction 4 → 9'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # book/*/05_filters_maps.md
    "same_outputs": {"hu": "{n} tesztkép: a két keretrendszer logitjainak legnagyobb eltérése {gap}, "
                           "a jóslat {agree} képen egyezik",
                     "en": "{n} test images: the largest difference between the two frameworks' logits "
                           "is {gap}; the predictions agree on {agree}"},
    "filter_shapes": {"hu": "az első réteg szűrői: Keras {keras}, PyTorch {torch}, legnagyobb eltérés {gap}",
                      "en": "the first layer's filters: Keras {keras}, PyTorch {torch}, largest difference {gap}"},
    "fig_filters_title": {"hu": "a conv1 réteg {n} darab 3 × 3-as szűrője (piros: pozitív, kék: negatív súly)",
                      "en": "the {n} 3 × 3 filters of conv1 (red: positive, blue: negative weights)"},
    "filter_n": {"hu": "{n}.", "en": "#{n}"},
    "maps_gap": {"hu": "a két aktivációs térkép legnagyobb eltérése: {gap}",
                 "en": "the largest difference between the two activation maps: {gap}"},
    "digit_input": {"hu": "bemenet (címke: {label})", "en": "input (label {label})"},
    "relu1_title": {"hu": "a relu1 réteg {n} aktivációs térképe egy számjegyre (26 × 26)",
                    "en": "the {n} activation maps of relu1 for one digit (26 × 26)"},
    "layer_side": {"hu": "{layer}\n{side} × {side}", "en": "{layer}\n{side} × {side}"},
    "deeper_title": {"hu": "egyre kisebb térképek: az első {n} csatorna rétegenként",
                     "en": "smaller and smaller maps: the first {n} channels of each layer"},
    # book/*/05_ascent.md
    "occlusion_sizes": {"hu": "{patch} × {patch}-es folt, {stride}-es lépésköz: {side} × {side}-es térkép",
                        "en": "{patch} × {patch} patch, stride {stride}: map of {side} × {side}"},
    "fig_occlusion_title": {"hu": "a helyes osztály logitjának csökkenése, ha egy {patch} × {patch}-es foltot "
                              "nullázunk ({stride}-es lépésköz)",
                        "en": "the drop of the true class's logit when a {patch} × {patch} patch is zeroed "
                              "(stride {stride})"},
    "drop_axis": {"hu": "a logit csökkenése", "en": "drop of the logit"},
    "ascent_frameworks": {"hu": "a relu3 {channel}. csatornája: átlaga {before} → {after} ({steps} lépés, "
                                "η = {lr}); a Keras és a PyTorch képe közti legnagyobb eltérés {gap}",
                          "en": "relu3, channel {channel}: its mean {before} → {after} ({steps} steps, "
                                "η = {lr}); the largest difference between the Keras and PyTorch images {gap}"},
    "channel_title": {"hu": "{channel}. csatorna\n{before} → {after}", "en": "channel {channel}\n{before} → {after}"},
    "start_image": {"hu": "kiinduló kép", "en": "starting image"},
    "fig_ascent_title": {"hu": "bemenetek, amelyek a relu3 egy-egy csatornáját maximalizálják",
                     "en": "inputs that maximise single channels of relu3"},
    "dream_line": {"hu": "a {layer} értékeinek négyzetes átlaga {before} → {after}; jóslat {pred_before} → "
                         "{pred_after}",
                   "en": "mean square of {layer}: {before} → {after}; prediction {pred_before} → {pred_after}"},
    "dream_original": {"hu": "eredeti (jóslat: {pred})", "en": "original (prediction {pred})"},
    "dream_dreamed": {"hu": "álmodott (jóslat: {pred})", "en": "dreamed (prediction {pred})"},
    "dream_change": {"hu": "a változás", "en": "the change"},
    "fig_dream_title": {"hu": "DeepDream egy számjegyen: a {layer} réteg aktivációinak erősítése",
                    "en": "DeepDream on a digit: amplifying the activations of {layer}"},
    "fgsm_line": {"hu": "ε = {eps:.2f}: címke {label}, jóslat {before} → {after}",
                  "en": "ε = {eps:.2f}: label {label}, prediction {before} → {after}"},
    "fgsm_share": {"hu": "ε = {eps:.2f} mellett {flipped} / {n} tesztkép jóslata változik meg",
                   "en": "with ε = {eps:.2f}, the prediction changes on {flipped} of {n} test images"},
    "fgsm_random": {"hu": "ugyanekkora, de véletlen előjelű zajjal {flipped} / {n} tesztképé",
                    "en": "with random signs of the same size, on {flipped} of {n}"},
    "fgsm_digit": {"hu": "a számjegy (jóslat: {pred})", "en": "the digit (prediction {pred})"},
    "fgsm_noise": {"hu": "irányított zaj (±{eps:.2f})", "en": "directed noise (±{eps:.2f})"},
    "fgsm_result": {"hu": "összegük (jóslat: {pred})", "en": "their sum (prediction {pred})"},
})
