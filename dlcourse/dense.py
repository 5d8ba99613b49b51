"""Dense networks: the parameter count of a network with one hidden layer.

Pure Python, so the quizzes can use it without importing a framework. The tests check it
against the parameter counts of real ``torch.nn`` and ``keras`` networks
(tests/test_ch02_numbers.py).
"""

from __future__ import annotations


def mlp_params(n: int, h: int, k: int) -> int:
    """Parameters of an ``n``-``h``-``k`` network: ``n`` inputs, a dense hidden layer of
    ``h`` units and a dense output layer of ``k`` units, every unit with its own bias.

    Each dense layer has one weight per input and unit, plus one bias per unit, so the
    network has ``(n + 1) * h + (h + 1) * k`` parameters.

    >>> mlp_params(784, 128, 10)        # the MNIST network of chapter 2
    101770
    >>> mlp_params(2, 2, 1)             # the XOR network of chapter 1
    9
    >>> mlp_params(784, 0, 10)
    Traceback (most recent call last):
    ...
    ValueError: h must be at least 1, not 0
    """
    for name, value in (("n", n), ("h", h), ("k", k)):
        # bool is an int in Python, but mlp_params(True, ...) is surely a mistake.
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, not {value}")
    return (n + 1) * h + (h + 1) * k
