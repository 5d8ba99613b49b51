"""Hidden tests of lab 5, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).

The oracle is framework-free: the grader reads the course's checkpoint with NumPy
(dlcourse.inside.weights, which checks its hash) and runs the network itself, with NumPy,
on the same offline test images the notebook loads. The activation maps that come back
from the student's kernel must match it, and the student's input gradient must predict
how the NumPy network's activation changes along random directions (the network is
piecewise linear, so a central difference with a small step is exact but for rounding).
The notebook's own ``model`` and ``to_input`` are not used: each test loads the network
afresh from a reloaded dlcourse.inside, so a notebook that changed either gains nothing."""

import numpy as np

from dlcourse.inside import weights

SEED = 2025
IMAGES = 3
FRESH = ("__import__('importlib').reload(__import__('dlcourse.inside', fromlist=['_']))"
         ".load_cnn('{track}', verbose=False)")
OFFLINE = ("(__import__('dlcourse.data', fromlist=['_']).load_mnist('{track}', source='offline', verbose=False)"
           f"[1][0][:{IMAGES}].astype('float32') / 255)")


def _conv(x, w, b):
    """A valid convolution (cross-correlation) of x (C, H, W) with w (O, C, k, k)."""
    k = w.shape[-1]
    height, width = x.shape[1] - k + 1, x.shape[2] - k + 1
    out = np.zeros((w.shape[0], height, width))
    for i in range(k):
        for j in range(k):
            out += np.einsum("oc,chw->ohw", w[:, :, i, j], x[:, i:i + height, j:j + width])
    return out + b[:, None, None]


def _pool(x):
    channels, height, width = x.shape[0], x.shape[1] // 2, x.shape[2] // 2
    return x[:, :2 * height, :2 * width].reshape(channels, height, 2, width, 2).max(axis=(2, 4))


def _layers(image, w):
    """Every layer's output for one (28, 28) image, channel first, in float64."""
    out, x = {}, image[None].astype(np.float64)
    for i in (1, 2, 3):
        out[f"conv{i}"] = x = _conv(x, w[f"conv{i}.weight"].astype(np.float64), w[f"conv{i}.bias"].astype(np.float64))
        out[f"relu{i}"] = x = np.maximum(x, 0)
        if i < 3:
            out[f"pool{i}"] = x = _pool(x)
    return out


def _images(nb):
    from dlcourse.data import load_mnist

    return load_mnist(nb.track, source="offline", verbose=False)[1][0][:IMAGES].astype(np.float32) / 255


def _input(nb, images="{offline}"):
    images = images.format(offline=OFFLINE.format(track=nb.track))
    if nb.track == "keras":
        return f"({images})[..., None]"
    return f"__import__('torch').from_numpy({images})[:, None]"


def _maps(nb, model, layer, images="{offline}"):
    """The student's activation maps of ``layer``, channel first, as a NumPy array."""
    run = f"activation_model({model}, {layer!r})({_input(nb, images)})"
    if nb.track == "keras":
        return np.asarray(nb.eval(f"__import__('numpy').asarray({run}).transpose(0, 3, 1, 2)"))
    return np.asarray(nb.eval(f"{run}.detach().numpy()"))


def test_activation_model(nb):
    w = weights()
    expected = [_layers(image, w) for image in _images(nb)]
    fresh = FRESH.format(track=nb.track)
    for layer, shape in (("relu1", (32, 26, 26)), ("pool1", (32, 13, 13)), ("conv2", (64, 11, 11)),
                         ("relu3", (64, 3, 3))):
        maps = _maps(nb, fresh, layer)
        keras_shape = (IMAGES, shape[1], shape[2], shape[0])
        assert maps.shape == (IMAGES, *shape), \
            f"{layer}: the shape {keras_shape if nb.track == 'keras' else (IMAGES, *shape)} for {IMAGES} images"
        want = np.stack([e[layer] for e in expected])
        assert np.allclose(maps, want, atol=1e-4), f"{layer}: the output of that layer, not of another one"
    if nb.track == "keras":
        blank = (f"(lambda m: m.get_layer('conv1').set_weights([__import__('numpy').zeros((3, 3, 1, 32)), "
                 f"__import__('numpy').ones(32)]) or m)({fresh})")
    else:
        blank = f"(lambda m: (m.conv1.weight.data.zero_(), m.conv1.bias.data.fill_(1.0)) and m)({fresh})"
    ones = _maps(nb, blank, "relu1")
    assert np.allclose(ones, 1.0), "the maps come from the network it is given, not from another one"
    if nb.track == "torch":
        hooks = nb.eval(f"(lambda m: [activation_model(m, 'relu2')({_input(nb)}) for _ in range(3)] and "
                        "sum(len(x._forward_hooks) for x in m.modules()))(" + fresh + ")")
        assert hooks == 0, "the forward hook is removed after each call"


def test_occlusion_map(nb):
    toy = nb.eval("occlusion_map(lambda b: b[:, :2, :2].sum(axis=(1, 2)), __import__('numpy').ones((4, 4)), 2, 2)")
    assert np.allclose(toy, [[4, 0], [0, 0]]), "a 4 x 4 image of ones, f the sum of its top-left 2 x 2: [[4, 0], [0, 0]]"
    for size, patch, stride, rows in ((28, 7, 7, 4), (28, 7, 3, 8), (9, 4, 5, 2)):
        shape = np.asarray(nb.eval(f"occlusion_map(lambda b: b.sum(axis=(1, 2)), __import__('numpy').ones(({size}, "
                                   f"{size})), {patch}, {stride})")).shape
        assert shape == (rows, rows), f"{size} x {size}, patch {patch}, stride {stride}: a {rows} x {rows} map"
    rng = np.random.default_rng(SEED)
    image, weight = rng.random((10, 7)), rng.random((10, 7))
    for patch, stride, fill in ((3, 2, 0.0), (2, 3, 0.25), (4, 1, 1.0)):
        rows, cols = (10 - patch) // stride + 1, (7 - patch) // stride + 1
        want = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                covered = image.copy()
                covered[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
                want[i, j] = (weight * image).sum() - (weight * covered).sum()
        got = nb.eval(f"(lambda r: occlusion_map(lambda b: (b * r[1]).sum(axis=(1, 2)), r[0], {patch}, {stride}, "
                      f"{fill}))(__import__('numpy').random.default_rng({SEED}).random((2, 10, 7)))")
        assert np.asarray(got).shape == (rows, cols) and np.allclose(got, want), \
            f"a 10 x 7 image, patch {patch}, stride {stride}, fill {fill}: the score's drop at each position, row by row"
    unchanged = nb.eval("(lambda x: (occlusion_map(lambda b: b.sum(axis=(1, 2)), x, 2, 2), float(x.sum()))[1])"
                        "(__import__('numpy').ones((6, 6)))")
    assert unchanged == 36.0, "the image itself is not changed"


def test_ascent(nb):
    one = nb.eval("ascent(lambda x: __import__('numpy').array([1.0, -2.0]), __import__('numpy').zeros(2), 0.1, 1)")
    assert np.allclose(one, [0.1, -0.2]), "a = w . x, w = (1, -2), one step of 0.1 from 0: (0.1, -0.2)"
    centre = [0.5, -1.0, 2.0]  # a(x) = -|x - centre|^2, gradient -2 (x - centre)
    values = []
    for steps in range(11):
        x = np.asarray(nb.eval(f"ascent(lambda x: -2 * (x - __import__('numpy').array({centre})), "
                               f"__import__('numpy').zeros(3), 0.1, {steps})"), dtype=float)
        assert np.allclose(x, np.array(centre) * (1 - 0.8 ** steps)), \
            f"{steps} steps of 0.1 on -|x - c|^2 from 0 give c (1 - 0.8^{steps}): each step uses the gradient at the new x"
        values.append(-((x - centre) ** 2).sum())
    assert all(b >= a for a, b in zip(values, values[1:])), "the activation never falls over 10 steps"
    calls = nb.eval("(lambda calls: (ascent(lambda v: calls.append(1) or __import__('numpy').ones(2), "
                    "__import__('numpy').zeros(2), 1.0, 5), len(calls))[1])([])")
    assert calls == 5, "5 steps ask for the gradient 5 times"
    kept = nb.eval("(lambda x: (ascent(lambda v: __import__('numpy').ones(3), x, 0.5, 4), x.tolist())[1])"
                   "(__import__('numpy').zeros(3))")
    assert kept == [0.0, 0.0, 0.0], "x0 is not changed"


def test_input_gradient(nb):
    w = weights()
    # A digit with a little noise: no two pixels alike, so no max-pooling window has a tie
    # (at a tie the network has no gradient, and frameworks pick one of the winners).
    noisy = (f"({OFFLINE.format(track=nb.track)}[:1] * 0.8 + 0.1 + 0.05 * "
             f"__import__('numpy').random.default_rng({SEED}).random((1, 28, 28))).astype('float32')")
    image = (_images(nb)[:1] * 0.8 + 0.1 + 0.05 * np.random.default_rng(SEED).random((1, 28, 28))).astype(np.float32)
    fresh = FRESH.format(track=nb.track)
    layout = "[..., None]" if nb.track == "keras" else "[:, None]"
    rng = np.random.default_rng(SEED)
    layers = _layers(image[0], w)
    most_active = {name: int(layers[name].mean(axis=(1, 2)).argmax()) for name in ("relu3", "relu2")}
    for layer, channel in (("relu3", most_active["relu3"]), ("relu2", most_active["relu2"]), ("conv1", 3)):
        got = np.asarray(nb.eval(f"__import__('numpy').asarray(input_gradient({fresh}, {layer!r}, {channel})"
                                 f"({noisy}{layout}))"), dtype=float)
        want_shape = (1, 28, 28, 1) if nb.track == "keras" else (1, 1, 28, 28)
        assert got.shape == want_shape, f"the gradient has the input's shape {want_shape}"
        g = got.reshape(28, 28)
        for _ in range(3):
            direction = rng.normal(size=(28, 28))
            step = 1e-6  # small enough that no ReLU or max-pooling switches on the way (float64)
            up = _layers(image[0] + step * direction, w)[layer][channel].mean()
            down = _layers(image[0] - step * direction, w)[layer][channel].mean()
            slope = (up - down) / (2 * step)
            assert abs((g * direction).sum() - slope) <= 1e-4 + 1e-3 * abs(slope), \
                f"{layer}, channel {channel}: the gradient of the channel's mean activation with respect to the input"
