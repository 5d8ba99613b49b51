"""Hidden tests of the fixture lab (tests/data/fixture_lab): those of lab 1, with numpy
references only, so that grading a hostile case imports no framework in the grader."""

import numpy as np

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_activations(nb):
    assert nb.step(0.0) == 1.0 and nb.step(-0.1) == 0.0 and nb.step(2) == 1.0, "step at 0, -0.1 and 2"
    assert abs(nb.sigmoid(0.0) - 0.5) < 1e-12, "sigmoid(0)"
    z = np.linspace(-30, 30, 61)
    assert np.allclose(nb.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=0, atol=1e-12), "sigmoid on an array"
    assert np.allclose(nb.relu(z), np.where(z > 0, z, 0.0)), "relu on an array"
    assert np.array_equal(nb.step(z), (z >= 0).astype(float)), "step on an array"


def test_predict(nb):
    assert list(nb.predict(X, [1, 1], -1.5)) == [0, 0, 0, 1], "AND"
    assert list(nb.predict(X, [-1, -1], 1.5)) == [1, 1, 1, 0], "NAND"


def test_train_perceptron(nb):
    w, b, errors = nb.train_perceptron(X, np.array([0, 1, 1, 1]))
    assert errors[-1] == 0 and list(nb.predict(X, w, b)) == [0, 1, 1, 1], "learns OR"
    assert list(errors) == [2, 2, 1, 0] and np.allclose(w, [1, 1]) and b == -1, "Rosenblatt's rule on OR"
    w, b, errors = nb.train_perceptron(X, np.array([0, 1, 1, 0]))
    assert len(errors) == 20 and min(errors) > 0, "XOR never converges"


def test_sse(nb):
    assert abs(nb.sse([1, 0, 1], [0.8, 0.2, 0.6]) - 0.24) < 1e-12, "the example of the lab"
    a, c = np.random.default_rng(2024).normal(size=(2, 50))
    assert abs(nb.sse(a, c) - float(((a - c) ** 2).sum())) < 1e-9, "50 random pairs"


def test_speedup(nb):
    assert abs(nb.speedup(3957.1, 2.103) - 1881.6) < 0.05, "the example of the lab"
    assert abs(nb["dask_vs_pandas"] - 5.02) < 0.005, "dask_vs_pandas"
