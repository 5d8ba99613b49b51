"""The sizes of a CNN's feature maps, read from a real Keras or PyTorch model.

:func:`feature_map_sizes` passes one blank image through the model and lists the size of
the output of every convolution and pooling layer, in order. Lab 4 prints it for the
networks the students build, and its hidden tests call it (after a fresh import, so a
notebook that replaces it gains nothing); chapter 4's pages compare it with the arithmetic
of chapter 3. A 1 × 1 convolution with stride 1 never changes the size (the pointwise half
of a separable convolution in PyTorch), so it is not listed.

This module imports no framework itself; it uses the one the model belongs to.
"""

from __future__ import annotations

from typing import Any

Size = int | tuple[int, int]  # an int for a square map, else (height, width)


def _size(height: int, width: int) -> Size:
    return height if height == width else (height, width)


def _keras_layers(layer: Any) -> list[Any]:
    """The model's layers with nested models (a block) opened up, in order."""
    inner = getattr(layer, "layers", None)
    if inner is None:
        return [layer]
    return [leaf for sub in inner for leaf in _keras_layers(sub)]


def _keras_sizes(model: Any, height: int, width: int, channels: int) -> list[Size]:
    import numpy as np

    x = np.zeros((1, height, width, channels), dtype="float32")
    sizes = []
    for layer in _keras_layers(model):
        x = layer(x, training=False)  # Keras passes it on only to layers that take it
        name = type(layer).__name__
        if ("Conv2D" in name and not _is_pointwise(layer)) or "Pooling2D" in name:
            sizes.append(_size(int(x.shape[1]), int(x.shape[2])))
    return sizes


def _is_pointwise(layer: Any) -> bool:
    return tuple(getattr(layer, "kernel_size", ())) == (1, 1) and tuple(getattr(layer, "strides", (1, 1))) == (1, 1)


def _torch_sizes(model: Any, height: int, width: int, channels: int) -> list[Size]:
    import torch
    from torch import nn

    sizes: list[Size] = []

    def record(module: Any, inputs: Any, output: Any) -> None:
        sizes.append(_size(int(output.shape[-2]), int(output.shape[-1])))

    watched = [m for m in model.modules()
               if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d))
               or (isinstance(m, nn.Conv2d) and not (m.kernel_size == (1, 1) and m.stride == (1, 1)))]
    hooks = [m.register_forward_hook(record) for m in watched]
    was_training = model.training
    try:
        model.eval()
        parameter = next(model.parameters(), None)
        device = parameter.device if parameter is not None else "cpu"
        with torch.no_grad():
            model(torch.zeros(1, channels, height, width, device=device))
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    return sizes


def feature_map_sizes(model: Any, height: int = 28, width: int | None = None, channels: int = 1) -> list[Size]:
    """The size of each convolution's and pooling layer's output, in order, for one input
    image of ``height`` × ``width`` pixels with ``channels`` channels (an MNIST digit by
    default); an int where the map is square. For Chollet's MNIST CNN: [26, 13, 11, 5, 3]."""
    width = height if width is None else width
    if hasattr(model, "modules") and hasattr(model, "register_forward_hook"):
        return _torch_sizes(model, height, width, channels)
    if hasattr(model, "layers"):
        return _keras_sizes(model, height, width, channels)
    raise TypeError(f"feature_map_sizes needs a Keras or PyTorch model, not {type(model).__name__}")
