"""Benchmark: lab 7's 1-D CNN per track on the offline recordings, with fixed seeds.

Run: .venv/bin/python benchmarks/lab07_conv1d.py   (about 2 minutes on 2 cores)

Each run executes the lab's real source notebook (solutions filled in) in a real kernel with
``SEED`` set to 0, 1 and 2 and the data forced to the offline recordings (1200 training and
400 test recordings of 200 steps × 7 channels): the seed sets the framework's initialisation
and shuffling. It prints a Markdown table and writes benchmarks/results/lab07_conv1d.json,
which chapter 7's page quotes: for each run the test accuracy and the seconds per epoch of
the training cell (model building included, so the first epoch's overhead is in it).
"""

from __future__ import annotations

import json
import statistics
from typing import Any

import nbformat
from lab_notebook import ROOT, execute_timed, machine, printed_result

SEEDS = (0, 1, 2)
OUT = ROOT / "benchmarks" / "results" / "lab07_conv1d.json"
DATA = "load_gestures(lang=COURSE_LANG)"
RESULT = """
import json
print("@@result", json.dumps({"accuracy": float(test_accuracy), "epochs": EPOCHS, "source": data.source}))
"""


def run(track: str, seed: int) -> dict[str, Any]:
    assignment = f"lab07_{track}_en"
    nb = nbformat.read(ROOT / "labs" / assignment / f"{assignment}.ipynb", as_version=4)
    data = next(c for c in nb.cells if DATA in c.source)
    assert "SEED = 0" in data.source, f"{assignment}: the data cell no longer sets SEED = 0"
    data.source = data.source.replace("SEED = 0", f"SEED = {seed}").replace(
        DATA, 'load_gestures(source="offline", lang=COURSE_LANG)')
    nb.cells = [c for c in nb.cells if c.metadata.get("dlcourse", {}).get("template") not in ("quiz", "selfcheck")]
    nb.cells.append(nbformat.v4.new_code_cell(RESULT))
    training = next(i for i, c in enumerate(nb.cells) if "EPOCHS = " in c.source)
    seconds = execute_timed(nb)
    result = printed_result(nb)
    assert result["source"] == "offline", result
    return {"framework": track, "seed": seed, "accuracy": round(result["accuracy"], 4),
            "epochs": result["epochs"], "seconds_per_epoch": round(seconds[training] / result["epochs"], 3)}


def main() -> None:
    runs = [run(track, seed) for track in ("keras", "torch") for seed in SEEDS]
    epochs = {r.pop("epochs") for r in runs}
    assert len(epochs) == 1, f"the tracks train for different numbers of epochs: {epochs}"
    OUT.write_text(json.dumps({"command": "python benchmarks/lab07_conv1d.py", "machine": machine(),
                               "epochs": epochs.pop(), "data": "offline: 1200 training, 400 test recordings, 200×7",
                               "runs": runs}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("| Track | Test accuracy, mean (min–max), 3 seeds | Seconds per epoch (mean) |\n|---|---|---|")
    for track in ("keras", "torch"):
        mine = [r for r in runs if r["framework"] == track]
        accuracies = [r["accuracy"] for r in mine]
        print(f"| {track} | {statistics.mean(accuracies):.3f} ({min(accuracies):.3f}–{max(accuracies):.3f}) | "
              f"{statistics.mean(r['seconds_per_epoch'] for r in mine):.2f} |")


if __name__ == "__main__":
    main()
