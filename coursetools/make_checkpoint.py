"""Train chapter 5's small CNN and save it for the book and lab 5 (dlcourse/inside.py).

``python -m coursetools.make_checkpoint`` trains the network in PyTorch on the 4,000
offline MNIST training images (seeded, one thread, so a rerun on the same wheel gives the
same file), measures it on the 1,000 offline test images, and writes
dlcourse/weights/mnist_gap_cnn.npz and its record (.json: SHA-256, data, epochs,
accuracy). ``--out DIR`` writes them elsewhere (the tests do). About 15 s on two
CPU cores. The official MNIST test set is not used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from dlcourse import checkpoint
from dlcourse.data import load_mnist
from dlcourse.inside import CHECKPOINT, build

EPOCHS = 15
BATCH = 64
SEED = 0


def train(epochs: int = EPOCHS) -> tuple[dict[str, np.ndarray], float, int, int]:
    """(weights in PyTorch's layout, offline test accuracy, training images, test images)."""
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    (x_train, y_train), (x_test, y_test) = load_mnist("torch", source="offline", verbose=False)
    x = torch.from_numpy(x_train.astype(np.float32) / 255)[:, None]
    y = torch.from_numpy(y_train.astype(np.int64))
    model = build("torch")
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    order = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        for batch in torch.randperm(len(x), generator=order).split(BATCH):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(x_test.astype(np.float32) / 255)[:, None]).argmax(1).numpy()
    accuracy = float((predicted == y_test).mean())
    arrays = {name: value.detach().numpy().copy() for name, value in model.state_dict().items()}
    return arrays, accuracy, len(x_train), len(x_test)


def save(out: Path, epochs: int = EPOCHS) -> dict[str, object]:
    arrays, accuracy, n_train, n_test = train(epochs)
    facts = {"framework": "torch", "epochs": epochs, "batch": BATCH, "seed": SEED, "train_images": n_train,
             "test_images": n_test, "test_accuracy": round(accuracy, 4), "made_by": "python -m coursetools.make_checkpoint"}
    return checkpoint.save(out / CHECKPOINT.name, arrays, facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=CHECKPOINT.parent)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    print(json.dumps(save(args.out, args.epochs), indent=2))


if __name__ == "__main__":
    main()
