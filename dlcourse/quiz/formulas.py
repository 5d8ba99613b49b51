"""The formulas that parameterised questions may name, all from the course's own helpers.

A bank names a formula (``formula: conv_out``); its parameters are drawn per student and
the answer is the helper's result, so a quiz and the lab it prepares can never disagree.

>>> FORMULAS["conv_out"](n=28, k=3, s=1, p=0, d=1)
26
>>> FORMULAS["mlp_params"](n=784, h=128, k=10)
101770
"""

from __future__ import annotations

from collections.abc import Callable

from ..cnn import conv_out
from ..dense import mlp_params

FORMULAS: dict[str, Callable[..., float]] = {
    "conv_out": conv_out,
    "mlp_params": mlp_params,
}
