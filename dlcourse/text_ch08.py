"""What chapter 8's page shows (figure titles, labels, legends, printed lines), in both
languages. book/*/08_windows.md calls ``t("id", ...)``; the language is the page's own
(dlcourse.text.page_lang), so the twin pages keep identical code.

>>> t("panel_overlap", "hu", m=4, s=2, b=7), t("panel_overlap", "en", m=4, s=2, b=7)
('m = 4, s = 2: az ablakok átfedik egymást, b = 7', 'm = 4, s = 2: the windows overlap, b = 7')
>>> t("view_memory", "hu", mb=512.0), t("view_memory", "en", mb=512.0)
('másolatként 512,0 MB volna, nézetként egyetlen bájt sem', 'as copies 512.0 MB, as a view not one byte')
>>> t("yes", "hu"), t("no", "en")
('igen', 'no')
"""

from __future__ import annotations

from .text import Texts

t = Texts({
    # the first figure: three ways of placing windows of m = 4 steps on 1, ..., 17
    "fig_windows_title": {"hu": "{m} lépéses ablakok az 1, 2, …, {n} idősoron (szaggatott: egyik ablakba sem eső lépés)",
                          "en": "windows of {m} steps on the series 1, 2, …, {n} (dashed: a step in no window)"},
    "panel_overlap": {"hu": "m = {m}, s = {s}: az ablakok átfedik egymást, b = {b}",
                      "en": "m = {m}, s = {s}: the windows overlap, b = {b}"},
    "panel_adjacent": {"hu": "m = s = {m}: az ablakok egymás mellett, b = {b}",
                       "en": "m = s = {m}: the windows side by side, b = {b}"},
    "panel_gap": {"hu": "m = {m}, g = {g}: hézagos ablakok, a kezdetek m + g = {s} lépésenként, b = {b}",
                  "en": "m = {m}, g = {g}: windows with gaps, starting every m + g = {s} steps, b = {b}"},
    "window_k": {"hu": "k", "en": "k"},
    # the slides' rows against the correct ones
    "slide_row": {"hu": "k = {k}: a dia sora {slide} ({n} elem), helyesen {correct} ({m} elem)",
                  "en": "k = {k}: the slide's row {slide} ({n} items), correct {correct} ({m} items)"},
    # the table of the worked cases
    "cases_header": {"hu": "eset       N      m      s     b  első ablak   utolsó ablak",
                     "en": "case       N      m      s     b  first window  last window"},
    "gap_line": {"hu": "{name}: g = {g}, a kezdetek {step} lépésenként: {steps}",
                 "en": "{name}: g = {g}, starts every {step} steps: {steps}"},
    # next-value targets
    "pairs": {"hu": "{name}: {b} pár, X {x_shape}, y {y_shape}; az utolsó ablak {first}–{last}, a célértéke {target}",
              "en": "{name}: {b} pairs, X {x_shape}, y {y_shape}; the last window {first}–{last}, its target {target}"},
    "pairs_counted": {"hu": "{name}: {b} pár; az utolsó ablak {first}–{last}, a célértéke {target} "
                            "(csak megszámolva, nem kivágva)",
                      "en": "{name}: {b} pairs; the last window {first}–{last}, its target {target} "
                            "(counted, not cut out)"},
    # splitting in time
    "parts": {"hu": "tanító rész: {train_first}–{train_last}. lépés, tesztrész: {test_first}–{test_last}. lépés",
              "en": "training part: steps {train_first}–{train_last}, test part: steps {test_first}–{test_last}"},
    "cut_first": {"hu": "előbb vágás: {train} tanító és {test} tesztpár; a tanító párok legnagyobb "
                        "lépése {train_max}, a tesztpárok legkisebb lépése {test_min}",
                  "en": "cut first: {train} training and {test} test pairs; the training pairs' largest "
                        "step {train_max}, the test pairs' smallest step {test_min}"},
    "windows_first": {"hu": "előbb ablakok: {total} pár; a kezdőlépésük szerint {train} tanító pár, ebből "
                            "{leaking} a vágáson túlra nyúlik (tesztlépések: {steps})",
                      "en": "windows first: {total} pairs; by their first step {train} training pairs, "
                            "{leaking} of which reach past the cut (test steps: {steps})"},
    "shuffled": {"hu": "előbb ablakok, véletlen felosztással: {test} tesztpár; {shared} lépésükből "
                       "{seen} egy tanító párban is szerepel ({share:.0%})",
                 "en": "windows first, split at random: {test} test pairs; {seen} of their {shared} "
                       "steps are in a training pair too ({share:.0%})"},
    # the second figure: cut first, or windows first
    "fig_split_title": {"hu": "{n} lépéses idősor, m = {m}, s = {s}, vágás a {cut}. lépés után",
                        "en": "a series of {n} steps, m = {m}, s = {s}, cut after step {cut}"},
    "panel_cut_first": {"hu": "előbb vágás, aztán ablakok: egyetlen pár sem lóg át",
                        "en": "cut first, then windows: no pair crosses the cut"},
    "panel_windows_first": {"hu": "előbb ablakok, aztán vágás a kezdőlépés szerint: {leaking} pár átlóg",
                            "en": "windows first, then cut by the first step: {leaking} pairs cross"},
    "train_pair": {"hu": "tanító pár", "en": "training pair"},
    "test_pair": {"hu": "tesztpár", "en": "test pair"},
    "crossing_pair": {"hu": "átlógó tanító pár", "en": "training pair across the cut"},
    "target": {"hu": "célérték", "en": "target"},
    "cut": {"hu": "vágás", "en": "cut"},
    "step_axis": {"hu": "lépés (1-től számozva)", "en": "step (counted from 1)"},
    # the frameworks
    "keras_batches": {"hu": "Keras: mini-batchek {shapes}, összefűzve {shape}; ugyanaz, mint a windows() "
                            "eredménye: {same}",
                      "en": "Keras: mini-batches {shapes}, joined {shape}; the same as windows(): {same}"},
    "keras_targets": {"hu": "Keras, célértékekkel: {b} pár, az utolsó ablak {first}–{last}, a célértéke {target}",
                      "en": "Keras, with targets: {b} pairs, the last window {first}–{last}, its target {target}"},
    "torch_unfold": {"hu": "PyTorch: unfold {shape}; ugyanaz, mint a to_channels_first(windows()) "
                           "eredménye: {same}; az idősor nézete (nem másolat): {view}",
                     "en": "PyTorch: unfold {shape}; the same as to_channels_first(windows()): {same}; "
                           "a view of the series (not a copy): {view}"},
    "torch_long": {"hu": "PyTorch, {name}: {shape}, az utolsó ablak {first}–{last}, a célértéke {target}",
                   "en": "PyTorch, {name}: {shape}, the last window {first}–{last}, its target {target}"},
    "view_memory": {"hu": "másolatként {mb:.1f} MB volna, nézetként egyetlen bájt sem",
                    "en": "as copies {mb:.1f} MB, as a view not one byte"},
    "element": {"hu": "X[3, 17, 5] = x_5[3 · 100 + 17]: {same}", "en": "X[3, 17, 5] = x_5[3 · 100 + 17]: {same}"},
    "layers_take": {"hu": "{layer}: {shape} bemenetből {out} kimenet",
                    "en": "{layer}: input {shape}, output {out}"},
    "no_window": {"hu": "N = {n}, m = {m}: n_windows {b}, windows() {shape}, Keras {batches} mini-batch, "
                        "PyTorch: {error}",
                  "en": "N = {n}, m = {m}: n_windows {b}, windows() {shape}, Keras {batches} mini-batches, "
                        "PyTorch: {error}"},
    "yes": {"hu": "igen", "en": "yes"},
    "no": {"hu": "nem", "en": "no"},
})
