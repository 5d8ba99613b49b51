"""Makes the real torchvision importable on the course's CPU-only machines, for tests only.

PyPI's torchvision 0.28.0 is built for the CUDA torch: its compiled operators do not load
beside the CPU torch of these machines, and its ``import`` then fails where it registers
fake kernels for two of them (``operator torchvision::nms does not exist``). The models
(``torchvision.models``) and their weight records are pure Python and use neither operator,
so declaring the two operators' schemas first lets the real architecture be built here.
Colab's torchvision needs nothing of this, and no notebook or page uses it.

Call :func:`declare_operators` in a process of its own (the tests run a subprocess): the
declaration lasts as long as the process, and in pytest's own process it would make
torchvision importable for every later test (pytest imports this module for its doctests,
so importing it does nothing).
"""

from typing import Any

_KEPT: list[Any] = []  # the library object must stay alive: the schemas live as long as it


def declare_operators() -> None:
    import torch

    library = torch.library.Library("torchvision", "DEF")
    for name in ("nms", "qnms"):
        library.define(f"{name}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _KEPT.append(library)
