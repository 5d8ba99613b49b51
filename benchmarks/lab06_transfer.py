"""Benchmark: lab 6's three trainings (from scratch, stage 1, stage 2) per track, on the
offline data, with fixed seeds.

Run: .venv/bin/python benchmarks/lab06_transfer.py   (about 5 minutes on 2 cores)

Each run executes the lab's real source notebook (solutions filled in) in a real kernel with
``SEED`` set to 0, 1 and 2: the seed draws the split and sets the framework's
initialisation and shuffling. The offline backbone and data are the grader's (the course's
digit CNN, the distorted 4 and 9, 100/100/300 images per class). It prints a Markdown table
and writes benchmarks/results/lab06_transfer.json, which chapter 6's page quotes: for each
run the three test accuracies (600 images), the seconds of each training cell, and the
trainable weights of each stage.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

import nbformat
from lab_notebook import ROOT, execute_timed, machine, printed_result

SEEDS = (0, 1, 2)
OUT = ROOT / "benchmarks" / "results" / "lab06_transfer.json"
CELLS = {"stage1": "acc_stage1 = ", "stage2": "acc_stage2 = ", "scratch": "acc_scratch = "}
RESULT = """
import json
print("@@result", json.dumps({"scratch": acc_scratch, "stage1": acc_stage1, "stage2": acc_stage2,
                              "trainable": {"scratch": trainable(scratch), "stage2": trainable(model),
                                            "stage1": trainable(build_transfer_model(load_backbone(
                                                backbone.framework, source=backbone.source, verbose=False)))},
                              "source": backbone.source}))
"""


def run(track: str, seed: int) -> dict[str, Any]:
    assignment = f"lab06_{track}_en"
    nb = nbformat.read(ROOT / "labs" / assignment / f"{assignment}.ipynb", as_version=4)
    data = next(c for c in nb.cells if "SEED = 0" in c.source)
    data.source = data.source.replace("SEED = 0", f"SEED = {seed}").replace(
        f'load_backbone("{track}")', f'load_backbone("{track}", source="offline")')
    nb.cells = [c for c in nb.cells if c.metadata.get("dlcourse", {}).get("template") not in ("quiz", "selfcheck")]
    nb.cells.append(nbformat.v4.new_code_cell(RESULT))
    timed = {stage: next(i for i, c in enumerate(nb.cells) if marker in c.source) for stage, marker in CELLS.items()}
    seconds = execute_timed(nb)
    result = printed_result(nb)
    return {"framework": track, "seed": seed, **result,
            "seconds": {stage: round(seconds[i], 2) for stage, i in timed.items()}}


def main() -> None:
    runs = [run(track, seed) for track in ("keras", "torch") for seed in SEEDS]
    OUT.write_text(json.dumps({"command": "python benchmarks/lab06_transfer.py", "machine": machine(),
                               "runs": runs}, indent=2) + "\n", encoding="utf-8")
    print("| Track | Stage | Test accuracy, mean ± spread (3 seeds) | Seconds (mean) |\n|---|---|---|---|")
    for track in ("keras", "torch"):
        mine = [r for r in runs if r["framework"] == track]
        for stage in ("scratch", "stage1", "stage2"):
            values = [r[stage] for r in mine]
            print(f"| {track} | {stage} | {statistics.mean(values):.3f} ± {statistics.stdev(values):.3f} | "
                  f"{statistics.mean(r['seconds'][stage] for r in mine):.1f} |")


if __name__ == "__main__":
    main()
