"""What chapter 7's code shows (figure titles, labels, printed lines), in both languages. The
book pages call ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so twin pages keep identical code. The line that says which
recordings were loaded comes from dlcourse.sequences, which the lab shares.

>>> t("input_shape", "hu", shape=(3, 200), out=(None, 3, 12), params=12_012)
'bemenet (3, 200): kimenet (None, 3, 12), 12\\xa0012 paraméter'
>>> t("input_shape", "en", shape=(3, 200), out=(None, 3, 12), params=12_012)
'input (3, 200): output (None, 3, 12), 12,012 parameters'
>>> values([0, 0, 0, 1, 0.5], "hu"), values([0, 0, 0, 1, 0.5], "en")
('[0; 0; 0; 1; 0,5]', '[0, 0, 0, 1, 0.5]')
>>> values([-0.0, 2.0], "en")  # no negative zero
'[0, 2]'
>>> at(12, 196), month_name("2017-06", "hu"), month_name("2017-06", "en")
('12@196', '2017. június', 'June 2017')
>>> t("bench_cell", "hu", mean=0.9633, low=0.958, high=0.9667)
'0,963 (0,958–0,967)'
>>> len(t("bench_cell", "en", mean=1, low=1, high=1)) == BENCH_CELL_WIDTH
True
>>> row = t("bench_row", "hu", framework="Keras", runs=3, cell=t("bench_cell", "hu", mean=1, low=1, high=1),
...           seconds="0,92")
>>> t("bench_header", "hu").index("s/epoch") == row.index("0,92")  # the columns line up
True
"""

from __future__ import annotations

from collections.abc import Iterable

from .text import Texts, number, page_lang

BENCH_CELL_WIDTH = 19  # "0.963 (0.958–0.967)"
SCORE_WIDTH = 21  # the column: the widest of a cell and the header "pontosság (min.–max.)"
_MONTHS = {
    "hu": ("január", "február", "március", "április", "május", "június", "július", "augusztus",
           "szeptember", "október", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def values(items: Iterable[float], lang: str | None = None) -> str:
    """A short vector as the language writes it: ``[0, 0.5]``, in Hungarian ``[0; 0,5]``
    (a comma is the decimal mark there, so a semicolon separates the values)."""
    lang = page_lang(lang)
    separator = "; " if lang == "hu" else ", "
    return "[" + separator.join(number(float(v) + 0.0, "g", lang) for v in items) + "]"


def at(channels: int, steps: int) -> str:
    """The slides' ``depth@length`` notation of a sequence: ``12@196``."""
    return f"{int(channels)}@{int(steps)}"


def month_name(year_month: str, lang: str | None = None) -> str:
    """``"2017-01"`` as ``"January 2017"``, in Hungarian ``"2017. január"``."""
    year, month = year_month.split("-")
    name = _MONTHS[page_lang(lang)][int(month) - 1]
    return f"{year}. {name}" if page_lang(lang) == "hu" else f"{name} {year}"


def _lengths(*names: str) -> str:
    """The header of the output-length table, aligned as its rows (``lengths_row``) are."""
    steps, k, s, d, padding, zeros, formula, keras, torch = names
    return f"{steps:>6} {k:>2} {s:>2} {d:>4}  {padding:<8} {zeros:>7}  {formula:>7} {keras:>6} {torch:>7}"


def _bench(framework: str, runs: str, score: str, seconds: str) -> str:
    """The benchmark table's header, aligned as its rows (``bench_row``) are."""
    return f"{framework:<13} {runs:>7}  {score:<{SCORE_WIDTH}}  {seconds}"


t = Texts({
    # book/*/07_sequences.md
    "target_window": {"hu": "az ablak, amelyet a háló olvas: {values}", "en": "the window the network reads: {values}"},
    "target_next": {"hu": "a következő érték: {value}", "en": "the next value: {value}"},
    "target_values": {"hu": "a következő három érték: {values}", "en": "the next three values: {values}"},
    "target_mean": {"hu": "ezek átlaga: {value}", "en": "their mean: {value}"},
    "target_trend": {"hu": "a trend: {trend}", "en": "the trend: {trend}"},
    "trend_up": {"hu": "felfelé", "en": "up"},
    "trend_down": {"hu": "lefelé", "en": "down"},
    "random_split": {"hu": "véletlen felosztás: a {n} tesztablakból {shares} közös lépést tartalmaz egy tanító "
                           "ablakkal, és {seen} célértéke egy tanító ablak bemenete",
                     "en": "random split: of {n} test windows, {shares} share a step with a training window, and "
                           "{seen} have a target that is an input of a training window"},
    "time_split": {"hu": "időrendi felosztás: a részek hossza {steps} lépés, az ablakok száma {windows}; közös lépés "
                         "és látott célérték: 0",
                   "en": "split in time: parts of {steps} steps, with {windows} windows; shared steps and seen "
                         "targets: 0"},
    "part_train": {"hu": "tanító szakasz", "en": "training part"},
    "part_val": {"hu": "validációs szakasz", "en": "validation part"},
    "part_test": {"hu": "tesztszakasz", "en": "test part"},
    "step": {"hu": "lépés", "en": "step"},
    "value": {"hu": "érték", "en": "value"},
    "fig_split_title": {"hu": "időrendi felosztás: a legrégebbi részen tanítunk, a legújabbon tesztelünk",
                        "en": "a split in time: train on the oldest part, test on the latest"},
    "recording_round": {"hu": "{month}: {hours} óra felvétel {people} embertől",
                        "en": "{month}: {hours} hours of recordings from {people} people"},
    "gpu_years": {"hu": "{hours:,} GPU-óra / évi {per_year} óra = {years:.2f} GPU-év",
                  "en": "{hours:,} GPU-hours / {per_year} hours a year = {years:.2f} GPU-years"},
    "channel": {"hu": "{n}. csatorna", "en": "channel {n}"},
    "accelerometer": {"hu": "„gyorsulásmérő”", "en": "“accelerometer”"},
    "gyroscope": {"hu": "„giroszkóp”", "en": "“gyroscope”"},
    "fig_recordings_title": {"hu": "a kurzus szintetikus felvételei: a legtisztább rázás és a legtisztább "
                                   "kidudorodás (az első hat csatorna)",
                             "en": "the course's synthetic recordings: the clearest shake and the clearest bump "
                                   "(the first six channels)"},
    "layouts": {"hu": "Keras: {keras}, PyTorch: {torch}, permute(0, 2, 1) után: {permuted}; ugyanazok az "
                      "értékek: {same}",
                "en": "Keras: {keras}, PyTorch: {torch}, after permute(0, 2, 1): {permuted}; the same values: {same}"},
    "keras_conv": {"hu": "Keras Conv1D(12, 5), (köteg, idő, jellemző) bemenet: {shape}",
                   "en": "Keras Conv1D(12, 5) on (batch, time, features): {shape}"},
    "torch_conv": {"hu": "PyTorch nn.Conv1d(7, 12, 5), (köteg, jellemző, idő) bemenet: {shape}",
                   "en": "PyTorch nn.Conv1d(7, 12, 5) on (batch, features, time): {shape}"},
    "torch_refuses": {"hu": "PyTorch, (köteg, idő, jellemző) bemenet: {error}, mert 7 helyett 200 csatornát kap",
                      "en": "PyTorch on (batch, time, features): {error}, as it gets 200 channels instead of 7"},
    "keras_accepts": {"hu": "Keras, (köteg, jellemző, idő) bemenet: hiba nélkül {shape}",
                      "en": "Keras on (batch, features, time): no error, {shape}"},
    # book/*/07_conv1d.md
    "pad_valid": {"hu": "valid: nincs kitöltés, 4 kimenet", "en": "valid: no zeros, 4 outputs"},
    "pad_same": {"hu": "same: egy-egy nulla a két végén, 6 kimenet", "en": "same: one zero on each end, 6 outputs"},
    "pad_causal": {"hu": "causal: két nulla balra, 6 kimenet, és egyik sem lát későbbi bemenetet",
                   "en": "causal: two zeros on the left, 6 outputs, none of which sees a later input"},
    "lengths_header": {"hu": _lengths("T", "k", "s", "d", "kitöltés", "nullák", "képlet", "Keras", "PyTorch"),
                       "en": _lengths("T", "k", "s", "d", "padding", "zeros", "formula", "Keras", "PyTorch")},
    "lengths_row": {"hu": "{steps:>6} {k:>2} {stride:>2} {dilation:>4}  {padding:<8} {zeros:>7}  {formula:>7} "
                          "{keras:>6} {torch:>7}",
                    "en": "{steps:>6} {k:>2} {stride:>2} {dilation:>4}  {padding:<8} {zeros:>7}  {formula:>7} "
                          "{keras:>6} {torch:>7}"},
    "tf_example": {"hu": "keresztkorreláció: Keras {keras}, PyTorch {torch}",
                   "en": "cross-correlation: Keras {keras}, PyTorch {torch}"},
    "true_convolution": {"hu": "valódi konvolúció: np.convolve {numpy}, a megfordított szűrővel a Keras-réteg {flipped}",
                         "en": "true convolution: np.convolve {numpy}, the Keras layer with the filter flipped "
                               "{flipped}"},
    "gesture_keras": {"hu": "Keras: kernel {kernel}, konvolúció után {conv}, pooling után {pool}, {params} paraméter",
                      "en": "Keras: kernel {kernel}, after the convolution {conv}, after the pooling {pool}, "
                            "{params} parameters"},
    "gesture_torch": {"hu": "PyTorch: súly {kernel}, konvolúció után {conv}, pooling után {pool}, {params} paraméter",
                      "en": "PyTorch: weight {kernel}, after the convolution {conv}, after the pooling {pool}, "
                            "{params} parameters"},
    "border_mode": {"hu": "Conv1D(..., border_mode='same'): {error}, a Keras 3 nem ismeri ezt az argumentumot",
                    "en": "Conv1D(..., border_mode='same'): {error}, Keras 3 does not know the argument"},
    "input_shape": {"hu": "bemenet {shape}: kimenet {out}, {params:,} paraméter",
                    "en": "input {shape}: output {out}, {params:,} parameters"},
    "causal_ramp": {"hu": "x = {x}; kauzális, k = 2, d = 2: Keras {keras}, PyTorch {torch}",
                    "en": "x = {x}; causal, k = 2, d = 2: Keras {keras}, PyTorch {torch}"},
    "stack_row": {"hu": "dilatáció {dilation:>3}: bal oldali kitöltés {pad:>3}, receptív mező {field:>4}",
                  "en": "dilation {dilation:>3}: left padding {pad:>3}, receptive field {field:>4}"},
    "stack_blocks": {"hu": "{blocks} blokk, {layers} réteg: receptív mező {field}; dilatáció nélkül {plain}",
                     "en": "{blocks} blocks, {layers} layers: receptive field {field}; without dilation {plain}"},
    "rf_plain": {"hu": "dilatáció nélkül: $L + 1$", "en": "no dilation: $L + 1$"},
    "rf_dilated": {"hu": "duplázódó dilatáció: $2^L$", "en": "doubling dilation: $2^L$"},
    "rf_layers": {"hu": "kauzális rétegek száma (L), k = 2", "en": "causal layers (L), k = 2"},
    "rf_steps": {"hu": "receptív mező (lépés)", "en": "receptive field (steps)"},
    "fig_rf_title": {"hu": "egy kimenet ennyi bemenetet lát", "en": "how many inputs one output sees"},
    "wavenet_seconds": {"hu": "{rate:,} minta × {ms} ms = {seconds} s egy másodpercnyi hangra; a dia szerinti {slide} s "
                              "mintánként {implied} ms-ot jelentene",
                        "en": "{rate:,} samples × {ms} ms = {seconds} s per second of audio; the slide's {slide} s "
                              "would mean {implied} ms per sample"},
    "bench_header": {"hu": _bench("keretrendszer", "futások", "pontosság (min.–max.)", "s/epoch"),
                     "en": _bench("framework", "runs", "accuracy (min–max)", "s/epoch")},
    "bench_cell": {"hu": "{mean:.3f} ({low:.3f}–{high:.3f})", "en": "{mean:.3f} ({low:.3f}–{high:.3f})"},
    "bench_row": {"hu": "{framework:<13} {runs:>7}  {cell:<21}  {seconds}",
                  "en": "{framework:<13} {runs:>7}  {cell:<21}  {seconds}"},
    "bench_epochs": {"hu": "futásonként {epochs} epoch", "en": "{epochs} epochs per run"},
})
