"""Find the best accelerator for Keras or PyTorch, and say in one line what was found.

>>> info = DeviceInfo(framework="torch", kind="cpu", name="CPU")
>>> info.summary("en")
'torch: no GPU or TPU found, using the CPU'
>>> info.summary("hu")
'torch: nincs GPU vagy TPU, a CPU-t használjuk'
>>> DeviceInfo(framework="keras", kind="gpu", name="Tesla T4").summary("en")
'keras: using GPU Tesla T4'

The line is in the notebook's language (``COURSE_LANG``, see dlcourse.text). A lab uses
what :func:`detect` returns (the labs call it ``accelerator``): ``accelerator.device`` (a
``torch.device``) for PyTorch, and ``with accelerator.strategy.scope(): model = ...`` for Keras.

**What is supported.**

- PyTorch: a CUDA GPU; a TPU through ``torch_xla`` when it is installed; else the CPU.
- Keras on its TensorFlow backend (the default): a TPU through
  ``TPUClusterResolver(tpu="local")`` and ``TPUStrategy`` (Colab's TPU runtime has been a
  TPU VM since 2024; the resolver with no argument raises there); else a GPU; else the
  CPU, with ``tf.distribute.get_strategy()``, the default strategy.
- Keras on its JAX backend (``KERAS_BACKEND=jax`` before ``import keras``): the device JAX
  uses (a TPU, a GPU or the CPU); ``strategy.scope()`` then does nothing. When TensorFlow
  is not installed (it may not be on Colab's TPU runtime), JAX is, and Keras has not been
  imported yet, :func:`detect` sets ``KERAS_BACKEND=jax`` itself and says so.

**Never a silent fallback.** A TPU or an NVIDIA GPU is looked for by evidence that needs
no framework (:func:`tpu_evidence`, :func:`gpu_evidence`): the variables Colab and Cloud
TPU VMs set (``COLAB_TPU_ADDR``, ``TPU_NAME``, ``TPU_ACCELERATOR_TYPE``,
``PJRT_DEVICE=TPU``), the TPU device files ``/dev/accel*``, TPU chips on the PCI bus
(Google's vendor id and the TPU device ids, the check JAX itself makes), and
``/dev/nvidia0``, ``/dev/nvidiactl``, ``/dev/dxg`` for a GPU. When there is evidence but
the framework cannot use the device, the line says what was found, why it is not used,
what is used instead and how to fix it. The TPU is only asked for (``TPUClusterResolver``,
``torch_xla``) when there is evidence of one.

**What only a GPU or TPU exercises.** On a machine with neither, the tests
(tests/test_device.py) run the branches that end on the CPU with fake evidence (the
environment variables, and a ``dev``/``pci`` folder given as a parameter) and the real
frameworks, in fresh processes. Only a GPU or TPU runs these lines: :func:`detect_torch`
when ``torch.cuda.is_available()`` is true; :func:`_torch_xla` (and the
``tpu_torch_xla_failed`` branch, which needs torch_xla installed); in
:func:`detect_keras` the lines after a successful ``initialize_tpu_system`` (building the
``TPUStrategy``) and the GPU branch after ``list_physical_devices("GPU")`` finds one; in
:func:`_keras_on_jax` the ``tpu`` and ``gpu`` platforms of ``jax.devices()``.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .text import Texts

Framework = Literal["torch", "keras"]
Kind = Literal["cuda", "gpu", "tpu", "cpu"]

# TensorFlow writes start-up noise to stderr unless both are set before it is imported.
_TF_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}

DEV_DIR = "/dev"
PCI_DIR = "/sys/bus/pci/devices"
# Set by Colab (the old TPU nodes: COLAB_TPU_ADDR, TPU_NAME), by Cloud TPU VMs and GKE
# (TPU_ACCELERATOR_TYPE), and for torch_xla (PJRT_DEVICE=TPU).
TPU_ENV = ("COLAB_TPU_ADDR", "TPU_NAME", "TPU_ACCELERATOR_TYPE")
GOOGLE_PCI_VENDOR = "0x1ae0"
# The PCI device ids of TPU chips, as jax/_src/hardware_utils.py lists them.
TPU_PCI_DEVICES = {"0x0027": "v2/v3", "0x0056": "plc", "0x005e": "v4", "0x0062": "v5p",
                   "0x0063": "v5e", "0x006f": "v6e", "0x0076": "tpu7x"}
NVIDIA_DEVICE_FILES = ("nvidia0", "nvidiactl", "dxg")  # dxg: a GPU under WSL2

TEXT = Texts({
    "cpu": {"hu": "{framework}: nincs GPU vagy TPU, a CPU-t használjuk",
            "en": "{framework}: no GPU or TPU found, using the CPU"},
    "using": {"hu": "{framework}: ezt használjuk: {device}", "en": "{framework}: using {device}"},
    "cores": {"hu": " ({n} mag)", "en": " ({n} cores)"},
    "one_core": {"hu": " ({n} magjából egyet)", "en": " (one of its {n} cores)"},
    # the framework, as the line names it
    "keras_jax": {"hu": "keras (JAX-háttérrel)", "en": "keras (JAX backend)"},
    "keras_jax_auto": {"hu": "keras (JAX-háttérrel: a TensorFlow nincs telepítve, ezért a dlcourse "
                             "beállította: KERAS_BACKEND=jax)",
                       "en": "keras (JAX backend: TensorFlow is not installed, so dlcourse set "
                             "KERAS_BACKEND=jax)"},
    # what is used instead, in the accusative
    "the_cpu": {"hu": "a CPU-t", "en": "the CPU"},
    "the_device": {"hu": "a {label}-t ({name})", "en": "the {label} ({name})"},
    # found but not used
    "tpu_no_torch_xla": {
        "hu": "{framework}: van TPU ({evidence}), de a torch_xla nincs telepítve, ezért nem a TPU-t, "
              "hanem {instead} használjuk. {fix}",
        "en": "{framework}: a TPU was found ({evidence}), but torch_xla is not installed, so the TPU "
              "is not used: using {instead}. {fix}"},
    "tpu_torch_xla_failed": {
        "hu": "{framework}: van TPU ({evidence}), de a torch_xla nem tudja használni ({error}), ezért "
              "{instead} használjuk. {fix}",
        "en": "{framework}: a TPU was found ({evidence}), but torch_xla cannot use it ({error}), so "
              "the TPU is not used: using {instead}. {fix}"},
    "tpu_tf_failed": {
        "hu": "{framework}: van TPU ({evidence}), de a TensorFlow nem tudja használni ({error}), ezért "
              "{instead} használjuk. {fix}",
        "en": "{framework}: a TPU was found ({evidence}), but TensorFlow cannot use it ({error}), so "
              "the TPU is not used: using {instead}. {fix}"},
    "tpu_jax_none": {
        "hu": "{framework}: van TPU ({evidence}), de a JAX nem lát TPU-t (csak ezt: {platform}), ezért "
              "{instead} használjuk. {fix}",
        "en": "{framework}: a TPU was found ({evidence}), but JAX sees no TPU (only {platform}), so "
              "the TPU is not used: using {instead}. {fix}"},
    "gpu_unused": {
        "hu": "{framework}: van NVIDIA GPU ({evidence}), de a {library} nem tudja használni "
              "({error}), ezért {instead} használjuk. {fix}",
        "en": "{framework}: an NVIDIA GPU was found ({evidence}), but {library} cannot use it "
              "({error}), so the GPU is not used: using {instead}. {fix}"},
    # how to fix it
    "fix_gpu_runtime": {"hu": "GPU-hoz: Futtatókörnyezet → Futtatókörnyezet típusának módosítása.",
                        "en": "For a GPU: Runtime → Change runtime type."},
    "fix_keras_jax": {
        "hu": "A Keras a JAX-on át használhatja a TPU-t: az első import keras előtt futtasd: "
              "os.environ['KERAS_BACKEND'] = 'jax' (ha a Keras már be van töltve, előbb indítsd újra "
              "a munkamenetet).",
        "en": "Keras can use the TPU through JAX: run os.environ['KERAS_BACKEND'] = 'jax' before the "
              "first import keras (restart the session first if Keras is already imported)."},
    "fix_jax_tpu": {"hu": "A JAX TPU-s változata: pip install 'jax[tpu]', utána indítsd újra a munkamenetet.",
                    "en": "JAX with TPU support: pip install 'jax[tpu]', then restart the session."},
    "fix_torch_cuda": {"hu": "Ehhez a torch CUDA-s változata kell (a Colab GPU-s futtatókörnyezetében "
                             "az van).",
                       "en": "This needs a CUDA build of torch (Colab's GPU runtime has one)."},
    "fix_tf_cuda": {"hu": "Ehhez a TensorFlow GPU-s változata kell: pip install 'tensorflow[and-cuda]' "
                          "(a Colab GPU-s futtatókörnyezetében az van).",
                    "en": "This needs TensorFlow with GPU support: pip install 'tensorflow[and-cuda]' "
                          "(Colab's GPU runtime has it)."},
    "fix_jax_cuda": {"hu": "Ehhez a JAX CUDA-s változata kell: pip install 'jax[cuda12]'.",
                     "en": "This needs JAX with CUDA: pip install 'jax[cuda12]'."},
    "no_cuda_build": {"hu": "CUDA nélkül fordított változat: {version}", "en": "a build without CUDA: {version}"},
    "no_tf_gpu": {"hu": "a TensorFlow {version} nem lát GPU-t", "en": "TensorFlow {version} sees no GPU"},
    # Keras cannot run at all
    "keras_no_backend": {
        "hu": "keras: a Keras háttere ({backend}) nincs telepítve. {fix}",
        "en": "keras: the backend Keras is set to use ({backend}) is not installed. {fix}"},
    "fix_install_tf": {"hu": "Telepítsd (pip install tensorflow), vagy az első import keras előtt "
                             "állítsd be: os.environ['KERAS_BACKEND'] = 'jax'.",
                       "en": "Install it (pip install tensorflow), or run os.environ['KERAS_BACKEND'] = 'jax' "
                             "before the first import keras."},
    "fix_install_backend": {"hu": "Telepítsd (pip install {backend}).", "en": "Install it (pip install {backend})."},
})

_LABELS = {"cuda": "CUDA GPU", "gpu": "GPU", "tpu": "TPU"}


class DeviceError(RuntimeError):
    """The framework cannot run at all here (the message says why and what to do)."""


@dataclass(frozen=True)
class DeviceInfo:
    """What :func:`detect` found.

    ``handle`` is what the framework needs: a ``torch.device`` for torch (also
    ``.device``), a distribution strategy for Keras (also ``.strategy``): a
    ``tf.distribute.Strategy``, or on the JAX backend an object whose ``scope()`` does
    nothing. ``None`` when built by hand, as above. ``cores``: how many TPU cores are used,
    of ``available``. ``note`` and ``details``: why a device that was found is not used.
    """

    framework: Framework
    kind: Kind
    name: str
    handle: Any = None
    cores: int = 1
    available: int = 1
    backend: str = ""
    label: str | None = None  # a TEXT key naming the framework (Keras on JAX)
    note: str | None = None  # a TEXT key: a device was found but is not used
    details: Mapping[str, str] = field(default_factory=dict)  # the note's placeholders
    fixes: tuple[str, ...] = ()  # TEXT keys: how to make the device usable
    evidence: tuple[str, ...] = ()  # what showed a TPU or GPU is there

    @property
    def strategy(self) -> Any:
        """Keras: the distribution strategy (``with info.strategy.scope(): model = ...``)."""
        if self.framework != "keras":
            raise AttributeError("strategy is for Keras; with torch use .device")
        return self.handle

    @property
    def device(self) -> Any:
        """torch: the ``torch.device`` to put tensors and models on."""
        if self.framework != "torch":
            raise AttributeError("device is for torch; with Keras use .strategy")
        return self.handle

    def summary(self, lang: str | None = None) -> str:
        """One line about the device, in ``lang`` (default: the notebook's language)."""
        framework = TEXT(self.label, lang) if self.label else self.framework
        if self.note is not None:
            if self.kind == "cpu":
                instead = TEXT("the_cpu", lang)
            else:
                instead = TEXT("the_device", lang, label=_LABELS[self.kind], name=self.name)
            values = dict(self.details)
            if "why" in values:  # the reason is a text of its own
                values["error"] = TEXT(values.pop("why"), lang, version=values.pop("version", ""))
            fix = " ".join(TEXT(key, lang) for key in self.fixes)
            return TEXT(self.note, lang, framework=framework, instead=instead, fix=fix, **values).rstrip()
        if self.kind == "cpu":
            return TEXT("cpu", lang, framework=framework)
        device = f"{_LABELS[self.kind]} {self.name}".strip()
        if self.kind == "tpu" and self.available > 1:
            device += TEXT("cores" if self.cores == self.available else "one_core", lang, n=self.available)
        return TEXT("using", lang, framework=framework, device=device)


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


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as file:
            return file.read().strip()
    except (OSError, UnicodeDecodeError):
        return ""


def tpu_evidence(dev: str = DEV_DIR, pci: str = PCI_DIR) -> tuple[str, ...]:
    """What shows that a TPU is attached, without asking any framework.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, "accel0"), "w").close()
    >>> [e.replace(folder, "DEV") for e in tpu_evidence(dev=folder, pci=folder)
    ...  if not e.startswith(TPU_ENV + ("PJRT",))]
    ['DEV/accel0']
    """
    found = [f"{key}={os.environ[key]}" for key in TPU_ENV if os.environ.get(key)]
    if os.environ.get("PJRT_DEVICE", "").upper() == "TPU":
        found.append("PJRT_DEVICE=TPU")
    accel = sorted(glob.glob(os.path.join(dev, "accel[0-9]*")))
    if accel:
        found.append(accel[0] if len(accel) == 1 else f"{accel[0]} … {accel[-1]}")
    chips = [TPU_PCI_DEVICES[device] for vendor_file in sorted(glob.glob(os.path.join(pci, "*", "vendor")))
             if _read(vendor_file) == GOOGLE_PCI_VENDOR
             and (device := _read(os.path.join(os.path.dirname(vendor_file), "device"))) in TPU_PCI_DEVICES]
    if chips:
        found.append(f"PCI: {len(chips)} × TPU {chips[0]}")
    return tuple(found)


def gpu_evidence(dev: str = DEV_DIR) -> tuple[str, ...]:
    """The NVIDIA device files in ``dev`` (what shows a GPU is there, without CUDA)."""
    return tuple(path for name in NVIDIA_DEVICE_FILES if os.path.exists(path := os.path.join(dev, name)))


def _short(error: BaseException, limit: int = 120) -> str:
    """``Type: first line of the message``, at most ``limit`` characters."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _found(evidence: tuple[str, ...]) -> str:
    return ", ".join(evidence)


def detect_torch(dev: str = DEV_DIR, pci: str = PCI_DIR) -> DeviceInfo:
    """The CUDA GPU if torch sees one, else a TPU through torch_xla, else the CPU (saying
    why when a TPU or a GPU was found but cannot be used)."""
    import torch

    if torch.cuda.is_available():  # only on a GPU
        return DeviceInfo("torch", "cuda", torch.cuda.get_device_name(0), torch.device("cuda"))
    cpu = torch.device("cpu")
    tpu = tpu_evidence(dev, pci)
    if tpu:
        if importlib.util.find_spec("torch_xla") is None:
            return DeviceInfo("torch", "cpu", "CPU", cpu, note="tpu_no_torch_xla", evidence=tpu,
                              details={"evidence": _found(tpu)}, fixes=("fix_gpu_runtime",))
        try:
            return _torch_xla(tpu)
        except Exception as error:  # torch_xla raises many kinds of errors when it cannot start
            return DeviceInfo("torch", "cpu", "CPU", cpu, note="tpu_torch_xla_failed", evidence=tpu,
                              details={"evidence": _found(tpu), "error": _short(error)},
                              fixes=("fix_gpu_runtime",))
    gpu = gpu_evidence(dev)
    if gpu:
        why = ({"why": "no_cuda_build", "version": torch.__version__} if torch.version.cuda is None
               else {"error": "torch.cuda.is_available() == False"})
        return DeviceInfo("torch", "cpu", "CPU", cpu, note="gpu_unused", evidence=gpu,
                          details={"evidence": _found(gpu), "library": "torch", **why},
                          fixes=("fix_torch_cuda",))
    return DeviceInfo("torch", "cpu", "CPU", cpu)


def _torch_xla(evidence: tuple[str, ...]) -> DeviceInfo:
    """The TPU through torch_xla (raises when it cannot start one)."""
    os.environ.setdefault("PJRT_DEVICE", "TPU")
    import torch_xla
    import torch_xla.core.xla_model as xm

    device = torch_xla.device() if hasattr(torch_xla, "device") else xm.xla_device()
    hardware = xm.xla_device_hw(device)
    if hardware != "TPU":
        raise RuntimeError(f"torch_xla runs on {hardware}, not on a TPU")
    try:
        import torch_xla.runtime as xr

        count = int(xr.global_runtime_device_count())
    except Exception:  # an older torch_xla
        count = 1
    return DeviceInfo("torch", "tpu", str(device), device, cores=1, available=count, evidence=evidence)


def keras_backend() -> tuple[str, bool]:
    """The backend Keras uses or will use, and whether the user chose it (Keras is
    imported already, or ``KERAS_BACKEND`` is set). keras.json is read like Keras reads it,
    but does not count as a choice: Keras writes it, with ``tensorflow``, on first import."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "config"):
        return str(keras.config.backend()), True
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"], True
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json"), encoding="utf-8") as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    return (str(backend) if backend else "tensorflow"), False


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def detect_keras(dev: str = DEV_DIR, pci: str = PCI_DIR, lang: str | None = None) -> DeviceInfo:
    """A TPU if one is attached and usable, else a GPU, else the CPU (saying why when a TPU
    or a GPU was found but cannot be used). See the module's docstring for the backends."""
    backend, chosen = keras_backend()
    label = None
    if backend == "tensorflow" and not _installed("tensorflow"):
        if not chosen and _installed("jax"):
            os.environ["KERAS_BACKEND"] = backend = "jax"
            label = "keras_jax_auto"
        else:
            raise DeviceError(TEXT("keras_no_backend", lang, backend=backend,
                                   fix=TEXT("fix_install_tf", lang)))
    if backend == "jax":
        if not _installed("jax"):
            raise DeviceError(TEXT("keras_no_backend", lang, backend=backend,
                                   fix=TEXT("fix_install_backend", lang, backend=backend)))
        return _keras_on_jax(label or "keras_jax", dev, pci)
    if backend != "tensorflow":
        raise DeviceError(f"keras: the {backend} backend is not supported by dlcourse.device; "
                          "use KERAS_BACKEND=tensorflow or jax")
    quiet_tensorflow()
    import tensorflow as tf

    tpu = tpu_evidence(dev, pci)
    problem: dict[str, Any] = {}
    if tpu:  # only asked when there is evidence: elsewhere the resolver may wait for a server
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="local")
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            strategy = tf.distribute.TPUStrategy(resolver)  # only on a TPU from here
            cores = int(strategy.num_replicas_in_sync)
            return DeviceInfo("keras", "tpu", "", strategy, cores=cores, available=cores,
                              backend="tensorflow", evidence=tpu)
        except Exception as error:  # TensorFlow raises several kinds when it has no TPU
            fixes = (("fix_keras_jax",) if _installed("jax") else ()) + ("fix_gpu_runtime",)
            problem = {"note": "tpu_tf_failed", "evidence": _found(tpu), "error": _short(error),
                       "fixes": fixes}
    default = tf.distribute.get_strategy()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:  # only on a GPU
        details = tf.config.experimental.get_device_details(gpus[0])
        name = details.get("device_name", gpus[0].name)
        info = DeviceInfo("keras", "gpu", name, default, backend="tensorflow")
    else:
        info = DeviceInfo("keras", "cpu", "CPU", default, backend="tensorflow")
        gpu = gpu_evidence(dev)
        if gpu and not problem:
            problem = {"note": "gpu_unused", "evidence": _found(gpu), "library": "TensorFlow",
                       "why": "no_tf_gpu", "version": tf.__version__, "fixes": ("fix_tf_cuda",)}
    return _with_problem(info, problem, tpu or gpu_evidence(dev))


def _with_problem(info: DeviceInfo, problem: dict[str, Any], evidence: tuple[str, ...]) -> DeviceInfo:
    """``info``, with the note of ``problem`` (its ``note``, ``fixes`` and placeholders)."""
    if not problem:
        return info
    details = {key: str(value) for key, value in problem.items() if key not in ("note", "fixes")}
    return DeviceInfo(info.framework, info.kind, info.name, info.handle, backend=info.backend,
                      label=info.label, note=problem["note"], details=details,
                      fixes=tuple(problem.get("fixes", ())), evidence=evidence)


class NoStrategy:
    """Keras on JAX has no ``tf.distribute``: ``scope()`` does nothing, one device is used."""

    num_replicas_in_sync = 1

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        yield

    def __repr__(self) -> str:
        return "NoStrategy()"


def _keras_on_jax(label: str, dev: str, pci: str) -> DeviceInfo:
    """What Keras on JAX runs on: the first device of ``jax.devices()``."""
    import jax

    devices = jax.devices()
    platform = devices[0].platform
    if platform == "tpu":  # only on a TPU
        name = str(devices[0].device_kind).removeprefix("TPU").strip()
        return DeviceInfo("keras", "tpu", name, NoStrategy(), cores=1, available=len(devices),
                          backend="jax", label=label, evidence=tpu_evidence(dev, pci))
    if platform == "gpu":  # only on a GPU
        return DeviceInfo("keras", "gpu", str(devices[0].device_kind), NoStrategy(), backend="jax",
                          label=label)
    info = DeviceInfo("keras", "cpu", "CPU", NoStrategy(), backend="jax", label=label)
    tpu, gpu = tpu_evidence(dev, pci), gpu_evidence(dev)
    if tpu:
        return _with_problem(info, {"note": "tpu_jax_none", "evidence": _found(tpu), "platform": platform,
                                    "fixes": ("fix_jax_tpu", "fix_gpu_runtime")}, tpu)
    if gpu:
        return _with_problem(info, {"note": "gpu_unused", "evidence": _found(gpu), "library": "JAX",
                                    "error": f"jax.devices() == [{platform}]", "fixes": ("fix_jax_cuda",)},
                             gpu)
    return info


def detect(framework: Framework, verbose: bool = True, lang: str | None = None, *,
           dev: str = DEV_DIR, pci: str = PCI_DIR) -> DeviceInfo:
    """Detect the accelerator for ``framework`` and print one line about it (in ``lang``,
    by default the notebook's language). ``dev`` and ``pci``: where to look for device
    files (tests give other folders).

    >>> detect("jax")
    Traceback (most recent call last):
    ...
    ValueError: framework must be 'torch' or 'keras', not 'jax'
    """
    if framework == "torch":
        info = detect_torch(dev, pci)
    elif framework == "keras":
        info = detect_keras(dev, pci, lang)
    else:
        raise ValueError(f"framework must be 'torch' or 'keras', not {framework!r}")
    if verbose:
        print(info.summary(lang))
    return info
