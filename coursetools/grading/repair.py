"""Give a handed-in notebook back the nbgrader metadata of its assignment.

nbgrader finds the cells it grades by their metadata. Round trips through other tools can
lose that metadata or copy it onto a pasted cell, and students can edit it; plain nbgrader
then scores a correct answer 0 or stops with an error. Here every graded or answer cell
of the student version (the release) is found again in the submission, and its metadata
is restored from the release:

1. cells that did not change (markdown, untouched test cells) anchor the two notebooks
   to each other (difflib's sequence matching);
2. between two anchors, a release cell is the submission cell that carries its grade_id,
   else the one most like it;
3. a graded cell that is gone is put back after its predecessor; nbgrader then restores
   its hidden tests as it does for any edited test cell.

Every change is recorded; a match that had to be guessed makes the result ``uncertain``.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .notebooks import Notebook, nbgrader_meta, normalized, source_of

SIMILAR = 0.5  # similarity above which an unlabelled cell is taken for a release cell
SURE = 0.8  # similarity above which that is not a guess


@dataclass
class Repair:
    notebook: Notebook
    events: list[str] = field(default_factory=list)
    uncertain: bool = False
    tampered: bool = False  # locked cells or grading metadata were edited: for review


def _key(cell: dict[str, Any]) -> str:
    return f"{cell.get('cell_type')}\0{normalized(source_of(cell))}"


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    return SequenceMatcher(None, normalized(source_of(a)), normalized(source_of(b)),
                           autojunk=False).ratio()


def restore_grading_metadata(submission: Notebook, release: Notebook) -> Repair:
    """A copy of ``submission`` whose grading cells carry the release's metadata."""
    nb = copy.deepcopy(submission)
    result = Repair(nb)
    cells: list[dict[str, Any]] = nb["cells"]
    ref: list[dict[str, Any]] = release["cells"]
    ids = {nbgrader_meta(c)["grade_id"]: i for i, c in enumerate(ref) if nbgrader_meta(c).get("grade_id")}
    claims = [nbgrader_meta(c).get("grade_id") for c in cells]
    match: dict[int, int] = {}  # release index -> submission index
    taken: set[int] = set()

    def assign(r: int, s: int) -> None:
        match[r] = s
        taken.add(s)

    matcher = SequenceMatcher(None, [_key(c) for c in ref], [_key(c) for c in cells], autojunk=False)
    gaps = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                if i1 + k in ids.values():
                    assign(i1 + k, j1 + k)
        else:
            gaps.append((i1, i2, j1, j2))
    for i1, i2, j1, j2 in gaps:
        wanted = [r for r in range(i1, i2) if r in ids.values()]
        pairs = []
        for r in wanted:
            for s in range(j1, j2):
                if cells[s].get("cell_type") not in ("code", "markdown"):
                    continue
                claimed = claims[s] == nbgrader_meta(ref[r])["grade_id"]
                same_type = cells[s]["cell_type"] == ref[r]["cell_type"]
                similarity = _similarity(ref[r], cells[s])
                pairs.append((claimed, same_type and similarity, r, s, similarity))
        for claimed, _score, r, s, similarity in sorted(pairs, reverse=True):
            if r in match or s in taken:
                continue
            if claimed or similarity >= SIMILAR:
                assign(r, s)
                if not claimed:
                    gid = nbgrader_meta(ref[r])["grade_id"]
                    how = "its content" if similarity >= SURE else "its position and content"
                    result.events.append(f"cell {gid} had lost its nbgrader metadata: found by {how}")
                    result.uncertain |= similarity < SURE
        # An answer cell whose text changed beyond recognition: the only code cell left.
        for r in wanted:
            meta = nbgrader_meta(ref[r])
            left = [s for s in range(j1, j2) if s not in taken and cells[s]["cell_type"] == "code"
                    and claims[s] is None]
            if r not in match and meta.get("solution") and len(left) == 1:
                assign(r, left[0])
                result.events.append(f"cell {meta['grade_id']} had lost its nbgrader metadata: "
                                     "taken to be the only code cell in its place")
                result.uncertain = True
    for gid, r in ids.items():  # a cell moved out of its place keeps its label
        if r not in match:
            movers = [s for s, claim in enumerate(claims) if claim == gid and s not in taken]
            if movers:
                assign(r, movers[-1])
                result.events.append(f"cell {gid} was moved; graded where it is now")
    _restore(cells, ref, match, claims, result)
    return result


def _restore(cells: list[dict[str, Any]], ref: list[dict[str, Any]], match: dict[int, int],
             claims: list[str | None], result: Repair) -> None:
    for r, s in match.items():
        cell, meta = cells[s], nbgrader_meta(ref[r])
        gid = meta["grade_id"]
        if cell["cell_type"] != ref[r]["cell_type"]:
            result.events.append(f"cell {gid} was turned into {cell['cell_type']}: turned back")
            _set_type(cell, ref[r]["cell_type"])
        old = nbgrader_meta(cell)
        if old and claims[s] == gid:
            changed = sorted(k for k in ("grade", "solution", "locked", "points", "task")
                             if old.get(k) != meta.get(k))
            if changed:
                result.events.append(f"cell {gid}: edited metadata restored ({', '.join(changed)})")
                result.tampered = True
        if meta.get("locked") and normalized(source_of(cell)) != normalized(source_of(ref[r])):
            result.events.append(f"cell {gid}: its locked source was edited; the original was run")
            result.tampered = True
        cell.setdefault("metadata", {})["nbgrader"] = copy.deepcopy(meta)
    kept = set(match.values())
    for s, cell in enumerate(cells):
        if s not in kept and "nbgrader" in cell.get("metadata", {}):
            what = f"a copy of cell {claims[s]}" if claims[s] else "a cell with unknown nbgrader metadata"
            result.events.append(f"cell {s + 1} is {what}: it runs, but is not graded")
            del cell["metadata"]["nbgrader"]
    _put_back_missing(cells, ref, match, result)
    if (result.notebook.get("nbformat"), result.notebook.get("nbformat_minor", 0)) >= (4, 5):
        _unique_ids(cells)


def _put_back_missing(cells: list[dict[str, Any]], ref: list[dict[str, Any]],
                      match: dict[int, int], result: Repair) -> None:
    inserted: list[tuple[int, int, dict[str, Any]]] = []
    for r, cell in enumerate(ref):
        meta = nbgrader_meta(cell)
        if r in match or not meta.get("grade"):
            continue
        before = [match[p] for p in range(r) if p in match]
        position = max(before) + 1 if before else 0
        inserted.append((position, r, copy.deepcopy(cell)))
        result.events.append(f"graded cell {meta['grade_id']} was missing: put back from the assignment")
    # From the end, so that earlier positions stay valid; release order kept at a tie.
    for position, _r, cell in sorted(inserted, key=lambda item: (item[0], item[1]), reverse=True):
        cell.pop("id", None)
        cells.insert(position, cell)


def _set_type(cell: dict[str, Any], cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell["outputs"], cell["execution_count"] = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _unique_ids(cells: list[dict[str, Any]]) -> None:
    """nbformat 4.5 cell ids must be unique; pasted cells repeat them."""
    seen: set[str] = set()
    for cell in cells:
        cid = cell.get("id")
        if cid is None or cid in seen or not isinstance(cid, str):
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
