"""Hidden tests of lab 7, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).

The oracle of the convolutions is the course's reference, coursetools.conv1d_reference,
which tests/test_ch07_numbers.py checks against Keras's Conv1D and torch's Conv1d. The
network is trained again in the student's kernel with a freshly imported
dlcourse.sequences (a notebook that replaced the module's functions gains nothing) and the
grader's seed, and measured here, on the grader's side, on fresh recordings whose labels
never reach the kernel: only their inputs go there, and the predicted classes come back."""

import numpy as np

from coursetools.conv1d_reference import conv1d as reference_conv1d
from coursetools.conv1d_reference import conv1d_params
from dlcourse.sequences import STEPS, synthetic_gestures

SEED = 2027
FRESH_SEED = 917  # the grader's own test recordings
PASS = 0.95
STILL, MOVED = 1e-6, 1e-5  # an output that did not move, and one that did (float32 round-off)

KERNEL = '''
import importlib as _g7_importlib
import numpy as _g7_np
import dlcourse.sequences
_g7 = _g7_importlib.reload(dlcourse.sequences)


def _g7_raises(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except ValueError as _g7_error:  # noqa: F841
        return True
    return False


def _g7_params(_g7_model):
    if hasattr(_g7_model, "count_params"):
        return int(_g7_model.count_params())
    return sum(p.numel() for p in _g7_model.parameters())


def _g7_input(_g7_model, _g7_x):
    """A batch (batch, time, channels) as the model's framework takes it."""
    _g7_x = _g7_np.asarray(_g7_x, dtype="float32")
    if hasattr(_g7_model, "count_params"):
        return _g7_x
    import torch
    return torch.from_numpy(_g7_np.ascontiguousarray(_g7_x.transpose(0, 2, 1)))


def g7_run(_g7_model, _g7_x):
    """The model's output for a batch (batch, time, channels), as (batch, time, channels)
    for a sequence model, (batch, outputs) for a classifier."""
    if hasattr(_g7_model, "count_params"):
        return _g7_np.asarray(_g7_model(_g7_input(_g7_model, _g7_x), training=False), dtype="float64")
    import torch
    _g7_model.eval()
    with torch.inference_mode():
        _g7_out = _g7_model(_g7_input(_g7_model, _g7_x)).numpy().astype("float64")
    return _g7_out.transpose(0, 2, 1) if _g7_out.ndim == 3 else _g7_out


def _g7_trained(_g7_seed, _g7_framework):
    """The student's build_model trained by the package's loop on the offline recordings."""
    _g7_data = _g7.offline_gestures()
    if _g7_framework == "keras":
        import keras
        keras.utils.set_random_seed(_g7_seed)
    else:
        import torch
        torch.manual_seed(_g7_seed)
    _g7_model = build_model(_g7.STEPS, _g7.CHANNELS, 2)
    if hasattr(_g7_model, "parameters"):
        _g7_model = _g7_model.cpu()
    _g7.train_classifier(_g7_model, _g7_input(_g7_model, _g7_data.x_train), _g7_data.y_train, 5, seed=_g7_seed)
    return _g7_model
'''
FRESH = f"exec({KERNEL!r}, globals())"


def _random_case(draw, causal):
    steps, c_in, c_out, k = draw.integers(6, 30), draw.integers(1, 4), draw.integers(1, 4), draw.integers(1, 5)
    stride, dilation = int(draw.integers(1, 4)), int(draw.integers(1, 4))
    padding = "causal" if causal else int(draw.integers(0, 3))
    if dilation * (k - 1) + 1 > steps:
        dilation = 1
    x = draw.normal(size=(steps, c_in))
    w = draw.normal(size=(k, c_in, c_out))
    return x, w, draw.normal(size=c_out), stride, padding, dilation


def test_conv1d(nb):
    signal, kernel = np.array([0, 0, 0, 0, 1.0])[:, None], np.array([0, 0.5, 1.0])[:, None, None]
    assert np.allclose(np.asarray(nb.conv1d(signal, kernel, None, 1, 1, 1))[:, 0], [0, 0, 0, 1, 0.5]), \
        "the slide's example: [0, 0, 0, 1, 0.5] (cross-correlation, the kernel not flipped)"
    assert np.asarray(nb.conv1d(np.zeros((200, 3)), np.zeros((5, 3, 12)))).shape == (196, 12), "3@200 -> 12@196"
    draw = np.random.default_rng(SEED)
    for case in range(40):
        x, w, b, stride, padding, dilation = _random_case(draw, causal=case % 4 == 0)
        if case % 3 == 0:
            b = None
        got = np.asarray(nb.conv1d(x, w, b, stride, padding, dilation), dtype=float)
        want = reference_conv1d(x, w, b, stride, padding, dilation)
        what = f"conv1d of a ({len(x)}, {x.shape[1]}) input, kernel {w.shape}, stride {stride}, padding {padding!r}, dilation {dilation}"
        assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
        assert np.allclose(got, want, atol=1e-8), what
    nb.eval(FRESH)
    assert nb.eval("_g7_raises(conv1d, _g7_np.zeros((5, 1)), _g7_np.zeros((3, 1, 1)), dilation=3)"), \
        "a dilated kernel spanning 7 steps on 5 steps raises ValueError"


def test_framework_conv1d(nb):
    draw = np.random.default_rng(SEED + 1)
    for case in range(12):
        causal = case % 3 == 0
        x, w, b, stride, _, dilation = _random_case(draw, causal)
        if stride > 1 and dilation > 1:  # Keras refuses the combination; the lab does not ask for it
            stride = 1
        batch = np.stack([x, draw.normal(size=x.shape)]).astype(np.float32)
        w, b = w.astype(np.float32), b.astype(np.float32)
        got = np.asarray(nb.framework_conv1d(batch, w, b, stride, dilation, causal), dtype=float)
        want = np.stack([reference_conv1d(item, w, b, stride, "causal" if causal else 0, dilation) for item in batch])
        what = f"framework_conv1d, kernel {w.shape}, stride {stride}, dilation {dilation}, causal {causal}"
        assert got.shape == want.shape, f"{what}: shape {got.shape}, expected (batch, time, channels) {want.shape}"
        assert np.allclose(got, want, atol=1e-4), what


def test_build_model(nb):
    nb.eval(FRESH)
    for steps, channels, classes in ((200, 7, 2), (128, 9, 6)):
        expected = (conv1d_params(5, channels, 16) + conv1d_params(5, 16, 32) + 32 * classes + classes)
        nb.eval(f"globals().update(_g7_m=build_model({steps}, {channels}, {classes}))")
        assert nb.eval("_g7_params(_g7_m)") == expected, f"build_model({steps}, {channels}, {classes}): {expected} parameters"
        out = np.asarray(nb.eval(f"g7_run(_g7_m, _g7_np.zeros((3, {steps}, {channels})))"))
        assert out.shape == (3, classes), f"one logit per class: ({3}, {classes})"


def test_accuracy(nb):
    """The lab's training again, with the grader's seed, measured on fresh recordings."""
    x, y = synthetic_gestures(400, seed=FRESH_SEED)
    assert x.shape[1] == STEPS
    nb.eval(FRESH)
    nb.eval(f"globals().update(_g7_m=_g7_trained({SEED}, {nb.track!r}))")
    logits = np.asarray(nb.g7_run(nb.ref("_g7_m"), x))  # only the inputs reach the kernel
    assert logits.shape == (len(x), 2), "one logit per class for every recording"
    measured = float(np.mean(logits.argmax(axis=1) == y))
    assert measured >= PASS, f"accuracy {measured:.3f} on the grader's fresh recordings, at least {PASS} expected"


def test_causal_stack(nb):
    nb.eval(FRESH)
    draw = np.random.default_rng(SEED + 2)
    for channels, dilations in ((4, [1, 2, 4, 8]), (2, [1, 2, 4])):
        field = 1 + sum(dilations)  # kernel size 2
        what = f"causal_stack({channels}, {dilations})"
        nb.eval(f"globals().update(_g7_m=causal_stack({channels}, {dilations}))")
        series = draw.normal(size=(1, 64, channels))
        before = np.asarray(nb.g7_run(nb.ref("_g7_m"), series))
        assert before.shape == series.shape, f"{what}: the output is as long as the input, with as many channels"
        for t in (40, 20):
            changed = series.copy()
            changed[0, t] += 3.0
            after = np.asarray(nb.g7_run(nb.ref("_g7_m"), changed))
            moved = np.abs(after - before).max(axis=2)[0]
            assert np.all(moved[:t] < STILL), f"{what}: changing input {t} moves no earlier output (causal)"
            assert moved[t] > MOVED, f"{what}: changing input {t} moves output {t}"
            assert np.all(moved[t + field:] < STILL), f"{what}: output {t + field} is beyond the receptive field of {field}"
            assert moved[t + field - 1] > MOVED, f"{what}: output {t + field - 1} still sees input {t} (receptive field {field})"
