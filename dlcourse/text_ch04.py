"""What chapter 4's code shows (figure titles, labels, legends, printed words), in both
languages. The book pages and the deck call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code.

>>> t("count", "hu", count=138357544), t("count", "en", count=138357544)
('138\\xa0357\\xa0544', '138,357,544')
>>> t("separable_row", "hu", c_in=32, c_out=64, standard=18496, keras=2400, torch=2400)
'32 → 64: szokásos 18\\xa0496, szeparálható: Keras 2\\xa0400, PyTorch 2\\xa0400'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # book/*/04_architectures.md
    "layer_params": {"hu": "{framework}: az első réteg paraméterszáma {count:,}",
                     "en": "{framework}: the first layer has {count:,} parameters"},
    "total_params": {"hu": "{name}: {count:,} paraméter", "en": "{name}: {count:,} parameters"},
    "count": {"hu": "{count:,}", "en": "{count:,}"},
    "params_axis": {"hu": "paraméterek száma", "en": "number of parameters"},
    "vgg_title": {"hu": "a VGG16 paraméterei rétegenként (összesen {total:,})",
                  "en": "VGG16's parameters, layer by layer ({total:,} in all)"},
    "conv_layer": {"hu": "konvolúciós réteg", "en": "convolutional layer"},
    "dense_layer": {"hu": "sűrű réteg", "en": "dense layer"},
    # book/*/04_tricks.md
    "digit_label": {"hu": "címke: {label}", "en": "label {label}"},
    "original": {"hu": "eredeti", "en": "original"},
    "shifted": {"hu": "eltolva", "en": "shifted"},
    "augment_title": {"hu": "véletlen eltolás legfeljebb {pixels} képponttal, nullás kitöltéssel",
                      "en": "random shifts by up to {pixels} pixels, filled with zeros"},
    "training": {"hu": "tanítás:", "en": "training: "},
    "inference": {"hu": "következtetés:", "en": "inference:"},
    "dropout_values": {"hu": "{mode} értékek {values}, nullák aránya {zeros}",
                       "en": "{mode} values {values}, share of zeros {zeros}"},
    "parameter": {"hu": "paraméter", "en": "parameter"},
    "buffer": {"hu": "puffer", "en": "buffer"},
    "mean_std": {"hu": "átlag {mean}, szórás {std}", "en": "mean {mean}, standard deviation {std}"},
    "moving_mean": {"hu": "egy tanítási lépés után a mozgóátlag {value}, a köteg átlaga {batch}",
                    "en": "after one training step the moving mean is {value}, the batch mean {batch}"},
    "hist_input": {"hu": "a bemenet", "en": "the input"},
    "hist_fresh": {"hu": "következtetés, új réteg", "en": "inference, a new layer"},
    "hist_training": {"hu": "tanítás: a köteg statisztikái", "en": "training: batch statistics"},
    "hist_trained": {"hu": "következtetés {batches} köteg után", "en": "inference after {batches} batches"},
    "value": {"hu": "érték", "en": "value"},
    "how_many": {"hu": "darabszám", "en": "count"},
    "bias_gap": {"hu": "a két kimenet legnagyobb eltérése: {gap}",
                 "en": "the largest difference between the two outputs: {gap}"},
    "separable_row": {"hu": "{c_in} → {c_out}: szokásos {standard:,}, szeparálható: Keras {keras:,}, "
                            "PyTorch {torch:,}",
                      "en": "{c_in} → {c_out}: standard {standard:,}, separable: Keras {keras:,}, "
                            "PyTorch {torch:,}"},
    "trainable": {"hu": "tanítható", "en": "trainable"},
    "buffers": {"hu": "pufferek", "en": "buffers"},
    "plain": {"hu": "eredeti", "en": "original"},
    "bn": {"hu": "BN-háló", "en": "BN net"},
    "separable": {"hu": "szeparálható", "en": "separable"},
    "conv_n": {"hu": "{n}. konvolúció", "en": "convolution {n}"},
    "dense_n": {"hu": "{n}. sűrű réteg", "en": "dense {n}"},
    "net_total": {"hu": "{name} (összesen {total:,})", "en": "{name} ({total:,} in all)"},
    "mnist_params_title": {"hu": "az MNIST-háló paraméterei rétegenként",
                           "en": "the MNIST network's parameters, layer by layer"},
    # lectures/*/04_architectures.md (the deck)
    "params_millions": {"hu": "paraméterek (millió)", "en": "parameters (millions)"},
    "deck_architectures_title": {"hu": "paraméterek száma (Keras, weights=None)",
                                 "en": "number of parameters (Keras, weights=None)"},
})
