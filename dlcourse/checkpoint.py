"""Weights that ship with the course package, each next to a record of its SHA-256 hash.

Chapter 5's trained network (dlcourse/inside.py) and chapter 6's pretrained backbone
(dlcourse/transfer.py) are NumPy archives in dlcourse/weights/, written by a script in
coursetools/ together with a JSON record (hash, data, epochs, accuracy). :func:`weights`
checks the hash before anything is loaded, so a damaged or replaced file is refused with
an error that names the file and the command that makes it again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from .text import Texts, page_lang

WEIGHTS = Path(__file__).parent / "weights"

TEXT = Texts({
    "missing": {"hu": "Hiányzik a kurzus {what}: {file}. Telepítsd újra a kurzus csomagját, vagy "
                      "tanítsd be újra: {make}",
                "en": "The course's {what} is missing: {file}. Reinstall the course package, or train "
                      "it again: {make}"},
    "hash": {"hu": "A {file} SHA-256 ellenőrzőösszege {found}, nem a feljegyzett {expected}: a fájl sérült, vagy kicserélték. "
                   "Telepítsd újra a kurzus csomagját, vagy tanítsd be újra: {make}",
             "en": "The SHA-256 hash of {file} is {found}, not the recorded {expected}: the file is damaged or "
                   "was replaced. Reinstall the course package, or train it again: {make}"},
})


class CheckpointError(RuntimeError):
    """The checkpoint is missing or is not the file its record describes."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(path: Path, what: dict[str, str], make: str, lang: str | None = None) -> dict[str, Any]:
    """What the training script recorded about ``path`` (hash, data, accuracy), after
    checking that ``path`` is that file. ``what`` names it in each language."""
    record_file = path.with_suffix(".json")
    if not path.exists() or not record_file.exists():
        missing = path if not path.exists() else record_file
        raise CheckpointError(TEXT("missing", lang, what=what[page_lang(lang)], file=missing, make=make))
    saved: dict[str, Any] = json.loads(record_file.read_text(encoding="utf-8"))
    found = sha256(path)
    if found != saved["sha256"]:
        raise CheckpointError(TEXT("hash", lang, file=path, found=found, expected=saved["sha256"], make=make))
    return saved


def weights(path: Path, what: dict[str, str], make: str, lang: str | None = None) -> dict[str, np.ndarray]:
    """The archive's arrays, after the hash check."""
    record(path, what, make, lang)
    with np.load(path) as archive:
        return {name: archive[name] for name in archive.files}


def save(path: Path, arrays: dict[str, np.ndarray], facts: dict[str, Any]) -> dict[str, Any]:
    """Write the archive and its record (its hash first, then ``facts``); return the record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy's stub reads the first keyword as allow_pickle
    saved = {"sha256": sha256(path), **facts}
    path.with_suffix(".json").write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    return saved
