"""Chapter 3's convolution explorer: sliders for the input size, kernel, stride, padding
and dilation of a layer, and what they do to one axis of its input.

In a notebook, ``explore()`` shows it with ipywidgets; on a book page the ``conv-explorer``
directive (coursetools/sphinxext/explorers.py) shows the same explorer with no kernel,
drawn by coursetools/sphinxext/static/conv-explorer.js from the strings of :data:`TEXT`
and the settings of :func:`page_config`. The script mirrors :func:`render` (same markup,
same classes, same ``data-taps``), and a browser test checks the two agree.

>>> footprints(7, 3, s=2, p=1)
[[-1, 0, 1], [1, 2, 3], [3, 4, 5], [5, 6, 7]]
>>> footprints(3, 3, d=2)   # a kernel spanning 5 cells does not fit 3
[]
"""

from __future__ import annotations

import html
from typing import Any

from .cnn import check_sizes, conv_out, effective_kernel
from .text import Texts, page_lang

# name, least, most, default: the sliders of both explorers, in this order.
SLIDERS = (("n", 1, 32, 7), ("k", 1, 7, 3), ("s", 1, 4, 2), ("p", 0, 4, 1), ("d", 1, 4, 1))
MAX_ROWS = 24  # outputs drawn at most; a note says when there are more

TEXT = Texts({
    "settings": {"hu": "A réteg beállításai", "en": "Settings of the layer"},
    "label_n": {"hu": "a bemenet mérete (n)", "en": "input size (n)"},
    "label_k": {"hu": "a kernel mérete (k)", "en": "kernel size (k)"},
    "label_s": {"hu": "lépésköz (s)", "en": "stride (s)"},
    "label_p": {"hu": "nullás kitöltés oldalanként (p)", "en": "zero padding per side (p)"},
    "label_d": {"hu": "dilatáció (d)", "en": "dilation (d)"},
    "formula": {"hu": "A kimenet mérete = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = "
                      "⌊({n} + {pad} − {reach} − 1) / {s}⌋ + 1",
                "en": "Output size = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = "
                      "⌊({n} + {pad} − {reach} − 1) / {s}⌋ + 1"},
    "invalid": {"hu": "Érvénytelen beállítás: a kernel nem fér el. A kiterjedése "
                      "d(k − 1) + 1 = {span} cella, a kitöltött bemenet viszont csak "
                      "n + 2p = {padded} cellából áll. Csökkentsd k-t vagy d-t, vagy "
                      "növeld a kitöltést.",
                "en": "Invalid setting: the kernel does not fit. It spans d(k − 1) + 1 = "
                      "{span} cells, but the padded input has only n + 2p = {padded}. "
                      "Make k or d smaller, or add padding."},
    "skipped": {"hu": "Kimaradó bemenetek: {cells}. A kernel egyetlen súlya sem esik rájuk, "
                      "mert a lépésköz vagy a dilatáció átugorja őket.",
                "en": "Inputs {cells} are never used: no weight of the kernel meets them, "
                      "as the stride or the dilation steps over them."},
    "skipped_one": {"hu": "Kimaradó bemenet: {cells}. A kernel egyetlen súlya sem esik rá, "
                          "mert a lépésköz vagy a dilatáció átugorja.",
                    "en": "Input {cells} is never used: no weight of the kernel meets it, "
                          "as the stride or the dilation steps over it."},
    "capped": {"hu": "A rajz csak az első {shown} kimenetet mutatja (összesen {out} van).",
               "en": "Only the first {shown} of the {out} outputs are drawn."},
    "legend": {"hu": "Felső sor: a bemenet, 0-tól számozva; a szürke, 0-val jelölt cellák a "
                     "nullás kitöltés, a kékeket legalább egy kimenet használja. Alatta minden "
                     "sor egy kimenet (balra a sorszáma): a vonal a kernel kiterjedése, a "
                     "pontok azok a bemenetek, amelyekre a kernel egy-egy súlya esik.",
               "en": "Top row: the input, numbered from 0; the grey cells marked 0 are the "
                     "zero padding, the blue ones are used by at least one output. Each row "
                     "below is one output (numbered on the left): the line is the kernel's "
                     "span, the dots are the inputs that its weights meet."},
    "figure": {"hu": "Ábra: a bemenet cellái, és hogy az egyes kimeneteknél hová esnek a "
                     "kernel súlyai",
               "en": "Drawing: the input cells, and where the kernel's weights fall for "
                     "each output"},
    "noscript": {"hu": "Az interaktív ábrához JavaScript kell.",
                 "en": "The interactive drawing needs JavaScript."},
})

# The drawing, in SVG user units (conv-explorer.js uses the same numbers).
CELL, BOX, LEFT, FIRST_ROW, ROW = 20, 18, 26, 34, 14
WARNING_STYLE = ("border-left:4px solid #c0392b;background:#fdecea;color:#611a15;"
                 "padding:.4em .7em")


def footprints(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> list[list[int]]:
    """The input positions that each output's kernel weights meet, one list per output.

    Output ``i`` starts at ``i*s - p`` (padding cells are the negative positions and those
    from ``n`` on), its taps are ``start + j*d`` for ``j < k``, and it exists while its last
    tap stays inside the padded input. Empty when the kernel does not fit."""
    check_sizes(n=n, k=k, s=s, p=p, d=d)
    span, rows = effective_kernel(k, d), []
    start = -p
    while start + span <= n + p:
        rows.append([start + j * d for j in range(k)])
        start += s
    return rows


def _svg(n: int, p: int, rows: list[list[int]], used: set[int], lang: str) -> str:
    cols = n + 2 * p
    width, height = LEFT + cols * CELL + 2, FIRST_ROW + max(len(rows) - 1, 0) * ROW + 8

    def centre(x: int) -> int:
        return LEFT + (x + p) * CELL + 1 + BOX // 2

    # As wide as the page allows, but no narrower than 3/4 of its units (it scrolls
    # sideways on a phone instead) and no wider than 5/4 of them.
    parts = [f'<div class="cx-scroll" style="overflow-x:auto">'
             f'<svg class="cx-drawing" viewBox="0 0 {width} {height}" width="100%" '
             f'style="display:block;min-width:{round(width * 0.75)}px;'
             f'max-width:{round(width * 1.25)}px;height:auto" '
             f'role="img" aria-label="{html.escape(TEXT("figure", lang))}" '
             f'font-family="sans-serif" font-size="11" text-anchor="middle">']
    for x in range(-p, n + p):
        left, label = LEFT + (x + p) * CELL + 1, centre(x)
        if 0 <= x < n:
            fill = "#cfe2f3" if x in used else "#ffffff"
            parts.append(f'<rect class="cx-input" x="{left}" y="2" width="{BOX}" height="{BOX}" '
                         f'fill="{fill}" stroke="#555"/>'
                         f'<text x="{label}" y="15" fill="#222">{x}</text>')
        else:
            parts.append(f'<rect class="cx-pad" x="{left}" y="2" width="{BOX}" height="{BOX}" '
                         f'fill="#d9d9d9" stroke="#888" stroke-dasharray="3 2"/>'
                         f'<text x="{label}" y="15" fill="#555" font-style="italic">0</text>')
    for i, taps in enumerate(rows):
        y = FIRST_ROW + i * ROW
        parts.append(f'<g class="cx-row" data-taps="{",".join(map(str, taps))}">'
                     f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" fill="currentColor">'
                     f'{i}</text>')
        if len(taps) > 1:
            parts.append(f'<line x1="{centre(taps[0])}" y1="{y}" x2="{centre(taps[-1])}" '
                         f'y2="{y}" stroke="#e07b00" stroke-width="2"/>')
        parts += [f'<circle cx="{centre(x)}" cy="{y}" r="3.5" fill="#e07b00"/>' for x in taps]
        parts.append("</g>")
    return "".join(parts) + "</svg></div>"


def render(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, lang: str | None = None) -> str:
    """The explorer's HTML for one setting: the formula with the output size, the drawing
    and its notes; or, when the kernel does not fit, only a warning."""
    lang = page_lang(lang)
    rows = footprints(n, k, s, p, d)
    span = effective_kernel(k, d)
    if not rows:
        warning = TEXT("invalid", lang, span=span, padded=n + 2 * p)
        return (f'<div class="cx-result"><p class="cx-warning" role="alert" '
                f'style="{WARNING_STYLE}">{html.escape(warning)}</p></div>')
    out = conv_out(n, k, s, p, d)
    formula = TEXT("formula", lang, n=n, pad=2 * p, reach=span - 1, s=s)
    parts = [f'<div class="cx-result"><p class="cx-formula">{html.escape(formula)} = '
             f'<strong class="cx-out">{out}</strong></p>']
    used = {x for taps in rows for x in taps}
    parts.append(_svg(n, p, rows[:MAX_ROWS], used, lang))
    if out > MAX_ROWS:
        capped = TEXT("capped", lang, shown=MAX_ROWS, out=out)
        parts.append(f'<p class="cx-note cx-capped">{html.escape(capped)}</p>')
    skipped = [x for x in range(n) if x not in used]
    if skipped:
        key = "skipped_one" if len(skipped) == 1 else "skipped"
        note = TEXT(key, lang, cells=", ".join(map(str, skipped)))
        parts.append(f'<p class="cx-note cx-skipped">{html.escape(note)}</p>')
    parts.append(f'<p class="cx-legend"><small>{html.escape(TEXT("legend", lang))}</small></p>')
    return "".join(parts) + "</div>"


def page_config(lang: str) -> dict[str, Any]:
    """What the book page's script needs: the sliders, the row cap and the strings of one
    language (unfilled templates with ``{name}`` placeholders)."""
    return {"sliders": [list(slider) for slider in SLIDERS], "maxRows": MAX_ROWS,
            "text": TEXT.of(lang)}


def explore(lang: str | None = None) -> Any:
    """The explorer as ipywidgets: a slider for each setting and the drawing below them.

    ``lang`` defaults to the page's language (``COURSE_LANG``), so twin pages keep
    identical code."""
    import ipywidgets as widgets

    lang = page_lang(lang)
    sliders = {name: widgets.IntSlider(value=default, min=least, max=most,
                                       description=TEXT(f"label_{name}", lang),
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="min(100%, 32em)"))
               for name, least, most, default in SLIDERS}
    result = widgets.HTML()

    def update(change: object = None) -> None:
        result.value = render(**{name: slider.value for name, slider in sliders.items()},
                              lang=lang)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    title = widgets.HTML(f"<strong>{html.escape(TEXT('settings', lang))}</strong>")
    return widgets.VBox([title, *sliders.values(), result])
