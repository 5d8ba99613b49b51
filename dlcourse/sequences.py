"""Sequences for chapters 7 and 8: the one windowing function of the course, splits that keep
time order, the two layouts, and the sensor data of lab 7.

**Windows.** A series of N steps (shape ``(N,)`` or ``(N, d)``) is cut into b windows of m
steps whose starts are s apart: window k covers steps k·s … k·s+m−1 (0-based), so
b = ⌊(N−m)/s⌋+1. With a target ``horizon`` h ≥ 1, each window also gets the value h steps
after its last step, and b = ⌊(N−m−h)/s⌋+1. Windows with a gap of g steps between them are
windows with stride s = m+g. The explorer of chapter 8 (dlcourse.window_explorer) and its
page script draw the same starts.

>>> n_windows(17, 4, 2), n_windows(17, 4, 1, horizon=1), n_windows(3, 4)
(7, 13, 0)
>>> windows(np.arange(3), 4)[0].shape   # no window fits: none, in the right shape
(0, 4, 1)
>>> x, y = windows(np.arange(1, 18), 4, 1, horizon=1)
>>> x.shape, x[-1, :, 0].tolist(), y[-1].tolist()
((13, 4, 1), [13, 14, 15, 16], [17])
>>> [w[:, 0].tolist() for w in windows(np.arange(1, 18), 4, 4 + 1)[0]]   # gap g = 1
[[1, 2, 3, 4], [6, 7, 8, 9], [11, 12, 13, 14]]
>>> to_channels_first(np.zeros((9, 200, 7))).shape
(9, 7, 200)

**Sensor data.** ``load_gestures`` gives lab 7 its data: online the UCI HAR smartphone
recordings (128 steps × 9 channels, 6 activities), offline, or when they cannot be
loaded, synthetic sensor-like recordings shaped like the chapter's gesture example
(200 steps × 7 channels, gesture or not), generated here from a fixed seed. It prints which.
"""

from __future__ import annotations

import os
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text import Texts, page_lang

DEFAULT_ROOT = os.path.join("~", ".cache", "dlcourse")
HAR_URL = "https://archive.ics.uci.edu/static/public/240/human+activity+recognition+using+smartphones.zip"
HAR_SIGNALS = tuple(f"{kind}_{axis}" for kind in ("body_acc", "body_gyro", "total_acc") for axis in "xyz")
HAR_CLASSES = {"hu": ("séta", "lépcsőn fel", "lépcsőn le", "ülés", "állás", "fekvés"),
               "en": ("walking", "upstairs", "downstairs", "sitting", "standing", "lying")}
GESTURE_CLASSES = {"hu": ("nincs gesztus", "gesztus"), "en": ("no gesture", "gesture")}
STEPS, CHANNELS = 200, 7  # the chapter's gesture example: 200 steps of 7 sensor values
SPLIT = (1200, 400)  # offline recordings: training, test
DATA_SEED = 7

TEXT = Texts({
    "online": {"hu": "Adatok: UCI HAR, okostelefonos mozgásfelvételek ({train} tanító és {test} teszt, "
                     "{steps} lépés × {channels} csatorna, {classes} tevékenység).",
               "en": "Data: UCI HAR smartphone recordings ({train} training and {test} test, "
                     "{steps} steps × {channels} channels, {classes} activities)."},
    "offline": {"hu": "Adatok: a kurzus szintetikus szenzorfelvételei ({train} tanító és {test} teszt, "
                      "{steps} lépés × {channels} csatorna, gesztus vagy nem, mag: {seed}), nem a UCI HAR, "
                      "mert {reason}.",
                "en": "Data: the course's synthetic sensor recordings ({train} training and {test} test, "
                      "{steps} steps × {channels} channels, gesture or not, seed {seed}), not UCI HAR, "
                      "because {reason}."},
    "damaged": {"hu": "a letöltött archívum ({archive}) nem ép zip-fájl (megszakadt a letöltés?); "
                      "töröltem, így a következő hívás újra letölti",
                "en": "the downloaded archive ({archive}) is not a whole zip file (an interrupted "
                      "download?); it was removed, so the next call downloads it again"},
    "not_har": {"hu": "a letöltött archívumban ({archive}) nincs „UCI HAR Dataset” mappa; töröltem, "
                      "így a következő hívás újra letölti",
                "en": "the downloaded archive ({archive}) holds no folder \"UCI HAR Dataset\"; it "
                      "was removed, so the next call downloads it again"},
    "asked": {"hu": "ezt kérted (source='offline')", "en": "source='offline' was asked for"},
    "failed": {"hu": "a UCI HAR nem tölthető be ({error})", "en": "UCI HAR could not be loaded ({error})"},
    "online_failed": {"hu": "A UCI HAR nem tölthető be ({error}). Hálózat nélkül: "
                            "load_gestures(source='offline').",
                      "en": "UCI HAR could not be loaded ({error}). Without a network: "
                            "load_gestures(source='offline')."},
    "source": {"hu": "a source 'auto', 'online' vagy 'offline' lehet, nem {source!r}",
               "en": "source must be 'auto', 'online' or 'offline', not {source!r}"},
    "sizes": {"hu": "az ablak hossza (m = {m}) és a lépésköz (s = {s}) pozitív egész kell legyen, a "
                    "horizont (h = {horizon}) nemnegatív",
              "en": "the window length (m = {m}) and the stride (s = {s}) must be positive integers, "
                    "the horizon (h = {horizon}) non-negative"},
    "fractions": {"hu": "a részek arányai pozitívak és összegük legfeljebb 1, nem {fractions}",
                  "en": "the fractions must be positive and add up to at most 1, not {fractions}"},
})


# --- windows ---------------------------------------------------------------------------------


def _check(m: int, s: int, horizon: int, lang: str | None = None) -> None:
    if not all(isinstance(v, (int, np.integer)) for v in (m, s, horizon)) or m < 1 or s < 1 or horizon < 0:
        raise ValueError(TEXT("sizes", lang, m=m, s=s, horizon=horizon))


def n_windows(n: int, m: int, s: int = 1, horizon: int = 0) -> int:
    """How many windows of m steps, starts s apart, fit n steps, each with room for a
    target ``horizon`` steps after it: ⌊(n−m−h)/s⌋+1, or 0 when not even one fits."""
    _check(m, s, horizon)
    room = n - m - horizon
    return 0 if room < 0 else 1 + room // s


def window_starts(n: int, m: int, s: int = 1, horizon: int = 0) -> list[int]:
    """The 0-based first step of every window (the explorer draws these)."""
    return [k * s for k in range(n_windows(n, m, s, horizon))]


def windows(series: np.ndarray, m: int, s: int = 1, horizon: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """Cut a series of shape (N,) or (N, d) into windows of shape (b, m, d), Keras's
    batch × time × features (a 1-D series gets d = 1). With ``horizon`` h ≥ 1 also the
    targets, shape (b, d): the value h steps after each window's last step; else None.
    The windows are copies: changing one changes neither the series nor another window."""
    series = np.asarray(series)
    if series.ndim == 1:
        series = series[:, None]
    starts = window_starts(len(series), m, s, horizon)
    if not starts:
        x = np.empty((0, m, series.shape[1]), dtype=series.dtype)
    else:
        view = np.lib.stride_tricks.sliding_window_view(series, m, axis=0)  # (N-m+1, d, m)
        x = np.ascontiguousarray(view[starts].transpose(0, 2, 1))
    if not horizon:
        return x, None
    return x, series[[start + m - 1 + horizon for start in starts]]


def split_in_time(series: np.ndarray, fractions: tuple[float, ...] = (0.7, 0.15)) -> list[np.ndarray]:
    """Consecutive parts of a series, oldest first: one per fraction and the rest last
    (train, validation, test by default). Cut the windows within each part, never across
    the cuts, and no test window shares a step with a training window."""
    if any(f <= 0 for f in fractions) or sum(fractions) > 1:
        raise ValueError(TEXT("fractions", None, fractions=fractions))
    cuts = np.cumsum([int(round(f * len(series))) for f in fractions])
    return np.split(np.asarray(series), cuts)


def to_channels_first(x: np.ndarray) -> np.ndarray:
    """Keras's (batch, time, features) as PyTorch's (batch, features, time); in torch,
    ``x.permute(0, 2, 1)`` does the same."""
    return np.swapaxes(x, -1, -2)


def to_channels_last(x: np.ndarray) -> np.ndarray:
    """PyTorch's (batch, features, time) as Keras's (batch, time, features)."""
    return np.swapaxes(x, -1, -2)


# --- lab 7's sensor data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recordings:
    """Lab 7's data: recordings (batch, time, channels) in float32 and integer labels."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    names: Mapping[str, tuple[str, ...]]  # the classes' names, per language
    source: str  # "online" (UCI HAR) or "offline" (synthetic)

    def class_names(self, lang: str | None = None) -> tuple[str, ...]:
        return self.names[page_lang(lang)]


def _smooth_noise(draw: np.random.Generator, shape: tuple[int, ...], width: int) -> np.ndarray:
    """Slowly drifting noise: white noise averaged over ``width`` steps."""
    raw = draw.normal(size=(shape[0], shape[1] + width - 1, shape[2]))
    kernel = np.ones(width) / np.sqrt(width)
    return np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="valid"), 1, raw)


def synthetic_gestures(n: int, seed: int = DATA_SEED, steps: int = STEPS,
                       channels: int = CHANNELS) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sensor-like recordings (n, steps, channels) and labels: 1 where a short
    shake (a few fast oscillations of the first three channels, the "accelerometer", and
    their rate of change in the next three, the "gyroscope") happens somewhere in the
    recording. Half of the others hold a distractor of the same size and energy, one slow
    bump, so that neither the loudness nor the place tells the classes apart: only the
    shape does, which is what a 1-D convolution sees."""
    draw = np.random.default_rng(seed)
    x = 0.6 * _smooth_noise(draw, (n, steps, channels), 15) + 0.5 * draw.normal(size=(n, steps, channels))
    y = (draw.random(n) < 0.5).astype(np.int64)
    length = 40
    t = np.arange(length)
    envelope = np.sin(np.pi * t / (length - 1)) ** 2
    for i in range(n):
        kind = "shake" if y[i] else ("bump" if draw.random() < 0.5 else None)
        if kind is None:
            continue
        start = draw.integers(0, steps - length)
        amplitude = draw.uniform(0.8, 1.6)
        if kind == "shake":
            wave = np.sin(2 * np.pi * t / draw.uniform(7, 10) + draw.uniform(0, 2 * np.pi))
        else:
            wave = np.sqrt(2) * np.sin(np.pi * t / (length - 1))  # same energy as the shake
        signal = amplitude * envelope * wave
        mix = draw.normal(size=3)
        mix /= np.linalg.norm(mix)
        for axis in range(3):
            x[i, start:start + length, axis] += mix[axis] * signal
            if channels > 3 + axis:
                x[i, start:start + length, 3 + axis] += mix[axis] * np.gradient(signal) * 4
    return x.astype(np.float32), y


def offline_gestures(split: tuple[int, int] = SPLIT, seed: int = DATA_SEED) -> Recordings:
    x, y = synthetic_gestures(sum(split), seed)
    train = split[0]
    return Recordings(x[:train], y[:train], x[train:], y[train:], GESTURE_CLASSES, "offline")


def download_har(root: str = DEFAULT_ROOT, url: str = HAR_URL, lang: str | None = None) -> Path:
    """Download UCI HAR once (about 60 MB) and unpack it; the folder "UCI HAR Dataset".
    UCI's archive holds another zip of the same name, unpacked too. A damaged archive is
    removed, with an error that says so, so the next call downloads it again."""
    folder = Path(os.path.expanduser(root))
    found = folder / "UCI HAR Dataset"
    if found.is_dir():
        return found
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / "uci_har.zip"
    if not archive.exists():
        partial = archive.with_suffix(".part")
        urllib.request.urlretrieve(url, partial)
        partial.rename(archive)
    try:
        with zipfile.ZipFile(archive) as outer:
            inner = [name for name in outer.namelist() if name.endswith("UCI HAR Dataset.zip")]
            if inner:
                outer.extract(inner[0], folder)
                with zipfile.ZipFile(folder / inner[0]) as nested:
                    nested.extractall(folder)
            else:
                outer.extractall(folder)
    except zipfile.BadZipFile as error:
        archive.unlink()
        raise ValueError(TEXT("damaged", lang, archive=archive)) from error
    if not found.is_dir():
        archive.unlink()
        raise ValueError(TEXT("not_har", lang, archive=archive))
    return found


def read_har(folder: Path, part: str) -> tuple[np.ndarray, np.ndarray]:
    """One part ("train" or "test") of UCI HAR: the nine raw inertial signals as
    (recordings, 128, 9) float32, and the activities 0…5."""
    signals = folder / part / "Inertial Signals"
    x = np.stack([np.loadtxt(signals / f"{name}_{part}.txt", dtype=np.float32) for name in HAR_SIGNALS], axis=-1)
    y = np.loadtxt(folder / part / f"y_{part}.txt", dtype=np.int64) - 1
    return x, y


def load_gestures(source: str = "auto", lang: str | None = None, root: str = DEFAULT_ROOT,
                  verbose: bool = True) -> Recordings:
    """Lab 7's recordings: ``source="online"`` UCI HAR, ``"offline"`` the synthetic
    gestures, ``"auto"`` the first that loads. Prints one line that says which, and why."""
    if source not in ("auto", "online", "offline"):
        raise ValueError(TEXT("source", lang, source=source))
    reason = TEXT("asked", lang)
    if source in ("auto", "online"):
        try:
            folder = download_har(root, lang=lang)
            (x_train, y_train), (x_test, y_test) = read_har(folder, "train"), read_har(folder, "test")
        except Exception as error:  # no network, a refused or damaged download
            if source == "online":
                raise RuntimeError(TEXT("online_failed", lang, error=error)) from error
            reason = TEXT("failed", lang, error=f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}")
        else:
            data = Recordings(x_train, y_train, x_test, y_test, HAR_CLASSES, "online")
            if verbose:
                print(TEXT("online", lang, train=len(x_train), test=len(x_test), steps=x_train.shape[1],
                           channels=x_train.shape[2], classes=len(HAR_CLASSES["en"])))
            return data
    data = offline_gestures()
    if verbose:
        print(TEXT("offline", lang, train=len(data.x_train), test=len(data.x_test), steps=STEPS,
                   channels=CHANNELS, seed=DATA_SEED, reason=reason))
    return data


# --- training a classifier of recordings, in either framework ---------------------------------


def train_classifier(model, x, y: np.ndarray, epochs: int, lr: float = 1e-3, batch_size: int = 32,
                     seed: int = 0, validation: tuple | None = None) -> dict[str, list[float]]:
    """Train a model that returns one logit per class (Keras: input (batch, time, channels);
    PyTorch: a tensor (batch, channels, time)) with cross-entropy and Adam; the history in
    Keras's form (dlcourse.training). The batches are shuffled with ``seed``."""
    y = np.asarray(y, dtype=np.int64)
    if hasattr(model, "fit"):
        import keras

        keras.utils.set_random_seed(seed)
        model.compile(optimizer=keras.optimizers.Adam(lr), metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        fitted = model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation, verbose=0)
        return {key: [float(v) for v in values] for key, values in fitted.history.items()}
    import torch
    from torch.nn import functional

    torch.manual_seed(seed)
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
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
            loss = functional.cross_entropy(logits, yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(batch)
            correct += float((logits.argmax(1) == yb).sum())
        history["loss"].append(total / len(targets))
        history["accuracy"].append(correct / len(targets))
        if validation is not None:
            history.setdefault("val_accuracy", []).append(accuracy(model, *validation))
    return history


def predict_classes(model, x, batch_size: int = 256) -> np.ndarray:
    """The class with the largest logit for each recording, in inference mode."""
    if hasattr(model, "fit"):  # called batch by batch: model.predict would trace anew for each model
        parts = [np.asarray(model(x[start:start + batch_size], training=False))
                 for start in range(0, len(x), batch_size)]
        return np.concatenate(parts).argmax(1)
    import torch

    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(part.to(device)).cpu() for part in x.split(batch_size)])
    return logits.argmax(1).numpy()


def accuracy(model, x, y: np.ndarray) -> float:
    """The share of recordings whose class ``model`` predicts right."""
    return float(np.mean(predict_classes(model, x) == np.asarray(y)))
