"""Browser assets that the book and the slides serve themselves (installed by npm).

Only the files the pages load are copied: MathJax 3 (one combined script and its
fonts) for the books and the slides, reveal.js for the slides. No page then needs a CDN,
so the book and the slides display offline.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .config import BUILD, ROOT

NODE_MODULES = ROOT / "node_modules"
BOOK_STATIC = BUILD / "vendor-book"  # added to each book's html_static_path
MATHJAX_SCRIPT = "mathjax/tex-chtml-full.js"

# package -> (source under node_modules, target under the vendor folder)
FILES = {
    "mathjax": [
        ("mathjax/es5/tex-chtml-full.js", MATHJAX_SCRIPT),
        ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
        ("mathjax/LICENSE", "mathjax/LICENSE"),
    ],
    "reveal.js": [
        ("reveal.js/dist", "reveal.js/dist"),
        ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
        ("reveal.js/LICENSE", "reveal.js/LICENSE"),
    ],
}


def vendor(target: Path, packages: tuple[str, ...] = ("mathjax", "reveal.js")) -> Path:
    """Copy the assets of ``packages`` into ``target`` (files already there are kept)."""
    for source, dest in (f for p in packages for f in FILES[p]):
        src, dst = NODE_MODULES / source, target / dest
        if not src.exists():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` (make install does)")
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    return target
