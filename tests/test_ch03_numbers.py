"""Every number and claim chapter 3 (its two pages, its lab's page, its deck and its quiz)
states is checked here, with real Keras and PyTorch layers as the oracle.

The course's reference, coursetools.cnn_arithmetic, is itself checked against the
frameworks in tests/test_cnn_arithmetic.py (all curriculum cases and random settings);
the tests here check what the pages say on top of that: the slide formula's values, Keras's
``same`` windows against PyTorch's, ``ceil_mode``, the MNIST CNN's shapes and counts, the
receptive fields measured by backpropagation, WaveNet's causal padding and the parameter
layouts. Then the number audit (coursetools.number_audit) reads the prose of every
chapter 3 page in both languages, as the manifest lists them: both state the same numbers,
and each one is a figure listed below. Last, no page of the chapter holds a line of lab 3's
solutions or hidden tests (the built site is checked for that too, but only after a build).
"""

from __future__ import annotations

import math
import os
import warnings
from functools import cache
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.cnn_arithmetic import (
    conv_out,
    conv_params,
    dense_params,
    out_size,
    receptive_field,
    same_padding,
    separable_params,
)
from coursetools.config import ROOT
from coursetools.number_audit import (
    Figure,
    Page,
    chapter,
    chapter_number,
    chapter_pages,
    check,
    computed,
    named,
    quoted,
)
from dlcourse.quiz import load_bank
from tests.test_cnn_arithmetic import CONV_1D, CONV_2D, CONV_PARAMS, POOL, RECEPTIVE
from tests.test_lab_grading import solution_lines

F = nn.functional

# The settings of the pages' examples beyond the curriculum's cases (n, k, s, p, d) -> out:
# the figure of 03_output_size.md (7 inputs, k = 3) and the ones-kernel cell (n = 6).
PAGE_CASES = {"figure, s = 1": ((7, 3, 1, 0, 1), 5), "figure, s = 2": ((7, 3, 2, 0, 1), 3),
              "figure, s = 3": ((7, 3, 3, 0, 1), 2), "figure, p = 1": ((7, 3, 2, 1, 1), 4),
              "figure, d = 2": ((7, 3, 1, 0, 2), 3), "n = 6, p = 1": ((6, 3, 2, 1, 1), 3)}
# The settings whose slide-formula value, (n - k + 2p)/s + 1, the pages quote.
SLIDE_CASES = {"C12": (7, 3, 3, 0), "C10": (32, 3, 2, 1), "C20 pooling": (11, 2, 2, 0),
               "C17c": (224, 11, 4, 0), "C14 (no dilation term)": (7, 3, 1, 0), "C5": (10, 3, 2, 1)}
# Quoted, not computed: the source slides (curriculum §1.2, §1.3, §1.5, §1.9) and papers.
QUOTED = {
    2012: "AlexNet won ImageNet (ILSVRC) in 2012: Krizhevsky et al., NIPS 2012 (curriculum §1.3)",
    2016: "WaveNet, DeepMind, September 2016 (curriculum §1.2)",
    8000: "the SmartLab WaveNet's input: the previous 8000 samples (curriculum §1.2)",
    80: "the SmartLab WaveNet's 80 dilated layers (curriculum §1.2)",
    16: "16 kHz, the SmartLab WaveNet's sample rate (0.5 s = 8000 samples; curriculum §1.2)",
    0.5: "0.5 s, the SmartLab WaveNet's input (curriculum §1.2)",
    96: "AlexNet's first layer: 96 filters of 11 x 11 x 3, stride 4 (Krizhevsky et al. 2012)",
}
WAVENET_BLOCK = ([2] * 10, [2 ** i for i in range(10)])


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    return keras


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def ones_conv(k: int, d: int = 1, s: int = 1, p: int = 0) -> nn.Conv1d:
    layer = nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)
    nn.init.ones_(layer.weight)
    return layer


def inputs_seen(*layers: nn.Module, n: int = 60) -> tuple[int, int]:
    """(the receptive field of the first output, the inputs some output sees), measured
    by backpropagating a real stack of 1-D layers."""
    x = torch.zeros(1, 1, n, requires_grad=True)
    (first,) = torch.autograd.grad(nn.Sequential(*layers)(x)[0, 0, 0], x)
    seen = torch.nonzero(first[0, 0]).flatten()
    x_all = torch.zeros(1, 1, n, requires_grad=True)
    (every,) = torch.autograd.grad(nn.Sequential(*layers)(x_all).sum(), x_all)
    return int(seen.max() - seen.min()) + 1, int((every != 0).sum())


# --- Output sizes ---------------------------------------------------------------------------

def test_the_pages_settings_match_torch_and_keras(keras) -> None:  # type: ignore[no-untyped-def]
    """The figure's five rows and the n = 6 example, in real layers of both frameworks."""
    for (n, k, s, p, d), out in PAGE_CASES.values():
        assert conv_out(n, k, s, p, d) == out
        x = torch.zeros(1, 1, n)
        assert nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d)(x).shape[-1] == out
        padded = keras.layers.ZeroPadding1D(p)(np.zeros((1, n, 1), "float32"))
        assert keras.layers.Conv1D(1, k, strides=s, dilation_rate=d)(padded).shape[1] == out
    # Stride 3 on 7 inputs never uses input 6: the windows start at 0 and 3.
    used = {start + i for start in range(0, 7 - 3 + 1, 3) for i in range(3)}
    assert used == set(range(6)) and (7 - 3) / 3 == pytest.approx(1.33, abs=0.005)
    # The next window would need inputs 6, 7 and 8.
    assert [6 + i for i in range(3)] == [6, 7, 8]


def test_the_slide_formula_falls_short() -> None:
    """(n - k + 2p)/s + 1 against the frameworks' floor((n + 2p - d(k-1) - 1)/s) + 1."""
    slide = {case: (n - k + 2 * p) / s + 1 for case, (n, k, s, p) in SLIDE_CASES.items()}
    assert round(slide["C12"], 2) == 2.33 and conv_out(7, 3, 3) == 2
    assert slide["C10"] == 16.5 and conv_out(32, 3, 2, 1) == 16
    assert slide["C20 pooling"] == 5.5 and conv_out(11, 2, 2) == 5
    assert slide["C17c"] == 54.25 and conv_out(224, 11, 4) == 54
    assert slide["C14 (no dilation term)"] == 5 and conv_out(7, 3, 1, 0, 2) == 3
    assert slide["C5"] == 5.5 and conv_out(10, 3, 2, 1, 2) == 4
    # With d = 1 the slide's value, rounded down, is right.
    for n in range(3, 40):
        for k in range(1, 6):
            for s in range(1, 5):
                for p in range(3):
                    if n + 2 * p >= k:
                        assert math.floor((n - k + 2 * p) / s + 1) == conv_out(n, k, s, p)


def test_torch_and_keras_refuse_what_the_pages_say_they_refuse(keras) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv1D(1, 3, strides=2, dilation_rate=2)
    assert nn.Conv1d(1, 1, 3, stride=2, padding=1, dilation=2)(torch.zeros(1, 1, 10)).shape[-1] == 4
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv1d(1, 1, 3, stride=2, padding="same")


def test_keras_same_puts_the_odd_zero_on_the_right(keras) -> None:  # type: ignore[no-untyped-def]
    """A kernel of ones on ones counts the inputs of each window (03_output_size.md)."""
    assert same_padding(6, 3, 2) == (3, 0, 1) and same_padding(7, 3, 2) == (4, 1, 1)
    for n, keras_counts, torch_counts in [(6, [3, 3, 2], [2, 3, 3]), (7, [2, 3, 3, 2], [2, 3, 3, 2])]:
        same = keras.layers.Conv1D(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
        assert same(np.ones((1, n, 1), "float32"))[0, :, 0].numpy().tolist() == keras_counts
        with torch.no_grad():
            assert ones_conv(3, s=2, p=1)(torch.ones(1, 1, n))[0, 0].tolist() == torch_counts
        assert math.ceil(n / 2) == len(keras_counts)
    # Keras's windows in PyTorch: pad (0, 1) by hand, then padding=0.
    with torch.no_grad():
        assert ones_conv(3, s=2)(F.pad(torch.ones(1, 1, 6), (0, 1)))[0, 0].tolist() == [3, 3, 2]
    # Stride 1, even kernel: PyTorch's padding="same" splits like Keras, the odd zero right.
    ramp = np.arange(1.0, 7.0, dtype="float32")
    first_tap = keras.layers.Conv1D(1, 4, padding="same", use_bias=False)
    first_tap.build((None, 6, 1))
    first_tap.kernel.assign(np.array([1.0, 0, 0, 0], "float32").reshape(4, 1, 1))
    torch_same = nn.Conv1d(1, 1, 4, padding="same", bias=False)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "may require a zero-padded copy"
        torch_same.weight[:] = torch.tensor([[[1.0, 0, 0, 0]]])
        torch_result = torch_same(torch.from_numpy(ramp).view(1, 1, 6))[0, 0].tolist()
    keras_result = first_tap(ramp.reshape(1, 6, 1))[0, :, 0].numpy().tolist()
    assert keras_result == torch_result == [0, 1, 2, 3, 4, 5]  # one zero left, two right
    assert same_padding(6, 4) == (6, 1, 2)


def test_pooling_and_ceil_mode(keras) -> None:  # type: ignore[no-untyped-def]
    square = torch.zeros(1, 1, 11, 11)
    assert nn.MaxPool2d(2)(square).shape[-1] == 5 and nn.MaxPool2d(2, ceil_mode=True)(square).shape[-1] == 6
    xk = np.zeros((1, 11, 11, 1), "float32")
    assert keras.layers.MaxPooling2D(2)(xk).shape[1] == 5
    assert keras.layers.MaxPooling2D(2, padding="same")(xk).shape[1] == 6
    assert out_size(11, 2, 2, ceil_mode=True) == 6
    # The window that would start in the right padding is dropped: 3, not ceil's 4.
    row = torch.arange(1.0, 6.0).reshape(1, 1, 5)
    assert nn.MaxPool1d(2, stride=2, padding=1, ceil_mode=True)(row)[0, 0].tolist() == [1, 3, 5]
    assert math.ceil((5 + 2 - 2) / 2) + 1 == 4 and out_size(5, 2, 2, 1, ceil_mode=True) == 3
    # Max pooling pads with -inf, not 0: a negative input still wins over the padding.
    assert nn.MaxPool1d(2, stride=2, padding=1)(-torch.ones(1, 1, 4))[0, 0].tolist() == [-1, -1, -1]
    # The stride defaults to the pool size in both frameworks.
    assert nn.MaxPool2d(2).stride == 2 and keras.layers.MaxPooling2D(2).strides == (2, 2)
    for (n, k, s, _, _), out in POOL.values():  # 196 -> 98, 55 -> 27, 224 -> 112, 11 -> 5
        assert nn.MaxPool1d(k, stride=s)(torch.zeros(1, 1, n)).shape[-1] == out


def test_alexnet_vgg_and_the_mnist_cnn(keras) -> None:  # type: ignore[no-untyped-def]
    conv1 = nn.Conv2d(3, 96, 11, stride=4)
    assert conv1(torch.zeros(1, 3, 224, 224)).shape[-1] == 54
    assert conv1(torch.zeros(1, 3, 227, 227)).shape[-1] == 55
    assert nn.Conv2d(3, 96, 11, stride=4, padding=2)(torch.zeros(1, 3, 224, 224)).shape[-1] == 55
    assert count(conv1) == 34_944 == (121 * 3 + 1) * 96 and 11 * 11 * 3 == 363
    assert nn.MaxPool2d(3, stride=2)(torch.zeros(1, 1, 55, 55)).shape[-1] == 27
    vgg = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.MaxPool2d(2, stride=2))
    assert vgg[0](torch.zeros(1, 3, 224, 224)).shape[-1] == 224 and vgg(torch.zeros(1, 3, 224, 224)).shape[-1] == 112
    model = mnist_cnn(keras)
    sides = [layer.output.shape[1] for layer in model.layers]
    assert sides == [26, 13, 11, 5, 3, 576, 64, 10]
    assert [layer.count_params() for layer in model.layers] == [320, 0, 18_496, 0, 36_928, 0, 36_928, 650]
    assert model.count_params() == 93_322 < 101_770 == dense_params(784, 128) + dense_params(128, 10)
    torch_cnn = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                              nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))
    assert torch_cnn(torch.zeros(1, 1, 28, 28)).shape == (1, 10) and count(torch_cnn) == 93_322
    assert 3 * 3 * 64 == 576 and dense_params(576, 64) == 36_928 and dense_params(64, 10) == 650


def mnist_cnn(keras):  # type: ignore[no-untyped-def]
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax"),
    ])


def test_the_channel_layouts(keras) -> None:  # type: ignore[no-untyped-def]
    assert tuple(keras.layers.Conv2D(32, 3)(np.zeros((8, 28, 28, 1), "float32")).shape) == (8, 26, 26, 32)
    assert tuple(nn.Conv2d(1, 32, 3)(torch.zeros(8, 1, 28, 28)).shape) == (8, 32, 26, 26)
    # 3@200 with 5@12 -> 12@196, then 2-wide pooling -> 12@98.
    assert nn.Conv1d(3, 12, 5)(torch.zeros(1, 3, 200)).shape == (1, 12, 196)
    assert nn.MaxPool1d(2)(torch.zeros(1, 12, 196)).shape == (1, 12, 98)


# --- Receptive fields -------------------------------------------------------------------------

def test_receptive_fields_measured_by_backpropagation() -> None:
    assert inputs_seen(ones_conv(3))[0] == 3
    assert inputs_seen(ones_conv(3), ones_conv(3))[0] == 5
    assert inputs_seen(*[ones_conv(3) for _ in range(3)])[0] == 7 == receptive_field([3, 3, 3])
    assert inputs_seen(*[ones_conv(3, d) for d in (1, 2, 4)])[0] == 15 == receptive_field([3, 3, 3], [1, 2, 4])
    for depth in range(1, 11):  # 2L + 1 against 2^(L+1) - 1
        plain, doubling = [3] * depth, [2 ** i for i in range(depth)]
        assert receptive_field(plain) == 2 * depth + 1
        assert receptive_field(plain, doubling) == 2 ** (depth + 1) - 1
    assert (receptive_field([3] * 10), receptive_field([3] * 10, [2 ** i for i in range(10)])) == (21, 2047)
    assert inputs_seen(*[ones_conv(3, 2 ** i) for i in range(10)], n=2100)[0] == 2047
    # Two dimensions: three 3 x 3 layers see 7 x 7, with 27 weights per channel pair, not 49.
    x = torch.zeros(1, 1, 15, 15, requires_grad=True)
    stack = nn.Sequential(*[nn.Conv2d(1, 1, 3, bias=False) for _ in range(3)])
    for layer in stack:
        nn.init.ones_(layer.weight)
    (grad,) = torch.autograd.grad(stack(x)[0, 0, 0, 0], x)
    assert int((grad != 0).sum()) == 7 * 7 and count(stack) == 3 * 9 == 27 and 7 * 7 == 49


def test_strides_and_pooling_in_the_receptive_field() -> None:
    assert inputs_seen(ones_conv(3), nn.AvgPool1d(2), ones_conv(3))[0] == 8
    assert receptive_field([3, 2, 3], strides=[1, 2, 1]) == 8 == 1 + 2 + 1 + 2 * 2
    mnist_axis = [ones_conv(3), nn.AvgPool1d(2), ones_conv(3), nn.AvgPool1d(2), ones_conv(3)]
    assert inputs_seen(*mnist_axis, n=28) == (18, 26)  # the last two inputs are never seen
    assert receptive_field([3, 2, 3, 2, 3], strides=[1, 2, 1, 2, 1]) == 18 == 1 + 2 + 1 + 2 * 2 + 1 * 2 + 2 * 4
    # A max's gradient reaches only one input per window: it would hide the field.
    x = torch.zeros(1, 1, 28, requires_grad=True)
    (grad,) = torch.autograd.grad(nn.Sequential(ones_conv(3), nn.MaxPool1d(2), ones_conv(3))(x)[0, 0, 0], x)
    assert int((grad != 0).sum()) < 8


def test_wavenet_causal_and_dilated() -> None:
    k, d, n = 2, 512, 16_000
    assert d * (k - 1) == 512 and conv_out(n + 512, k, d=d) == n
    layer = nn.Conv1d(1, 1, k, dilation=d)
    signal = torch.randn(1, 1, n, generator=torch.Generator().manual_seed(0))
    later_changed = signal.clone()
    later_changed[..., n // 2:] = 0
    with torch.no_grad():
        before, after = (layer(F.pad(x, (d * (k - 1), 0))) for x in (signal, later_changed))
    assert before.shape[-1] == n and torch.equal(before[..., : n // 2], after[..., : n // 2])
    assert receptive_field(*WAVENET_BLOCK) == 1024 == 1 + sum(WAVENET_BLOCK[1])
    assert sum(WAVENET_BLOCK[1]) == 1023 and len(WAVENET_BLOCK[0]) == 10 and max(WAVENET_BLOCK[1]) == 512
    eight = (WAVENET_BLOCK[0] * 8, WAVENET_BLOCK[1] * 8)
    assert len(eight[0]) == 80 and receptive_field(*eight) == 8185 == 1 + 8 * 1023 >= 8000
    assert receptive_field([2] * 80) == 81
    assert 16_000 * 0.5 == 8000  # half a second at 16 kHz
    # The figure: four causal layers, k = 2, dilations 1, 2, 4, 8.
    causal = [ones_conv(2, d) for d in (1, 2, 4, 8)]
    assert inputs_seen(*causal)[0] == 16 == receptive_field([2] * 4, [1, 2, 4, 8])


def test_keras_causal_padding_keeps_the_length_and_the_past(keras) -> None:  # type: ignore[no-untyped-def]
    n = 16_000
    signal = np.random.default_rng(0).normal(size=(1, n, 1)).astype("float32")
    later_changed = signal.copy()
    later_changed[0, n // 2:] = 0
    causal = keras.layers.Conv1D(1, 2, dilation_rate=512, padding="causal")
    before, after = causal(signal).numpy(), causal(later_changed).numpy()
    assert before.shape[1] == n and np.array_equal(before[0, : n // 2], after[0, : n // 2])


# --- Parameter counts ---------------------------------------------------------------------------

def test_parameter_counts_and_layouts(keras) -> None:  # type: ignore[no-untyped-def]
    for (kernel, c_in, c_out), expected in CONV_PARAMS.values():
        assert conv_params(kernel, c_in, c_out) == expected
    assert (9 * 1 + 1) * 32 == 320 and (9 * 32 + 1) * 64 == 18_496 and (9 * 64 + 1) * 64 == 36_928
    conv1d = keras.layers.Conv1D(12, 5)
    conv1d.build((None, 200, 3))
    torch_conv1d = nn.Conv1d(3, 12, 5)
    assert tuple(conv1d.kernel.shape) == (5, 3, 12) and tuple(torch_conv1d.weight.shape) == (12, 3, 5)
    assert conv1d.count_params() == count(torch_conv1d) == 192 == 5 * 3 * 12 + 12
    assert conv1d.kernel.numpy().size == 180
    # permute(2, 1, 0) moves Keras's kernel into PyTorch's layout: the same outputs.
    x = np.random.default_rng(1).normal(size=(1, 200, 3)).astype("float32")
    with torch.no_grad():
        torch_conv1d.weight[:] = torch.from_numpy(conv1d.kernel.numpy()).permute(2, 1, 0)
        torch_conv1d.bias[:] = torch.from_numpy(conv1d.bias.numpy())
        moved = torch_conv1d(torch.from_numpy(x).permute(0, 2, 1)).permute(0, 2, 1).numpy()
    assert np.allclose(moved, conv1d(x).numpy(), atol=1e-5)
    separable = keras.layers.SeparableConv2D(64, 3)
    separable.build((None, 13, 13, 32))
    assert [tuple(w.shape) for w in separable.weights] == [(3, 3, 32, 1), (1, 1, 32, 64), (64,)]
    depthwise, pointwise = nn.Conv2d(32, 32, 3, groups=32, bias=False), nn.Conv2d(32, 64, 1)
    assert separable.count_params() == count(depthwise) + count(pointwise) == 2_400 == separable_params(3, 32, 64)
    assert 9 * 32 + 32 * 64 + 64 == 2_400 and round(18_496 / 2_400, 1) == 7.7
    # The image size is not in the count.
    for side in (28, 224):
        layer = keras.layers.Conv2D(32, 3)
        layer.build((None, side, side, 1))
        assert layer.count_params() == 320


# --- The quiz -----------------------------------------------------------------------------------

def test_quiz_answers_are_what_the_frameworks_say() -> None:
    """The bank's answers against the layers (questions the bank no longer has are skipped)."""
    expected = {
        "conv-out-no-padding": str(nn.Conv2d(1, 1, 3)(torch.zeros(1, 1, 28, 28)).shape[-1]),
        "dilated-span": "7×7",
        "stride-floor": str(nn.Conv1d(1, 1, 3, stride=3)(torch.zeros(1, 1, 7)).shape[-1]),
        "same-padding": str(2),  # p = d(k-1)/2 for k = 3, d = 2
        "same-padding-split": "0 and 1",
        "pool-ceil-mode": str(nn.MaxPool2d(2, ceil_mode=True)(torch.zeros(1, 1, 11, 11)).shape[-1]),
        "receptive-field": 15,
        "separable-params": separable_params(3, 32, 64),
    }
    assert nn.Conv1d(1, 1, 3, dilation=2, padding=2)(torch.zeros(1, 1, 9)).shape[-1] == 9
    assert inputs_seen(*[ones_conv(3, d) for d in (1, 2, 4)])[0] == 15
    bank = {q.id: q for q in load_bank("ch03")}
    checked = [qid for qid in expected if qid in bank]
    assert len(checked) >= 5, sorted(bank)
    for qid in checked:
        question, value = bank[qid], expected[qid]
        if isinstance(value, str):
            assert question.answer_text("en") == value, qid
        else:
            assert question.answer() == value, qid


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

@cache
def figures() -> list[Figure]:
    """The figures chapter 3 may state: quoted ones, the curriculum's cases as the reference
    computes them (checked against the frameworks in tests/test_cnn_arithmetic.py), and those
    the tests above compute."""
    cases = {**CONV_1D, **CONV_2D, **POOL, **PAGE_CASES}
    found = [
        *quoted(QUOTED),
        *[Figure(float(v), f"{case}: (n, k, s, p, d) = {args} -> {out} (test_cnn_arithmetic, "
                           "test_the_pages_settings_match_torch_and_keras)")
          for case, (args, out) in cases.items() for v in (*args, out)],
        *[Figure(float(v), f"{case} (test_cnn_arithmetic)") for case, ((kernels, dilations), field)
          in RECEPTIVE.items() for v in (*kernels[:3], *(dilations or [1])[:3], field)],
        *[Figure(float(v), f"{case} (test_parameter_counts_and_layouts)") for case, (args, params)
          in CONV_PARAMS.items() for v in (*[a for a in args if isinstance(a, int)], params)],
        *computed("the slide formula's values (test_the_slide_formula_falls_short)",
                  *[(n - k + 2 * p) / s + 1 for n, k, s, p in SLIDE_CASES.values()], (7 - 3) / 3),
        *computed("the inputs the stride-3 window would need (test_the_pages_settings_match_torch_and_keras)",
                  6, 7, 8),
        *computed("the windows of Keras's same and PyTorch's padding=1, and the odd zero "
                  "(test_keras_same_puts_the_odd_zero_on_the_right)", 0, 1, 2, 3, 4, 6),
        *computed("pooling (test_pooling_and_ceil_mode)", 5, 6, 11, 13, 26),
        *computed("AlexNet, VGG and the MNIST CNN (test_alexnet_vgg_and_the_mnist_cnn)",
                  54, 55, 227, 121, 363, 64, 576, 650, 93_322, 101_770, 320, 18_496, 36_928,
                  34_944),
        *computed("the layouts: 3@200 -> 12@196 (test_the_channel_layouts)", 8, 12, 200, 196),
        *computed("receptive fields (test_receptive_fields_measured_by_backpropagation)",
                  5, 7, 15, 9, 21, 2047, 27, 49),
        *computed("strides and pooling in the receptive field (test_strides_and_pooling_in_the_"
                  "receptive_field)", 8, 18, 28),
        *computed("WaveNet (test_wavenet_causal_and_dilated)", 16_000, 512, 1024, 1023, 8185, 81,
                  10, 16),
        *computed("parameter layouts (test_parameter_counts_and_layouts)", 180, 2_400,
                  18_496 / 2_400, 9, 32, 64),
        chapter_number("ch02"), chapter_number("ch03"),
        *named({"chapter 4": 4}, "CNN architectures, the chapter that trains the MNIST CNN and "
               "counts batch normalisation (curriculum map, section 2: the chapters)"),
    ]
    return found


@pytest.mark.parametrize("page", chapter_pages("ch03"), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter."""
    check(page, figures())


def test_the_chapter_has_its_pages_and_its_slides_link() -> None:
    found = chapter("ch03")
    assert list(found.pages) == ["03_output_size", "03_receptive_field"]
    for lang in ("hu", "en"):
        assert found.page_with(lang, f"slides/{found.deck}.html") == "03_output_size"
        assert "```{quiz} ch03\n```" in (ROOT / "book" / lang / "03_receptive_field.md").read_text()


def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """The pages teach the arithmetic with inline expressions: no line of lab 3's solutions
    or hidden tests appears in their sources (the built site gets the same check)."""
    secrets = {line for name in chapter("ch03").lab.assignments()  # type: ignore[union-attr]
               for line in solution_lines(ROOT / "labs" / name / f"{name}.ipynb")}
    assert len(secrets) > 20
    sources = [path for page in chapter_pages("ch03") for path in (page.hu, page.en)]
    sources += [ROOT / "dlcourse" / "text_ch03.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"


def test_the_pages_code_runs_with_real_layers(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every code cell of the chapter's pages runs (the build runs them too, but only in a
    full build) and prints what the prose says."""
    import contextlib
    import io

    import matplotlib

    from coursetools.sources import read_notebook

    matplotlib.use("Agg")
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    printed = {}
    for name in chapter("ch03").pages:
        namespace: dict[str, Any] = {}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for cell in read_notebook(ROOT / "book" / "en" / f"{name}.md").cells:
                if cell.cell_type == "code":
                    exec(cell.source, namespace)
        printed[name] = out.getvalue()
    assert "same: 3 outputs, zeros: 0 on the left, 1 on the right" in printed["03_output_size"]
    assert "[3, 3, 2]" in printed["03_output_size"] and "[2, 3, 3]" in printed["03_output_size"]
    assert "[1, 3, 5]" in printed["03_output_size"]
    assert " 2.33        2        2      2" in printed["03_output_size"]
    assert "of the 28 inputs, some output sees 26" in printed["03_receptive_field"]
    assert printed["03_receptive_field"].rstrip().endswith("93322")
