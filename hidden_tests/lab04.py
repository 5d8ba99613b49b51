"""Hidden tests of lab 4, for both languages and both framework tracks. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).

The networks live in the student's kernel, so what is measured there is asked for in plain
expressions: parameter counts from the framework itself, and feature-map sizes from
dlcourse.feature_maps after a fresh import (a notebook that replaced the function gains
nothing). The expected counts come from the course's reference, coursetools.cnn_arithmetic
(checked against real layers in tests/test_cnn_arithmetic.py), so the grader imports no
framework."""

import numpy as np

from coursetools.cnn_arithmetic import conv_params, dense_params, separable_params

SEED = 2025
MAPS = [26, 13, 11, 5, 3]  # 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5 -> conv 3
FLAT = 3 * 3 * 64
CNN = conv_params(3, 1, 32) + conv_params(3, 32, 64) + conv_params(3, 64, 64) + dense_params(FLAT, 64) + dense_params(64, 10)
BN_CNN = CNN - (32 + 64 + 64) + 2 * (32 + 64 + 64)  # no conv biases; gamma and beta per channel
SEPARABLE_CNN = (conv_params(3, 1, 32) + separable_params(3, 32, 64) + separable_params(3, 64, 64)
                 + dense_params(FLAT, 64) + dense_params(64, 10))
# The grader trains in fast mode on the offline data (3,600 images, 3 epochs). A correct
# notebook reaches 0.94-0.97 on these test images (benchmarks/results/lab04_training.json,
# quoted on the lab's book page); a network that learned nothing gets about 0.1.
MIN_ACCURACY = 0.9

FRESH = "__import__('importlib').reload(__import__('dlcourse.feature_maps', fromlist=['_'])).feature_map_sizes"


def _maps(nb, build):
    return nb.eval(f"{FRESH}({build})")


def _trainable(nb, build):
    if nb.track == "keras":
        return nb.eval(f"sum(int(__import__('math').prod(w.shape)) for w in {build}.trainable_weights)")
    return nb.eval(f"sum(p.numel() for p in {build}.parameters() if p.requires_grad)")


def _total(nb, build):
    if nb.track == "keras":
        return nb.eval(f"{build}.count_params()")
    return nb.eval(f"sum(p.numel() for p in {build}.parameters())")


def _layer_names(nb, build):
    """The class names of the model's layers, nested blocks opened up, in order."""
    if nb.track == "keras":
        return nb.eval(f"(lambda f: f(f, {build}))(lambda f, m: [n for l in m.layers for n in "
                       "(f(f, l) if hasattr(l, 'layers') else [type(l).__name__])])")
    return nb.eval(f"[type(m).__name__ for m in {build}.modules() if not list(m.children())]")


def _output_shape(nb, build):
    if nb.track == "keras":
        return nb.eval(f"tuple({build}(__import__('numpy').zeros((2, 28, 28, 1), 'float32')).shape)")
    return nb.eval(f"(lambda m: m.eval() and tuple(m(__import__('torch').zeros(2, 1, 28, 28)).shape))({build})")


def test_build_cnn(nb):
    assert _maps(nb, "build_cnn()") == MAPS, f"feature maps {MAPS} after the convolutions and poolings"
    assert _total(nb, "build_cnn()") == CNN, f"{CNN:,} parameters"
    assert _trainable(nb, "build_cnn()") == CNN, "every parameter is trainable"
    assert list(_output_shape(nb, "build_cnn()")) == [2, 10], "10 outputs per image"
    names = _layer_names(nb, "build_cnn()")
    pooling = "MaxPooling2D" if nb.track == "keras" else "MaxPool2d"
    assert names.count(pooling) == 2, "two max-pooling layers"


def _block_layers(nb, filters, dropout):
    if nb.track == "keras":
        build = f"conv_bn_block({filters}, {dropout})"
        return nb.eval(f"(lambda b: b.build((None, 12, 12, 3)) or [(type(l).__name__, l.get_config()) "
                       f"for l in b.layers])({build})")
    build = f"conv_bn_block(3, {filters}, {dropout})"
    return nb.eval(f"[(type(m).__name__, {{k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(m).items() "
                   "if k in ('kernel_size', 'stride', 'padding', 'num_features', 'momentum', 'p', 'out_channels')} | "
                   "{'bias': getattr(m, 'bias', None) is not None}) "
                   f"for m in {build}]")


def _kind(name, config):
    """A layer's role in the block, whatever the track calls it."""
    if name in ("Conv2D", "Conv2d"):
        return "conv"
    if name in ("BatchNormalization", "BatchNorm2d"):
        return "bn"
    if name == "ReLU" or (name == "Activation" and config.get("activation") == "relu"):
        return "relu"
    if name == "Dropout":
        return "dropout"
    return name


def test_conv_bn_block(nb):
    for filters, dropout in ((32, 0.1), (7, 0.25)):
        layers = _block_layers(nb, filters, dropout)
        kinds = [_kind(name, config) for name, config in layers]
        assert kinds == ["conv", "bn", "relu", "dropout"], f"the order Conv -> BatchNorm -> ReLU -> Dropout, not {kinds}"
        conv, bn, _, drop = (config for _, config in layers)
        if nb.track == "keras":
            assert conv["filters"] == filters and list(conv["kernel_size"]) == [3, 3], f"{filters} filters of 3 x 3"
            assert not conv["use_bias"], "the convolution has no bias: the batch norm's beta does its job"
            assert abs(bn["momentum"] - 0.9) < 1e-9, "the batch norm's momentum is 0.9"
            assert abs(drop["rate"] - dropout) < 1e-9, f"dropout at the rate {dropout}"
        else:
            assert conv["out_channels"] == filters and conv["kernel_size"] == [3, 3], f"{filters} filters of 3 x 3"
            assert not conv["bias"], "the convolution has no bias: the batch norm's beta does its job"
            assert bn["num_features"] == filters, f"the batch norm normalises {filters} channels"
            assert abs(drop["p"] - dropout) < 1e-9, f"dropout with probability {dropout}"
    call = "conv_bn_block(32)" if nb.track == "keras" else "conv_bn_block(1, 32)"
    shape = "(None, 28, 28, 1)" if nb.track == "keras" else None
    if shape:
        call = f"(lambda b: b.build({shape}) or b)({call})"
    assert _trainable(nb, call) == 9 * 32 + 2 * 32, "a block of 32 filters on one channel: 288 + 64 trainable parameters"


def test_build_bn_cnn(nb):
    assert _maps(nb, "build_bn_cnn()") == MAPS, f"feature maps {MAPS}"
    assert _trainable(nb, "build_bn_cnn()") == BN_CNN, f"{BN_CNN:,} trainable parameters"
    names = _layer_names(nb, "build_bn_cnn()")
    bn = "BatchNormalization" if nb.track == "keras" else "BatchNorm2d"
    assert names.count(bn) == 3 and names.count("Dropout") == 4, "three blocks, and dropout before the output layer"
    assert list(_output_shape(nb, "build_bn_cnn()")) == [2, 10], "10 outputs per image"


def test_build_separable_cnn(nb):
    assert _maps(nb, "build_separable_cnn()") == MAPS, f"feature maps {MAPS}"
    assert _total(nb, "build_separable_cnn()") == SEPARABLE_CNN, f"{SEPARABLE_CNN:,} parameters"
    names = _layer_names(nb, "build_separable_cnn()")
    if nb.track == "keras":
        assert names.count("SeparableConv2D") == 2, "two SeparableConv2D layers"
    else:
        depthwise = nb.eval("[m.groups == m.in_channels == m.out_channels for m in build_separable_cnn().modules() "
                            "if type(m).__name__ == 'Conv2d' and m.groups > 1]")
        assert depthwise == [True, True], "two depthwise convolutions (groups = in_channels)"
        for c_in, c_out in ((32, 64), (5, 9)):
            expected = separable_params(3, c_in, c_out)
            assert _total(nb, f"separable_conv({c_in}, {c_out})") == expected, \
                f"separable_conv({c_in}, {c_out}) has {expected:,} parameters"
    assert list(_output_shape(nb, "build_separable_cnn()")) == [2, 10], "10 outputs per image"


def _shift_of(original, shifted, max_shift):
    """The (down, right) shift with zero fill that turns ``original`` into ``shifted``, or None."""
    height, width = original.shape
    for down in range(-max_shift, max_shift + 1):
        for right in range(-max_shift, max_shift + 1):
            expected = np.zeros_like(original)
            expected[max(down, 0):height + min(down, 0), max(right, 0):width + min(right, 0)] = \
                original[max(-down, 0):height + min(-down, 0), max(-right, 0):width + min(-right, 0)]
            if np.array_equal(expected, shifted):
                return down, right
    return None


def test_augment(nb):
    generator = np.random.default_rng(SEED)
    images = generator.random((40, 12, 10)).astype(np.float32) + 0.5  # no zero pixels: every shift shows
    labels = generator.integers(0, 10, size=40).astype(np.uint8)
    shifted, same_labels = nb.augment(images, labels, 2, 7)
    shifted = np.asarray(shifted)
    assert shifted.shape == images.shape and shifted.dtype == images.dtype, "the same shape and dtype"
    assert np.array_equal(same_labels, labels), "the labels are returned unchanged"
    shifts = [_shift_of(a, b, 2) for a, b in zip(images, shifted)]
    assert None not in shifts, "each image is shifted by whole pixels, at most 2, with zeros at the border (no wrap-around)"
    assert len(set(shifts)) >= 8, "the shifts are random: different images get different shifts"
    many = generator.random((200, 5, 5)).astype(np.float32) + 0.5
    found = {_shift_of(a, b, 1) for a, b in zip(many, np.asarray(nb.augment(many, np.zeros(200), 1, 5)[0]))}
    assert found == {(d, r) for d in (-1, 0, 1) for r in (-1, 0, 1)}, \
        "every shift from -1 to 1, in both directions, appears among 200 images (max_shift=1)"
    again, _ = nb.augment(images, labels, 2, 7)
    assert np.array_equal(again, shifted), "the same seed gives the same shifts"
    other, _ = nb.augment(images, labels, 2, 8)
    assert not np.array_equal(other, shifted), "another seed gives other shifts"
    wide, _ = nb.augment(images, labels, 4, 1)
    wide_shifts = [_shift_of(a, b, 4) for a, b in zip(images, np.asarray(wide))]
    assert None not in wide_shifts and max(max(abs(d), abs(r)) for d, r in wide_shifts) > 2, "max_shift=4 shifts up to 4"
    unshifted, _ = nb.augment(images, labels, 0, 3)
    assert np.array_equal(unshifted, images), "max_shift=0 changes nothing"
    assert nb.eval("(lambda x: (augment(x, __import__('numpy').zeros(3), 2, 0), float(x.sum()))[1])"
                   "(__import__('numpy').ones((3, 6, 6), 'float32'))") == 108.0, "the input array is not modified"


def test_predict_labels(nb):
    from dlcourse.data import load_mnist

    (_, _), (images, labels) = load_mnist(nb.track, source="offline", verbose=False)
    x = images.astype(np.float32) / 255
    if nb.track == "torch":
        nb.eval("model.train() and None")  # however the network is handed over
    predicted = np.asarray(nb.predict_labels(nb.ref("model"), x))
    assert predicted.shape == labels.shape, "one label per image"
    accuracy = float((predicted.astype(np.int64) == labels).mean())
    assert accuracy >= MIN_ACCURACY, f"test accuracy {accuracy:.3f}, below {MIN_ACCURACY}"
    one_by_one = [int(np.asarray(nb.predict_labels(nb.ref("model"), x[i:i + 1]))[0]) for i in range(8)]
    assert one_by_one == predicted[:8].astype(np.int64).tolist(), \
        "the same prediction for an image alone as in a batch (the network is not in training mode)"
