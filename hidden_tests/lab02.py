"""Hidden tests of lab 2, for both languages and both framework tracks (Keras, PyTorch):
one file, so the tracks are graded by the same tests on the same inputs. They run in the
grader and call the student's code through ``nb`` (coursetools/grading/proxy.py).
Parameter counts are checked against real torch and Keras layers here."""

import numpy as np

from coursetools.grading.proxy import StudentError

SEED = 2025
# The grader's kernels have no network, so they train in fast mode on the offline data
# (dlcourse.data). A correct notebook reaches 0.90-0.93 on these test images
# (benchmarks/results/lab02_training.json, quoted on the lab's book page); a network that
# learned nothing gets about 0.1. The curriculum's 0.95 on 2,000 images is for all 60,000
# training images, which the grader does not have.
MIN_ACCURACY = 0.8


def test_head_for(nb):
    assert nb.head_for("regression") == ("linear", "mse"), "regression"
    assert nb.head_for("binary") == ("sigmoid", "binary_crossentropy"), "binary classification"
    assert nb.head_for("multiclass") == ("softmax", "categorical_crossentropy"), "multi-class classification"
    assert nb.head_for("multilabel") == ("sigmoid", "binary_crossentropy"), "multi-label classification"
    try:
        nb.head_for("clustering")
    except StudentError as error:
        assert "raised ValueError" in str(error), "an unknown kind of problem raises a ValueError"
    else:
        raise AssertionError("an unknown kind of problem raises a ValueError")


def test_dense_params(nb):
    import torch

    assert nb.dense_params(784, 128) == 100_480, "784 inputs, 128 units"
    assert nb.dense_params(128, 10) == 1_290, "128 inputs, 10 units"
    for n, h in np.random.default_rng(SEED).integers(1, 300, size=(5, 2)).tolist():
        expected = sum(p.numel() for p in torch.nn.Linear(n, h).parameters())
        assert nb.dense_params(n, h) == expected, f"{n} inputs, {h} units, as torch.nn.Linear counts"


def test_preprocess(nb):
    generator = np.random.default_rng(SEED)
    images = generator.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[1, 0, 0] = 0, 255
    labels = np.array([3, 0, 9, 1, 1, 7, 4])
    x, y = nb.preprocess(images, labels)
    assert np.asarray(x).shape == (7, 784), "x has one row of 784 values per image"
    assert np.asarray(x).dtype == np.float32, "x is float32"
    assert np.allclose(x, images.reshape(7, 784) / 255, atol=1e-7), "x is the pixels divided by 255, row by row"
    assert np.asarray(y).shape == (7, 10) and np.asarray(y).dtype == np.float32, "y is one-hot float32, 10 columns"
    assert np.array_equal(y, np.eye(10)[labels]), "y has a 1 at each label"


def test_split(nb):
    x = np.arange(120, dtype=np.float32).reshape(60, 2)
    y = np.eye(10, dtype=np.float32)[np.arange(60) % 10]
    for seed in (0, 7):
        x_train, y_train, x_val, y_val = nb.split(x, y, 10, seed)
        order = np.random.default_rng(seed).permutation(60)
        assert np.array_equal(x_val, x[order[:10]]) and np.array_equal(y_val, y[order[:10]]), \
            f"the validation set, seed {seed}"
        assert np.array_equal(x_train, x[order[10:]]) and np.array_equal(y_train, y[order[10:]]), \
            f"the training set, seed {seed}"


def _parameters(nb, sizes):
    if nb.track == "keras":
        return nb.eval(f"build_model{sizes}.count_params()")
    return nb.eval(f"sum(p.numel() for p in build_model{sizes}.parameters())")


def _output_shape(nb):
    if nb.track == "keras":
        return nb.eval("tuple(build_model()(np.zeros((2, 784), dtype='float32')).shape)")
    return nb.eval("tuple(build_model()(torch.zeros(2, 784)).shape)")


def test_build_model(nb):
    import torch

    for sizes in ((784, 128, 10), (20, 7, 3), (5, 64, 2)):
        n, h, k = sizes
        expected = sum(p.numel() for p in torch.nn.Sequential(torch.nn.Linear(n, h), torch.nn.Linear(h, k)).parameters())
        assert _parameters(nb, sizes) == expected, f"a {n}-{h}-{k} network has {expected} parameters"
    assert _parameters(nb, ()) == 101_770, "by default, the 784-128-10 network"
    assert list(_output_shape(nb)) == [2, 10], "10 outputs for each row of 784 values"


def test_predict_labels(nb):
    from dlcourse.data import load_mnist

    (_, _), (images, labels) = load_mnist(nb.track, source="offline", verbose=False)
    x = images.reshape(len(images), -1).astype(np.float32) / 255
    predicted = np.asarray(nb.predict_labels(nb.ref("model"), x))
    assert predicted.shape == labels.shape, "one label per image"
    accuracy = float((predicted.astype(np.int64) == labels).mean())
    assert accuracy >= MIN_ACCURACY, f"test accuracy {accuracy:.3f}, below {MIN_ACCURACY}"
