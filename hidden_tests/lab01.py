"""Hidden tests of lab 1 (both languages). They run in the grader, never in the
student's kernel: ``nb`` calls the student's functions (coursetools/grading/proxy.py).
Each test also repeats the visible checks, since the kernel's own run of them proves
nothing. Expected values are computed here, with torch where it has the function."""

import numpy as np
import torch

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_activations(nb):
    assert nb.step(0.0) == 1.0 and nb.step(-0.1) == 0.0 and nb.step(2) == 1.0, "step at 0, -0.1 and 2"
    assert abs(nb.sigmoid(0.0) - 0.5) < 1e-12, "sigmoid(0)"
    assert np.allclose(nb.relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0]), "relu of three numbers"
    z = np.linspace(-30, 30, 601)
    sigmoid = np.asarray(nb.sigmoid(z), dtype=float)
    assert sigmoid.shape == z.shape, "sigmoid keeps the shape of an array"
    assert np.allclose(sigmoid, torch.sigmoid(torch.tensor(z)).numpy(), rtol=0, atol=1e-12), \
        "sigmoid on an array from -30 to 30"
    assert np.allclose(nb.relu(z), torch.relu(torch.tensor(z)).numpy()), "relu on an array"
    assert np.array_equal(nb.step(z), (z >= 0).astype(float)), "step on an array"


def test_predict(nb):
    assert list(nb.predict(X, [1, 1], -1.5)) == [0, 0, 0, 1], "AND"
    assert list(nb.predict(X, [1, 1], -0.5)) == [0, 1, 1, 1], "OR"
    assert list(nb.predict(X, [-1, -1], 1.5)) == [1, 1, 1, 0], "NAND"
    assert np.asarray(nb.predict(X, [1, 1], -1.5)).shape == (4,), "one output per row"


def _reference(X, y, lr, epochs):
    w, b, errors = np.zeros(2), 0.0, []
    for _ in range(epochs):
        n = 0
        for xi, t in zip(X.astype(float), y):
            d = t - (1.0 if xi @ w + b >= 0 else 0.0)
            w, b, n = w + lr * d * xi, b + lr * d, n + (d != 0)
        errors.append(n)
        if n == 0:
            break
    return w, b, errors


def test_train_perceptron(nb):
    for target in ([0, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0]):
        w, b, errors = nb.train_perceptron(X, np.array(target))
        assert errors[-1] == 0 and list(nb.predict(X, w, b)) == target, f"learns {target}"
        w_ref, b_ref, errors_ref = _reference(X, np.array(target), 1.0, 20)
        assert np.allclose(w, w_ref) and np.isclose(b, b_ref) and list(errors) == errors_ref, \
            f"the weights and errors of Rosenblatt's rule on {target}"
    w, b, errors = nb.train_perceptron(X, np.array([0, 1, 1, 0]))
    assert len(errors) == 20 and min(errors) > 0, "XOR never converges"
    w, b, errors = nb.train_perceptron(X, np.array([0, 1, 1, 1]), lr=0.5)
    assert list(errors) == _reference(X, np.array([0, 1, 1, 1]), 0.5, 20)[2], "learning rate 0.5"


def test_sse(nb):
    assert abs(nb.sse([1, 0, 1], [0.8, 0.2, 0.6]) - 0.24) < 1e-12, "the example of the lab"
    generator = np.random.default_rng(2024)
    a, c = generator.normal(size=50), generator.normal(size=50)
    expected = torch.nn.functional.mse_loss(torch.tensor(c), torch.tensor(a), reduction="sum").item()
    assert abs(nb.sse(a, c) - expected) < 1e-9, "50 random pairs"
    assert nb.sse([1, 2], [1, 2]) == 0.0, "no error"


def test_speedup(nb):
    assert abs(nb.speedup(3957.1, 2.103) - 1881.6) < 0.05, "the example of the lab"
    assert abs(nb["dask_vs_pandas"] - 5.02) < 0.005, "dask_vs_pandas"
    assert abs(nb["rapids_vs_pandas"] - 1881.6) < 0.05, "rapids_vs_pandas"
    assert abs(nb["rapids_vs_dask"] - 375.0) < 0.05, "rapids_vs_dask"
    assert abs(nb.gpu_years(26000) - 2.97) < 0.005, "gpu_years(26000)"
    assert abs(nb["gesture_gpu_years"] - 2.97) < 0.005, "gesture_gpu_years"
    assert abs(nb.gpu_years(8760) - 1.0) < 1e-12, "a year of GPU-hours"
