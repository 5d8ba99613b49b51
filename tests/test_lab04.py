"""Lab 4's tools and its chapter's quiz, checked against real Keras and PyTorch layers.

- dlcourse.feature_maps.feature_map_sizes, which the lab's visible tests print and its
  hidden tests call: Chollet's network and its two variants in both frameworks, random
  stacks of convolutions and poolings against the course's arithmetic (coursetools.
  cnn_arithmetic), and that it leaves the model as it was (mode, batch-norm statistics).
- the expected counts of hidden_tests/lab04.py against the frameworks' own counts.
- the numbers the quiz bank quizzes/ch04.yml states.
- the lab page's table is the benchmark's run (benchmarks/results/lab04_training.json).
The grading round trip of the lab (its sources, student versions and typical mistakes in
both tracks) is in tests/test_grading_batch.py, like every lab's.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.cnn_arithmetic import out_size
from coursetools.config import ROOT
from coursetools.numbers import numbers
from dlcourse.feature_maps import feature_map_sizes

from .grading_cases import hidden_tests
from .test_ch04_numbers import mnist_nets

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # after TF_CPP_MIN_LOG_LEVEL
from keras import layers

MAPS = [26, 13, 11, 5, 3]
BENCHMARK = ROOT / "benchmarks" / "results" / "lab04_training.json"


VARIANTS = ("plain", "bn", "separable")


def nets(variant: str) -> tuple[Any, nn.Module]:
    """The lab's network or one of its variants in (Keras, PyTorch), blocks nested as the lab
    nests them."""
    return mnist_nets(keras, variant, nested=True)


def test_the_networks_of_the_lab_have_the_stated_sizes_and_counts() -> None:
    """The three networks of the lab in both frameworks: the feature maps 26/13/11/5/3, and
    the counts the hidden tests expect (93,322; 93,482 trainable; 45,034)."""
    expected = hidden_tests("lab04")
    counts = {"plain": expected.CNN, "bn": expected.BN_CNN, "separable": expected.SEPARABLE_CNN}
    assert counts == {"plain": 93_322, "bn": 93_482, "separable": 45_034}
    for variant in VARIANTS:
        keras_net, torch_net = nets(variant)
        assert feature_map_sizes(keras_net) == MAPS, f"Keras {variant}"
        trainable = sum(int(np.prod(w.shape)) for w in keras_net.trainable_weights)
        assert trainable == counts[variant], f"Keras {variant}"
        assert feature_map_sizes(torch_net) == MAPS, f"PyTorch {variant}"
        assert sum(p.numel() for p in torch_net.parameters()) == counts[variant], f"PyTorch {variant}"
    assert nets("bn")[0].count_params() == 93_802  # + the moving means and variances


def _size(h: int, w: int) -> Any:
    return h if h == w else (h, w)


def test_feature_map_sizes_agree_with_the_arithmetic_on_random_stacks() -> None:
    """Random stacks of convolutions (kernel, stride, dilation) and poolings on non-square
    inputs against out_size along each axis: 30 in PyTorch, 10 in Keras (which refuses
    stride and dilation together). A 1 x 1 convolution is listed only when it strides."""
    draw = random.Random(4)
    for _ in range(30):
        height, width, channels = draw.randint(20, 40), draw.randint(20, 40), draw.choice([1, 3])
        h, w, c, stack, expected = height, width, channels, [], []
        for _ in range(draw.randint(1, 4)):
            if min(h, w) < 5:  # nothing more fits
                break
            if draw.random() < 0.3:
                stack.append(nn.MaxPool2d(2))
                h, w = out_size(h, 2, 2), out_size(w, 2, 2)
            else:
                k, s, d = draw.randint(2, 3), draw.randint(1, 2), draw.randint(1, 2)
                stack.append(nn.Conv2d(c, 4, k, stride=s, dilation=d))
                h, w, c = out_size(h, k, s, 0, d), out_size(w, k, s, 0, d), 4
            expected.append(_size(h, w))
        assert feature_map_sizes(nn.Sequential(*stack), height, width, channels) == expected
    assert feature_map_sizes(nn.Sequential(nn.Conv2d(1, 2, 1), nn.Conv2d(2, 2, 1, stride=2))) == [14]
    for _ in range(10):
        height, width = draw.randint(20, 40), draw.randint(20, 40)
        k, s = draw.randint(2, 4), draw.randint(1, 3)
        model = keras.Sequential([keras.Input((height, width, 1)), layers.Conv2D(3, k, strides=s),
                                  layers.MaxPooling2D(2)])
        h, w = out_size(height, k, s), out_size(width, k, s)
        assert feature_map_sizes(model, height, width) == [_size(h, w), _size(out_size(h, 2, 2), out_size(w, 2, 2))]


def test_feature_map_sizes_leaves_the_model_as_it_was() -> None:
    """No batch-norm statistic moves, and a PyTorch model keeps its mode."""
    kmodel, model = nets("bn")
    model.train()
    before = [b.clone() for b in model.buffers()]
    feature_map_sizes(model)
    assert model.training and all(torch.equal(a, b) for a, b in zip(before, model.buffers()))
    model.eval()
    feature_map_sizes(model)
    assert not model.training
    before_k = [w.numpy() for w in kmodel.non_trainable_weights]
    feature_map_sizes(kmodel)
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(before_k, kmodel.non_trainable_weights))
    with pytest.raises(TypeError, match="Keras or PyTorch model"):
        feature_map_sizes("not a model")


def test_the_quiz_bank_agrees_with_the_frameworks() -> None:
    from dlcourse.quiz import load_bank

    questions = {q.id: q for q in load_bank("ch04")}

    def right_option(qid: str) -> str:
        q = questions[qid]
        return q.options("en")[q.correct_options()[0]]

    conv1 = nn.Conv2d(3, 96, 11, stride=4, padding=2)
    after_conv = conv1(torch.zeros(1, 3, 224, 224))
    after_pool = nn.MaxPool2d(3, 2)(after_conv)
    assert right_option("alexnet-conv1") == f"{after_conv.shape[-1]}, then {after_pool.shape[-1]}"
    bn = layers.BatchNormalization()
    bn.build((None, 4, 4, 32))
    assert questions["bn-keras-params"].data["answer"] == bn.count_params() == 128
    assert sum(p.numel() for p in nn.BatchNorm2d(32).parameters()) == 64
    assert questions["separable-net"].data["answer"] == nets("separable")[0].count_params()
    assert right_option("bn-block-order") == "convolution → batch norm → ReLU → dropout"
    assert right_option("not-on-the-list") == "COCO"


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_the_lab_pages_table_is_the_benchmarks_run(lang: str) -> None:
    """Each row of the lab page's table is one run of benchmarks/results/lab04_training.json
    (track, mode, seed, epochs, seconds, accuracy on the official test set), as rounded there."""
    page = ROOT / "book" / lang / "lab04_mnist_cnn.md"
    rows = [line for line in page.read_text(encoding="utf-8").splitlines()
            if re.match(r"\| (Keras|PyTorch) \|", line)]
    runs = json.loads(BENCHMARK.read_text(encoding="utf-8"))["runs"]
    assert len(rows) == len(runs) >= 8
    modes = {"hu": {"fast": "gyors", "full": "teljes"}, "en": {"fast": "fast", "full": "full"}}
    for row, run in zip(rows, runs):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[:2] == [{"keras": "Keras", "torch": "PyTorch"}[run["track"]], modes[lang][run["mode"]]], row
        assert numbers(" ".join(cells[2:]), lang) == [
            run["seed"], run["train_images"], run["epochs"], round(run["train_seconds"]),
            round(100 * run["t10k_accuracy"], 2)], row
