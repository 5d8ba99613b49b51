"""dlcourse.device never falls back to the CPU silently.

This machine has no GPU and no TPU. The CPU fallback runs here for real (also in
tests/test_package.py). The branches where a TPU or a GPU is found but cannot be used run
here too, with the real frameworks: each test gives the evidence the code reads (the
environment variables, a ``dev`` or ``pci`` folder with fake device files) to a fresh
Python process, which then takes the same path as on such a machine. The lines that only a
GPU or a TPU runs are listed in dlcourse/device.py's docstring.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coursetools.config import ROOT
from dlcourse.device import TPU_ENV, DeviceInfo, detect, gpu_evidence, tpu_evidence

# Evidence that this machine might carry, removed so that each test sets its own.
_CLEAN = TPU_ENV + ("PJRT_DEVICE", "KERAS_BACKEND", "COLAB_RELEASE_TAG", "COURSE_LANG")

_HAS_JAX = pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import jax"], capture_output=True).returncode != 0,
    reason="jax is not installed (requirements.txt pins it): the Keras-on-JAX branches need it")


def run_python(code: str, env: dict[str, str] | None = None) -> dict:
    """Run ``code`` in a fresh Python with only the evidence in ``env``; it prints one JSON
    object last. Its stderr must be clean (nbgrader scores a cell that writes there 0)."""
    environ = {k: v for k, v in os.environ.items() if k not in _CLEAN}
    environ.update(env or {})
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=environ,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def fake_dev(folder: Path, *names: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).touch()
    return str(folder)


def fake_pci(folder: Path, *devices: tuple[str, str]) -> str:
    for number, (vendor, device) in enumerate(devices):
        slot = folder / f"0000:00:{number:02x}.0"
        slot.mkdir(parents=True)
        (slot / "vendor").write_text(vendor + "\n")
        (slot / "device").write_text(device + "\n")
    return str(folder)


REPORT = """
import json, sys
from dlcourse.device import detect
info = detect({framework!r}, verbose=False, dev={dev!r}, pci={pci!r})
print(json.dumps({{"kind": info.kind, "note": info.note, "evidence": list(info.evidence),
                   "en": info.summary("en"), "hu": info.summary("hu"), "handle": repr(info.handle),
                   "backend": info.backend, "imported": sorted(m for m in ("tensorflow", "jax", "torch_xla")
                                                             if sys.modules.get(m) is not None)}}))
"""


# -- the evidence itself (no framework is imported for it)

def test_no_evidence_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in _CLEAN:
        monkeypatch.delenv(key, raising=False)
    assert tpu_evidence() == () and gpu_evidence() == (), "this machine has a TPU or GPU after all?"
    assert tpu_evidence(dev=str(tmp_path), pci=str(tmp_path)) == ()


def test_tpu_evidence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in _CLEAN:
        monkeypatch.delenv(key, raising=False)
    dev = fake_dev(tmp_path / "dev", "accel0", "accel1", "accel2", "accel3", "vfio")
    # a TPU v2/v3 chip, and a Google NIC (gVNIC, 0x0042) that is no TPU
    pci = fake_pci(tmp_path / "pci", ("0x1ae0", "0x0027"), ("0x1ae0", "0x0042"), ("0x10de", "0x2330"))
    assert tpu_evidence(dev=dev, pci=pci) == (f"{dev}/accel0 … {dev}/accel3", "PCI: 1 × TPU v2/v3")
    monkeypatch.setenv("TPU_ACCELERATOR_TYPE", "v2-8")
    monkeypatch.setenv("PJRT_DEVICE", "tpu")
    assert tpu_evidence(dev=str(tmp_path)) == ("TPU_ACCELERATOR_TYPE=v2-8", "PJRT_DEVICE=TPU")


def test_gpu_evidence(tmp_path: Path) -> None:
    assert gpu_evidence(fake_dev(tmp_path, "nvidiactl", "null")) == (str(tmp_path / "nvidiactl"),)


# -- the real CPU fallback

def test_cpu_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    info = detect("torch", lang="hu")
    assert capsys.readouterr().out == "torch: nincs GPU vagy TPU, a CPU-t használjuk\n"
    assert info.device == torch.device("cpu") and info.note is None
    with pytest.raises(AttributeError, match="with torch use .device"):
        _ = info.strategy


def test_keras_gets_the_default_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    import tensorflow as tf

    info = detect("keras", lang="hu")
    assert capsys.readouterr().out == "keras: nincs GPU vagy TPU, a CPU-t használjuk\n"
    assert info.strategy is tf.distribute.get_strategy()
    with pytest.raises(AttributeError, match="with Keras use .strategy"):
        _ = info.device


# -- a TPU or GPU found but not usable: real frameworks, fake evidence, fresh processes

def test_torch_tpu_without_torch_xla(tmp_path: Path) -> None:
    dev = fake_dev(tmp_path / "dev", "accel0")
    out = run_python(REPORT.format(framework="torch", dev=dev, pci=str(tmp_path)))
    assert out["kind"] == "cpu" and out["handle"] == "device(type='cpu')"
    assert out["en"] == (f"torch: a TPU was found ({dev}/accel0), but torch_xla is not installed, "
                         "so the TPU is not used: using the CPU. For a GPU: Runtime → Change runtime type.")
    assert out["hu"] == (f"torch: van TPU ({dev}/accel0), de a torch_xla nincs telepítve, ezért nem a "
                         "TPU-t, hanem a CPU-t használjuk. GPU-hoz: Futtatókörnyezet → "
                         "Futtatókörnyezet típusának módosítása.")


def test_torch_tpu_from_the_environment_and_pci(tmp_path: Path) -> None:
    pci = fake_pci(tmp_path / "pci", ("0x1ae0", "0x0063"))
    out = run_python(REPORT.format(framework="torch", dev=str(tmp_path), pci=pci),
                     {"TPU_ACCELERATOR_TYPE": "v5litepod-1"})
    assert out["evidence"] == ["TPU_ACCELERATOR_TYPE=v5litepod-1", "PCI: 1 × TPU v5e"]
    assert "(TPU_ACCELERATOR_TYPE=v5litepod-1, PCI: 1 × TPU v5e), but torch_xla" in out["en"]


def test_torch_gpu_without_cuda(tmp_path: Path) -> None:
    dev = fake_dev(tmp_path, "nvidia0", "nvidiactl")
    out = run_python(REPORT.format(framework="torch", dev=dev, pci=dev))
    assert out["kind"] == "cpu" and out["note"] == "gpu_unused"
    assert out["en"].startswith(f"torch: an NVIDIA GPU was found ({dev}/nvidia0, {dev}/nvidiactl), "
                                "but torch cannot use it (a build without CUDA: ")
    assert "using the CPU. This needs a CUDA build of torch" in out["en"]
    assert "de a torch nem tudja használni (CUDA nélkül fordított változat:" in out["hu"]
    assert "ezért a CPU-t használjuk" in out["hu"]


def test_keras_tpu_tensorflow_cannot_use_it(tmp_path: Path) -> None:
    """The real TPUClusterResolver(tpu="local") and initialize_tpu_system run and fail; the
    line says so and the default strategy still trains a model on the CPU."""
    code = REPORT.format(framework="keras", dev=str(tmp_path), pci=str(tmp_path)) + """
import keras, numpy as np
with info.strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile(loss="mse")
model.fit(np.ones((8, 4)), np.zeros((8, 2)), epochs=1, verbose=0)
print(json.dumps({"trained": True, "scope": type(info.strategy).__name__}))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**{k: v for k, v in os.environ.items() if k not in _CLEAN},
                                 "TPU_NAME": "local"}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    first, last = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
    assert last == {"trained": True, "scope": "_DefaultDistributionStrategy"}
    assert first["kind"] == "cpu" and first["note"] == "tpu_tf_failed"
    assert first["en"].startswith("keras: a TPU was found (TPU_NAME=local), but TensorFlow cannot use "
                                  "it (NotFoundError: TPUs not found")
    assert "so the TPU is not used: using the CPU. " in first["en"]
    assert first["en"].endswith("For a GPU: Runtime → Change runtime type.")
    assert "de a TensorFlow nem tudja használni (NotFoundError" in first["hu"]
    assert "ezért a CPU-t használjuk" in first["hu"]


def test_keras_gpu_tensorflow_sees_none(tmp_path: Path) -> None:
    dev = fake_dev(tmp_path, "nvidia0")
    out = run_python(REPORT.format(framework="keras", dev=dev, pci=dev))
    assert out["kind"] == "cpu" and out["note"] == "gpu_unused"
    assert f"keras: an NVIDIA GPU was found ({dev}/nvidia0), but TensorFlow cannot use it (TensorFlow 2." \
        in out["en"]
    assert "sees no GPU), so the GPU is not used: using the CPU." in out["en"]
    assert "nem lát GPU-t), ezért a CPU-t használjuk." in out["hu"]


NO_TENSORFLOW = "import sys\nsys.modules['tensorflow'] = None  # as if TensorFlow were not installed\n"


@_HAS_JAX
def test_keras_without_tensorflow_runs_on_jax(tmp_path: Path) -> None:
    """Colab's TPU runtime may have JAX and no TensorFlow: Keras is switched to JAX, saying so."""
    dev = fake_dev(tmp_path, "accel0")
    code = NO_TENSORFLOW + REPORT.format(framework="keras", dev=dev, pci=dev) + """
import os, keras
with info.strategy.scope():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
print(json.dumps({"env": os.environ["KERAS_BACKEND"], "backend": keras.config.backend(),
                  "out": list(model(keras.ops.ones((1, 3))).shape)}))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k not in _CLEAN}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    first, last = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
    assert last == {"env": "jax", "backend": "jax", "out": [1, 2]}
    assert first["backend"] == "jax" and "tensorflow" not in first["imported"]
    assert first["en"].startswith("keras (JAX backend: TensorFlow is not installed, so dlcourse set "
                                  f"KERAS_BACKEND=jax): a TPU was found ({dev}/accel0), but JAX sees no "
                                  "TPU (only cpu), so the TPU is not used: using the CPU.")
    assert "pip install 'jax[tpu]'" in first["en"]
    assert first["hu"].startswith("keras (JAX-háttérrel: a TensorFlow nincs telepítve, ezért a dlcourse "
                                  "beállította: KERAS_BACKEND=jax): van TPU")


@_HAS_JAX
def test_keras_on_jax_chosen_by_the_student(tmp_path: Path) -> None:
    out = run_python(REPORT.format(framework="keras", dev=str(tmp_path), pci=str(tmp_path)),
                     {"KERAS_BACKEND": "jax"})
    assert out["hu"] == "keras (JAX-háttérrel): nincs GPU vagy TPU, a CPU-t használjuk"
    assert out["handle"] == "NoStrategy()" and "tensorflow" not in out["imported"]


def test_keras_with_no_backend_installed_says_what_to_do(tmp_path: Path) -> None:
    code = NO_TENSORFLOW + """
sys.modules['jax'] = None
import json
from dlcourse.device import DeviceError, detect
messages = []
for lang in ("en", "hu"):
    try:
        detect("keras", lang=lang)
    except DeviceError as error:
        messages.append(str(error))
print(json.dumps(messages))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k not in _CLEAN}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "keras: the backend Keras is set to use (tensorflow) is not installed. Install it (pip install "
        "tensorflow), or run os.environ['KERAS_BACKEND'] = 'jax' before the first import keras.",
        "keras: a Keras háttere (tensorflow) nincs telepítve. Telepítsd (pip install tensorflow), vagy az "
        "első import keras előtt állítsd be: os.environ['KERAS_BACKEND'] = 'jax'."]


def test_a_tpu_line_by_hand() -> None:
    """The line for a TPU in use (what a Colab TPU runtime prints; built by hand here)."""
    assert DeviceInfo("keras", "tpu", "", cores=8, available=8).summary("en") == "keras: using TPU (8 cores)"
    assert DeviceInfo("keras", "tpu", "v2", cores=1, available=8, label="keras_jax").summary("hu") == \
        "keras (JAX-háttérrel): ezt használjuk: TPU v2 (8 magjából egyet)"
