"""What chapter 3's code shows (figure titles, labels, legends), in both languages. The
book pages and the deck call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code.

>>> t("dilation_span", "hu", d=2, span=5), t("dilation_span", "en", d=2, span=5)
('d = 2: lefedett terület 5 × 5', 'd = 2: spans 5 × 5')
>>> t("windows", "hu", k=3, s=2, p=1, d=1, out=4)
'k = 3, s = 2, p = 1, d = 1: 4 kimenet'
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # book/*/03_output_size.md
    "dilated_kernel": {"hu": "3 × 3-as kernel 1-es, 2-es és 3-as dilatációval",
                       "en": "a 3 × 3 kernel at dilation 1, 2 and 3"},
    "dilation_span": {"hu": "d = {d}: lefedett terület {span} × {span}", "en": "d = {d}: spans {span} × {span}"},
    "windows": {"hu": "k = {k}, s = {s}, p = {p}, d = {d}: {out} kimenet",
                "en": "k = {k}, s = {s}, p = {p}, d = {d}: {out} outputs"},
    "windows_title": {"hu": "a kernel helyzetei egy 7 hosszú bemeneten",
                      "en": "where the kernel goes on an input of length 7"},
    "keras_same": {"hu": "Keras, padding=\"same\": nullák: {left} balra, {right} jobbra; {out} kimenet",
                   "en": "Keras, padding=\"same\": zeros {left} left, {right} right; {out} outputs"},
    "torch_padding": {"hu": "PyTorch, padding={p}: nullák: {p} mindkét oldalon; {out} kimenet",
                      "en": "PyTorch, padding={p}: zeros {p} on each side; {out} outputs"},
    "slide": {"hu": "dia", "en": "slide"},
    "formula": {"hu": "képlet", "en": "formula"},
    "refused": {"hu": "hiba", "en": "error"},
    "same_zeros": {"hu": "same: {out} kimenet, nullák: {left} balra, {right} jobbra",
                   "en": "same: {out} outputs, zeros: {left} on the left, {right} on the right"},
    # book/*/03_receptive_field.md
    "stack_plain": {"hu": "három 3 széles réteg, d = 1: receptív mező {field}",
                    "en": "three layers of width 3, d = 1: receptive field {field}"},
    "stack_dilated": {"hu": "1, 2, 4 dilatációval: receptív mező {field}",
                      "en": "dilations 1, 2, 4: receptive field {field}"},
    "stack_causal": {"hu": "kauzális, k = 2, 1, 2, 4, 8 dilatációval: receptív mező {field}",
                     "en": "causal, k = 2, dilations 1, 2, 4, 8: receptive field {field}"},
    "input_row": {"hu": "bemenet", "en": "input"},
    "layer_row": {"hu": "{i}. réteg", "en": "layer {i}"},
    "field_growth": {"hu": "3 széles rétegek receptív mezője", "en": "receptive field of layers of width 3"},
    "plain_layers": {"hu": "dilatáció nélkül: $2L + 1$", "en": "no dilation: $2L + 1$"},
    "doubling_dilation": {"hu": "duplázódó dilatáció: $2^{{L+1}} - 1$", "en": "doubling dilation: $2^{{L+1}} - 1$"},
    "layer_count": {"hu": "rétegek száma, L", "en": "number of layers, L"},
    "field_axis": {"hu": "receptív mező (bemeneti elem)", "en": "receptive field (inputs)"},
    "no_dilation": {"hu": "dilatáció nélkül:", "en": "no dilation:  "},
    "with_dilation": {"hu": "dilatációval:    ", "en": "dilations:    "},
    "conv_pool_conv": {"hu": "konvolúció, pooling, konvolúció:", "en": "convolution, pooling, convolution:"},
    "mnist_cnn": {"hu": "az MNIST-háló:", "en": "the MNIST CNN:"},
    "inputs_used": {"hu": "a {n} bemenet közül ennyit lát valamelyik kimenet: {used}",
                    "en": "of the {n} inputs, some output sees {used}"},
    # lectures/*/03_conv_arithmetic.md (the deck)
    "deck_windows": {"hu": "lépésköz, kitöltés és dilatáció egy 7 hosszú bemeneten",
                     "en": "stride, padding and dilation on an input of length 7"},
})
