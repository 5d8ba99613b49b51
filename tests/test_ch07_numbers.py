"""Every number and claim chapter 7's pages state is checked here, with real Keras and PyTorch
(and TensorFlow, for the slides' own example) as the oracle.

First the course's NumPy reference, coursetools.conv1d_reference, which lab 7's hidden tests
use as their oracle: it must agree with ``keras.layers.Conv1D`` and ``torch.nn.Conv1d`` on
the same weights (Keras's kernel (k, C_in, C_out), permuted to PyTorch's (C_out, C_in, k))
for strides 1-3, dilations 1-3, paddings valid/same/causal/an integer, kernel sizes 1-5 and
1-4 channels in and out. Then the page on sequences: the targets, the leak of a random split
against a split in time, the gesture example (26,000 / 8760 GPU-years), the offline
recordings and the two layouts. The page on the convolution: the output-length formula, the
slides' TensorFlow example and the true convolution, the gesture layer (12@196, 192
parameters, 12@98), the slides' Keras-1 snippet, causal and dilated stacks (their receptive
field measured by changing one input and seeing which outputs move), WaveNet's timing and
the benchmark (benchmarks/results/lab07_conv1d.json). Then the pages' own code is run in both
languages, the number audit (coursetools.number_audit) reads the prose of the book pages,
the lab's page and the deck (once both languages of it exist), and last, no page of the
chapter holds a line of lab 7's solutions or hidden tests.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import statistics
from functools import cache
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from coursetools.config import ROOT
from coursetools.conv1d_reference import conv1d, conv1d_params, padding_of
from coursetools.number_audit import (
    Figure,
    Page,
    chapter,
    chapter_number,
    check,
    computed,
    constants,
    pages_of,
    quoted,
)
from dlcourse import landscape
from tests.page_code import run_cells
from tests.test_lab_grading import solution_lines

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

BOOK_PAGES = ("07_sequences", "07_conv1d")
LAB_PAGE = "lab07_conv1d"
DECK = "07_sequences"
BENCHMARK = ROOT / "benchmarks" / "results" / "lab07_conv1d.json"
BENCHMARK_LINE = ('benchmark = Path(sequences.__file__).resolve().parents[1] / "benchmarks" / "results" / '
                  '"lab07_conv1d.json"')
GRADED = ("conv1d", "framework_conv1d", "build_model", "accuracy", "causal_stack")
PADDINGS = ("valid", "same", "causal", 0, 1, 2)
QUOTED = {
    2016: "WaveNet, DeepMind, September 2016 (curriculum §1.2; dlcourse.landscape.WAVENET_YEAR)",
    2017: "the three rounds of paid gesture recordings, 2017 (curriculum §1.2; dlcourse.landscape.GESTURE_RECORDINGS)",
    12: "12-TFLOPS GPUs (curriculum §1.2: the gesture models' and the SmartLab WaveNet's GPUs)",
    3: "the three kinds of sequence data, three challenges, three recording rounds (curriculum §1.9, §1.2)",
    5: "the five kinds of target variable the slides list (curriculum §1.9)",
}


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    import keras

    return keras


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# --- The reference against the frameworks ----------------------------------------------------

def keras_conv1d(keras: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
                 padding: int | str, dilation: int) -> np.ndarray:
    """Keras's Conv1D on a batch (batch, time, channels) with the kernel w (k, C_in, C_out); an
    integer padding as ZeroPadding1D before a valid layer."""
    if isinstance(padding, int):
        x = keras.ops.convert_to_numpy(keras.layers.ZeroPadding1D(padding)(x))
        padding = "valid"
    layer = keras.layers.Conv1D(w.shape[2], w.shape[0], strides=stride, dilation_rate=dilation, padding=padding)
    layer.build((None, None, w.shape[1]))
    layer.set_weights([w.astype("float32"), b.astype("float32")])
    return keras.ops.convert_to_numpy(layer(x.astype("float32")))


def torch_conv1d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int | str,
                 dilation: int) -> np.ndarray:
    """torch's Conv1d on the same batch, in (batch, channels, time) and with the weight
    permuted to (C_out, C_in, k): an integer as its own padding, "causal" as d(k-1) zeros on
    the left, "same" as its own padding="same" (stride 1) or as Keras's zeros (stride > 1)."""
    k, c_in, c_out = w.shape
    inputs = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1), dtype=np.float32))
    own: int | str = 0
    if isinstance(padding, int):
        own = padding
    elif padding == "causal":
        inputs = F.pad(inputs, (dilation * (k - 1), 0))
    elif padding == "same" and stride == 1:
        own = "same"
    elif padding == "same":
        inputs = F.pad(inputs, padding_of(x.shape[1], k, "same", stride, dilation))
    layer = nn.Conv1d(c_in, c_out, k, stride=stride, padding=own, dilation=dilation)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.transpose(2, 1, 0), dtype=np.float32)))
        layer.bias.copy_(torch.from_numpy(b.astype(np.float32)))
        return layer(inputs).numpy().transpose(0, 2, 1)


def settings() -> list[tuple[int, int, int | str, int, int, int, int]]:
    """Every (stride, dilation, padding, k) with 1-4 channels in and out, drawn so that each
    channel count is used; and the number of steps."""
    draw = np.random.default_rng(7)
    found = []
    for i, (stride, dilation, padding, k) in enumerate(itertools.product((1, 2, 3), (1, 2, 3), PADDINGS,
                                                                        range(1, 6))):
        c_in, c_out = i % 4 + 1, (i // 4) % 4 + 1
        steps = int(draw.integers(dilation * (k - 1) + 1, 21))
        found.append((stride, dilation, padding, k, c_in, c_out, max(steps, 3)))
    return found


def test_the_settings_cover_the_grid() -> None:
    cases = settings()
    assert len(cases) == 3 * 3 * 6 * 5
    assert {c[4] for c in cases} == {c[5] for c in cases} == {1, 2, 3, 4}
    assert {(c[0], c[1], c[2], c[3]) for c in cases} == set(itertools.product((1, 2, 3), (1, 2, 3), PADDINGS,
                                                                             range(1, 6)))


def test_the_reference_matches_keras_and_torch(keras) -> None:  # type: ignore[no-untyped-def]
    draw = np.random.default_rng(0)
    keras_checked = torch_checked = 0
    for stride, dilation, padding, k, c_in, c_out, steps in settings():
        x = draw.normal(size=(2, steps, c_in))
        w, b = draw.normal(size=(k, c_in, c_out)), draw.normal(size=c_out)
        x32, w32, b32 = (a.astype(np.float32).astype(np.float64) for a in (x, w, b))
        ours = conv1d(x32, w32, b32, stride, padding, dilation)
        where = (stride, dilation, padding, k, c_in, c_out, steps)
        torch_out = torch_conv1d(x32, w32, b32, stride, padding, dilation)
        assert torch_out.shape == ours.shape, where
        assert np.allclose(torch_out, ours, atol=1e-5), where
        torch_checked += 1
        if stride > 1 and dilation > 1:  # Keras refuses the combination
            with pytest.raises(ValueError, match="dilation_rate"):
                keras_conv1d(keras, x32, w32, b32, stride, padding, dilation)
            continue
        keras_out = keras_conv1d(keras, x32, w32, b32, stride, padding, dilation)
        assert keras_out.shape == ours.shape, where
        assert np.allclose(keras_out, ours, atol=1e-5), where
        keras_checked += 1
        # One item, without a batch axis, is the same.
        assert np.allclose(conv1d(x32[0], w32, b32, stride, padding, dilation), ours[0])
    assert torch_checked == 270 and keras_checked == 270 - 2 * 2 * 6 * 5
    # No bias: the sum alone; a pair of paddings as given.
    x, w = draw.normal(size=(9, 2)), draw.normal(size=(3, 2, 2))
    assert np.allclose(conv1d(x, w, None, 1, (2, 1)), conv1d(np.pad(x, ((2, 1), (0, 0))), w))
    with pytest.raises(ValueError):
        conv1d(np.zeros((5, 1)), np.zeros((3, 1, 1)), dilation=3)  # a span of 7 on 5 steps


def test_the_padding_rules() -> None:
    """Keras's same (ceil(T/s) outputs, the odd zero right), causal d(k-1) on the left."""
    for steps in range(3, 30):
        for k in range(1, 6):
            for stride in (1, 2, 3):
                left, right = padding_of(steps, k, "same", stride)
                assert right - left in (0, 1)
                assert conv1d(np.zeros((steps, 1)), np.zeros((k, 1, 1)), stride=stride,
                              padding="same").shape[0] == -(-steps // stride)
            for dilation in (1, 2, 3):
                assert padding_of(steps, k, "causal", dilation=dilation) == (dilation * (k - 1), 0)
                assert conv1d(np.zeros((steps, 1)), np.zeros((k, 1, 1)), padding="causal",
                              dilation=dilation).shape[0] == steps
    assert padding_of(16_000, 2, "causal", dilation=512) == (512, 0)
    assert conv1d_params(5, 3, 12) == 192 and conv1d_params(5, 3, 12, bias=False) == 180


# --- 07_conv1d: the examples -----------------------------------------------------------------

def out_length(steps: int, k: int, stride: int = 1, left: int = 0, right: int = 0, dilation: int = 1) -> int:
    return (steps + left + right - dilation * (k - 1) - 1) // stride + 1


# The page's table: (steps, k, stride, dilation, Keras's padding, the same zeros) -> outputs.
LENGTHS = [((200, 5, 1, 1, "valid", (0, 0)), 196), ((100, 7, 3, 1, "valid", (0, 0)), 32),
           ((5, 3, 1, 1, "same", (1, 1)), 5), ((7, 3, 2, 1, "same", (1, 1)), 4),
           ((20, 3, 1, 2, "causal", (4, 0)), 20), ((16_000, 2, 1, 512, "causal", (512, 0)), 16_000)]


def test_the_output_lengths(keras) -> None:  # type: ignore[no-untyped-def]
    for (steps, k, stride, dilation, padding, (left, right)), expected in LENGTHS:
        assert out_length(steps, k, stride, left, right, dilation) == expected
        assert padding_of(steps, k, padding, stride, dilation) == (left, right)
        layer = keras.layers.Conv1D(1, k, strides=stride, dilation_rate=dilation, padding=padding)
        assert layer(np.zeros((1, steps, 1), "float32")).shape[1] == expected
        torch_layer = nn.Conv1d(1, 1, k, stride=stride, dilation=dilation)
        assert torch_layer(F.pad(torch.zeros(1, 1, steps), (left, right))).shape[-1] == expected
    # The figure: 6 inputs, k = 3: valid 4, same 6, causal 6; valid is d(k-1) = 2 shorter.
    assert [out_length(6, 3, 1, *pads) for pads in ((0, 0), (1, 1), (2, 0))] == [4, 6, 6]
    assert out_length(200, 5) == 200 - 1 * (5 - 1) == 196


def test_the_tensorflow_example(keras) -> None:  # type: ignore[no-untyped-def]
    import tensorflow as tf

    x, f = np.array([0, 0, 0, 0, 1], "float32"), np.array([0, 0.5, 1], "float32")
    # The slides' form: x as [batch, x, y, depth] = (1, 1, 5, 1), f as [fx, fy, depth, filter_depth] = (1, 3, 1, 1).
    slide = tf.nn.conv2d(x.reshape(1, 1, 5, 1), f.reshape(1, 3, 1, 1), strides=1, padding="SAME")
    assert slide.numpy().ravel().tolist() == [0, 0, 0, 1, 0.5]
    layer = keras.layers.Conv1D(1, 3, padding="same", use_bias=False)
    layer.build((None, 5, 1))
    layer.set_weights([f.reshape(3, 1, 1)])
    assert keras.ops.convert_to_numpy(layer(x.reshape(1, 5, 1))).ravel().tolist() == [0, 0, 0, 1, 0.5]
    torch_layer = nn.Conv1d(1, 1, 3, padding=1, bias=False)
    with torch.no_grad():
        torch_layer.weight[:] = torch.from_numpy(f).view(1, 1, 3)
        assert torch_layer(torch.from_numpy(x).view(1, 1, 5)).numpy().ravel().tolist() == [0, 0, 0, 1, 0.5]
    assert conv1d(x[:, None], f[:, None, None], padding="same")[:, 0].tolist() == [0, 0, 0, 1, 0.5]
    # The true convolution flips the filter: [0, 0, 0, 0, 0.5].
    assert np.convolve(x, f, mode="same").tolist() == [0, 0, 0, 0, 0.5]
    layer.set_weights([f[::-1].reshape(3, 1, 1)])
    assert keras.ops.convert_to_numpy(layer(x.reshape(1, 5, 1))).ravel().tolist() == [0, 0, 0, 0, 0.5]
    # The page's sums: output 4 is 0*0 + 0.5*0 + 1*1, output 5 is 0*0 + 0.5*1 + 1*0.
    padded = np.pad(x, 1)
    assert padded.tolist() == [0, 0, 0, 0, 0, 1, 0] and f @ padded[3:6] == 1 and f @ padded[4:7] == 0.5
    assert f[::-1] @ padded[3:6] == 0 and f[::-1].tolist() == [1, 0.5, 0]


def test_the_gesture_layer(keras) -> None:  # type: ignore[no-untyped-def]
    model = keras.Sequential([keras.Input((200, 3)), keras.layers.Conv1D(12, 5),
                              keras.layers.MaxPooling1D(pool_size=2, strides=2)])
    conv, pool = model.layers
    assert tuple(conv.output.shape) == (None, 196, 12) and tuple(pool.output.shape) == (None, 98, 12)
    assert tuple(conv.kernel.shape) == (5, 3, 12) and model.count_params() == conv.count_params() == 192
    torch_conv, torch_pool = nn.Conv1d(3, 12, 5), nn.MaxPool1d(kernel_size=2, stride=2)
    out = torch_conv(torch.zeros(1, 3, 200))
    assert tuple(out.shape) == (1, 12, 196) and tuple(torch_pool(out).shape) == (1, 12, 98)
    assert tuple(torch_conv.weight.shape) == (12, 3, 5) and count(torch_conv) == 192 == conv1d_params(5, 3, 12)
    assert 5 * 3 * 12 + 12 == 192 and 5 * 3 == 15 and 5 * 3 * 12 == 180 and 200 - 5 + 1 == 196 and 196 // 2 == 98
    assert conv1d(np.zeros((200, 3)), np.zeros((5, 3, 12))).shape == (196, 12)
    # The same weights, permuted (2, 1, 0), give the same outputs.
    x = np.random.default_rng(1).normal(size=(1, 200, 3)).astype("float32")
    with torch.no_grad():
        torch_conv.weight[:] = torch.from_numpy(keras.ops.convert_to_numpy(conv.kernel)).permute(2, 1, 0)
        torch_conv.bias[:] = torch.from_numpy(keras.ops.convert_to_numpy(conv.bias))
        moved = torch_pool(torch_conv(torch.from_numpy(x).permute(0, 2, 1))).permute(0, 2, 1).numpy()
    assert np.allclose(moved, keras.ops.convert_to_numpy(model(x)), atol=1e-5)
    # The count does not depend on the length.
    for steps in (50, 200, 1000):
        layer = keras.layers.Conv1D(12, 5)
        layer.build((None, steps, 3))
        assert layer.count_params() == 192


def test_the_slides_keras_snippet(keras) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="border_mode"):
        keras.layers.Conv1D(12, 5, border_mode="same")
    wrong = keras.Sequential([keras.Input((3, 200)), keras.layers.Conv1D(12, 5, padding="same")])
    right = keras.Sequential([keras.Input((200, 3)), keras.layers.Conv1D(12, 5, padding="same")])
    assert wrong.output_shape == (None, 3, 12) and wrong.count_params() == 12_012 == 5 * 200 * 12 + 12
    assert right.output_shape == (None, 200, 12) and right.count_params() == 192
    with pytest.raises(ValueError):  # without padding, a filter of 5 does not fit 3 "steps"
        keras.Sequential([keras.Input((3, 200)), keras.layers.Conv1D(12, 5)])
    # PyTorch's order: in_channels, out_channels, kernel_size, stride.
    layer = nn.Conv1d(3, 12, 5, 1)
    assert (layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride) == (3, 12, (5,), (1,))


def test_the_layouts(keras) -> None:  # type: ignore[no-untyped-def]
    from dlcourse.sequences import offline_gestures, to_channels_first, to_channels_last

    batch = offline_gestures().x_train[:8]
    first = to_channels_first(batch)
    tensor = torch.from_numpy(batch).permute(0, 2, 1)
    assert batch.shape == (8, 200, 7) and first.shape == tuple(tensor.shape) == (8, 7, 200)
    assert np.array_equal(tensor.numpy(), first) and np.array_equal(to_channels_last(first), batch)
    assert np.shares_memory(first, batch) and np.shares_memory(tensor.numpy(), batch)  # views, not copies
    assert tuple(keras.layers.Conv1D(12, 5)(batch).shape) == (8, 196, 12)
    assert tuple(nn.Conv1d(7, 12, 5)(tensor).shape) == (8, 12, 196)
    with pytest.raises(RuntimeError, match="channels"):
        nn.Conv1d(7, 12, 5)(torch.from_numpy(batch))
    assert tuple(keras.layers.Conv1D(12, 5)(first).shape) == (8, 3, 12)  # 7 "steps": 7 - 5 + 1


# --- Causal and dilated stacks, measured by changing one input --------------------------------

def moved_outputs(stack: Any, steps: int, t: int, channels: int = 1, zeros: bool = False) -> np.ndarray:
    """Which outputs of a causal stack change when input t changes (a torch module on
    (1, channels, steps) float64, or a Keras model on (1, steps, channels)); the other
    inputs random, or zeros."""
    series = np.zeros((1, steps, channels)) if zeros else np.random.default_rng(t).normal(size=(1, steps, channels))
    changed = series.copy()
    changed[0, t] += 1.0
    if isinstance(stack, nn.Module):
        with torch.no_grad():
            before, after = (stack(torch.from_numpy(s.transpose(0, 2, 1).copy())).numpy().transpose(0, 2, 1)
                             for s in (series, changed))
    else:
        before, after = (np.asarray(stack(s.astype("float32")), dtype=np.float64) for s in (series, changed))
    assert before.shape == series.shape  # causal padding keeps the length
    return np.flatnonzero(np.abs(after - before).max(axis=2)[0] > 0)


def torch_stack(dilations: list[int], channels: int = 1, k: int = 2, ones: bool = False) -> nn.Module:
    parts: list[nn.Module] = []
    for d in dilations:
        conv = nn.Conv1d(channels, channels, k, dilation=d, bias=not ones).double()
        if ones:
            nn.init.ones_(conv.weight)
        parts += [nn.ConstantPad1d((d * (k - 1), 0), 0.0), conv] + ([] if ones else [nn.Tanh()])
    return nn.Sequential(*parts)


def test_the_receptive_field_of_a_causal_stack_by_perturbation(keras) -> None:  # type: ignore[no-untyped-def]
    torch.manual_seed(0)
    keras.utils.set_random_seed(0)
    dilations = [1, 2, 4, 8]
    field = 1 + (2 - 1) * sum(dilations)
    assert field == 16 == 2 ** len(dilations)
    keras_stack = keras.Sequential([keras.Input((None, 3))] + [
        keras.layers.Conv1D(3, 2, dilation_rate=d, padding="causal", activation="tanh") for d in dilations])
    for stack, channels in ((torch_stack(dilations, 3), 3), (keras_stack, 3)):
        for t in (20, 40):
            moved = moved_outputs(stack, 64, t, channels)
            assert moved.min() == t and moved.max() == t + field - 1, (type(stack), t, moved)
    # Kernel 3: 1 + 2 * 15 = 31.
    assert moved_outputs(torch_stack(dilations, 2, k=3), 80, 30, 2).max() == 30 + 1 + 2 * 15 - 1
    # One block of WaveNet, dilations 1 ... 512: 1024; without dilation, 10 layers see 11.
    block = [2 ** i for i in range(10)]
    assert sum(block) == 1023 and max(block) == 512
    assert moved_outputs(torch_stack(block), 1100, 0).max() + 1 == 1024
    assert moved_outputs(torch_stack([1] * 10), 30, 0).max() + 1 == 11
    # Eight such blocks, 80 layers: 8185 >= 8000; 80 layers without dilation: 81. A kernel of
    # ones on zeros counts the paths from the changed input, so no change can cancel or drown.
    eight = moved_outputs(torch_stack(block * 8, ones=True), 8300, 0, zeros=True)
    assert eight.max() + 1 == 8185 == 1 + 8 * 1023 and len(block * 8) == 80 and 8185 >= 8000
    assert moved_outputs(torch_stack([1] * 80, ones=True), 100, 0, zeros=True).max() + 1 == 81
    # Left padding d(k - 1); the field 1 + (k - 1) * sum(d) doubles with each layer.
    fields = list(itertools.accumulate(block, initial=1))[1:]
    assert fields == [2 ** (i + 1) for i in range(10)] and 8000 - 1 == 7999
    for dilation in block:
        assert padding_of(100, 2, "causal", dilation=dilation) == (dilation, 0)


def test_a_causal_layer_on_a_ramp(keras) -> None:  # type: ignore[no-untyped-def]
    ramp = np.array([1, 2, 3, 4, 5], dtype="float32")
    layer = keras.layers.Conv1D(1, 2, dilation_rate=2, padding="causal", use_bias=False, kernel_initializer="ones")
    assert keras.ops.convert_to_numpy(layer(ramp.reshape(1, 5, 1))).ravel().tolist() == [1, 2, 4, 6, 8]
    conv = nn.Conv1d(1, 1, 2, dilation=2, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        assert conv(F.pad(torch.from_numpy(ramp).view(1, 1, 5), (2, 0))).numpy().ravel().tolist() == [1, 2, 4, 6, 8]
    assert conv1d(ramp[:, None], np.ones((2, 1, 1)), padding="causal", dilation=2)[:, 0].tolist() == [1, 2, 4, 6, 8]


def test_wavenet_timing_and_quiz_padding(keras) -> None:  # type: ignore[no-untyped-def]
    rate, ms = landscape.WAVENET_SAMPLE_RATE_HZ, landscape.WAVENET_MS_PER_SAMPLE
    assert (rate, ms, landscape.WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND) == (16_000, 7.5, 12)
    assert rate * ms / 1000 == 120 and 12 / rate * 1000 == 0.75 and 120 / 12 == 10
    assert landscape.WAVENET_CONTEXT_SAMPLES == 8000 == rate * 0.5
    assert (landscape.WAVENET_DILATED_LAYERS, landscape.WAVENET_PARAMETERS_MILLIONS) == (80, 1.2)
    assert (landscape.WAVENET_TRAINING_SPEECH_HOURS, landscape.WAVENET_TRAINING_WEEKS) == (25, 4)
    # Causal, k = 2, d = 512: 512 zeros on the left keep 16,000 samples (the quiz's question).
    layer = keras.layers.Conv1D(1, 2, dilation_rate=512, padding="causal")
    assert layer(np.zeros((1, 16_000, 1), "float32")).shape[1] == 16_000
    assert 512 * (2 - 1) == 512


# --- 07_sequences: the numbers -----------------------------------------------------------------

def test_the_gesture_example(keras) -> None:  # type: ignore[no-untyped-def]
    assert landscape.GESTURE_INPUT_SHAPE == (200, 7) and landscape.GESTURE_WINDOW_SECONDS == (1, 2)
    assert landscape.GESTURE_MODEL_PARAMETERS == (632_834, 286_498) and landscape.GESTURE_ACCURACY_PERCENT == 99
    assert [r[:2] for r in landscape.GESTURE_RECORDINGS] == [(60, 12), (420, 50), (1000, 100)]
    assert landscape.HOURS_PER_YEAR == 8760 == 365 * 24
    years = landscape.GESTURE_GPU_HOURS / landscape.HOURS_PER_YEAR
    assert landscape.GESTURE_GPU_HOURS == 26_000 and round(years, 2) == 2.97 and round(years) == 3
    # 200 x 7 = 1,400 inputs; a dense layer of 64 units on them: (1400 + 1) * 64.
    dense = keras.layers.Dense(64)
    dense.build((None, 200 * 7))
    assert dense.count_params() == 89_664 == (1_400 + 1) * 64
    # A phone records some hundred steps a second: 200 steps in 1-2 s.
    assert [200 / s for s in landscape.GESTURE_WINDOW_SECONDS] == [200, 100]


def test_the_offline_recordings_and_the_split() -> None:
    import inspect

    from dlcourse import sequences

    data = sequences.offline_gestures()
    assert data.x_train.shape == (1_200, 200, 7) and data.x_test.shape == (400, 200, 7)
    assert (sequences.STEPS, sequences.CHANNELS) == (200, 7)
    assert len(sequences.HAR_SIGNALS) == 9 and len(sequences.HAR_CLASSES["en"]) == 6
    assert "length = 40" in inspect.getsource(sequences.synthetic_gestures)
    assert inspect.signature(sequences.split_in_time).parameters["fractions"].default == (0.7, 0.15)
    parts = sequences.split_in_time(np.arange(2_000))
    assert [len(p) for p in parts] == [1_400, 300, 300]
    assert np.array_equal(np.concatenate(parts), np.arange(2_000))  # consecutive, oldest first


def test_a_random_split_leaks_and_a_split_in_time_does_not() -> None:
    from dlcourse.sequences import split_in_time, windows

    draw = np.random.default_rng(0)
    walk = np.cumsum(draw.normal(size=2000))
    m = 50
    x, y = windows(walk, m, 1, horizon=1)
    assert len(x) == 1950
    order = draw.permutation(len(x))
    train, test = set(order[:1365].tolist()), order[1657:]
    assert len(test) == 293
    assert all(any(abs(j - k) < m for j in range(k - m + 1, k + m) if j in train) for k in test)
    assert all(any(j in train for j in range(k + 1, k + m + 1)) for k in test)
    assert all(y[k][0] == x[k + 1][-1][0] for k in range(len(x) - 1))  # the target is the next window's input
    parts = split_in_time(walk)
    assert [len(windows(p, m, 1, horizon=1)[0]) for p in parts] == [1350, 250, 250]
    assert 1950 - (1350 + 250 + 250) == 2 * 50  # 50 windows per cut


# --- The benchmark (benchmarks/results/lab07_conv1d.json) --------------------------------------

@cache
def benchmark() -> dict[str, Any]:
    results: dict[str, Any] = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    return results


def test_the_benchmark_has_its_format() -> None:
    results = benchmark()
    assert {"command", "machine", "epochs", "data", "runs"} <= set(results)
    assert isinstance(results["command"], str) and isinstance(results["epochs"], int)
    for framework in ("keras", "torch"):
        runs = [run for run in results["runs"] if run["framework"] == framework]
        assert runs and len({run["seed"] for run in runs}) == len(runs), framework
        for run in runs:  # "every run of both frameworks is above the accuracy of 0.95"
            assert 0.95 < run["accuracy"] <= 1 and run["seconds_per_epoch"] > 0, run
    assert re.search(r"\b2 cores\b", results["machine"]), results["machine"]  # "a machine of 2 CPU cores"


def benchmark_figures() -> list[Figure]:
    results = benchmark()
    cores = re.search(r"(\d+) cores", results["machine"])
    found = computed(f"the cores of the benchmark's machine ({BENCHMARK.name})", int(cores.group(1))) if cores else []
    found += computed(f"the epochs of each run ({BENCHMARK.name})", results["epochs"])
    found += computed(f"runs per framework ({BENCHMARK.name})",
                      *{sum(run["framework"] == f for run in results["runs"]) for f in ("keras", "torch")})
    for framework in ("keras", "torch"):
        runs = [run for run in results["runs"] if run["framework"] == framework]
        found += computed(f"{framework}: mean accuracy and seconds per epoch ({BENCHMARK.name})",
                          statistics.mean(run["accuracy"] for run in runs),
                          statistics.mean(run["seconds_per_epoch"] for run in runs))
    return found


# --- The pages' own code -------------------------------------------------------------------------



@pytest.mark.parametrize("lang", ["en", "hu"])
def test_the_sequences_page_prints_what_the_prose_says(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", lang)
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    printed = run_cells(ROOT / "book" / lang / "07_sequences.md")
    if lang == "hu":
        assert "a következő három érték: [10; 9; 11]" in printed and "ezek átlaga: 10,0" in printed
        assert "26\u00a0000 GPU-óra / évi 8760 óra = 2,97 GPU-év" in printed
        assert "2017. január: 60 óra felvétel 12 embertől" in printed
        assert "véletlen felosztás: a 293 tesztablakból 293 közös lépést tartalmaz" in printed
        assert "[1400; 300; 300] lépés, az ablakok száma [1350; 250; 250]" in printed
        assert "Adatok: a kurzus szintetikus szenzorfelvételei" in printed
        assert "('nincs gesztus', 'gesztus')" in printed
        return
    assert "the window the network reads: [3, 4, 6, 5, 7, 8]" in printed
    assert "the next value: 10\nthe next three values: [10, 9, 11]\ntheir mean: 10.0\nthe trend: up" in printed
    assert ("random split: of 293 test windows, 293 share a step with a training window, and 293 have a target "
            "that is an input of a training window") in printed
    assert "split in time: parts of [1400, 300, 300] steps, with [1350, 250, 250] windows" in printed
    assert "December 2017: 1000 hours of recordings from 100 people" in printed
    assert "26,000 GPU-hours / 8760 hours a year = 2.97 GPU-years" in printed
    assert "(1200, 200, 7) (400, 200, 7) ('no gesture', 'gesture')" in printed
    assert "Keras: (8, 200, 7), PyTorch: (8, 7, 200), after permute(0, 2, 1): (8, 7, 200); the same values: True" \
        in printed
    assert "(batch, time, features): (8, 196, 12)" in printed and "(batch, features, time): (8, 12, 196)" in printed
    assert "PyTorch on (batch, time, features): RuntimeError" in printed
    assert "Keras on (batch, features, time): no error, (8, 3, 12)" in printed


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_the_conv1d_page_prints_what_the_prose_says(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", lang)
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    printed = run_cells(ROOT / "book" / lang / "07_conv1d.md")
    rows = re.findall(r"^ *(\d+) +\d+ +\d+ +\d+  (\w+) +\d+\+\d+ +(\d+) +(\d+) +(\d+)$", printed, re.M)
    assert [(int(r[0]), int(r[2])) for r in rows] == [(c[0], out) for c, out in LENGTHS]
    assert all(r[2] == r[3] == r[4] for r in rows)
    if lang == "hu":
        assert "keresztkorreláció: Keras [0; 0; 0; 1; 0,5], PyTorch [0; 0; 0; 1; 0,5]" in printed
        assert "valódi konvolúció: np.convolve [0; 0; 0; 0; 0,5]" in printed
        assert "12@196" in printed and "12@98" in printed and "12\u00a0012 paraméter" in printed
        assert "16\u00a0000 minta × 7,5 ms = 120 s" in printed and "mintánként 0,75 ms-ot" in printed
        assert re.search(r"^Keras +\d+  0,\d{3} \(0,\d{3}–0,\d{3}\)    \d+,\d\d$", printed, re.M)
        return
    assert "cross-correlation: Keras [0, 0, 0, 1, 0.5], PyTorch [0, 0, 0, 1, 0.5]" in printed
    assert ("true convolution: np.convolve [0, 0, 0, 0, 0.5], the Keras layer with the filter flipped "
            "[0, 0, 0, 0, 0.5]") in printed
    assert ("Keras: kernel (5, 3, 12), after the convolution 12@196, after the pooling 12@98, 192 parameters"
            in printed)
    assert ("PyTorch: weight (12, 3, 5), after the convolution 12@196, after the pooling 12@98, 192 parameters"
            in printed)
    assert "border_mode='same'): ValueError" in printed
    assert "input (3, 200): output (None, 3, 12), 12,012 parameters\ninput (200, 3): output (None, 200, 12), " \
           "192 parameters" in printed
    assert "Keras [1, 2, 4, 6, 8], PyTorch [1, 2, 4, 6, 8]" in printed
    assert "dilation 512: left padding 512, receptive field 1024" in printed
    assert "8 blocks, 80 layers: receptive field 8185; without dilation 81" in printed
    assert "16,000 samples × 7.5 ms = 120 s per second of audio; the slide's 12 s would mean 0.75 ms" in printed
    assert re.search(r"^Keras +\d+  0\.\d{3} \(0\.\d{3}–0\.\d{3}\)    \d+\.\d\d$", printed, re.M)
    assert re.search(r"^PyTorch +\d+  0\.\d{3} \(0\.\d{3}–0\.\d{3}\)    \d+\.\d\d$", printed, re.M)


def test_the_chapter_has_its_pages_links_and_quiz() -> None:
    found = chapter("ch07")
    assert list(found.pages) == list(BOOK_PAGES) and found.deck == DECK and found.lab and found.lab.page == LAB_PAGE
    for lang in ("hu", "en"):
        assert found.page_with(lang, f"slides/{found.deck}.html") == "07_sequences"
        second = (ROOT / "book" / lang / "07_conv1d.md").read_text(encoding="utf-8")
        lab = (ROOT / "book" / lang / f"{LAB_PAGE}.md").read_text(encoding="utf-8")
        assert "(sec-conv1d-benchmark)=" in second and "{ref}`" in lab and "sec-conv1d-benchmark" in lab
        assert second.rstrip().endswith("```{quiz} ch07\n```") and "{doc}`lab07_conv1d`" in second
        assert BENCHMARK_LINE in second


def test_every_text_id_the_chapter_uses_exists() -> None:
    from dlcourse.text import LANGS
    from dlcourse.text_ch07 import t

    sources = [ROOT / "book" / lang / f"{page}.md" for lang in LANGS for page in BOOK_PAGES]
    used = {key for path in sources for key in re.findall(r"\bt\([\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    assert used and used <= set(t), sorted(used - set(t))
    assert set(t) <= used, sorted(set(t) - used)


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

def book_figures() -> list[Figure]:
    from dlcourse import sequences

    return [
        *quoted(QUOTED),
        *constants(landscape),
        chapter_number("ch01"), chapter_number("ch02"), chapter_number("ch03"), chapter_number("ch07"),
        chapter_number("ch08"),
        *computed("the gesture example (test_the_gesture_example): 200 x 7 = 1,400 inputs, a dense layer of 64 "
                  "units with (1400 + 1) * 64 parameters, 2.97 GPU-years, about 3; 200 steps in 1-2 s",
                  1_400, 64, 89_664, landscape.GESTURE_GPU_HOURS / landscape.HOURS_PER_YEAR, 3, 100, 200),
        *computed("a kernel of 5 sees 5 steps (07_sequences, sec-sequence-challenges)", 5),
        *computed("the targets' cell: a window of 6 values and the 3 after it", 6, 3),
        *computed("the split (test_the_offline_recordings_and_the_split, test_a_random_split_leaks_...): "
                  "split_in_time's 70% / 15% / the rest, a random walk of 2,000 steps, windows of 50, "
                  "50 windows lost per cut", 70, 15, 2_000, 50),
        *computed("the offline recordings (dlcourse.sequences; test_the_offline_recordings_and_the_split): "
                  "200 steps x 7 channels, a shake of 40 steps in the first 3 channels and its rate of change "
                  "in the next 3; UCI HAR: 128 steps of 9 signals, 6 activities; the figure shows 6 channels",
                  sequences.STEPS, sequences.CHANNELS, 40, 3, 128, len(sequences.HAR_SIGNALS),
                  len(sequences.HAR_CLASSES["en"]), 6),
        *computed("the layouts (test_the_layouts): 12 filters of size 5 on 7 channels, 200 steps in, 196 out, "
                  "200 'channels' in the wrong layout, 3 'time steps' out of 7; axes 0, 1, 2",
                  12, 5, 7, 200, 196, 3, 0, 1, 2),
        *computed("the output-length table (test_the_output_lengths) and the padding figure: 6 inputs, a "
                  "filter of size 3", *[v for case, out in LENGTHS for v in (*case[:4], out)], 6, 3, 1),
        *computed("the TensorFlow example (test_the_tensorflow_example): x = [0, 0, 0, 0, 1], filter "
                  "[0, 0.5, 1], shapes (1, 1, 5, 1) and (1, 3, 1, 1), outputs 4 and 5, x_3 ... x_5",
                  0, 0.5, 1, 5, 3, 4),
        *computed("the gesture layer (test_the_gesture_layer): 3@200, 12 filters of size 5, 12@196, "
                  "5 * 3 = 15 weights and a bias per filter, 192 parameters, 180 weights, pooling of 2 with "
                  "stride 2, 12@98; kernel (5, 3, 12), weight (12, 3, 5)", 3, 200, 12, 5, 196, 15, 192, 180,
                  2, 98, 1),
        *computed("the slides' Keras snippet (test_the_slides_keras_snippet): Keras 1, 2 and 3, (200, 3), "
                  "(3, 200), 12,012 parameters against 192", 1, 2, 3, 12_012),
        *computed("causal and dilated stacks (test_the_receptive_field_of_a_causal_stack_by_perturbation, "
                  "test_a_causal_layer_on_a_ramp): k = 2 and d = 2 on the ramp; 8000 samples need 7999 plain "
                  "layers; dilations 1, 2, 4, 8 ... 512; ten layers see 1024, or 11 without dilation; 8 blocks "
                  "of 10 see 8185; 0.5 s at 16 kHz", 2, 7_999, 1, 4, 8, 512, 10, 1_024, 11, 8_185, 0.5, 16),
        *computed("WaveNet's timing (test_wavenet_timing_and_quiz_padding): 16,000 x 7.5 ms = 120 s; 12 s "
                  "would need 0.75 ms; a factor of ten", 120, 0.75, 10),
        *computed("the lab's threshold on the test set (hidden_tests/lab07.py PASS)", 0.95),
        *computed("two places of a shake, as examples of the weights a dense layer would need for each "
                  "(07_sequences, sec-course-gestures): steps 30 and 120 of 200", 30, 120),
        *benchmark_figures(),
    ]


def lab_figures() -> list[Figure]:
    """What lab07_conv1d.md states besides the book's figures: the lab's points and its network."""
    return [
        *computed("lab 7's points per part (labs/lab07_*: conv1d 3, framework_conv1d 2, build_model 2, accuracy "
                  "1, causal_stack 2), their total and the four pieces", 3, 2, 1, 10, 4),
        *computed("the lab's network for 200 steps, 7 channels and 2 classes: (5*7+1)*16 + (5*16+1)*32 + "
                  "32*2 + 2 parameters; mini-batches of 32", 3_234, 32),
        *computed("the lab's causal stack: dilations 1, 2, 4, 8 and a kernel of 2 see 16 inputs", 16),
        *computed("the lab's number, and the slide's example [0, 0, 0, 1, 0.5] (test_the_tensorflow_example)",
                  7, 0, 0.5),
    ]


def deck_figures() -> list[Figure]:
    """The deck's own figures: none beyond the book's and the lab's."""
    return []


def test_the_lab_networks_count() -> None:
    assert conv1d_params(5, 7, 16) + conv1d_params(5, 16, 32) + 32 * 2 + 2 == 3_234
    assert 1 + sum([1, 2, 4, 8]) == 16


@pytest.mark.parametrize("page", pages_of(chapter("ch07")), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter. The book's
    pages, the lab's page and the deck must exist in both languages."""
    missing = [str(path.relative_to(ROOT)) for path in (page.hu, page.en) if not path.is_file()]
    is_deck = page.en.parent.parent.name == "lectures"
    assert not missing, f"named by chapter ch07 of book/chapters.yml but not written yet: {missing}"
    check(page, book_figures() + lab_figures() + (deck_figures() if is_deck else []))


def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """No line of lab 7's solutions or hidden tests appears in the chapter's pages, its deck or
    its text module (the built site gets the same check)."""
    present = chapter("ch07").lab_sources()
    secrets = {line for path in present for line in solution_lines(path)}
    assert len(secrets) > 20
    sources = [ROOT / "book" / lang / f"{page}.md" for lang in ("hu", "en") for page in (*BOOK_PAGES, LAB_PAGE)]
    sources += [ROOT / "lectures" / lang / f"{DECK}.md" for lang in ("hu", "en")]
    sources += [ROOT / "dlcourse" / "text_ch07.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"
        for name in GRADED:
            assert not re.search(rf"^\s*def {name}\(", text, re.M), (path, name)
