"""Every number chapter 1 (its pages and its lecture deck) states is checked here.

Derived figures are recomputed, against the real frameworks where one computes them
(torch's autograd for the sigmoid's slope, torch layers for the perceptrons and the XOR
network). Then the number audit reads the prose of every chapter 1 page in both
languages: both state the same numbers, and each is a source figure kept in
dlcourse.landscape or a derived figure checked below.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch

from coursetools.config import ROOT
from coursetools.numbers import numbers
from coursetools.prose import prose_lines
from dlcourse import landscape as L

PAGES = [f"book/{{lang}}/{name}.md" for name in
         ("intro", "01_landscape", "01_perceptron", "lab01_perceptron", "glossary")]
PAGES.append("lectures/{lang}/01_perceptron.md")
# Digits that belong to a name, not a quantity: "GTX 1080 Ti", "Xeon E5-2640 v4", "DGX-1".
NAMES = re.compile(r"\b\d{4} Ti\b|E5-\d{4} v\d|DGX-\d|V100|A100|Titan V|2-2-1|TPU v\d|\d+[- ]bit(?:es)?\b|FP\d+")
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)


def speedups() -> dict[str, float]:
    t = {k: v.seconds for k, v in L.RAPIDS_BENCHMARK.items()}
    return {"dask/pandas": t["pandas"] / t["dask"], "rapids/pandas": t["pandas"] / t["rapids"],
            "rapids/dask": t["dask"] / t["rapids"]}


def test_rapids_speedups() -> None:
    s = speedups()
    assert round(s["dask/pandas"], 2) == 5.02
    assert round(s["rapids/pandas"], 1) == 1881.6
    assert round(s["rapids/dask"], 1) == 375.0


def test_gpu_years_and_wavenet_timing() -> None:
    assert L.HOURS_PER_YEAR == 8760
    assert round(L.GESTURE_GPU_HOURS / L.HOURS_PER_YEAR, 2) == 2.97
    seconds = L.WAVENET_SAMPLE_RATE_HZ * L.WAVENET_MS_PER_SAMPLE / 1000
    assert seconds == 120
    implied_ms = L.WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND / L.WAVENET_SAMPLE_RATE_HZ * 1000
    assert implied_ms == pytest.approx(0.75)
    assert L.WAVENET_CONTEXT_SAMPLES / L.WAVENET_SAMPLE_RATE_HZ == 0.5


def test_sigmoid_slope_is_at_most_a_quarter() -> None:
    z = torch.linspace(-10, 10, 2001, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(z).sum().backward()
    assert z.grad.max().item() == pytest.approx(0.25)
    assert z.grad.argmax().item() == 1000  # at z = 0
    assert torch.sigmoid(torch.tensor(0.0)).item() == 0.5
    relu_grad = torch.autograd.functional.jacobian(torch.relu, torch.tensor([-1.0, 2.0]))
    assert torch.equal(relu_grad.diagonal(), torch.tensor([0.0, 1.0]))


def perceptron(w: list[float], b: float) -> torch.nn.Module:
    layer = torch.nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([w]))
        layer.bias.fill_(b)
    return layer


@pytest.mark.parametrize("w,b,outputs", [
    ([1, 1], -1.5, [0, 0, 0, 1]),  # AND
    ([1, 1], -0.5, [0, 1, 1, 1]),  # OR
])
def test_and_or_perceptrons(w: list[float], b: float, outputs: list[int]) -> None:
    z = perceptron(w, b)(torch.from_numpy(X)).squeeze(1)
    assert torch.heaviside(z, torch.tensor(1.0)).tolist() == outputs


def test_xor_needs_the_hidden_layer_of_the_chapter() -> None:
    """The chapter's 2-2-1 network: hidden OR (bias -0.5) and AND (bias -1.5) units."""
    step = lambda z: torch.heaviside(z, torch.tensor(1.0))  # noqa: E731
    hidden = torch.nn.Linear(2, 2)
    with torch.no_grad():
        hidden.weight.copy_(torch.ones(2, 2))
        hidden.bias.copy_(torch.tensor([-0.5, -1.5]))
    h = step(hidden(torch.from_numpy(X)))
    out = step(perceptron([1, -1], -0.5)(h)).squeeze(1)
    assert out.tolist() == [0, 1, 1, 0]
    # And no single perceptron does it: search a grid of weights and biases.
    grid = np.linspace(-2, 2, 41)
    targets = np.array([0, 1, 1, 0])
    for w1 in grid:
        for w2 in grid:
            z = X @ np.array([w1, w2])
            for b in grid:
                assert not np.array_equal((z + b >= 0).astype(int), targets)


def derived_figures() -> list[float]:
    s = speedups()
    return [*s.values(), L.GESTURE_GPU_HOURS / L.HOURS_PER_YEAR,
            L.WAVENET_SAMPLE_RATE_HZ * L.WAVENET_MS_PER_SAMPLE / 1000,
            L.WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND / L.WAVENET_SAMPLE_RATE_HZ * 1000,
            L.WAVENET_SAMPLE_RATE_HZ / 1000, L.RAPIDS_BENCHMARK["pandas"].seconds / 60,
            L.TITAN_V_TENSOR_TFLOPS / L.TITAN_V_FP32_TFLOPS, 0.25, 0.5, 1.5, 365, 24, 10**8]


def source_figures() -> list[float]:
    """Every number kept in dlcourse.landscape (the curriculum's figures)."""
    found: list[float] = []

    def walk(value: object) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, (int, float)):
            found.append(float(value))
        elif isinstance(value, str):
            found.extend(float(x) for x in re.findall(r"\d+(?:\.\d+)?", value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))

    for name in dir(L):
        if name.isupper():
            walk(getattr(L, name))
    return found


def backed(value: float, known: list[float]) -> bool:
    if value.is_integer() and (0 <= value <= 10 or 1900 <= value <= 2030):
        return True  # small counts and years
    return any(round(k, d) == value for k in known for d in range(0, 4))


def stated_numbers(path: Path, lang: str) -> list[float]:
    return [n for line in prose_lines(path) for n in numbers(NAMES.sub(" ", line.text), lang)]


@pytest.mark.parametrize("page", PAGES)
def test_both_languages_state_the_same_numbers(page: str) -> None:
    hu = Counter(stated_numbers(ROOT / page.format(lang="hu"), "hu"))
    en = Counter(stated_numbers(ROOT / page.format(lang="en"), "en"))
    assert hu == en, f"only in hu: {hu - en}, only in en: {en - hu}"


@pytest.mark.parametrize("page", PAGES)
def test_every_stated_number_is_backed(page: str) -> None:
    known = source_figures() + derived_figures()
    stated = stated_numbers(ROOT / page.format(lang="en"), "en")
    unbacked = [n for n in stated if not backed(n, known)]
    assert not unbacked, f"numbers with no source or test: {unbacked}"


def test_the_audit_can_fail() -> None:
    known = source_figures() + derived_figures()
    assert not backed(1880.0, known) and not backed(3.5, known) and backed(2.97, known)
    assert numbers("1881,6-szoros és 26 000 óra", "hu") == [1881.6, 26000.0]
