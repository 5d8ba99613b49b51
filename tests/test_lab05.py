"""Chapter 5's trained network and lab 5's oracle, checked against real Keras and PyTorch.

- dlcourse.inside: the checkpoint's hash is the one its record states; the network loads
  into both frameworks with the same outputs and the recorded accuracy; a damaged or
  missing checkpoint gives an error that names the file and what to do, in both languages.
- coursetools.make_checkpoint trains the network again (in a temporary folder) to the
  recorded accuracy.
- hidden_tests/lab05.py computes the network in NumPy: every layer it uses agrees with the
  real layers of both frameworks, so its oracle is the network the students look inside.
The grading round trip of the lab (sources, student versions, typical mistakes) is in
tests/test_grading_batch.py, like every lab's.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from coursetools import make_checkpoint
from dlcourse.data import load_mnist
from dlcourse.inside import (
    CHECKPOINT,
    LAYERS,
    MAKE,
    RECORD,
    CheckpointError,
    load_cnn,
    record,
    sha256,
)

from .grading_cases import hidden_tests

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # after TF_CPP_MIN_LOG_LEVEL


def _test_images() -> tuple[np.ndarray, np.ndarray]:
    (_, _), (images, labels) = load_mnist("torch", source="offline", verbose=False)
    return images.astype(np.float32) / 255, labels


def _layer_outputs(images: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every named layer's output in (Keras, PyTorch), channel first."""
    k_model, t_model = load_cnn("keras", verbose=False), load_cnn("torch", verbose=False)
    k_out = {name: np.asarray(keras.Model(k_model.input, k_model.get_layer(name).output)(images[..., None]))
             for name in LAYERS}
    k_out = {name: v.transpose(0, 3, 1, 2) if v.ndim == 4 else v for name, v in k_out.items()}
    t_out, x = {}, torch.from_numpy(images)[:, None]
    with torch.no_grad():
        for name, module in t_model.named_children():
            x = module(x)
            t_out[name] = x.numpy()
    return k_out, t_out


def test_the_checkpoint_is_the_recorded_file() -> None:
    saved = json.loads(RECORD.read_text(encoding="utf-8"))
    assert sha256(CHECKPOINT) == saved["sha256"]
    assert saved["made_by"] == MAKE and saved["train_images"] == 4_000 and saved["test_images"] == 1_000


def test_both_frameworks_load_the_same_network_with_the_recorded_accuracy() -> None:
    images, labels = _test_images()
    k_out, t_out = _layer_outputs(images)
    assert set(k_out) == set(t_out) == set(LAYERS)
    for name in LAYERS:
        assert k_out[name].shape == t_out[name].shape, name
        assert np.allclose(k_out[name], t_out[name], atol=1e-4), name
    for logits in (k_out["logits"], t_out["logits"]):
        assert float((logits.argmax(axis=1) == labels).mean()) == pytest.approx(record()["test_accuracy"], abs=1e-9)
    assert k_out["relu1"].shape == (1_000, 32, 26, 26) and k_out["relu3"].shape == (1_000, 64, 3, 3)


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_a_damaged_or_missing_checkpoint_is_refused_with_what_to_do(tmp_path: Path, lang: str) -> None:
    damaged = tmp_path / CHECKPOINT.name
    shutil.copy(RECORD, tmp_path / RECORD.name)
    data = bytearray(CHECKPOINT.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of the weights
    damaged.write_bytes(bytes(data))
    for framework in ("keras", "torch"):
        with pytest.raises(CheckpointError) as error:
            load_cnn(framework, lang, path=damaged)
        message = str(error.value)
        assert str(damaged) in message and MAKE in message and sha256(damaged) in message
        assert ("ellenőrzőösszege" if lang == "hu" else "hash") in message
    damaged.unlink()
    with pytest.raises(CheckpointError) as error:
        load_cnn("torch", lang, path=damaged)
    assert str(damaged) in str(error.value) and MAKE in str(error.value)
    assert ("Hiányzik" if lang == "hu" else "missing") in str(error.value)


def test_the_loaded_line_names_the_file_hash_and_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    load_cnn("torch", "hu")
    hu = capsys.readouterr().out
    load_cnn("keras", "en")
    en = capsys.readouterr().out
    digest = record()["sha256"][:12]
    assert digest in hu and digest in en and CHECKPOINT.name in hu
    assert "96,6%" in hu and "96.6%" in en and "4\xa0000" in hu and "4,000" in en


def test_the_script_trains_the_network_again_to_the_recorded_accuracy(tmp_path: Path) -> None:
    saved = make_checkpoint.save(tmp_path)
    again = tmp_path / CHECKPOINT.name
    assert saved["sha256"] == sha256(again)
    # Seeded on one thread, a rerun on this wheel gives the same file; another CPU may round
    # differently, so the test asks for the accuracy, not the bytes.
    assert abs(float(saved["test_accuracy"]) - record()["test_accuracy"]) <= 0.015
    assert load_cnn("torch", verbose=False, path=again) is not None


def test_the_hidden_tests_numpy_network_is_the_real_one() -> None:
    oracle = hidden_tests("lab05")
    images, _ = _test_images()
    k_out, t_out = _layer_outputs(images[:4])
    weights = oracle.weights()
    for i, image in enumerate(images[:4]):
        mine = oracle._layers(image, weights)
        for name, value in mine.items():
            assert np.allclose(value, t_out[name][i], atol=1e-4), name
            assert np.allclose(value, k_out[name][i], atol=1e-4), name


def test_the_quiz_bank_agrees_with_the_frameworks() -> None:
    from coursetools.cnn_arithmetic import out_size
    from dlcourse.quiz import load_bank

    questions = {q.id: q for q in load_bank("ch05")}

    def right_option(qid: str) -> str:
        q = questions[qid]
        return q.options("en")[q.correct_options()[0]]

    # An occlusion map has one value per position of the patch: a pooling window's count.
    for qid, stride in (("occlusion-size", 7), ("occlusion-stride-3", 3)):
        side = torch.nn.functional.avg_pool2d(torch.zeros(1, 1, 28, 28), 7, stride).shape[-1]
        assert side == out_size(28, 7, stride)
        stated = questions[qid].data.get("answer") or int(right_option(qid).split("×")[0])
        assert stated == side, qid
    x = torch.zeros(2, requires_grad=True)
    (torch.tensor([1.0, -2.0]) @ x).backward()
    assert x.grad is not None
    step = (x + 0.1 * x.grad).detach().numpy()
    assert right_option("ascent-step") == f"$({step[0]:.1f}, {step[1]:.1f})$"
    k_model, t_model = load_cnn("keras", verbose=False), load_cnn("torch", verbose=False)
    keras_maps = keras.Model(k_model.input, k_model.get_layer("relu1").output)(np.zeros((1, 28, 28, 1), "float32"))
    assert right_option("keras-shape") == str(tuple(keras_maps.shape))
    assert tuple(t_model.relu1(t_model.conv1(torch.zeros(1, 1, 28, 28))).shape) == (1, 32, 26, 26)
    assert right_option("ascent-gradient") == "$\\partial a / \\partial x$"
