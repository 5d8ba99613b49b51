"""What chapter 6's lecture deck (lectures/*/06_transfer.md) shows: figure titles, labels
and printed lines, in both languages. The deck calls ``t("id", ...)``; the language is the
page's own (dlcourse.text.page_lang), so the twin decks keep identical code.

>>> t("stage_column", "hu", stage="2. lépés", n=92289)
'2. lépés\\n92\\xa0289 tanítható'
>>> t("head_counts", "en", keras=129, torch=129)
'trainable parameters of the stage-1 network: Keras 129, PyTorch 129'
>>> t("first_steps", "hu", framework="PyTorch", head=0.01, base=0.001)
'PyTorch, az első Adam-lépés legnagyobb változása: fej 0,01, alapháló 0,001'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # the offline data
    "digits_title": {"hu": "az új feladat: 4-es vagy 9-es, amelyet az alapháló sosem látott",
                     "en": "the new task: 4 or 9, digits the backbone never saw"},
    "as_is": {"hu": "eredeti", "en": "as it is"},
    "distorted": {"hu": "torzítva", "en": "distorted"},
    "data_line": {"hu": "{images} kép (osztályonként {per_class}), {side} × {side} képpont, osztályok: {names}",
                  "en": "{images} images ({per_class} per class), {side} × {side} pixels, classes: {names}"},
    "preprocessed": {"hu": "képpont / 255: átlag {m1:.2f}, szórás {s1:.2f}; backbone.preprocess után: "
                           "átlag {m2:.2f}, szórás {s2:.2f}",
                     "en": "pixels / 255: mean {m1:.2f}, standard deviation {s1:.2f}; after backbone.preprocess: "
                           "mean {m2:.2f}, standard deviation {s2:.2f}"},
    # the parameter counts
    "head_counts": {"hu": "az 1. lépés hálójának tanítható paraméterei: Keras {keras:,}, PyTorch {torch:,}",
                    "en": "trainable parameters of the stage-1 network: Keras {keras:,}, PyTorch {torch:,}"},
    "online_counts": {"hu": "MobileNetV2 (Keras, véletlen súlyokkal, weights=None), tanítható paraméterek: "
                            "1. lépés {head:,}, 2. lépés (felső {blocks} blokk) {stage2:,}, nulláról {scratch:,}",
                      "en": "MobileNetV2 (Keras, random weights, weights=None), trainable parameters: "
                            "stage 1 {head:,}, stage 2 (top {blocks} blocks) {stage2:,}, from scratch {scratch:,}"},
    "grid_title": {"hu": "mi tanul? az offline alapháló és a fej, rétegenként",
                   "en": "what trains? the offline backbone and the head, layer by layer"},
    "stage1": {"hu": "1. lépés", "en": "stage 1"},
    "stage2": {"hu": "2. lépés", "en": "stage 2"},
    "scratch": {"hu": "nulláról", "en": "from scratch"},
    "stage_column": {"hu": "{stage}\n{n:,} tanítható", "en": "{stage}\n{n:,} trainable"},
    "conv_row": {"hu": "{n}. blokk: konvolúció", "en": "block {n}: convolution"},
    "bn_row": {"hu": "{n}. blokk: batch-normalizáció", "en": "block {n}: batch norm"},
    "head_row": {"hu": "fej (GAP + sűrű réteg)", "en": "head (GAP + dense)"},
    "trains": {"hu": "tanul", "en": "trains"},
    "frozen": {"hu": "fagyasztott", "en": "frozen"},
    # batch norm
    "bn_modes": {"hu": "tanítási módban lévő batch-normalizációs rétegek a .train() után: egyszerű Sequential "
                       "{plain}/{total}, felülírt train() metódussal {kept}/{total}",
                 "en": "batch-norm layers in training mode after .train(): a plain Sequential {plain} of {total}, "
                       "with train() overridden {kept} of {total}"},
    "keras_bn": {"hu": "Keras, a befagyasztott alapháló (batch-normalizációja trainable=False): training=True "
                       "és training=False között a legnagyobb eltérés {diff:g}",
                 "en": "Keras, the frozen base (its batch norm has trainable=False): training=True against "
                       "training=False, largest difference {diff:g}"},
    # two learning rates
    "first_steps": {"hu": "{framework}, az első Adam-lépés legnagyobb változása: fej {head:.3g}, alapháló {base:.3g}",
                    "en": "{framework}, the largest change of the first Adam step: head {head:.3g}, "
                          "backbone {base:.3g}"},
    "scaled": {"hu": "gradiens × {scale:g}: a súlyok {steps} Adam-lépés után {weights}",
               "en": "gradient × {scale:g}: the weights after {steps} Adam steps {weights}"},
    # the measured accuracies (benchmarks/results/lab06_transfer.json)
    "accuracy": {"hu": "pontosság a tesztadatbázison", "en": "test accuracy"},
    "results_title": {"hu": "offline, {images} tesztképen; oszlop: átlag, pont: egy futás",
                      "en": "offline, on {images} test images; bar: mean, dot: one run"},
    "results_line": {"hu": "{stage}: átlag {mean:.3f} (legkisebb {lo:.3f}, legnagyobb {hi:.3f}), {runs} futás",
                     "en": "{stage}: mean {mean:.3f} (lowest {lo:.3f}, highest {hi:.3f}), {runs} runs"},
    "ahead": {"hu": "a 2. lépés jobb az 1. lépésnél és a nulláról tanításnál is: {n}/{runs} futás",
              "en": "stage 2 beats both stage 1 and training from scratch in {n} of {runs} runs"},
})
