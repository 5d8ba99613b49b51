"""Chapter 5's trained CNN, the same network in Keras and in PyTorch.

The book's pictures (filters, activation maps, occlusion, activation maximisation, a small
DeepDream) and lab 5 look inside one small trained network, so every reader and every
student sees the same filters. It is trained once, by ``python -m coursetools.make_checkpoint``,
on the 4,000 offline MNIST training images, and ships with the package as a NumPy archive
(weights/mnist_gap_cnn.npz) next to a record of its SHA-256 hash and its accuracy
(weights/mnist_gap_cnn.json). :func:`load_cnn` checks the hash before it loads the weights
into either framework.

The network is not lab 4's: after three 3 × 3 convolutions (32, 64, 64 filters, each with
its ReLU; 2 × 2 max pooling after the first two) a global average pooling feeds the 10
outputs. Its layers have the same names in both frameworks (:data:`LAYERS`), so a hook on
``relu1`` in PyTorch and the output of ``relu1`` in Keras are the same activation map.

>>> LAYERS
('conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'conv3', 'relu3', 'gap', 'logits')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import checkpoint
from .checkpoint import CheckpointError, sha256  # noqa: F401  (the tests and the script use them from here)
from .text import Texts

WEIGHTS = checkpoint.WEIGHTS
CHECKPOINT = WEIGHTS / "mnist_gap_cnn.npz"
RECORD = WEIGHTS / "mnist_gap_cnn.json"
MAKE = "python -m coursetools.make_checkpoint"
WHAT = {"hu": "betanított hálója", "en": "trained network"}
LAYERS = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3", "gap", "logits")
CONVS = (("conv1", 1, 32), ("conv2", 32, 64), ("conv3", 64, 64))  # name, input channels, filters

TEXT = Texts({
    "loaded": {"hu": "A kurzus betanított hálója ({framework}): {file} (SHA-256: {digest}…), {train:,} offline "
                     "tanítóképen tanítva; pontossága {test:,} offline tesztképen {accuracy:.1%}.",
               "en": "The course's trained network ({framework}): {file} (SHA-256 {digest}…), trained on {train:,} "
                     "offline training images; {accuracy:.1%} on {test:,} offline test images."},
})


def record(lang: str | None = None, path: Path = CHECKPOINT) -> dict[str, Any]:
    """What the training script recorded about the checkpoint (hash, data, accuracy), after
    checking that ``path`` is that file."""
    return checkpoint.record(path, WHAT, MAKE, lang)


def weights(lang: str | None = None, path: Path = CHECKPOINT) -> dict[str, np.ndarray]:
    """The checkpoint's arrays in PyTorch's layout (``conv1.weight`` is (32, 1, 3, 3)),
    after the hash check."""
    return checkpoint.weights(path, WHAT, MAKE, lang)


def build(framework: str) -> Any:
    """The untrained network, its layers named as :data:`LAYERS`."""
    if framework == "keras":
        import keras

        inputs = keras.Input((28, 28, 1), name="image")
        x = inputs
        for i, (name, _, filters) in enumerate(CONVS, 1):
            x = keras.layers.ReLU(name=f"relu{i}")(keras.layers.Conv2D(filters, 3, name=name)(x))
            if i < 3:
                x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
        outputs = keras.layers.Dense(10, name="logits")(keras.layers.GlobalAveragePooling2D(name="gap")(x))
        return keras.Model(inputs, outputs, name="mnist_gap_cnn")  # functional: model.input is the image
    if framework == "torch":
        from collections import OrderedDict

        from torch import nn

        modules: list[tuple[str, Any]] = []
        for i, (name, c_in, filters) in enumerate(CONVS, 1):
            modules += [(name, nn.Conv2d(c_in, filters, 3)), (f"relu{i}", nn.ReLU())]
            if i < 3:
                modules.append((f"pool{i}", nn.MaxPool2d(2)))
        modules += [("gap", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())), ("logits", nn.Linear(64, 10))]
        network = nn.Sequential(OrderedDict(modules))
        return network
    raise ValueError(f"framework must be 'keras' or 'torch', not {framework!r}")


def load_cnn(framework: str, lang: str | None = None, verbose: bool = True, path: Path = CHECKPOINT) -> Any:
    """The trained network in ``framework`` (``"keras"`` or ``"torch"``; in PyTorch in
    evaluation mode), and one line naming the checkpoint, its hash and its accuracy."""
    model = build(framework)
    arrays = weights(lang, path)
    if framework == "keras":
        for name, _, _ in CONVS:  # PyTorch (out, in, kh, kw) -> Keras (kh, kw, in, out)
            model.get_layer(name).set_weights([arrays[f"{name}.weight"].transpose(2, 3, 1, 0), arrays[f"{name}.bias"]])
        model.get_layer("logits").set_weights([arrays["logits.weight"].T, arrays["logits.bias"]])
    else:
        import torch

        model.load_state_dict({name: torch.from_numpy(array) for name, array in arrays.items()})
        model.eval()
    if verbose:
        saved = record(lang, path)
        print(TEXT("loaded", lang, framework="Keras" if framework == "keras" else "PyTorch", file=path.name,
                   digest=saved["sha256"][:12], train=saved["train_images"], test=saved["test_images"],
                   accuracy=saved["test_accuracy"]))
    return model
