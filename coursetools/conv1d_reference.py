"""The course's reference 1-D convolution (a cross-correlation, as every framework computes
it) with stride, padding, dilation and causal padding, in NumPy.

It lives here, outside the student package, because lab 7 asks students to write it.
tests/test_ch07_numbers.py checks it against ``keras.layers.Conv1D`` and
``torch.nn.Conv1d`` on the same weights; the hidden tests of lab 7 then use it as their
oracle. Layout: Keras's, the input (..., time, channels) and the kernel (k, C_in, C_out).

>>> x = np.array([0, 0, 0, 0, 1.0])[:, None]           # the slide's TensorFlow example
>>> w = np.array([0, 0.5, 1.0])[:, None, None]
>>> conv1d(x, w, padding="same")[:, 0].tolist()        # cross-correlation
[0.0, 0.0, 0.0, 1.0, 0.5]
>>> conv1d(x, w[::-1], padding="same")[:, 0].tolist()  # true convolution: the kernel flipped
[0.0, 0.0, 0.0, 0.0, 0.5]
>>> conv1d(np.zeros((200, 3)), np.zeros((5, 3, 12))).shape   # the gesture example
(196, 12)
>>> padding_of(16000, 2, "causal", dilation=512)
(512, 0)
"""

from __future__ import annotations

import math

import numpy as np


def padding_of(steps: int, k: int, padding: int | str | tuple[int, int], stride: int = 1,
               dilation: int = 1) -> tuple[int, int]:
    """(left, right) zeros: an int on both sides, a pair as given, ``"valid"`` none,
    ``"same"`` Keras's ⌈steps/stride⌉ outputs (the odd zero on the right), ``"causal"``
    d(k−1) on the left only, so that output t sees inputs up to t and no further."""
    span = dilation * (k - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    if padding == "same":
        total = max((math.ceil(steps / stride) - 1) * stride + span - steps, 0)
        return total // 2, total - total // 2
    if isinstance(padding, int):
        return padding, padding
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int, a pair, 'valid', 'same' or 'causal', not {padding!r}")
    left, right = padding
    return int(left), int(right)


def conv1d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
           padding: int | str | tuple[int, int] = "valid", dilation: int = 1) -> np.ndarray:
    """Output t, channel o: b[o] + Σ_j Σ_c w[j, c, o] · x_padded[t·stride + j·dilation, c]."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    k = w.shape[0]
    left, right = padding_of(x.shape[-2], k, padding, stride, dilation)
    pad = [(0, 0)] * (x.ndim - 2) + [(left, right), (0, 0)]
    padded = np.pad(x, pad)
    span = dilation * (k - 1) + 1
    out = (padded.shape[-2] - span) // stride + 1
    if out < 1:
        raise ValueError(f"the kernel spans {span} steps, the padded input has {padded.shape[-2]}")
    taps = np.arange(out)[:, None] * stride + np.arange(k)[None, :] * dilation  # (out, k)
    result = np.einsum("...tjc,jco->...to", padded[..., taps, :], w)
    return result if b is None else result + np.asarray(b, dtype=np.float64)


def conv1d_params(k: int, c_in: int, c_out: int, bias: bool = True) -> int:
    """k·C_in·C_out weights and C_out biases: 5·3·12 + 12 = 192 for the gesture example."""
    return k * c_in * c_out + (c_out if bias else 0)
