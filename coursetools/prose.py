"""The prose of course sources: the text a reader reads, without code, maths or markup.

Used by the Hungarian lint and the number audit, so both look at the same text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_LABEL = re.compile(r"^\(\S+\)=$")
_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})(.*)$")
_INLINE = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"\$[^$\n]+\$"),  # inline maths
    re.compile(r"`[^`\n]*`"),  # inline code and roles' targets
    re.compile(r"\{[a-z:-]+\}"),  # role names
    re.compile(r"<[^>\n]+>"),  # HTML tags
    re.compile(r"\]\([^)\s]*\)"),  # link targets
    re.compile(r"https?://\S+"),
]
# Directives whose body is prose (kept); all other fenced blocks are code or data.
_PROSE_DIRECTIVES = {"note", "tip", "warning", "important", "admonition", "hint", "caution",
                     "seealso", "attention", "margin", "sidebar", "epigraph", "figure"}


@dataclass(frozen=True)
class Line:
    path: Path
    number: int
    text: str


def _clean(text: str) -> str:
    for pattern in _INLINE:
        text = pattern.sub(" ", text)
    return text


def markdown_prose(text: str) -> list[tuple[int, str]]:
    """(line number, prose) for each line of MyST Markdown that is prose."""
    body_start = 0
    match = _FRONT_MATTER.match(text)
    if match:
        body_start = text[: match.end()].count("\n")
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    fence: str | None = None
    keep_block = False
    in_math = False
    for number, line in enumerate(lines, start=1):
        if number <= body_start:
            continue
        stripped = line.strip()
        opener = _FENCE.match(stripped)
        if fence is None and opener:
            fence = opener.group(1)[0] * len(opener.group(1))
            name = re.match(r"\{([a-z-]+)\}", opener.group(2).strip())
            keep_block = bool(name and name.group(1) in _PROSE_DIRECTIVES)
            continue
        if fence is not None and stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
            continue
        if stripped.startswith("$$"):
            in_math = not (in_math or stripped.endswith("$$") and len(stripped) > 2)
            continue
        if in_math or (fence is not None and not keep_block):
            continue
        definition = stripped.startswith(": ")  # a definition list's definition is prose
        if stripped.startswith((":", "+++", "%")) and not definition or _LABEL.match(stripped):
            continue  # directive options, cell breaks, comments, labels such as (sec-xor)=
        out.append((number, _clean(line)))
    return out


def notebook_prose(path: Path) -> list[tuple[int, str]]:
    """Prose of an .ipynb file's Markdown cells; the number is the cell number."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out.extend((index, text) for _, text in markdown_prose(source))
    return out


def prose_lines(path: Path) -> list[Line]:
    pairs = notebook_prose(path) if path.suffix == ".ipynb" else markdown_prose(
        path.read_text(encoding="utf-8"))
    return [Line(path, n, text) for n, text in pairs if text.strip()]
