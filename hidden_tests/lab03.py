"""Hidden tests of lab 3, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py). The
expected values come from the course's reference, coursetools.cnn_arithmetic, which
tests/test_cnn_arithmetic.py checks against real torch and Keras layers; so grading a
hand-in imports no framework here (the student's framework_out_size imports its own)."""

import random

from coursetools.cnn_arithmetic import (
    conv_params,
    out_size,
    receptive_field,
    same_padding,
    separable_params,
)
from coursetools.grading.proxy import StudentError

SEED = 2025
# Curriculum §4.1: (n, k, s, p, d) -> out, for a convolution and for pooling.
CURRICULUM = [((200, 5, 1, 0, 1), 196), ((196, 2, 2, 0, 1), 98), ((5, 3, 1, 1, 1), 5),
              ((100, 7, 3, 0, 1), 32), ((10, 3, 2, 1, 2), 4), ((28, 3, 1, 1, 1), 28),
              ((32, 3, 2, 1, 1), 16), ((7, 3, 3, 1, 1), 3), ((7, 3, 1, 0, 2), 3), ((32, 3, 1, 2, 2), 32),
              ((227, 11, 4, 0, 1), 55), ((224, 11, 4, 0, 1), 54), ((55, 3, 2, 0, 1), 27),
              ((224, 3, 1, 1, 1), 224), ((16000 + 512, 2, 1, 0, 512), 16000)]


def _settings(count, seed, fits=True):
    """Random (n, k, s, p, d); with ``fits``, only those whose kernel fits the padded input."""
    draw, found = random.Random(seed), []
    while len(found) < count:
        n, k, s, p, d = (draw.randint(1, 40), draw.randint(1, 7), draw.randint(1, 4),
                         draw.randint(0, 3), draw.randint(1, 3))
        if not fits or n + 2 * p >= d * (k - 1) + 1:
            found.append((n, k, s, p, d))
    return found


def _raises_value_error(call, what):
    try:
        call()
    except StudentError as error:
        assert "raised ValueError" in str(error), what
    else:
        raise AssertionError(what)


def test_out_size(nb):
    for (n, k, s, p, d), out in CURRICULUM:
        assert nb.out_size(n, k, s, p, d) == out, f"out_size{(n, k, s, p, d)}"
    assert nb.out_size(11, 2, 2) == 5 and nb.out_size(11, 2, 2, ceil_mode=True) == 6, "pooling 11 -> 5, or 6 with ceil_mode"
    assert nb.out_size(5, 2, 2, 1, ceil_mode=True) == 3, "ceil_mode drops a window that starts in the right padding"
    for n, k, s, p, d in _settings(40, SEED):
        p = min(p, k // 2)  # pooling pads at most half the kernel in PyTorch
        if n + 2 * p < d * (k - 1) + 1:
            continue
        for ceil_mode in (False, True):
            assert nb.out_size(n, k, s, p, d, ceil_mode) == out_size(n, k, s, p, d, ceil_mode), \
                f"out_size({n}, {k}, {s}, {p}, {d}, ceil_mode={ceil_mode})"
    _raises_value_error(lambda: nb.out_size(5, 7), "a kernel wider than the padded input raises a ValueError")
    _raises_value_error(lambda: nb.out_size(7, 3, d=4), "a dilated kernel wider than the input raises a ValueError")


def test_same_padding(nb):
    assert list(nb.same_padding(7, 3, 2)) == [4, 1, 1], "same_padding(7, 3, s=2)"
    assert list(nb.same_padding(6, 3, 2)) == [3, 0, 1], "same_padding(6, 3, s=2): the odd zero on the right"
    assert list(nb.same_padding(2, 5)) == [2, 2, 2], "same_padding(2, 5): a kernel wider than the input"
    for n, k, s, _, d in _settings(30, SEED + 1, fits=False):
        assert list(nb.same_padding(n, k, s, d)) == list(same_padding(n, k, s, d)), \
            f"same_padding({n}, {k}, {s}, {d})"


def test_receptive_field(nb):
    wavenet = [2 ** i for i in range(10)]
    assert nb.receptive_field([3, 3, 3]) == 7, "three 3x3 layers"
    assert nb.receptive_field([3, 3, 3], [1, 2, 4]) == 15, "dilations 1, 2, 4"
    assert nb.receptive_field([2] * 10, wavenet) == 1024, "one WaveNet block"
    assert nb.receptive_field([2] * 80, wavenet * 8) == 8185, "eight WaveNet blocks"
    assert nb.receptive_field([3, 2, 3], None, [1, 2, 1]) == 8, "conv, 2x2 pooling, conv"
    draw = random.Random(SEED + 2)
    for _ in range(20):
        depth = draw.randint(1, 5)
        layers = [[draw.randint(1, 5) for _ in range(depth)] for _ in range(3)]
        assert nb.receptive_field(*layers) == receptive_field(*layers), f"receptive_field{tuple(layers)}"


def test_params(nb):
    assert nb.conv_params(3, 1, 32) == 320 and nb.conv_params(3, 64, 64) == 36_928, "3x3 convolutions"
    assert nb.conv_params(11, 3, 96) == 34_944, "AlexNet's first layer"
    assert nb.conv_params([5, 1], 3, 12) == 192, "a Conv1D of kernel 5 on 3 channels, 12 filters"
    assert nb.separable_params(3, 32, 64) == 2_400, "a separable 3x3 convolution, 32 -> 64"
    draw = random.Random(SEED + 3)
    for _ in range(10):
        kernel, c_in, c_out = [draw.randint(1, 5), draw.randint(1, 5)], draw.randint(1, 64), draw.randint(1, 64)
        assert nb.conv_params(kernel, c_in, c_out) == conv_params(kernel, c_in, c_out), \
            f"conv_params({kernel}, {c_in}, {c_out})"
        assert nb.separable_params(kernel, c_in, c_out) == separable_params(kernel, c_in, c_out), \
            f"separable_params({kernel}, {c_in}, {c_out})"


def test_framework_out_size(nb):
    checked = 0
    for n, k, s, p, d in _settings(40, SEED + 4):
        if s > 1 and d > 1:
            continue  # Keras refuses stride and dilation together
        assert nb.framework_out_size(n, k, s, p, d) == out_size(n, k, s, p, d), \
            f"framework_out_size({n}, {k}, {s}, {p}, {d})"
        checked += 1
        if checked == 12:
            break
