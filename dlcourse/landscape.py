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

# Consumer GPUs of the era, and the Titan V's figures.
CONSUMER_GPUS = ("TITAN X", "GTX 1080 Ti", "TITAN Xp", "Titan V", "RTX 2080 Ti")
TITAN_V_FP32_TFLOPS = 12
TITAN_V_TENSOR_TFLOPS = 110
TITAN_V_MEMORY_GB = 12
# A deep-learning workstation of 2018: 1-8 GPUs, at least 64 GB of RAM, 2-4 TB of disk.
WORKSTATION_GPUS = (1, 8)
WORKSTATION_MIN_RAM_GB = 64
WORKSTATION_DISK_TB = (2, 4)
# A home GPU (1080 Ti to 2080 Ti class), in thousands of forints.
HOME_GPU_PRICE_THOUSAND_HUF = (300, 400)

# Smartphone gesture recognition.
GESTURE_WINDOW_SECONDS = (1, 2)
GESTURE_INPUT_SHAPE = (200, 7)  # time steps x sensor values
GESTURE_ACCURACY_PERCENT = 99  # "more than"
GESTURE_MODEL_PARAMETERS = (632_834, 286_498)
GESTURE_RECORDINGS = (  # (hours of paid recordings, people, date)
    (60, 12, "2017-01"),
    (420, 50, "2017-06"),
    (1000, 100, "2017-12"),
)
GESTURE_GPU_HOURS = 26_000  # on 12-TFLOPS GPUs
HOURS_PER_YEAR = 365 * 24

# WaveNet-style speech synthesis (the course team's version), as quoted on the slides.
WAVENET_CONTEXT_SAMPLES = 8000  # half a second at 16 kHz
WAVENET_DILATED_LAYERS = 80
WAVENET_PARAMETERS_MILLIONS = 1.2
WAVENET_TRAINING_SPEECH_HOURS = 25
WAVENET_TRAINING_WEEKS = 4  # on one 12-TFLOPS GPU
WAVENET_SAMPLE_RATE_HZ = 16_000
WAVENET_MS_PER_SAMPLE = 7.5
WAVENET_SLIDE_SECONDS_PER_AUDIO_SECOND = 12  # the slide's figure, inconsistent with the two above

# Figures the pages state that the figures above do not give, with their sources.
# The original lab slides' chart compared ResNet-50's training cost on a TPU v2 pod and on
# 8 V100 GPUs, with no other numbers (curriculum map, section 1.1).
RESNET50_CHART_V100_GPUS = 8
# Years. The hardware figures come from the overview talk of 2018 (curriculum map, source
# inventory: 000_9a9069fd4ae5d983.txt); WaveNet is DeepMind's of September 2016 (van den
# Oord et al., "WaveNet: A Generative Model for Raw Audio", arXiv:1609.03499); Rosenblatt's
# perceptron: "The perceptron: a probabilistic model for information storage and
# organization in the brain", Psychological Review 65(6), 1958; Minsky and Papert,
# "Perceptrons", MIT Press, 1969.
HARDWARE_YEAR = 2018
WAVENET_YEAR = 2016
PERCEPTRON_YEAR = 1958
PERCEPTRONS_BOOK_YEAR = 1969
