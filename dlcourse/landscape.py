"""Figures quoted in chapter 1 (the deep-learning landscape), kept in one place.

The book's plots and text use these values, and tests/test_ch01_numbers.py checks every
number the chapter states against them. Sources: the course's original lecture slides
(2018-2020), corrected where the curriculum map says so.

>>> RAPIDS_BENCHMARK["pandas"].seconds
3957.1
>>> sorted(RAPIDS_BENCHMARK)
['dask', 'pandas', 'rapids']
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """One run of the RAPIDS benchmark: a linear transform of 10**8 points."""

    tool: str
    hardware: str
    seconds: float


RAPIDS_POINTS = 10**8
RAPIDS_BENCHMARK = {
    "pandas": Timing("Pandas", "CPU, 2x Xeon E5-2640 v4", 3957.1),
    "dask": Timing("Dask", "parallel CPU, same machine", 788.55),
    "rapids": Timing("RAPIDS", "GPU, Titan Xp", 2.103),
}


@dataclass(frozen=True)
class Server:
    """An NVIDIA deep-learning server of 2018: TFLOPS at FP32, FP16, tensor-core DL."""

    name: str
    fp32_tflops: float
    fp16_tflops: float
    dl_tflops: float
    price_usd: int


DL_SERVERS = (
    Server("DGX Station", 28, 56, 480, 69_000),
    Server("DGX-1 (V100)", 56, 112, 960, 149_000),
    Server("DGX-2 (V100)", 112, 224, 2000, 399_000),
)

# The consumer GPU of the era: Titan V.
TITAN_V_FP32_TFLOPS = 12
TITAN_V_TENSOR_TFLOPS = 110
TITAN_V_MEMORY_GB = 12

# Smartphone gesture recognition: the GPU time it took to train the models.
GESTURE_GPU_HOURS = 26_000
HOURS_PER_YEAR = 365 * 24

# WaveNet-style speech synthesis, as quoted on the source slides.
WAVENET_SAMPLE_RATE_HZ = 16_000
WAVENET_MS_PER_SAMPLE = 7.5
WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND = 12  # the slide's figure, inconsistent with the two above
