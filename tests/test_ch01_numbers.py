"""Every number chapter 1 (its pages and its lecture deck) states is checked here.

Derived figures are recomputed, against the real frameworks where one computes them
(torch's autograd for the sigmoid's slope, torch layers for the perceptrons and the XOR
network). Then the number audit (coursetools.number_audit) reads the prose of every
chapter 1 page in both languages, as the manifest lists them: both state the same
numbers, and each is a source figure kept in dlcourse.landscape or a derived figure
checked below.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from coursetools.number_audit import (
    Figure,
    Page,
    chapter_number,
    chapter_pages,
    check,
    computed,
    constants,
    course_pages,
)
from dlcourse import landscape as L

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


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

def figures() -> list[Figure]:
    """The figures chapter 1 may state: those dlcourse.landscape keeps and those the tests
    above compute."""
    s = speedups()
    return [
        *constants(L),
        *computed("the RAPIDS speed-ups (test_rapids_speedups)", *s.values()),
        *computed("Pandas's run in minutes", L.RAPIDS_BENCHMARK["pandas"].seconds / 60),
        *computed("26,000 GPU-hours in GPU-years (test_gpu_years_and_wavenet_timing)",
                  L.GESTURE_GPU_HOURS / L.HOURS_PER_YEAR),
        *computed("WaveNet: seconds per second of audio at 7.5 ms a sample, the ms a sample "
                  "that the slide's 12 s implies, its context in seconds "
                  "(test_gpu_years_and_wavenet_timing)",
                  L.WAVENET_SAMPLE_RATE_HZ * L.WAVENET_MS_PER_SAMPLE / 1000,
                  L.WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND / L.WAVENET_SAMPLE_RATE_HZ * 1000,
                  L.WAVENET_CONTEXT_SAMPLES / L.WAVENET_SAMPLE_RATE_HZ),
        *computed("WaveNet's sample rate in kHz", L.WAVENET_SAMPLE_RATE_HZ / 1000),
        *computed("the Titan V's FP16 tensor-core over its FP32 TFLOPS",
                  L.TITAN_V_TENSOR_TFLOPS / L.TITAN_V_FP32_TFLOPS),
        *computed("the sigmoid: slope at most 0.25, 0.5 at z = 0 "
                  "(test_sigmoid_slope_is_at_most_a_quarter)", 0.25, 0.5),
        *computed("the step's outputs and the ReLU's derivatives; the Boolean inputs "
                  "(test_sigmoid_slope_is_at_most_a_quarter, test_and_or_perceptrons)", 0, 1),
        *computed("the years of the gesture recordings, dlcourse.landscape.GESTURE_RECORDINGS",
                  *{int(date[:4]) for *_, date in L.GESTURE_RECORDINGS}),
        chapter_number("ch01"),
    ]


# The chapter's pages from the manifest, and the book's root page and appendix.
@pytest.mark.parametrize("page", chapter_pages("ch01") + course_pages(), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter."""
    check(page, figures())
