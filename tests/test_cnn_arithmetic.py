"""Chapter 3's arithmetic (coursetools.cnn_arithmetic, and dlcourse.cnn.conv_out under it)
against real ``torch.nn`` and ``keras.layers`` layers: every case of curriculum §4.1-4.2,
then random settings. The layers are the oracle; lab 3's hidden tests trust the reference
only because these pass."""

from __future__ import annotations

import os
import random

import pytest

from coursetools.cnn_arithmetic import (
    conv_out,
    conv_params,
    dense_params,
    effective_kernel,
    out_size,
    receptive_field,
    same_padding,
    separable_params,
)

# Curriculum §4.1, (n, k, s, p, d) -> out. C5 has stride and dilation both above 1.
CONV_1D = {"C1": ((200, 5, 1, 0, 1), 196), "C3": ((5, 3, 1, 1, 1), 5),
           "C4": ((100, 7, 3, 0, 1), 32), "C5": ((10, 3, 2, 1, 2), 4)}
CONV_2D = {"C7": ((28, 3, 1, 0, 1), 26), "C8": ((28, 3, 1, 1, 1), 28), "C9": ((28, 5, 1, 2, 1), 28),
           "C10": ((32, 3, 2, 1, 1), 16), "C11": ((7, 3, 2, 0, 1), 3), "C12": ((7, 3, 3, 0, 1), 2),
           "C13": ((7, 3, 3, 1, 1), 3), "C14": ((7, 3, 1, 0, 2), 3), "C15": ((7, 3, 1, 0, 3), 1),
           "C16": ((32, 3, 1, 2, 2), 32), "C17a": ((224, 11, 4, 2, 1), 55),
           "C17b": ((227, 11, 4, 0, 1), 55), "C17c": ((224, 11, 4, 0, 1), 54),
           "C19": ((224, 3, 1, 1, 1), 224), "C21": ((7, 3, 2, 1, 1), 4)}
POOL = {"C2": ((196, 2, 2, 0, 1), 98), "C18": ((55, 3, 2, 0, 1), 27),
        "C19pool": ((224, 2, 2, 0, 1), 112), "C20": ((11, 2, 2, 0, 1), 5)}
ALL_CASES = {**CONV_1D, **CONV_2D, **POOL}
# Curriculum §4.1 (receptive fields) and §4.2 (parameter counts).
WAVENET_BLOCK = ([2] * 10, [2 ** i for i in range(10)])
RECEPTIVE = {"three 3x3": (([3, 3, 3], None), 7), "dilations 1, 2, 4": (([3, 3, 3], [1, 2, 4]), 15),
             "one WaveNet block": (WAVENET_BLOCK, 1024),
             "eight WaveNet blocks": ((WAVENET_BLOCK[0] * 8, WAVENET_BLOCK[1] * 8), 8185)}
CONV_PARAMS = {"3x3, 1->32": ((3, 1, 32), 320), "3x3, 32->64": ((3, 32, 64), 18_496),
               "3x3, 64->64": ((3, 64, 64), 36_928), "AlexNet conv1": ((11, 3, 96), 34_944),
               "Conv1D 5, 3->12": (((5, 1), 3, 12), 192)}
RANDOM_CASES = 200


@pytest.mark.parametrize("case", sorted(ALL_CASES))
def test_the_curriculum_output_sizes(case: str) -> None:
    (n, k, s, p, d), out = ALL_CASES[case]
    assert conv_out(n, k, s, p, d) == out == out_size(n, k, s, p, d)


def test_the_curriculum_fields_and_counts() -> None:
    for (kernels, dilations), field in RECEPTIVE.values():
        assert receptive_field(kernels, dilations) == field
    for args, count in CONV_PARAMS.values():
        assert conv_params(*args) == count
    assert separable_params(3, 32, 64) == 2_400 and round(18_496 / 2_400, 1) == 7.7
    assert dense_params(784, 128) + dense_params(128, 10) == 101_770
    assert same_padding(7, 3, 2) == (4, 1, 1)  # C21: Keras 'same' = PyTorch (7, 3, 2, 1, 1)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_out(7, 3, d=4)
    with pytest.raises(ValueError, match="s must be at least 1"):
        out_size(28, 3, s=0, ceil_mode=True)
    with pytest.raises(TypeError, match="n must be an int"):
        conv_out(28.0, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same length"):
        receptive_field([3, 3], [1])


@pytest.fixture(scope="module")
def frameworks():  # type: ignore[no-untyped-def]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras
    import numpy as np
    import torch

    return torch, keras, np


def random_settings(count: int, seed: int) -> list[tuple[int, int, int, int, int]]:
    """(n, k, s, p, d) with a kernel that fits the padded input."""
    draw, found = random.Random(seed), []
    while len(found) < count:
        n, k, s, p, d = (draw.randint(1, 40), draw.randint(1, 7), draw.randint(1, 4),
                         draw.randint(0, 3), draw.randint(1, 3))
        if n + 2 * p >= d * (k - 1) + 1:
            found.append((n, k, s, p, d))
    return found


def curriculum_and_random(dims: int, seed: int) -> list[tuple[int, int, int, int, int]]:
    return [case for case, _ in (CONV_1D if dims == 1 else CONV_2D).values()] + random_settings(
        RANDOM_CASES if dims == 1 else RANDOM_CASES // 4, seed)


@pytest.mark.slow
@pytest.mark.parametrize("dims", [1, 2])
def test_conv_out_matches_torch_and_keras(frameworks, dims: int) -> None:  # type: ignore[no-untyped-def]
    """torch pads symmetrically; Keras gets the same zeros from a ZeroPadding layer in
    front of a 'valid' convolution."""
    torch, keras, np = frameworks
    conv_t = torch.nn.Conv1d if dims == 1 else torch.nn.Conv2d
    conv_k = keras.layers.Conv1D if dims == 1 else keras.layers.Conv2D
    pad_k = keras.layers.ZeroPadding1D if dims == 1 else keras.layers.ZeroPadding2D
    for n, k, s, p, d in curriculum_and_random(dims, seed=dims):
        expected = conv_out(n, k, s, p, d)
        got = conv_t(1, 1, k, stride=s, padding=p, dilation=d)(torch.zeros((1, 1) + (n,) * dims)).shape[2:]
        assert tuple(got) == (expected,) * dims, ((n, k, s, p, d), "torch")
        if s > 1 and d > 1:
            # Keras refuses stride and dilation together; torch (above) covers it.
            with pytest.raises(ValueError, match="dilation_rate"):
                conv_k(1, k, strides=s, dilation_rate=d)
            continue
        xk = pad_k(p)(np.zeros((1,) + (n,) * dims + (1,), "float32"))
        layer = conv_k(1, k, strides=s, dilation_rate=d, padding="valid")
        assert tuple(layer(xk).shape[1:-1]) == (expected,) * dims, ((n, k, s, p, d), "keras")


@pytest.mark.slow
def test_pooling_with_and_without_ceil_mode_matches_torch_and_keras(frameworks) -> None:  # type: ignore[no-untyped-def]
    torch, keras, np = frameworks
    cases = [case for case, _ in POOL.values()] + random_settings(RANDOM_CASES, seed=3)
    for n, k, s, p, d in cases:
        # PyTorch allows pooling padding of at most half the kernel.
        p = min(p, k // 2)
        if n + 2 * p < d * (k - 1) + 1:
            continue
        x = torch.zeros((1, 1, n))
        for ceil_mode in (False, True):
            pool = torch.nn.MaxPool1d(k, stride=s, padding=p, dilation=d, ceil_mode=ceil_mode)
            assert pool(x).shape[2] == out_size(n, k, s, p, d, ceil_mode), ((n, k, s, p, d), ceil_mode)
        if n >= k:
            xk = np.zeros((1, n, 1), "float32")
            assert keras.layers.MaxPooling1D(k, strides=s)(xk).shape[1] == out_size(n, k, s)
    # A window that would start in the right padding is dropped, not counted.
    assert out_size(5, 2, 2, p=1, ceil_mode=True) == 3 == out_size(5, 2, 2, p=1)


@pytest.mark.slow
def test_same_padding_is_what_keras_pads(frameworks) -> None:  # type: ignore[no-untyped-def]
    """Keras's 'same' output equals a 'valid' convolution, with the same weights, of the
    input padded by (left, right), and has that many positions."""
    torch, keras, np = frameworks
    generator = np.random.default_rng(4)
    for n, k, s, _, d in random_settings(RANDOM_CASES // 4, seed=4) + [(7, 3, 2, 0, 1), (6, 3, 2, 0, 1)]:
        if s > 1 and d > 1:
            continue
        out, left, right = same_padding(n, k, s, d)
        x = generator.normal(size=(1, n, 1)).astype("float32")
        layer = keras.layers.Conv1D(1, k, strides=s, dilation_rate=d, padding="same")
        same = np.asarray(layer(x))
        weights, bias = (w.numpy() for w in layer.weights)
        padded = torch.nn.functional.pad(torch.from_numpy(x[:, :, 0])[None], (left, right))
        conv = torch.nn.functional.conv1d(padded, torch.from_numpy(weights.transpose(2, 1, 0)).contiguous(),
                                          torch.from_numpy(bias), stride=s, dilation=d)
        assert same.shape[1] == out, (n, k, s, d)
        assert np.allclose(conv.numpy()[0, 0], same[0, :, 0], atol=1e-5), (n, k, s, d, left, right)


@pytest.mark.slow
def test_receptive_field_is_what_the_gradient_sees(frameworks) -> None:  # type: ignore[no-untyped-def]
    """Backpropagate one output of a real stack of convolutions to its input: the inputs
    with a nonzero gradient are its receptive field."""
    torch, _, _ = frameworks
    draw = random.Random(5)
    stacks = [(kernels, dilations or [1] * len(kernels), [1] * len(kernels))
              for (kernels, dilations), _ in RECEPTIVE.values() if len(kernels) < 20]
    for _ in range(20):
        depth = draw.randint(1, 4)
        stacks.append(([draw.randint(1, 5) for _ in range(depth)], [draw.randint(1, 3) for _ in range(depth)],
                       [draw.randint(1, 3) for _ in range(depth)]))
    for kernels, dilations, strides in stacks:
        field = receptive_field(kernels, dilations, strides)
        layers = [torch.nn.Conv1d(1, 1, k, stride=s, dilation=d, bias=False)
                  for k, d, s in zip(kernels, dilations, strides)]
        for layer in layers:
            torch.nn.init.constant_(layer.weight, 1.0)  # no weight is zero by chance
        x = torch.zeros((1, 1, field + 20), requires_grad=True)
        torch.nn.Sequential(*layers)(x)[0, 0, 0].backward()
        seen = torch.nonzero(x.grad[0, 0]).flatten()
        assert int(seen.max() - seen.min()) + 1 == field, (kernels, dilations, strides)


@pytest.mark.slow
def test_parameter_counts_match_torch_and_keras(frameworks) -> None:  # type: ignore[no-untyped-def]
    torch, keras, np = frameworks
    draw = random.Random(6)
    cases = [args for args, _ in CONV_PARAMS.values()] + [
        ((draw.randint(1, 5), draw.randint(1, 5)), draw.randint(1, 16), draw.randint(1, 16)) for _ in range(20)]
    for kernel, c_in, c_out in cases:
        torch_count = sum(w.numel() for w in torch.nn.Conv2d(c_in, c_out, kernel).parameters())
        layer = keras.layers.Conv2D(c_out, kernel)
        layer.build((None, 16, 16, c_in))
        assert conv_params(kernel, c_in, c_out) == torch_count == layer.count_params(), (kernel, c_in, c_out)
        separable = keras.layers.SeparableConv2D(c_out, kernel)
        separable.build((None, 16, 16, c_in))
        assert separable_params(kernel, c_in, c_out) == separable.count_params(), (kernel, c_in, c_out)
        depthwise = torch.nn.Conv2d(c_in, c_in, kernel, groups=c_in, bias=False)
        pointwise = torch.nn.Conv2d(c_in, c_out, 1)
        torch_separable = sum(w.numel() for m in (depthwise, pointwise) for w in m.parameters())
        assert separable_params(kernel, c_in, c_out) == torch_separable
    for n, h in [(784, 128), (128, 10)] + [(draw.randint(1, 300), draw.randint(1, 300)) for _ in range(5)]:
        assert dense_params(n, h) == sum(w.numel() for w in torch.nn.Linear(n, h).parameters())


def test_the_quiz_bank_agrees_with_the_reference() -> None:
    """Chapter 3's quiz states its answers in options and numbers; the reference (checked
    against the frameworks above) must give the same."""
    from dlcourse.quiz import load_bank

    questions = {q.id: q for q in load_bank("ch03")}

    def right_option(qid: str) -> str:
        q = questions[qid]
        return q.options("en")[q.correct_options()[0]]

    assert right_option("conv-out-no-padding") == str(conv_out(28, 3))
    assert right_option("dilated-span") == "{0}×{0}".format(effective_kernel(3, 3))
    assert right_option("stride-floor") == str(conv_out(7, 3, s=3))
    assert right_option("same-padding") == str(next(p for p in range(5) if conv_out(9, 3, p=p, d=2) == 9))
    assert right_option("same-padding-split") == "{1} and {2}".format(*same_padding(6, 3, 2))
    assert right_option("pool-ceil-mode") == str(out_size(11, 2, 2, ceil_mode=True))
    assert questions["receptive-field"].data["answer"] == receptive_field([3, 3, 3], [1, 2, 4])
    assert questions["separable-params"].data["answer"] == separable_params(3, 32, 64)
