"""Inline Markdown of quiz texts to HTML: `code`, **bold**, *italic* and $maths$.

Used by both the live widget and the static page, so a question looks the same in both.

>>> render_inline("Is $a < b$ for `x<y` and **bold** <b>?")
'Is <span class="math">\\\\(a &lt; b\\\\)</span> for <code>x&lt;y</code> and <strong>bold</strong> &lt;b&gt;?'
"""

from __future__ import annotations

import html
import re

_PROTECTED = re.compile(r"`([^`]+)`|\$([^$]+)\$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def _format(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


def render_inline(text: str) -> str:
    """Escape ``text`` and render its inline Markdown; maths becomes ``\\(...\\)``."""
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        out.append(_format(text[last : match.start()]))
        code, maths = match.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code, quote=False)}</code>")
        else:
            # The class lets the book's MathJax typeset it (it ignores other text).
            out.append(f'<span class="math">\\({html.escape(maths, quote=False)}\\)</span>')
        last = match.end()
    out.append(_format(text[last:]))
    return "".join(out)
