"""Hidden tests of lab 8, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).

The oracle is the course's one windowing function, dlcourse.sequences.windows, which
tests/test_ch08_numbers.py checks against keras.utils.timeseries_dataset_from_array and
torch.Tensor.unfold on every case of the curriculum and on random ones. The cases use the
series x = 1…N, so that every value is its own 1-based position."""

import numpy as np

from dlcourse.sequences import n_windows, split_in_time, windows

SEED = 2028
# Curriculum §4.3: (N, m, s) -> b, the first window's first step, the last window's (1-based).
CASES = [((17, 4, 1), 14, 14), ((17, 4, 2), 7, 13), ((17, 4, 4), 4, 13), ((17, 5, 3), 5, 13),
         ((10, 3, 3), 3, 7), ((100, 10, 5), 19, 91), ((200, 50, 25), 7, 151), ((1000, 200, 50), 17, 801),
         ((1000, 200, 100), 9, 801), ((1000, 200, 200), 5, 801), ((16000, 8000, 1000), 9, 8001)]
TARGETS = [((17, 4, 1), 13, 13, 17), ((1000, 200, 50), 16, 751, 951), ((16000, 8000, 1), 8000, 8000, 16000)]


def _random(draw, count):
    """(N, m, s, d) with N from 1 to 60, any window length and stride."""
    return [(int(draw.integers(1, 61)), int(draw.integers(1, 12)), int(draw.integers(1, 8)), int(draw.integers(1, 4)))
            for _ in range(count)]


def _series(n, d, draw=None):
    """x = 1…N in the first feature, and more features when d > 1 (negated, or random)."""
    base = np.arange(1, n + 1, dtype=np.float64)
    columns = [base, -base] + ([draw.normal(size=n)] if draw is not None else [base * 10])
    return base if d == 1 else np.stack(columns[:d], axis=1)


def test_n_windows(nb):
    for (n, m, s), b, _ in CASES:
        assert nb.n_windows(n, m, s) == b, f"n_windows({n}, {m}, {s}) is {b}"
    for n, m, s, _ in _random(np.random.default_rng(SEED), 60):
        assert nb.n_windows(n, m, s) == n_windows(n, m, s), f"n_windows({n}, {m}, {s})"


def test_make_windows(nb):
    for (n, m, s), b, last in CASES[:8]:
        got = np.asarray(nb.make_windows(np.arange(1, n + 1), m, s))
        assert got.shape == (b, m, 1), f"make_windows(1…{n}, {m}, {s}): shape ({b}, {m}, 1)"
        assert got[0, 0, 0] == 1 and got[-1, 0, 0] == last and got[-1, -1, 0] == last + m - 1, \
            f"make_windows(1…{n}, {m}, {s}): the last window is {last}…{last + m - 1}"
    seven = np.asarray(nb.make_windows(_series(1000, 3), 200, 100))
    assert seven.shape == (9, 200, 3), "several streams: (b, m, d)"
    draw = np.random.default_rng(SEED + 1)
    for n, m, s, d in _random(draw, 40):
        x = _series(n, d, draw)
        got, want = np.asarray(nb.make_windows(x, m, s)), windows(x, m, s)[0]
        assert got.shape == want.shape, f"make_windows of ({n}, {d}) steps, m={m}, s={s}: shape {want.shape}"
        assert np.array_equal(got, want), f"make_windows of ({n}, {d}) steps, m={m}, s={s}"
    nb.eval("globals().update(_g8_x=__import__('numpy').arange(1.0, 18.0))")
    assert nb.eval("(lambda w: (w.__setitem__((0, 0, 0), -1.0), w[1, 1, 0] == 3.0 and _g8_x[0] == 1.0)[1])"
                   "(make_windows(_g8_x, 4, 1))"), "the windows are copies, not views of the series"


def test_make_xy(nb):
    for (n, m, s), b, last, target in TARGETS:  # T3 is 8000 windows of 8000 steps: looked at in the kernel
        shapes, first, aim = nb.eval(f"(lambda x, y: ([list(x.shape), list(y.shape)], float(x[-1, 0, 0]), float(y[-1, 0])))"
                                     f"(*make_xy(__import__('numpy').arange(1, {n + 1}), {m}, {s}))")
        assert shapes == [[b, m, 1], [b, 1]], f"make_xy(1…{n}, {m}, {s}): {b} pairs, shapes ({b}, {m}, 1) and ({b}, 1)"
        assert first == last and aim == target, f"make_xy(1…{n}, {m}, {s}): last window from {last}, target {target}"
    draw = np.random.default_rng(SEED + 2)
    for n, m, s, d in _random(draw, 40):
        horizon = int(draw.integers(1, 4))
        if n_windows(n, m, s, horizon) == 0:
            continue
        x = _series(n, d, draw)
        got_x, got_y = (np.asarray(a) for a in nb.make_xy(x, m, s, horizon))
        want_x, want_y = windows(x, m, s, horizon)
        what = f"make_xy of ({n}, {d}) steps, m={m}, s={s}, horizon={horizon}"
        assert got_x.shape == want_x.shape and got_y.shape == want_y.shape, what + ": shapes"
        assert np.array_equal(got_x, want_x) and np.array_equal(got_y, want_y), what


def test_gap_windows(nb):
    x = np.arange(1, 18)
    assert np.asarray(nb.gap_windows(x, 4, 1))[:, :, 0].tolist() == [[1, 2, 3, 4], [6, 7, 8, 9], [11, 12, 13, 14]], "G1"
    assert np.asarray(nb.gap_windows(x, 4, 2))[:, :, 0].tolist() == [[1, 2, 3, 4], [7, 8, 9, 10], [13, 14, 15, 16]], "G2"
    draw = np.random.default_rng(SEED + 3)
    for n, m, _, d in _random(draw, 20):
        g = int(draw.integers(0, 5))
        x = _series(n, d, draw)
        assert np.array_equal(np.asarray(nb.gap_windows(x, m, g)), windows(x, m, m + g)[0]), \
            f"gap_windows of ({n}, {d}) steps, m={m}, g={g}"


def test_split_windows(nb):
    draw = np.random.default_rng(SEED + 4)
    for n, m, s, fraction in [(100, 10, 5, 0.2), (1000, 200, 50, 0.25), (57, 4, 3, 0.3)] + [
            (int(draw.integers(30, 200)), int(draw.integers(2, 10)), int(draw.integers(1, 6)),
             float(draw.uniform(0.15, 0.5))) for _ in range(15)]:
        x = np.arange(1, n + 1, dtype=np.float64)
        x_train, y_train, x_test, y_test = (np.asarray(a) for a in nb.split_windows(x, m, s, fraction))
        train, test = split_in_time(x, (1 - fraction,))
        cut = round((1 - fraction) * n)
        what = f"split_windows(1…{n}, m={m}, s={s}, test_fraction={fraction:.3f}), cut after step {cut}"
        assert len(train) == cut, "split_in_time and round() agree on the cut"
        assert x_train.size == 0 or max(x_train.max(), y_train.max()) <= cut, what + ": a training window or target crosses the cut"
        assert x_test.size == 0 or min(x_test.min(), y_test.min()) > cut, what + ": a test window starts before the cut"
        for got, want in zip((x_train, y_train, x_test, y_test), (*windows(train, m, s, 1), *windows(test, m, s, 1))):
            assert got.shape == want.shape and np.array_equal(got, want), what + ": the windows of each part, next-value targets"


def test_framework_windows(nb):
    draw = np.random.default_rng(SEED + 5)
    for n, m, s, d in [(17, 4, 2, 1), (1000, 200, 100, 7), (1000, 10, 3, 2)] + _random(draw, 15):  # 331 windows: more than one batch
        if n < m:
            continue
        x = _series(n, d, draw)
        want = windows(x, m, s)[0]
        if nb.track == "torch":
            want = want.transpose(0, 2, 1)  # unfold's (b, d, m)
        got = np.asarray(nb.framework_windows(x, m, s))
        layout = "(b, d, m)" if nb.track == "torch" else "(b, m, d)"
        assert got.shape == want.shape, f"framework_windows of ({n}, {d}) steps, m={m}, s={s}: {layout} {want.shape}"
        assert np.allclose(got, want), f"framework_windows of ({n}, {d}) steps, m={m}, s={s}"
