"""Find the best accelerator for Keras or PyTorch, and say in one line what was found.

Colab offers a CUDA GPU (both frameworks) or a TPU (Keras only here). Anywhere else the
code falls back to the CPU, so every lab runs on a laptop too.

>>> info = DeviceInfo(framework="torch", kind="cpu", name="CPU")
>>> info.summary("en")
'torch: no GPU or TPU found, using the CPU'
>>> info.summary("hu")
'torch: nincs GPU vagy TPU, a CPU-t használjuk'
>>> DeviceInfo(framework="keras", kind="gpu", name="Tesla T4").summary("en")
'keras: using GPU Tesla T4'

The line is in the notebook's language (``COURSE_LANG``, see dlcourse.text).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from .text import Texts

Framework = Literal["torch", "keras"]
Kind = Literal["cuda", "gpu", "tpu", "cpu"]

# TensorFlow writes start-up noise to stderr unless both are set before it is imported.
_TF_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}

TEXT = Texts({
    "cpu": {"hu": "{framework}: nincs GPU vagy TPU, a CPU-t használjuk",
            "en": "{framework}: no GPU or TPU found, using the CPU"},
    "using": {"hu": "{framework}: ezt használjuk: {label} {name}", "en": "{framework}: using {label} {name}"},
})


@dataclass(frozen=True)
class DeviceInfo:
    """What :func:`detect` found.

    ``handle`` is what the framework needs: a ``torch.device`` for torch, a
    ``tf.distribute.Strategy`` for Keras (``None`` when built by hand, as above).
    """

    framework: Framework
    kind: Kind
    name: str
    handle: Any = None

    def summary(self, lang: str | None = None) -> str:
        """One line about the device, in ``lang`` (default: the notebook's language)."""
        if self.kind == "cpu":
            return TEXT("cpu", lang, framework=self.framework)
        label = {"cuda": "CUDA GPU", "gpu": "GPU", "tpu": "TPU"}[self.kind]
        return TEXT("using", lang, framework=self.framework, label=label, name=self.name)


def in_colab() -> bool:
    """True inside Google Colab (which sets ``COLAB_RELEASE_TAG``).

    >>> import os
    >>> os.environ.pop("COLAB_RELEASE_TAG", None) and None
    >>> in_colab()
    False
    """
    return "COLAB_RELEASE_TAG" in os.environ


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up messages; call before importing TensorFlow."""
    for key, value in _TF_QUIET.items():
        os.environ.setdefault(key, value)


def detect_torch() -> DeviceInfo:
    """The CUDA GPU if torch sees one, else the CPU."""
    import torch

    if torch.cuda.is_available():
        return DeviceInfo("torch", "cuda", torch.cuda.get_device_name(0), torch.device("cuda"))
    return DeviceInfo("torch", "cpu", "CPU", torch.device("cpu"))


def detect_keras() -> DeviceInfo:
    """A Colab TPU if one is attached, else a GPU, else the CPU.

    The TPU is only looked for in Colab: ``TPUClusterResolver`` raises ``ValueError``
    at once where there is none, but elsewhere it may try to reach a metadata server.
    """
    quiet_tensorflow()
    import tensorflow as tf

    if in_colab():
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        except ValueError:
            resolver = None
        if resolver is not None:
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            strategy = tf.distribute.TPUStrategy(resolver)
            cores = strategy.num_replicas_in_sync
            return DeviceInfo("keras", "tpu", f"({cores} cores)", strategy)
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        name = details.get("device_name", gpus[0].name)
        return DeviceInfo("keras", "gpu", name, tf.distribute.OneDeviceStrategy("/gpu:0"))
    return DeviceInfo("keras", "cpu", "CPU", tf.distribute.OneDeviceStrategy("/cpu:0"))


def detect(framework: Framework, verbose: bool = True, lang: str | None = None) -> DeviceInfo:
    """Detect the accelerator for ``framework`` and print one line about it (in ``lang``,
    by default the notebook's language).

    >>> detect("jax")
    Traceback (most recent call last):
    ...
    ValueError: framework must be 'torch' or 'keras', not 'jax'
    """
    if framework == "torch":
        info = detect_torch()
    elif framework == "keras":
        info = detect_keras()
    else:
        raise ValueError(f"framework must be 'torch' or 'keras', not {framework!r}")
    if verbose:
        print(info.summary(lang))
    return info
