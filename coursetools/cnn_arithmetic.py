"""The course's reference for chapter 3's arithmetic: output sizes (convolution and
pooling, explicit padding, Keras ``same``, PyTorch's ``ceil_mode``), the receptive field
of a stack, and parameter counts.

It lives here, outside the student package, because lab 3 asks students to write these
functions: ``dlcourse`` ships only :func:`dlcourse.cnn.conv_out` (explicit padding, floor),
which the quizzes and the explorer need and the book prints. tests/test_cnn_arithmetic.py
checks every function against real ``torch.nn`` and ``keras.layers`` layers; the hidden
tests of lab 3 (hidden_tests/lab03.py) then use it as their oracle, so grading a hand-in
imports no framework.

>>> out_size(11, 2, 2), out_size(11, 2, 2, ceil_mode=True)   # the MNIST CNN's pooling
(5, 6)
>>> same_padding(7, 3, 2)       # Keras 'same', stride 2: 4 outputs, padding 1 on each side
(4, 1, 1)
>>> same_padding(6, 3, 2)       # odd total padding: the extra zero goes on the right
(3, 0, 1)
>>> receptive_field([3, 3, 3], [1, 2, 4])
15
>>> conv_params(3, 32, 64), separable_params(3, 32, 64)
(18496, 2400)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dlcourse.cnn import check_sizes, conv_out, effective_kernel

__all__ = ["conv_out", "conv_params", "dense_params", "effective_kernel", "out_size",
           "receptive_field", "same_padding", "separable_params"]


def _pair(kernel: int | Sequence[int]) -> tuple[int, int]:
    return (kernel, kernel) if isinstance(kernel, int) else (int(kernel[0]), int(kernel[1]))


def out_size(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, ceil_mode: bool = False) -> int:
    """Output size along one axis of a convolution or pooling layer, as PyTorch computes
    it: ``ceil_mode`` rounds the division up, but a window that would start in the right
    padding is dropped (PyTorch's rule, so every window overlaps the input or the left
    padding).

    >>> out_size(7, 3, 2, ceil_mode=True), out_size(6, 2, 2, p=1, ceil_mode=True)
    (3, 4)
    """
    floor = conv_out(n, k, s, p, d)  # also rejects nonsense arguments
    if not ceil_mode:
        return floor
    out = -(-(n + 2 * p - effective_kernel(k, d)) // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out


def same_padding(n: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int, int]:
    """Keras's (and TensorFlow's) ``padding="same"``: ``(out, left, right)``. The output
    has ``ceil(n / s)`` positions; the zeros it needs are split with the extra one, if the
    total is odd, on the right. PyTorch's ``padding=p`` always pads both sides alike."""
    check_sizes(n=n, k=k, s=s, d=d)  # the span may exceed n here: 'same' pads for it
    out = math.ceil(n / s)
    total = max((out - 1) * s + effective_kernel(k, d) - n, 0)
    return out, total // 2, total - total // 2


def receptive_field(kernels: Sequence[int], dilations: Sequence[int] | None = None,
                    strides: Sequence[int] | None = None) -> int:
    """How many inputs one output of a stack of layers sees, along one axis:
    ``1 + sum((k_i - 1) * d_i * s_1 * ... * s_(i-1))``.

    >>> receptive_field([3, 3, 3]), receptive_field([2] * 10, [2 ** i for i in range(10)])
    (7, 1024)
    >>> receptive_field([3, 2, 3], strides=[1, 2, 1])     # conv, 2x2 pooling, conv
    8
    """
    dilations = dilations or [1] * len(kernels)
    strides = strides or [1] * len(kernels)
    if not len(kernels) == len(dilations) == len(strides):
        raise ValueError("kernels, dilations and strides must have the same length")
    field, jump = 1, 1
    for k, d, s in zip(kernels, dilations, strides):
        field += (effective_kernel(k, d) - 1) * jump
        jump *= s
    return field


def conv_params(kernel: int | Sequence[int], c_in: int, c_out: int, bias: bool = True) -> int:
    """Parameters of a convolution: one ``kernel`` of weights per input and output
    channel, and one bias per output channel (Conv1D: ``kernel=(k, 1)``)."""
    k_h, k_w = _pair(kernel)
    return k_h * k_w * c_in * c_out + (c_out if bias else 0)


def separable_params(kernel: int | Sequence[int], c_in: int, c_out: int,
                     depth_multiplier: int = 1, bias: bool = True) -> int:
    """Parameters of Keras's ``SeparableConv2D``: a depthwise ``kernel`` per input channel
    (``depth_multiplier`` of them), then a 1x1 pointwise convolution with its biases."""
    k_h, k_w = _pair(kernel)
    middle = c_in * depth_multiplier
    return k_h * k_w * middle + middle * c_out + (c_out if bias else 0)


def dense_params(n_inputs: int, units: int) -> int:
    """Parameters of a dense layer: a weight per input and unit, a bias per unit."""
    return (n_inputs + 1) * units
