"""Every number and claim chapter 8 (its page, its lab's page and its deck) states is checked
here, with Keras's ``timeseries_dataset_from_array`` and PyTorch's ``Tensor.unfold`` as the
oracle.

The course's one windowing function, dlcourse.sequences (``n_windows``, ``window_starts``,
``windows``), is compared with both frameworks on every case of the curriculum (§4.3: W1–W11,
the next-value targets T1–T3, the gap windows G1–G2, on the series x = 1…N) and on 200 random
cases (lengths, window lengths, strides, features and horizons), including those where no
window fits. ``split_in_time`` is checked to keep every window and target inside its own
part. Then the page's own claims (the layouts, the slides' rows, the split example, the
frameworks' behaviour) and its code are checked, the number audit (coursetools.number_audit)
reads the prose of both languages of the book page, the lab page and the deck (once
written), and last, no page of the chapter holds a line of lab 8's solutions or hidden tests.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

import numpy as np
import pytest
import torch

from coursetools.config import ROOT
from coursetools.number_audit import (
    Figure,
    Page,
    chapter,
    chapter_number,
    check,
    computed,
    pages_of,
    quoted,
)
from dlcourse.sequences import (
    n_windows,
    split_in_time,
    to_channels_first,
    to_channels_last,
    window_starts,
    windows,
)
from tests.page_code import run_cells
from tests.test_lab_grading import solution_lines

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PAGE = "08_windows"
LAB_PAGE = "lab08_windows"
DECK = "08_windows"
GRADED = ("n_windows", "make_windows", "make_xy", "gap_windows", "split_windows", "framework_windows")
SEED = 8008
# Curriculum §4.3, 1-based: (N, m, s) -> b, the first window's first and last step, the last
# window's. W9 has d = 7 streams (the gesture example); the others one.
WINDOWS = {
    "W1": ((17, 4, 1), 14, (1, 4), (14, 17)),
    "W2": ((17, 4, 2), 7, (1, 4), (13, 16)),
    "W3": ((17, 4, 4), 4, (1, 4), (13, 16)),
    "W4": ((17, 5, 3), 5, (1, 5), (13, 17)),
    "W5": ((10, 3, 3), 3, (1, 3), (7, 9)),
    "W6": ((100, 10, 5), 19, (1, 10), (91, 100)),
    "W7": ((200, 50, 25), 7, (1, 50), (151, 200)),
    "W8": ((1000, 200, 50), 17, (1, 200), (801, 1000)),
    "W9": ((1000, 200, 100), 9, (1, 200), (801, 1000)),
    "W10": ((1000, 200, 200), 5, (1, 200), (801, 1000)),
    "W11": ((16000, 8000, 1000), 9, (1, 8000), (8001, 16000)),
}
FEATURES = {"W9": 7}
# Next-value targets: (N, m, s) -> pairs, the last window, its target (1-based).
TARGETS = {
    "T1": ((17, 4, 1), 13, (13, 16), 17),
    "T2": ((1000, 200, 50), 16, (751, 950), 951),
    "T3": ((16000, 8000, 1), 8000, (8000, 15999), 16000),
}
# Gap windows: (N, m, g) -> the windows (1-based first and last steps).
GAPS = {"G1": ((17, 4, 1), [(1, 4), (6, 9), (11, 14)]), "G2": ((17, 4, 2), [(1, 4), (7, 10), (13, 16)])}
# The page's split example: 40 steps, the first 75% for training, m = 6, s = 3, next values.
SPLIT = {"n": 40, "fraction": 0.75, "m": 6, "s": 3}
QUOTED = {
    16: "16 kHz, the sample rate of the SmartLab WaveNet's sound (curriculum §1.2): W11's 16,000 samples "
        "are a second, its windows of 8000 half a second",
    0.5: "half a second, 8000 samples at 16 kHz (curriculum §1.2)",
    1.0: "one second, 16,000 samples at 16 kHz (curriculum §1.2)",
}


@pytest.fixture(scope="module")
def keras():  # type: ignore[no-untyped-def]
    import keras

    return keras


def ramp(n: int, d: int = 1, dtype: Any = np.int64) -> np.ndarray:
    """x = 1…N as an (N, d) array: feature f holds step + 100000·f, so every value names its
    step (counted from 1) and its feature."""
    assert d == 1 or np.iinfo(dtype).max > 100_000 * d
    return (np.arange(1, n + 1)[:, None] + 100_000 * np.arange(d)[None, :]).astype(dtype)


def keras_windows(keras, series: np.ndarray, m: int, s: int, horizon: int = 0,  # type: ignore[no-untyped-def]
                  batch_size: int = 128) -> tuple[np.ndarray, np.ndarray | None]:
    """timeseries_dataset_from_array on an (N, d) series, its mini-batches joined: (b, m, d),
    and with a horizon h the targets (b, d), given as targets = x[m - 1 + h:] (for the next
    value, h = 1: x[m:]). Keras drops the windows that have no target."""
    targets = series[m - 1 + horizon:] if horizon else None
    dataset = keras.utils.timeseries_dataset_from_array(series, targets, sequence_length=m, sequence_stride=s,
                                                        batch_size=batch_size)
    parts = [(np.asarray(p[0]), np.asarray(p[1])) if horizon else (np.asarray(p), None) for p in dataset]
    d = series.shape[1]
    x = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, m, d), series.dtype)
    if not horizon:
        return x, None
    return x, np.concatenate([p[1] for p in parts]) if parts else np.empty((0, d), series.dtype)


def torch_windows(series: np.ndarray, m: int, s: int, horizon: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """Tensor.unfold(0, m, s) on an (N, d) series, without the last h steps when there are
    targets: (b, d, m), a view; the targets (b, d) are every s-th step from step m - 1 + h."""
    tensor = torch.from_numpy(series)
    cut = tensor[:len(series) - horizon] if horizon else tensor
    unfolded = cut.unfold(0, m, s)
    assert unfolded.data_ptr() == tensor.data_ptr()  # a view of the series, not a copy
    if not horizon:
        return unfolded.numpy(), None
    return unfolded.numpy(), tensor[m - 1 + horizon:][::s][:len(unfolded)].numpy()


def assert_all_agree(keras, series: np.ndarray, m: int, s: int, horizon: int = 0) -> int:  # type: ignore[no-untyped-def]
    """windows and n_windows against Keras and PyTorch on one case; the number of windows."""
    n, d = series.shape
    ours, targets = windows(series, m, s, horizon)
    b = n_windows(n, m, s, horizon)
    assert ours.shape == (b, m, d) and window_starts(n, m, s, horizon) == [k * s for k in range(b)]
    assert b == ((n - m - horizon) // s + 1 if n >= m + horizon else 0)
    if horizon:
        assert targets is not None and targets.shape == (b, d)
    else:
        assert targets is None
    for k in range(b):  # X[k, j, f] = x_f[k*s + j]; the target is h steps after the last one
        assert np.array_equal(ours[k], series[k * s:k * s + m])
        if horizon:
            assert np.array_equal(targets[k], series[k * s + m - 1 + horizon])
    if n <= max(1, s):  # Keras refuses a series not longer than its sampling rate (1) or its stride
        with pytest.raises(ValueError, match="sampling_rate|sequence_stride"):
            keras_windows(keras, series, m, s, horizon)
    else:
        got_x, got_y = keras_windows(keras, series, m, s, horizon)
        assert got_x.shape == ours.shape and np.array_equal(got_x, ours)
        if horizon:
            assert got_y is not None and got_y.shape == targets.shape and np.array_equal(got_y, targets)
    if b == 0:  # PyTorch refuses a window longer than what is there
        with pytest.raises(RuntimeError):
            torch_windows(series, m, s, horizon)
    else:
        got_x, got_y = torch_windows(series, m, s, horizon)
        assert got_x.shape == (b, d, m) and np.array_equal(got_x, to_channels_first(ours))
        assert np.array_equal(to_channels_last(got_x), ours)
        if horizon:
            assert np.array_equal(got_y, targets)
    return b


# --- The curriculum's cases and random ones, against both frameworks ----------------------------

@pytest.mark.parametrize("case", sorted(WINDOWS, key=lambda c: int(c[1:])))
def test_the_windows_of_each_case_agree_with_keras_and_torch(keras, case: str) -> None:  # type: ignore[no-untyped-def]
    (n, m, s), b, first, last = WINDOWS[case]
    series = ramp(n, FEATURES.get(case, 1), np.int16 if n > 1000 else np.int64)
    assert assert_all_agree(keras, series, m, s) == b == n_windows(n, m, s) == (n - m) // s + 1
    ours, _ = windows(series, m, s)
    assert (ours[0, 0, 0], ours[0, -1, 0]) == first and (ours[-1, 0, 0], ours[-1, -1, 0]) == last
    # 1-based: window k covers k*s + 1 ... k*s + m, m steps
    assert all(list(ours[k, :, 0]) == list(range(k * s + 1, k * s + m + 1)) for k in range(b))
    if case == "W9":
        assert ours.shape == (9, 200, 7) and to_channels_first(ours).shape == (9, 7, 200)
        assert ours[3, 17, 5] == series[3 * 100 + 17, 5]


@pytest.mark.parametrize("case", sorted(TARGETS))
def test_the_next_value_targets_agree_with_keras_and_torch(keras, case: str) -> None:  # type: ignore[no-untyped-def]
    (n, m, s), b, last, target = TARGETS[case]
    series = ramp(n, 1, np.int16)  # T3 is 8000 windows of 8000 steps: 128 MB in 16 bits
    assert assert_all_agree(keras, series, m, s, horizon=1) == b == (n - m - 1) // s + 1
    ours, targets = windows(series, m, s, horizon=1)
    assert (ours[-1, 0, 0], ours[-1, -1, 0]) == last and targets[-1, 0] == target
    assert all(targets[k, 0] == k * s + m + 1 for k in range(b))  # the target index k*s + m + 1
    # One pair fewer than windows in T1 and T2 (the last window has no next value); T3 one of 8001.
    assert n_windows(n, m, s) - b == 1
    del ours, targets


@pytest.mark.parametrize("case", sorted(GAPS))
def test_the_gap_windows_are_windows_with_stride_m_plus_g(keras, case: str) -> None:  # type: ignore[no-untyped-def]
    (n, m, g), expected = GAPS[case]
    series = ramp(n)
    assert assert_all_agree(keras, series, m, m + g) == len(expected) == (n - m) // (m + g) + 1
    ours, _ = windows(series, m, m + g)
    assert [(int(w[0, 0]), int(w[-1, 0])) for w in ours] == expected
    # window k covers k(m + g) + 1 ... k(m + g) + m
    assert expected == [(k * (m + g) + 1, k * (m + g) + m) for k in range(len(expected))]


def test_200_random_cases_agree_with_keras_and_torch(keras) -> None:  # type: ignore[no-untyped-def]
    draw = np.random.default_rng(SEED)
    empty = 0
    for _ in range(200):
        n, m, s = int(draw.integers(1, 70)), int(draw.integers(1, 16)), int(draw.integers(1, 9))
        d, horizon = int(draw.integers(1, 4)), int(draw.integers(0, 4))
        series = draw.normal(size=(n, d))
        empty += assert_all_agree(keras, series, m, s, horizon) == 0
    assert empty >= 10  # cases where no window (or no target) fits were among them
    for n, m, horizon in [(3, 4, 0), (4, 4, 1), (2, 3, 2), (5, 6, 0)]:  # and a few on purpose
        assert assert_all_agree(keras, draw.normal(size=(n, 2)), m, 1, horizon) == 0


def test_windows_are_copies_and_a_1d_series_gets_one_feature(keras) -> None:  # type: ignore[no-untyped-def]
    series = np.arange(1.0, 18.0)
    ours, _ = windows(series, 4, 1)
    ours[0, 0, 0] = -1
    assert series[0] == 1 and ours[1, 0, 0] == 2
    assert windows(np.arange(3), 4)[0].shape == (0, 4, 1)
    # Keras keeps a 1-D series 1-D: its windows are (batch, m), without the feature axis.
    shapes = [np.asarray(b).shape for b in keras.utils.timeseries_dataset_from_array(series, None, sequence_length=4)]
    assert shapes == [(14, 4)]


# --- Splitting in time ---------------------------------------------------------------------------

def test_no_window_or_target_of_a_part_holds_a_step_of_another_part() -> None:
    draw = np.random.default_rng(SEED + 1)
    for _ in range(200):
        n = int(draw.integers(10, 300))
        first = float(draw.uniform(0.1, 0.8))
        fractions = (first,) if draw.random() < 0.5 else (first, float(draw.uniform(0.05, 0.95 - first)))
        m, s, horizon = int(draw.integers(1, 12)), int(draw.integers(1, 6)), int(draw.integers(0, 3))
        steps = np.arange(n)  # the value of each step is its index
        parts = split_in_time(steps, fractions)
        assert len(parts) == len(fractions) + 1 and np.array_equal(np.concatenate(parts), steps)
        owner = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])  # which part a step is in
        for i, part in enumerate(parts):
            x, y = windows(part, m, s, horizon)
            held = np.concatenate([x.ravel(), y.ravel() if y is not None else []]).astype(int)
            assert np.all(owner[held] == i), (n, fractions, m, s, horizon, i)
    # the defaults: 70%, 15% and the rest
    assert [len(p) for p in split_in_time(np.arange(100))] == [70, 15, 15]


def split_example() -> dict[str, Any]:
    """The page's example: 40 steps cut at 30, windows of 6, stride 3, next values; the same
    pairs cut from the whole series, by their first step and at random (seed 0, 9 of 12)."""
    timeline = np.arange(1, SPLIT["n"] + 1)
    train, test = split_in_time(timeline, (SPLIT["fraction"],))
    m, s = SPLIT["m"], SPLIT["s"]
    train_x, train_y = windows(train, m, s, horizon=1)
    test_x, test_y = windows(test, m, s, horizon=1)
    all_x, all_y = windows(timeline, m, s, horizon=1)
    in_train = all_x[:, 0, 0] <= train[-1]
    reaching = in_train & (all_y[:, 0] > train[-1])
    order = np.random.default_rng(0).permutation(len(all_x))
    seen = set(all_x[order[:9]].ravel()) | set(all_y[order[:9], 0])
    test_steps = [int(v) for i in order[9:] for v in (*all_x[i, :, 0], all_y[i, 0])]
    return {"cut": int(train[-1]), "train": len(train_x), "test": len(test_x), "all": len(all_x),
            "train_max": int(max(train_x.max(), train_y.max())), "test_min": int(min(test_x.min(), test_y.min())),
            "by_start": int(in_train.sum()), "reaching": [(int(w[0, 0]), int(w[-1, 0]), int(y[0]))
                                                          for w, y in zip(all_x[reaching], all_y[reaching])],
            "random_test": len(order[9:]), "random_steps": len(test_steps),
            "random_seen": sum(v in seen for v in test_steps)}


def test_the_pages_split_example() -> None:
    found = split_example()
    assert found["cut"] == 30 and (found["train"], found["test"], found["all"]) == (8, 2, 12)
    assert found["train_max"] == 28 and found["test_min"] == 31
    assert found["by_start"] == 10 and found["reaching"] == [(25, 30, 31), (28, 33, 34)]
    assert found["all"] - found["train"] - found["test"] == len(found["reaching"]) == 2
    assert found["random_test"] == 3 and found["random_steps"] == found["random_seen"] == 21


# --- The page's other claims ------------------------------------------------------------------------

def test_the_layouts_and_the_layers_that_take_them(keras) -> None:  # type: ignore[no-untyped-def]
    batch = np.zeros((9, 200, 7), dtype="float32")
    assert tuple(keras.layers.Conv1D(12, 5)(batch).shape) == (9, 196, 12)
    channels_first = torch.from_numpy(to_channels_first(batch))
    assert tuple(channels_first.shape) == (9, 7, 200)
    assert torch.equal(channels_first, torch.from_numpy(batch).permute(0, 2, 1))
    assert tuple(torch.nn.Conv1d(7, 12, 5)(channels_first).shape) == (9, 12, 196)
    assert tuple(torch.nn.LSTM(7, 16, batch_first=True)(torch.from_numpy(batch))[0].shape) == (9, 200, 16)
    with pytest.raises(RuntimeError):  # nn.Conv1d does not take Keras's layout
        torch.nn.Conv1d(7, 12, 5)(torch.from_numpy(batch))


def test_the_slides_rows_are_off_by_one() -> None:
    m, s = 4, 2
    slide = [range(1, m + 1)] + [range(k * s, k * s + m + 1) for k in (1, 2)]  # 1…m, s…s+m, 2s…2s+m
    assert [len(r) for r in slide] == [4, 5, 5] == [m, m + 1, m + 1]
    correct = [list(range(k * s + 1, k * s + m + 1)) for k in range(3)]
    assert correct == [[1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8]] == windows(ramp(17), 4, 2)[0][:3, :, 0].tolist()
    # The "Ábrázolás" slide with gap g (its s) = 1 and b = 3 windows: 1…m, m+s…2m+s, ..., bm+(b-1)s…bm+bs.
    g, b = 1, 3
    second, last = range(m + g, 2 * m + g + 1), range(b * m + (b - 1) * g, b * m + b * g + 1)
    assert second[0] == m + 1 and len(second) == m + 1 and len(last) == g + 1 == 2
    assert [(w[0], w[-1]) for w in windows(ramp(17), m, m + g)[0][:, :, 0].tolist()] == [(1, 4), (6, 9), (11, 14)]


def test_what_the_frameworks_do_with_targets_views_and_too_short_series(keras) -> None:  # type: ignore[no-untyped-def]
    column = ramp(17)
    # targets[i] belongs to the window that starts at step i: the series without its first m steps
    x, y = keras_windows(keras, column, 4, 1, horizon=1)
    assert len(x) == 13 and len(column[4:]) == 13 and (x[-1, 0, 0], x[-1, -1, 0], y[-1, 0]) == (13, 16, 17)
    readings = np.random.default_rng(0).normal(size=(1000, 7)).astype("float32")
    sizes = [np.asarray(p).shape for p in keras.utils.timeseries_dataset_from_array(
        readings, None, sequence_length=200, sequence_stride=100, batch_size=4)]
    assert sizes == [(4, 200, 7), (4, 200, 7), (1, 200, 7)]
    # unfold: a view of the series; T3's windows as copies: 8000 * 8000 64-bit integers
    long_series = torch.arange(1, 16001)
    t3 = long_series[:-1].unfold(0, 8000, 1)
    assert t3.data_ptr() == long_series.data_ptr() and t3.untyped_storage().nbytes() == 16000 * 8
    assert tuple(t3.shape) == (8000, 8000) and t3.numel() * long_series.element_size() == 512_000_000
    assert (int(t3[-1, 0]), int(t3[-1, -1]), int(long_series[8000:][-1])) == (8000, 15999, 16000)
    # no window fits: an empty array, an empty data set, an error
    short = np.arange(3.0).reshape(-1, 1)
    assert n_windows(3, 4) == 0 and windows(short, 4)[0].shape == (0, 4, 1)
    assert list(keras.utils.timeseries_dataset_from_array(short, None, sequence_length=4)) == []
    with pytest.raises(RuntimeError):
        torch.from_numpy(short).unfold(0, 4, 1)
    # Keras also refuses a stride not shorter than the series, where one window would fit
    assert windows(np.arange(6.0), 4, 8)[0].shape == (1, 4, 1)
    with pytest.raises(ValueError, match="sequence_stride"):
        keras.utils.timeseries_dataset_from_array(np.arange(6.0), None, sequence_length=4, sequence_stride=8)


def test_the_explorer_starts_on_the_pages_example() -> None:
    """The page sends the reader to the explorer's defaults: N = 17, m = 4, s = 2."""
    explorer = pytest.importorskip("dlcourse.window_explorer")
    defaults = {name: default for name, _, _, default in explorer.SLIDERS}
    assert (defaults["n"], defaults["m"], defaults["s"], defaults["g"]) == (17, 4, 2, 0)


# --- The page's own code ----------------------------------------------------------------------------



def test_the_pages_code_runs_and_prints_what_the_prose_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANG", "en")
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    printed = run_cells(ROOT / "book" / "en" / f"{PAGE}.md")
    assert "(7, 4, 1) 7 [0, 2, 4, 6, 8, 10, 12]" in printed and " [13 14 15 16]]" in printed
    assert "Keras:   (9, 200, 7) PyTorch: (9, 7, 200)" in printed and "x_5[3 · 100 + 17]: yes" in printed
    assert "Conv1D: input (9, 200, 7), output (9, 196, 12)" in printed
    assert "nn.Conv1d: input (9, 7, 200), output (9, 12, 196)" in printed
    assert "nn.LSTM(batch_first=True): input (9, 200, 7), output (9, 200, 16)" in printed
    assert "k = 1: the slide's row [2, 3, 4, 5, 6] (5 items), correct [3, 4, 5, 6] (4 items)" in printed
    for name, ((n, m, s), b, first, last) in WINDOWS.items():
        row = rf"^{name} +{n} +{m} +{s} +{b} +{first[0]}–{first[1]} +{last[0]}–{last[1]}$"
        assert re.search(row, printed, re.M), name
    assert "G1: g = 1, starts every 5 steps: [[1, 2, 3, 4], [6, 7, 8, 9], [11, 12, 13, 14]]" in printed
    assert "G2: g = 2, starts every 6 steps: [[1, 2, 3, 4], [7, 8, 9, 10], [13, 14, 15, 16]]" in printed
    assert "T1: 13 pairs, X (13, 4, 1), y (13, 1); the last window 13–16, its target 17" in printed
    assert "T2: 16 pairs, X (16, 200, 1), y (16, 1); the last window 751–950, its target 951" in printed
    assert "T3: 8000 pairs; the last window 8000–15999, its target 16000" in printed
    assert "training part: steps 1–30, test part: steps 31–40" in printed
    assert ("cut first: 8 training and 2 test pairs; the training pairs' largest step 28, the test pairs' "
            "smallest step 31") in printed
    assert ("windows first: 12 pairs; by their first step 10 training pairs, 2 of which reach past the cut "
            "(test steps: [31, 32, 33, 34])") in printed
    assert "3 test pairs; 21 of their 21 steps are in a training pair too (100%)" in printed
    assert ("Keras: mini-batches [(4, 200, 7), (4, 200, 7), (1, 200, 7)], joined (9, 200, 7); the same as "
            "windows(): yes") in printed
    assert "Keras, with targets: 13 pairs, the last window 13–16, its target 17" in printed
    assert "PyTorch: unfold (9, 7, 200); the same as to_channels_first(windows()): yes; a view" in printed
    assert "PyTorch, T3: (8000, 8000), the last window 8000–15999, its target 16000" in printed
    assert "as copies 512.0 MB, as a view not one byte" in printed
    assert "N = 3, m = 4: n_windows 0, windows() (0, 4, 1), Keras 0 mini-batches, PyTorch: RuntimeError" in printed


def test_the_page_has_its_sections_explorer_lab_and_quiz() -> None:
    found = chapter("ch08")
    assert list(found.pages) == [PAGE] and found.deck == DECK and found.lab and found.lab.page == LAB_PAGE
    for lang in ("hu", "en"):
        text = (ROOT / "book" / lang / f"{PAGE}.md").read_text(encoding="utf-8")
        assert found.page_with(lang, f"slides/{DECK}.html") == PAGE
        assert "(sec-window-explorer)=\n" in text and "\n```{window-explorer}\n```\n" in text
        assert "\n```python\nfrom dlcourse.window_explorer import explore\n\nexplore()\n```\n" in text
        explorer_section = text.split("(sec-window-explorer)=")[1].split("\n(sec-")[0]
        assert "{code-cell}" not in explorer_section  # shown, not run
        assert "{doc}`lab08_windows`" in text and text.rstrip().endswith("```{quiz} ch08\n```")
        cells = re.findall(r"```\{code-cell\}.*?```", text, re.S)
        for tool in ("timeseries_dataset_from_array(", ".unfold(0, ", "split_in_time(", "to_channels_first("):
            assert any(tool in cell for cell in cells), (lang, tool)


def test_every_text_id_the_chapter_uses_exists() -> None:
    from dlcourse.text import LANGS
    from dlcourse.text_ch08 import t

    sources = [ROOT / "book" / lang / f"{PAGE}.md" for lang in LANGS]
    used = {key for path in sources for key in re.findall(r"\bt\([\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    assert used and used <= set(t), sorted(used - set(t))
    assert set(t) <= used, sorted(set(t) - used)


# --- The number audit of both languages (coursetools.number_audit) -------------------------------

def case_figures() -> list[Figure]:
    """The curriculum's cases: every N, m, s, b and 1-based step they give."""
    found: list[Figure] = []
    for name, ((n, m, s), b, first, last) in WINDOWS.items():
        found += computed(f"{name}: (N, m, s) = {(n, m, s)} -> {b} windows, {first} ... {last} "
                          "(test_the_windows_of_each_case_agree_with_keras_and_torch)",
                          n, m, s, b, *first, *last, n - m, (n - m) / s)
    for name, ((n, m, s), b, last, target) in TARGETS.items():
        found += computed(f"{name}: (N, m, s) = {(n, m, s)} -> {b} pairs, the last window {last}, target "
                          f"{target} (test_the_next_value_targets_agree_with_keras_and_torch)",
                          n, m, s, b, *last, target)
    for name, ((n, m, g), expected) in GAPS.items():
        found += computed(f"{name}: (N, m, g) = {(n, m, g)} -> {expected} "
                          "(test_the_gap_windows_are_windows_with_stride_m_plus_g)",
                          n, m, g, len(expected), *[step for pair in expected for step in pair])
    return found


@cache
def book_figures() -> list[Figure]:
    found = split_example()
    return [
        *quoted(QUOTED),
        chapter_number("ch01"), chapter_number("ch02"), chapter_number("ch03"), chapter_number("ch07"),
        chapter_number("ch08"),
        *case_figures(),
        *computed("the steps after the last window: step 17 of W2 and W3, step 10 of W5; W2's 13/2 "
                  "(test_the_windows_of_each_case_agree_with_keras_and_torch)", 17, 10, 13 / 2),
        *computed("the gesture example (chapter 1, W9): 200 steps of 7 values, 800/100 + 1 = 9 windows, "
                  "(9, 200, 7) and (9, 7, 200) (test_the_layouts_and_the_layers_that_take_them)",
                  200, 7, 800, 100, 9),
        *computed("the slides' rows for m = 4, s = 2 hold m + 1 = 5 steps; the gap slide's second row "
                  "starts one step early, its last holds s + 1 steps (test_the_slides_rows_are_off_by_one)",
                  1, 2, 4, 5),
        *computed("T3 as copies: 8000 windows of 8000 values, 64 million numbers, 512 MB as 64-bit "
                  "integers (test_what_the_frameworks_do_with_targets_views_and_too_short_series)",
                  8000 * 8000 / 1e6, 512),
        *computed("T2: the next window would need the steps 801 to 1000 and a step 1001 "
                  "(test_the_next_value_targets_agree_with_keras_and_torch)", 801, 1000, 1001),
        *computed("the split example (test_the_pages_split_example): 40 steps, 75% for training (1-30), "
                  "the test part 31-40, m = 6, s = 3; 8 + 2 pairs against 12, 2 crossing the cut, "
                  "one with the target 31, one holding 31-33 and the target 34; the last training "
                  "target 28",
                  SPLIT["n"], 100 * SPLIT["fraction"], found["cut"], found["cut"] + 1, SPLIT["m"], SPLIT["s"],
                  found["train"], found["test"], found["all"], len(found["reaching"]),
                  found["train_max"], 33, 34),
        *computed("counting from 0: the first window is k = 0, and code indices start at 0 (dlcourse.sequences."
                  "window_starts(17, 4, 2)[0])", window_starts(17, 4, 2)[0]),
        *computed("split_in_time's default fractions, in % (test_no_window_or_target_of_a_part_holds_a_"
                  "step_of_another_part)", 70, 15),
    ]


def lab_figures() -> list[Figure]:
    """What lab08_windows.md states besides the book's figures: the lab's points and lab 7."""
    return [
        *computed("lab 8's points per part (labs/lab08_*: n_windows 1, make_windows 2, make_xy 2, gap_windows 1, "
                  "split_windows 2, framework_windows 2) and their total", 1, 2, 10),
    ]


def deck_figures() -> list[Figure]:
    """The deck's own figures: none beyond the book's and the lab's."""
    return []


def audited_pages() -> list[Page]:
    return pages_of(chapter("ch08"))


@pytest.mark.parametrize("page", audited_pages(), ids=str)
def test_the_numbers_of_the_page(page: Page) -> None:
    """Both languages state the same numbers, and each is a figure of the chapter. The book's
    page, the lab's page and the deck must exist in both languages."""
    missing = [str(path.relative_to(ROOT)) for path in (page.hu, page.en) if not path.is_file()]
    is_deck = page.en.parent.parent.name == "lectures"
    assert not missing, f"named by chapter ch08 of book/chapters.yml but not written yet: {missing}"
    check(page, book_figures() + lab_figures() + (deck_figures() if is_deck else []))


# --- No solution on the pages -----------------------------------------------------------------------

def test_no_page_of_the_chapter_holds_a_lab_solution() -> None:
    """No line of lab 8's solutions or hidden tests appears in the chapter's pages or its text
    module (the built site gets the same check); the pages call dlcourse.sequences instead of
    defining the lab's functions."""
    present = chapter("ch08").lab_sources()
    secrets = {line for path in present for line in solution_lines(path)}
    assert len(secrets) > 20
    sources = [ROOT / "book" / lang / f"{page}.md" for lang in ("hu", "en") for page in (PAGE, LAB_PAGE)]
    sources += [ROOT / "dlcourse" / "text_ch08.py"]
    sources += [ROOT / "lectures" / lang / f"{DECK}.md" for lang in ("hu", "en")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(ROOT)}: {leaked[:3]}"
        for name in GRADED:
            assert not re.search(rf"^\s*def {name}\(", text, re.M), (path, name)
