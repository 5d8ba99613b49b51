"""CNN arithmetic: the output size of a convolution or pooling layer along one axis.

Pure Python, so the quizzes can use it without importing a framework. The tests check it
against the output shapes of real ``torch.nn`` and ``keras`` layers.

The formula the source slides give, (n - k + 2p)/s + 1, has neither the dilation term nor
the floor; frameworks use the one below.
"""

from __future__ import annotations


def effective_kernel(k: int, d: int = 1) -> int:
    """The span of a ``k``-wide kernel with dilation ``d``: ``d(k - 1) + 1``.

    >>> effective_kernel(3, 1), effective_kernel(3, 2), effective_kernel(3, 3)
    (3, 5, 7)
    """
    return d * (k - 1) + 1


def check_sizes(**sizes: int) -> None:
    """Refuse a size that is not an int, or less than 1 (a padding ``p``: less than 0).

    >>> check_sizes(n=28, p=0)
    >>> check_sizes(s=0)
    Traceback (most recent call last):
    ...
    ValueError: s must be at least 1, not 0
    """
    for name, value in sizes.items():
        least = 0 if name == "p" else 1
        # bool is an int in Python, but conv_out(True, ...) is surely a mistake.
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value < least:
            raise ValueError(f"{name} must be at least {least}, not {value}")


def conv_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Output size of a convolution (or pooling) along one axis.

    ``n`` input size, ``k`` kernel size, ``s`` stride, ``p`` zero padding on each side,
    ``d`` dilation: ``out = floor((n + 2p - d(k - 1) - 1) / s) + 1``.

    >>> conv_out(28, 3)                 # 28x28 input, 3x3 kernel, no padding
    26
    >>> conv_out(28, 3, p=1)            # padding 1 keeps the size
    28
    >>> conv_out(7, 3, s=3)             # the slide formula would give 2.33; frameworks floor
    2
    >>> conv_out(7, 3, d=3)             # a dilated 3x3 kernel spans 7x7
    1
    >>> conv_out(224, 11, s=4, p=2)     # AlexNet's first layer
    55
    >>> conv_out(5, 7)
    Traceback (most recent call last):
    ...
    ValueError: the kernel (span 7) is larger than the padded input (5)
    """
    check_sizes(n=n, k=k, s=s, p=p, d=d)
    span = effective_kernel(k, d)
    if n + 2 * p < span:
        raise ValueError(f"the kernel (span {span}) is larger than the padded input ({n + 2 * p})")
    return (n + 2 * p - span) // s + 1
