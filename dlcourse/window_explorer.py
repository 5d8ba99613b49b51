"""Chapter 8's window explorer: sliders for the length N of a series, the window length m,
the stride s and the gap g, a "next-value target" switch, and the windows they cut.

In a notebook, ``explore()`` shows it with ipywidgets; on a book page the ``window-explorer``
directive (coursetools/sphinxext/explorers.py) shows the same explorer with no
kernel, drawn by coursetools/sphinxext/static/window-explorer.js from the strings of
:data:`TEXT` and the settings of :func:`page_config`. The script mirrors :func:`render`
(same markup, same classes, same ``data-steps``), and a browser test checks the two agree
and that both agree with the course's one windowing function, dlcourse.sequences.

Steps are numbered from 1, as the book numbers them; window k (k = 0, 1, …) covers steps
k·s + 1 … k·s + m, and its next-value target is step k·s + m + 1.

>>> [(w[0], w[-1]) for w, _ in window_rows(17, 4, s=2)]   # step 17 is left over
[(1, 4), (3, 6), (5, 8), (7, 10), (9, 12), (11, 14), (13, 16)]
>>> window_rows(17, 4, g=1, target=True)                 # starts m + g = 5 apart
[([1, 2, 3, 4], 5), ([6, 7, 8, 9], 10), ([11, 12, 13, 14], 15)]
>>> window_rows(8, 9)                                    # no window fits
[]
>>> steps_text([1, 2, 3, 4, 6, 9, 10, 11])
'1–4, 6, 9–11'
"""

from __future__ import annotations

import html
from typing import Any

from .sequences import window_starts
from .text import Texts, page_lang

# name, least, most, default: the sliders of both explorers, in this order. The defaults
# are the book's example: N = 17, m = 4, s = 2 gives 7 windows and leaves step 17 unused.
SLIDERS = (("n", 8, 40, 17), ("m", 1, 12, 4), ("s", 1, 8, 2), ("g", 0, 6, 0))
TARGET = False  # the "next-value target" box starts unticked

TEXT = Texts({
    "settings": {"hu": "Az ablakok beállításai", "en": "Settings of the windows"},
    "label_n": {"hu": "az idősor hossza (N)", "en": "length of the series (N)"},
    "label_m": {"hu": "az ablak hossza (m)", "en": "window length (m)"},
    "label_s": {"hu": "lépésköz (s)", "en": "stride (s)"},
    "label_g": {"hu": "hézag az ablakok között (g)", "en": "gap between windows (g)"},
    "label_target": {"hu": "célérték: a következő lépés értéke", "en": "next-value target"},
    "formula": {"hu": "Az ablakok száma: b = ⌊(N − m) / s⌋ + 1 = ⌊({n} − {m}) / {s}⌋ + 1",
                "en": "Number of windows: b = ⌊(N − m) / s⌋ + 1 = ⌊({n} − {m}) / {s}⌋ + 1"},
    "formula_target": {"hu": "Az ablakok száma: b = ⌊(N − m − 1) / s⌋ + 1 = "
                             "⌊({n} − {m} − 1) / {s}⌋ + 1",
                       "en": "Number of windows: b = ⌊(N − m − 1) / s⌋ + 1 = "
                             "⌊({n} − {m} − 1) / {s}⌋ + 1"},
    "formula_gap": {"hu": "Az ablakok száma: b = ⌊(N − m) / (m + g)⌋ + 1 = "
                          "⌊({n} − {m}) / ({m} + {g})⌋ + 1",
                    "en": "Number of windows: b = ⌊(N − m) / (m + g)⌋ + 1 = "
                          "⌊({n} − {m}) / ({m} + {g})⌋ + 1"},
    "formula_gap_target": {"hu": "Az ablakok száma: b = ⌊(N − m − 1) / (m + g)⌋ + 1 = "
                                 "⌊({n} − {m} − 1) / ({m} + {g})⌋ + 1",
                           "en": "Number of windows: b = ⌊(N − m − 1) / (m + g)⌋ + 1 = "
                                 "⌊({n} − {m} − 1) / ({m} + {g})⌋ + 1"},
    "count": {"hu": "Az ablakok száma: b", "en": "Number of windows: b"},
    "nofit": {"hu": "Egyetlen ablak sem fér el: egy ablakhoz m = {m} lépés kell, az idősor "
                    "viszont csak N = {n} lépésből áll. Csökkentsd m-et, vagy növeld N-et.",
              "en": "No window fits: a window needs m = {m} steps, but the series has only "
                    "N = {n}. Make m smaller or N larger."},
    "nofit_target": {"hu": "Egyetlen ablak sem fér el: egy ablakhoz a célértékével együtt "
                           "m + 1 = {need} lépés kell, az idősor viszont csak N = {n} lépésből "
                           "áll. Csökkentsd m-et, vagy növeld N-et.",
                     "en": "No window fits: a window and its target need m + 1 = {need} steps, "
                           "but the series has only N = {n}. Make m smaller or N larger."},
    "gap_note": {"hu": "Hézaggal (g = {g}) az ablakok kezdőpontjai m + g = {step} lépésenként "
                       "követik egymást, így a lépésköz csúszkája nem számít, amíg g nem 0.",
                 "en": "With a gap (g = {g}) the windows start every m + g = {step} steps, so "
                       "the stride slider has no effect until g is 0 again."},
    "unused_end": {"hu": "Kimaradó lépések a végén: {steps} (sem ablak, sem célérték nem esik "
                         "rájuk).",
                   "en": "Unused steps at the end: {steps} (no window or target covers them)."},
    "unused_end_one": {"hu": "Kimaradó lépés a végén: {steps} (sem ablak, sem célérték nem "
                             "esik rá).",
                       "en": "Unused step at the end: {steps} (no window or target covers it)."},
    "skipped": {"hu": "Kimaradó lépések az ablakok között: {steps}.",
                "en": "Unused steps between the windows: {steps}."},
    "skipped_one": {"hu": "Kimaradó lépés az ablakok között: {steps}.",
                    "en": "Unused step between the windows: {steps}."},
    "row": {"hu": "A k = {k} ablak lépései: {steps}", "en": "Window k = {k}: steps {steps}"},
    "row_target": {"hu": "A k = {k} ablak lépései: {steps}; célértéke: {target}",
                   "en": "Window k = {k}: steps {steps}; target {target}"},
    "legend": {"hu": "Felső sor: az idősor, a lépései 1-től számozva (kék: ablakba esik, "
                     "narancs: csak célérték, szaggatott: kimarad). Alatta minden sor egy "
                     "ablak, balra a sorszáma, k = 0, 1, … A kék cellák az ablak m lépése, "
                     "k·s + 1 … k·s + m; bekapcsolt célértéknél a kerek narancs cella a "
                     "k·s + m + 1. lépés, az ablak célértéke. Hézaggal s helyett m + g áll.",
               "en": "Top row: the series, its steps numbered from 1 (blue: in a window, "
                     "orange: only a target, dashed: unused). Each row below is one window, "
                     "numbered k = 0, 1, … on the left. Its blue cells are its m steps, "
                     "k·s + 1 … k·s + m; with the target on, the round orange cell is step "
                     "k·s + m + 1, the window's target. With a gap, m + g takes the place of s."},
    "figure": {"hu": "Ábra: az idősor lépései, és hogy az egyes ablakok mely lépéseket fedik le",
               "en": "Drawing: the steps of the series, and the steps that each window covers"},
    "scroll": {"hu": "Az ablakok ábrája (keskeny képernyőn oldalra görgethető)",
               "en": "Drawing of the windows (scrolls sideways on a narrow screen)"},
    "noscript": {"hu": "Az interaktív ábrához JavaScript kell.",
                 "en": "The interactive drawing needs JavaScript."},
})

# The drawing, in SVG user units (window-explorer.js uses the same numbers): cells of the
# series CELL apart, BOX wide; window rows ROW apart, ROW_BOX high, the first at FIRST_ROW.
CELL, BOX, LEFT, FIRST_ROW, ROW, ROW_BOX = 20, 18, 28, 28, 14, 11
# The drawing shrinks to at most MIN_SCALE of its units (then it scrolls in its own box),
# so that its 11-unit numbers stay at least 10 px high; and grows to at most MAX_SCALE.
MIN_SCALE, MAX_SCALE = 0.9, 1.3
COLOURS = {"used": "#cfe2f3", "target_only": "#fde2c4", "unused": "#ffffff",
           "in": "#3d85c6", "target": "#e07b00", "off": "#bbbbbb"}
WARNING_STYLE = ("border-left:4px solid #c0392b;background:#fdecea;color:#611a15;"
                 "padding:.4em .7em")


def spacing(m: int, s: int = 1, g: int = 0) -> int:
    """How far apart the windows start: the stride s, or m + g with a gap g > 0.

    The gap scheme fixes the distance between starts at m + g, so a stride would be a
    second, contradicting setting: with g > 0 the explorers ignore s, grey its slider out
    (it keeps its value for when g is back at 0) and write m + g in the formula instead."""
    return m + g if g > 0 else s


def window_rows(n: int, m: int, s: int = 1, g: int = 0,
                target: bool = False) -> list[tuple[list[int], int | None]]:
    """Each window's steps (1-based) and its next-value target step (None when off).

    The starts come from :func:`dlcourse.sequences.window_starts`, the course's one
    windowing function, with the stride :func:`spacing` and a horizon of 1 for the target."""
    return [(list(range(start + 1, start + m + 1)), start + m + 1 if target else None)
            for start in window_starts(n, m, spacing(m, s, g), 1 if target else 0)]


def steps_text(steps: list[int]) -> str:
    """Step numbers as the notes write them: runs of three or more as ``first–last``."""
    parts, i = [], 0
    while i < len(steps):
        j = i
        while j + 1 < len(steps) and steps[j + 1] == steps[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{steps[i]}–{steps[j]}")
        else:
            parts += [str(x) for x in steps[i:j + 1]]
        i = j + 1
    return ", ".join(parts)


def _svg(n: int, rows: list[tuple[list[int], int | None]], lang: str) -> str:
    inside = {x for steps, _ in rows for x in steps}
    targets = {t for _, t in rows if t is not None}
    width = LEFT + n * CELL + 2
    height = FIRST_ROW + len(rows) * ROW + 2

    def left(x: int) -> int:  # x is a 1-based step
        return LEFT + (x - 1) * CELL + 1

    parts = [f'<div class="wx-scroll" style="overflow-x:auto" tabindex="0" role="region" '
             f'aria-label="{html.escape(TEXT("scroll", lang))}">'
             f'<svg class="wx-drawing" viewBox="0 0 {width} {height}" width="100%" '
             f'style="display:block;min-width:{round(width * MIN_SCALE)}px;'
             f'max-width:{round(width * MAX_SCALE)}px;height:auto" '
             f'role="img" aria-label="{html.escape(TEXT("figure", lang))}" '
             f'font-family="sans-serif" font-size="11" text-anchor="middle">']
    for x in range(1, n + 1):
        kind = "used" if x in inside else "target_only" if x in targets else "unused"
        dash = ' stroke-dasharray="3 2"' if kind == "unused" else ""
        parts.append(f'<rect class="wx-step wx-{kind.replace("_", "-")}" data-step="{x}" '
                     f'x="{left(x)}" y="2" width="{BOX}" height="{BOX}" fill="{COLOURS[kind]}" '
                     f'stroke="#555"{dash}/>'
                     f'<text x="{left(x) + BOX // 2}" y="15" fill="#222">{x}</text>')
    for k, (steps, target) in enumerate(rows):
        y = FIRST_ROW + k * ROW
        title = (TEXT("row_target", lang, k=k, steps=steps_text(steps), target=target) if target
                 else TEXT("row", lang, k=k, steps=steps_text(steps)))
        parts.append(f'<g class="wx-row" data-k="{k}" data-steps="{",".join(map(str, steps))}" '
                     f'data-target="{target or ""}"><title>{html.escape(title)}</title>'
                     f'<text x="{LEFT - 6}" y="{y + 9}" text-anchor="end" font-size="10" '
                     f'fill="currentColor">{k}</text>')
        for x in range(1, n + 1):
            if x in steps:
                parts.append(f'<rect class="wx-in" data-step="{x}" x="{left(x)}" y="{y}" '
                             f'width="{BOX}" height="{ROW_BOX}" fill="{COLOURS["in"]}"/>')
            elif x == target:
                parts.append(f'<rect class="wx-target" data-step="{x}" x="{left(x)}" y="{y}" '
                             f'width="{BOX}" height="{ROW_BOX}" rx="5" fill="{COLOURS["target"]}"/>')
            else:
                parts.append(f'<rect class="wx-off" x="{left(x)}" y="{y}" width="{BOX}" '
                             f'height="{ROW_BOX}" fill="none" stroke="{COLOURS["off"]}" '
                             f'stroke-width="0.5"/>')
        parts.append("</g>")
    return "".join(parts) + "</svg></div>"


def render(n: int, m: int, s: int = 1, g: int = 0, target: bool = False,
           lang: str | None = None) -> str:
    """The explorer's HTML for one setting: the number of windows b with its formula, the
    drawing and its notes; or, when no window fits, b = 0 and a warning."""
    lang = page_lang(lang)
    rows = window_rows(n, m, s, g, target)
    step = spacing(m, s, g)
    parts = ['<div class="wx-result">']
    if not rows:
        warning = (TEXT("nofit_target", lang, need=m + 1, n=n) if target
                   else TEXT("nofit", lang, m=m, n=n))
        parts.append(f'<p class="wx-formula">{html.escape(TEXT("count", lang))} = '
                     f'<strong class="wx-b">0</strong></p>'
                     f'<p class="wx-warning" role="alert" style="{WARNING_STYLE}">'
                     f'{html.escape(warning)}</p>')
        return "".join(parts) + "</div>"
    key = "formula" + ("_gap" if g > 0 else "") + ("_target" if target else "")
    formula = TEXT(key, lang, n=n, m=m, s=s, g=g)
    parts.append(f'<p class="wx-formula">{html.escape(formula)} = '
                 f'<strong class="wx-b">{len(rows)}</strong></p>')
    if g > 0:
        parts.append(f'<p class="wx-note wx-gap">{html.escape(TEXT("gap_note", lang, g=g, step=step))}</p>')
    parts.append(_svg(n, rows, lang))
    used = {x for steps, t in rows for x in steps + ([t] if t else [])}
    last = max(used)
    skipped = [x for x in range(1, last) if x not in used]
    unused = list(range(last + 1, n + 1))
    for steps, kind in ((skipped, "skipped"), (unused, "unused_end")):
        if steps:
            note = TEXT(kind + ("_one" if len(steps) == 1 else ""), lang, steps=steps_text(steps))
            parts.append(f'<p class="wx-note wx-{kind.replace("_", "-")}">{html.escape(note)}</p>')
    parts.append(f'<p class="wx-legend"><small>{html.escape(TEXT("legend", lang))}</small></p>')
    return "".join(parts) + "</div>"


def page_config(lang: str) -> dict[str, Any]:
    """What the book page's script needs: the sliders, the target box's default and the
    strings of one language (unfilled templates with ``{name}`` placeholders)."""
    return {"sliders": [list(slider) for slider in SLIDERS], "target": TARGET,
            "text": TEXT.of(lang)}


def explore(lang: str | None = None) -> Any:
    """The explorer as ipywidgets: a slider for each setting, the target box and the
    drawing below them. With a gap g > 0 the stride slider is disabled (see :func:`spacing`).

    ``lang`` defaults to the page's language (``COURSE_LANG``), so twin pages keep
    identical code."""
    import ipywidgets as widgets

    lang = page_lang(lang)
    layout = {"style": {"description_width": "initial"},
              "layout": widgets.Layout(width="min(100%, 32em)")}
    sliders = {name: widgets.IntSlider(value=default, min=least, max=most,
                                       description=TEXT(f"label_{name}", lang), **layout)
               for name, least, most, default in SLIDERS}
    target = widgets.Checkbox(value=TARGET, description=TEXT("label_target", lang),
                              indent=False, **layout)
    result = widgets.HTML()

    def update(change: object = None) -> None:
        sliders["s"].disabled = sliders["g"].value > 0
        result.value = render(**{name: slider.value for name, slider in sliders.items()},
                              target=target.value, lang=lang)

    for control in (*sliders.values(), target):
        control.observe(update, names="value")
    update()
    title = widgets.HTML(f"<strong>{html.escape(TEXT('settings', lang))}</strong>")
    return widgets.VBox([title, *sliders.values(), target, result])
